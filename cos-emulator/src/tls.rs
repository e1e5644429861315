//! The HTTPS listener: a rustls server configuration from a PEM certificate chain and
//! key, offering HTTP/2 and HTTP/1.1 by ALPN (`h2` first, as a client that offers both
//! prefers it).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::errors::EmulatorError;

/// Where the certificate chain and its key come from.
#[derive(Clone)]
pub(crate) enum TlsSource {
    /// PEM text.
    Pem { cert: Vec<u8>, key: Vec<u8> },
    /// PEM files, read at start.
    Files { cert: PathBuf, key: PathBuf },
}

impl fmt::Debug for TlsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The private key never appears.
        match self {
            TlsSource::Pem { cert, .. } => f
                .debug_struct("Pem")
                .field("cert_bytes", &cert.len())
                .finish_non_exhaustive(),
            TlsSource::Files { cert, key } => f
                .debug_struct("Files")
                .field("cert", cert)
                .field("key", key)
                .finish(),
        }
    }
}

/// The ALPN protocols offered, most preferred first.
const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];

impl TlsSource {
    /// Reads the PEM (files) and builds the acceptor.
    ///
    /// Errors: [`EmulatorError::Tls`] for an unreadable file, no certificate, no key, or
    /// a key that does not match the certificate.
    pub(crate) fn acceptor(&self) -> Result<TlsAcceptor, EmulatorError> {
        let (cert, key) = match self {
            TlsSource::Pem { cert, key } => (cert.clone(), key.clone()),
            TlsSource::Files { cert, key } => (read(cert)?, read(key)?),
        };
        let chain = CertificateDer::pem_slice_iter(&cert)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| EmulatorError::Tls(format!("certificate PEM: {e}")))?;
        if chain.is_empty() {
            return Err(EmulatorError::Tls("no certificate in the PEM".into()));
        }
        let key = PrivateKeyDer::from_pem_slice(&key)
            .map_err(|e| EmulatorError::Tls(format!("private key PEM: {e}")))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| EmulatorError::Tls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| EmulatorError::Tls(format!("certificate and key: {e}")))?;
        config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, EmulatorError> {
    std::fs::read(path).map_err(|e| EmulatorError::Tls(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_material_is_a_typed_error() {
        let none = TlsSource::Pem {
            cert: Vec::new(),
            key: Vec::new(),
        };
        assert!(matches!(none.acceptor(), Err(EmulatorError::Tls(_))));
        let missing = TlsSource::Files {
            cert: "/nonexistent/cert.pem".into(),
            key: "/nonexistent/key.pem".into(),
        };
        let e = missing.acceptor().err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("/nonexistent/cert.pem")));
        let s = format!(
            "{:?}",
            TlsSource::Pem {
                cert: b"c".to_vec(),
                key: b"SECRET".to_vec()
            }
        );
        assert!(!s.contains("SECRET"));
    }
}
