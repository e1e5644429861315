//! Throwaway certificates for HTTPS tests (feature `tls`): a fresh CA and a server
//! certificate it signs for `localhost` and `127.0.0.1`, made with `rcgen` in memory
//! (nothing is written to disk unless a test does so itself).
//!
//! ```
//! let pki = cos_testkit::tls::TestPki::generate()?;
//! assert!(pki.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
//! // Emulator::builder().tls(pki.cert_pem.clone(), pki.key_pem.clone()) serves with it;
//! // a client trusts `pki.ca_pem`.
//! # Ok::<(), rcgen::Error>(())
//! ```

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// A CA and a server certificate it issued.
#[derive(Clone)]
pub struct TestPki {
    /// The CA certificate (PEM): what a client must trust.
    pub ca_pem: String,
    /// The server certificate chain (PEM: the leaf, then the CA), for `localhost` and
    /// `127.0.0.1`.
    pub cert_pem: String,
    /// The server's private key (PEM, PKCS#8).
    pub key_pem: String,
}

impl std::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestPki").finish_non_exhaustive()
    }
}

impl TestPki {
    /// A new CA (named `cos-rs test CA`) and a server certificate for `localhost` and
    /// `127.0.0.1` signed by it.
    ///
    /// Errors: whatever `rcgen` reports (key generation or signing).
    pub fn generate() -> Result<TestPki, rcgen::Error> {
        Self::generate_for(&["localhost", "127.0.0.1"])
    }

    /// As [`generate`](Self::generate), for these names (DNS names or IP addresses).
    ///
    /// Errors: whatever `rcgen` reports.
    pub fn generate_for(names: &[&str]) -> Result<TestPki, rcgen::Error> {
        let mut ca = CertificateParams::new(Vec::<String>::new())?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "cos-rs test CA");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = KeyPair::generate()?;
        let ca_cert = ca.self_signed(&ca_key)?;

        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut leaf = CertificateParams::new(names)?;
        leaf.distinguished_name
            .push(DnType::CommonName, "cos-rs test server");
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        let leaf_key = KeyPair::generate()?;
        let issuer = Issuer::from_params(&ca, &ca_key);
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer)?;
        Ok(TestPki {
            ca_pem: ca_cert.pem(),
            cert_pem: format!("{}{}", leaf_cert.pem(), ca_cert.pem()),
            key_pem: leaf_key.serialize_pem(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_pkis_differ_and_chain_holds_leaf_then_ca() {
        let a = TestPki::generate().unwrap();
        let b = TestPki::generate().unwrap();
        assert_ne!(a.ca_pem, b.ca_pem);
        assert_eq!(a.cert_pem.matches("BEGIN CERTIFICATE").count(), 2);
        assert!(a.cert_pem.ends_with(&a.ca_pem));
        assert!(a.key_pem.contains("PRIVATE KEY"));
        assert!(!format!("{a:?}").contains("PRIVATE"));
    }
}
