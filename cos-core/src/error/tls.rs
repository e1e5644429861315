//! [`TlsError`]: what a failed TLS handshake becomes ([`Error::Tls`](crate::Error::Tls)).

use std::fmt;

/// What went wrong in a TLS handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsErrorKind {
    /// The server's certificate is not issued by a trusted CA (a wrong or missing CA
    /// bundle, or an interception proxy).
    UntrustedCertificate,
    /// The certificate is not valid for this server (another name, expired, revoked,
    /// unusable).
    InvalidCertificate,
    /// Any other handshake failure (no common protocol version or cipher, an alert).
    Handshake,
}

/// A TLS handshake failure ([`Error::Tls`](crate::Error::Tls)): never retried, since
/// another attempt meets the same certificate. The cause (rustls' error) is the
/// [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct TlsError {
    kind: TlsErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TlsError {
    /// What went wrong.
    pub fn kind(&self) -> TlsErrorKind {
        self.kind
    }

    /// Classifies rustls' error.
    pub(crate) fn from_rustls(e: &rustls::Error) -> Self {
        use rustls::CertificateError as C;
        let kind = match e {
            rustls::Error::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => {
                TlsErrorKind::UntrustedCertificate
            }
            rustls::Error::InvalidCertificate(_) => TlsErrorKind::InvalidCertificate,
            _ => TlsErrorKind::Handshake,
        };
        TlsError {
            kind,
            source: Box::new(e.clone()),
        }
    }

    /// The source of the error.
    pub(crate) fn cause(&self) -> &(dyn std::error::Error + 'static) {
        &*self.source
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            TlsErrorKind::UntrustedCertificate => {
                "the server's certificate is not issued by a trusted CA"
            }
            TlsErrorKind::InvalidCertificate => "the server's certificate is not valid for it",
            TlsErrorKind::Handshake => "the TLS handshake failed",
        })
    }
}
