//! TLS: the rustls client configuration (crypto provider and trusted roots chosen by
//! cargo features, CA bundles added at run time), and finding rustls' error in a failed
//! connection (it becomes a [`TlsError`]).
//!
//! Verification of the server's certificate is always on: there is no option to turn
//! it off. To reach a server with a private CA, trust that CA
//! ([`TlsConfig::add_ca_pem`] / [`TlsConfig::add_ca_file`]).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::{ConfigError, Error};
pub use crate::error::{TlsError, TlsErrorKind};

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!(
    "cos-core needs a TLS crypto provider: enable the `ring` (default) or `aws-lc-rs` feature"
);

/// A CA bundle to trust: PEM text, or a PEM file read when the transport is built.
#[derive(Clone)]
enum CaBundle {
    Pem(Arc<[u8]>),
    File(PathBuf),
}

/// The TLS settings of a [`Transport`](super::Transport).
///
/// By default the built-in roots are trusted: Mozilla's (feature `webpki-roots`, on by
/// default) and/or the platform's (feature `native-roots`). CA bundles added here are
/// trusted as well; with [`builtin_roots(false)`](Self::builtin_roots), only they are.
///
/// ```
/// use cos_core::transport::TlsConfig;
/// let tls = TlsConfig::default()
///     .add_ca_file("/etc/my-company/ca.pem")
///     .builtin_roots(false);
/// assert_eq!(tls.ca_bundles(), 1);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct TlsConfig {
    bundles: Vec<CaBundle>,
    builtin: bool,
}

impl Default for TlsConfig {
    fn default() -> Self {
        TlsConfig {
            bundles: Vec::new(),
            builtin: true,
        }
    }
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files: Vec<_> = self
            .bundles
            .iter()
            .filter_map(|b| match b {
                CaBundle::File(p) => Some(p),
                CaBundle::Pem(_) => None,
            })
            .collect();
        f.debug_struct("TlsConfig")
            .field("ca_bundles", &self.bundles.len())
            .field("ca_files", &files)
            .field("builtin_roots", &self.builtin)
            .finish()
    }
}

impl TlsConfig {
    /// Also trusts the CA certificates of this PEM bundle (one or more
    /// `-----BEGIN CERTIFICATE-----` blocks). Checked when the transport is built.
    pub fn add_ca_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.bundles.push(CaBundle::Pem(Arc::from(pem.as_ref())));
        self
    }

    /// Also trusts the CA certificates of this PEM file, read when the transport is
    /// built.
    pub fn add_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.bundles.push(CaBundle::File(path.into()));
        self
    }

    /// Whether the built-in roots (of the `webpki-roots` / `native-roots` features) are
    /// trusted besides the added bundles (default true).
    pub fn builtin_roots(mut self, yes: bool) -> Self {
        self.builtin = yes;
        self
    }

    /// How many CA bundles were added.
    pub fn ca_bundles(&self) -> usize {
        self.bundles.len()
    }

    /// The rustls client configuration: the crate's crypto provider, TLS 1.2 and 1.3,
    /// the trusted roots, no client certificate.
    ///
    /// Errors: [`Error::Config`] ([`ConfigError::Tls`]) for an unreadable or invalid CA
    /// bundle, or when no root at all would be trusted.
    pub(crate) fn client_config(&self) -> Result<rustls::ClientConfig, Error> {
        let roots = self.roots()?;
        rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| tls_setup(e.to_string()))
            .map(|b| b.with_root_certificates(roots).with_no_client_auth())
    }

    fn roots(&self) -> Result<RootCertStore, Error> {
        let mut roots = RootCertStore::empty();
        if self.builtin {
            add_builtin_roots(&mut roots);
        }
        for bundle in &self.bundles {
            let (pem, what): (Vec<u8>, String) = match bundle {
                CaBundle::Pem(p) => (p.to_vec(), "CA bundle".into()),
                CaBundle::File(path) => (
                    std::fs::read(path)
                        .map_err(|e| tls_setup(format!("CA file {}: {e}", path.display())))?,
                    format!("CA file {}", path.display()),
                ),
            };
            let certs = CertificateDer::pem_slice_iter(&pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| tls_setup(format!("{what}: {e}")))?;
            if certs.is_empty() {
                return Err(tls_setup(format!("{what}: no PEM certificate in it")));
            }
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| tls_setup(format!("{what}: {e}")))?;
            }
        }
        if roots.is_empty() {
            return Err(tls_setup(
                "no trusted root: enable the `webpki-roots` or `native-roots` feature, or add a CA bundle"
                    .into(),
            ));
        }
        Ok(roots)
    }
}

fn tls_setup(message: String) -> Error {
    Error::Config(ConfigError::Tls(message))
}

/// The crypto provider: aws-lc-rs when its feature is on, else ring.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    #[cfg(feature = "aws-lc-rs")]
    let p = rustls::crypto::aws_lc_rs::default_provider();
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
    let p = rustls::crypto::ring::default_provider();
    Arc::new(p)
}

/// The roots of the enabled features (none without them).
#[allow(unused_variables)]
fn add_builtin_roots(roots: &mut RootCertStore) {
    #[cfg(feature = "webpki-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    #[cfg(feature = "native-roots")]
    {
        let found = rustls_native_certs::load_native_certs();
        for e in &found.errors {
            tracing::warn!(error = %e, "cannot load some platform root certificates");
        }
        let (added, ignored) = roots.add_parsable_certificates(found.certs);
        tracing::debug!(added, ignored, "platform root certificates");
    }
}

/// The rustls error in `e`'s chain, if any (rustls' errors travel inside `io::Error`s,
/// whose `source()` skips them).
pub(crate) fn find_rustls<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        // An `io::Error`'s `source()` skips the error it wraps: look inside it.
        cur = match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bundles_are_config_errors() {
        let none = TlsConfig::default().builtin_roots(false);
        let e = none.client_config().unwrap_err();
        assert!(
            matches!(e, Error::Config(ConfigError::Tls(ref m)) if m.contains("no trusted root"))
        );
        let junk = TlsConfig::default().add_ca_pem("not a pem");
        assert!(matches!(
            junk.client_config(),
            Err(Error::Config(ConfigError::Tls(_)))
        ));
        let missing = TlsConfig::default().add_ca_file("/nonexistent/ca.pem");
        let e = missing.client_config().unwrap_err().to_string();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }

    #[test]
    fn rustls_errors_are_found_inside_io_errors() {
        let inner = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, inner);
        let found = find_rustls(&io).map(TlsError::from_rustls);
        assert_eq!(
            found.map(|t| t.kind()),
            Some(TlsErrorKind::UntrustedCertificate)
        );
        // Nested, as hyper-util wraps the connector's error.
        let outer = std::io::Error::other(io);
        assert!(find_rustls(&outer).is_some());
        let name = rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName);
        assert_eq!(
            TlsError::from_rustls(&name).kind(),
            TlsErrorKind::InvalidCertificate
        );
    }
}
