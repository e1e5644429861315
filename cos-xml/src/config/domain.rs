//! Custom domains (`PUT/GET/DELETE Bucket domain`) and their certificates
//! (`PUT/GET/DELETE Bucket domaincertificate`).

use serde::{Deserialize, Serialize};

/// `<DomainConfiguration>`: body of PUT Bucket domain, response of GET.
///
/// ```xml
/// <DomainConfiguration>
///   <DomainRule><Status>ENABLED</Status><Name>www.example.com</Name><Type>REST</Type></DomainRule>
/// </DomainConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "DomainConfiguration")]
#[non_exhaustive]
pub struct DomainConfiguration {
    /// The domains, in document order.
    #[serde(rename = "DomainRule", default)]
    pub rules: Vec<DomainRule>,
}

impl DomainConfiguration {
    /// A configuration of `rules`.
    pub fn new(rules: Vec<DomainRule>) -> Self {
        DomainConfiguration { rules }
    }
}

/// `<DomainRule>`: one custom domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRule {
    /// `ENABLED` or `DISABLED`.
    #[serde(rename = "Status")]
    pub status: String,
    /// The domain, e.g. `www.example.com`.
    #[serde(rename = "Name")]
    pub name: String,
    /// `REST` (the XML API) or `WEBSITE` (the static website endpoint).
    #[serde(rename = "Type")]
    pub kind: String,
    /// `CNAME` or `TXT`: replace a domain already bound elsewhere.
    #[serde(
        rename = "ForcedReplacement",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub forced_replacement: Option<String>,
}

/// `<DomainCertificate>`: body of PUT Bucket domaincertificate. Its `Debug` output
/// hides the private key.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "DomainCertificate")]
#[non_exhaustive]
pub struct DomainCertificate {
    /// The certificate.
    #[serde(rename = "CertificateInfo")]
    pub certificate_info: CertificateInfo,
    /// The domains it serves.
    #[serde(rename = "DomainList")]
    pub domain_list: CertificateDomains,
}

impl std::fmt::Debug for DomainCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DomainCertificate")
            .field("cert_type", &self.certificate_info.cert_type)
            .field("domains", &self.domain_list.domain_names)
            .finish_non_exhaustive()
    }
}

impl DomainCertificate {
    /// A custom certificate (`CustomCert`) for `domains`, PEM `cert` and `private_key`.
    pub fn custom(
        cert: impl Into<String>,
        private_key: impl Into<String>,
        domains: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        DomainCertificate {
            certificate_info: CertificateInfo {
                cert_type: "CustomCert".into(),
                custom_cert: CustomCert {
                    cert: cert.into(),
                    private_key: private_key.into(),
                },
            },
            domain_list: CertificateDomains {
                domain_names: domains.into_iter().map(Into::into).collect(),
            },
        }
    }
}

/// `<CertificateInfo>`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// `CustomCert`.
    #[serde(rename = "CertType")]
    pub cert_type: String,
    /// The certificate and its key.
    #[serde(rename = "CustomCert")]
    pub custom_cert: CustomCert,
}

/// `<CustomCert>`: a PEM certificate and its private key (hidden from `Debug`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomCert {
    /// The PEM certificate (chain).
    #[serde(rename = "Cert")]
    pub cert: String,
    /// The PEM private key.
    #[serde(rename = "PrivateKey")]
    pub private_key: String,
}

impl std::fmt::Debug for CustomCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomCert")
            .field("cert_len", &self.cert.len())
            .field("private_key", &"** redacted **")
            .finish()
    }
}

/// `<DomainList>` of a certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateDomains {
    /// The domains.
    #[serde(rename = "DomainName", default)]
    pub domain_names: Vec<String>,
}

/// `<DomainCertificate>` as GET Bucket domaincertificate answers it: the state of the
/// certificate bound to one domain (never its key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "DomainCertificate")]
#[non_exhaustive]
pub struct DomainCertificateStatus {
    /// `Enabled` while bound.
    #[serde(rename = "Status", default)]
    pub status: String,
    /// The certificate's id.
    #[serde(rename = "CertId", default, skip_serializing_if = "Option::is_none")]
    pub cert_id: Option<String>,
}
