//! Key files: created exclusively and private, parsed as the Python SDK writes them.

use std::fs::{File, OpenOptions};
use std::path::Path;

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::{PrivateKey, PublicKey};
use zeroize::Zeroizing;

use crate::error::CryptoError;

/// Creates `path` exclusively (an existing file is an error), readable by its owner only
/// on Unix.
pub(crate) fn create_private(path: &Path) -> Result<File, CryptoError> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map_err(|e| CryptoError::KeyFile {
        path: path.to_owned(),
        reason: format!("cannot create: {e}"),
    })
}

/// Reads a key file (kept in zeroized memory).
pub(crate) fn read(path: &Path) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|e| CryptoError::KeyFile {
            path: path.to_owned(),
            reason: e.to_string(),
        })
}

/// The label of a PEM document (`RSA PRIVATE KEY`, `PUBLIC KEY`, ...), or `None` for DER.
fn pem_label(text: &str) -> Option<&str> {
    let start = text.find("-----BEGIN ")? + "-----BEGIN ".len();
    let rest = &text[start..];
    Some(&rest[..rest.find("-----")?])
}

/// PEM text, when `data` is PEM (ASCII starting with a `-----BEGIN` line).
fn as_pem(data: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(data).ok()?;
    text.trim_start()
        .starts_with("-----BEGIN ")
        .then_some(text.trim())
}

fn invalid(e: impl std::fmt::Display) -> CryptoError {
    CryptoError::InvalidKey(e.to_string())
}

/// A legacy-encrypted PEM document (`Proc-Type: 4,ENCRYPTED`), decrypted to its label
/// and DER.
fn legacy(
    text: &str,
    passphrase: Option<&str>,
) -> Result<Option<crate::legacy_pem::Decrypted>, CryptoError> {
    if text.contains("Proc-Type: 4,ENCRYPTED") {
        return crate::legacy_pem::decrypt(text, passphrase).map(Some);
    }
    Ok(None)
}

/// A private key: PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`, or `ENCRYPTED
/// PRIVATE KEY` with `passphrase`), PEM or DER, as pycryptodome's `RSA.importKey` reads
/// them.
pub(crate) fn parse_private(
    data: &[u8],
    passphrase: Option<&str>,
) -> Result<PrivateKey, CryptoError> {
    match as_pem(data) {
        Some(text) => {
            if let Some((label, der)) = legacy(text, passphrase)? {
                return match label.as_str() {
                    "RSA PRIVATE KEY" => PrivateKey::from_pkcs1_der(&der).map_err(invalid),
                    _ => PrivateKey::from_pkcs8_der(&der).map_err(invalid),
                };
            }
            match pem_label(text) {
                Some("RSA PRIVATE KEY") => PrivateKey::from_pkcs1_pem(text).map_err(invalid),
                Some("PRIVATE KEY") => PrivateKey::from_pkcs8_pem(text).map_err(invalid),
                Some("ENCRYPTED PRIVATE KEY") => {
                    let pass = passphrase.ok_or_else(|| {
                        CryptoError::InvalidKey(
                            "the private key is encrypted: a passphrase is needed".into(),
                        )
                    })?;
                    PrivateKey::from_pkcs8_encrypted_pem(text, pass).map_err(|_| {
                        CryptoError::InvalidKey(
                            "the private key does not decrypt with this passphrase".into(),
                        )
                    })
                }
                other => Err(CryptoError::InvalidKey(format!(
                    "PEM {:?} is not an RSA private key",
                    other.unwrap_or("?")
                ))),
            }
        }
        None => PrivateKey::from_pkcs1_der(data)
            .or_else(|_| PrivateKey::from_pkcs8_der(data))
            .or_else(|e| match passphrase {
                Some(p) => PrivateKey::from_pkcs8_encrypted_der(data, p),
                None => Err(e),
            })
            .map_err(|_| CryptoError::InvalidKey("not a PEM or DER RSA private key".into())),
    }
}

/// A public key: SubjectPublicKeyInfo (`PUBLIC KEY`) or PKCS#1 (`RSA PUBLIC KEY`), PEM
/// or DER; a private key is accepted too (its public half), as `RSA.importKey` does.
pub(crate) fn parse_public(
    data: &[u8],
    passphrase: Option<&str>,
) -> Result<PublicKey, CryptoError> {
    match as_pem(data) {
        Some(text) => {
            if let Some((label, der)) = legacy(text, passphrase)? {
                return match label.as_str() {
                    "PUBLIC KEY" => PublicKey::from_public_key_der(&der).map_err(invalid),
                    "RSA PUBLIC KEY" => PublicKey::from_pkcs1_der(&der).map_err(invalid),
                    "RSA PRIVATE KEY" => PrivateKey::from_pkcs1_der(&der)
                        .map(|k| k.to_public_key())
                        .map_err(invalid),
                    _ => PrivateKey::from_pkcs8_der(&der)
                        .map(|k| k.to_public_key())
                        .map_err(invalid),
                };
            }
            match pem_label(text) {
                Some("PUBLIC KEY") => PublicKey::from_public_key_pem(text).map_err(invalid),
                Some("RSA PUBLIC KEY") => PublicKey::from_pkcs1_pem(text).map_err(invalid),
                _ => parse_private(data, passphrase).map(|k| k.to_public_key()),
            }
        }
        None => PublicKey::from_public_key_der(data)
            .or_else(|_| PublicKey::from_pkcs1_der(data))
            .or_else(|_| {
                parse_private(data, passphrase)
                    .map(|k| k.to_public_key())
                    .map_err(|_| ())
            })
            .map_err(|_| CryptoError::InvalidKey("not a PEM or DER RSA public key".into())),
    }
}
