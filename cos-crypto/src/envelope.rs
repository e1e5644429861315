//! The envelope: the wrapped data key and IV in the object's metadata, as the Python
//! SDK's `MetaHandle` writes them, plus this crate's plaintext length and CRC-64 (which
//! the official SDKs ignore).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::error::CryptoError;
use crate::provider::WrappedKey;

/// Metadata (without `x-cos-meta-`) holding base64 of the wrapped data key.
pub const KEY_META: &str = "client-side-encryption-key";
/// Metadata (without `x-cos-meta-`) holding base64 of the wrapped IV.
pub const IV_META: &str = "client-side-encryption-iv";
/// Metadata (without `x-cos-meta-`) holding the plaintext length, decimal (the name the
/// official Java SDK uses for it). Written by this crate only.
pub const LEN_META: &str = "client-side-encryption-unencrypted-content-length";
/// Metadata (without `x-cos-meta-`) holding the plaintext CRC-64/XZ (as COS computes
/// `x-cos-hash-crc64ecma`), decimal. Written by this crate only.
pub const CRC_META: &str = "client-side-encryption-unencrypted-content-crc64";

/// An object's envelope.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Envelope {
    /// The wrapped data key and IV.
    pub wrapped: WrappedKey,
    /// The plaintext length, when stored.
    pub plaintext_len: Option<u64>,
    /// The plaintext CRC-64, when stored.
    pub plaintext_crc64: Option<u64>,
}

impl Envelope {
    /// The metadata pairs (names without `x-cos-meta-`) of this envelope.
    pub fn metadata(&self) -> Vec<(String, String)> {
        let mut m = vec![
            (KEY_META.to_owned(), STANDARD.encode(&self.wrapped.key)),
            (IV_META.to_owned(), STANDARD.encode(&self.wrapped.iv)),
        ];
        if let Some(n) = self.plaintext_len {
            m.push((LEN_META.to_owned(), n.to_string()));
        }
        if let Some(c) = self.plaintext_crc64 {
            m.push((CRC_META.to_owned(), c.to_string()));
        }
        m
    }

    /// Whether `metadata` (names without `x-cos-meta-`, any case) holds an envelope.
    pub fn present(metadata: &[(String, String)]) -> bool {
        find(metadata, KEY_META).is_some() || find(metadata, IV_META).is_some()
    }

    /// The envelope in `metadata` (names without `x-cos-meta-`, any case) of the object
    /// `what`: [`CryptoError::MissingEnvelope`] without one,
    /// [`CryptoError::InvalidEnvelope`] for a header that is not base64 or a number.
    pub fn from_metadata(metadata: &[(String, String)], what: &str) -> Result<Self, CryptoError> {
        let (Some(key), Some(iv)) = (find(metadata, KEY_META), find(metadata, IV_META)) else {
            return Err(CryptoError::MissingEnvelope {
                what: what.to_owned(),
            });
        };
        let b64 = |header: &'static str, v: &str| {
            let raw = STANDARD
                .decode(v.trim())
                .map_err(|e| CryptoError::InvalidEnvelope {
                    header,
                    reason: format!("not base64 ({e})"),
                })?;
            if raw.is_empty() {
                return Err(CryptoError::InvalidEnvelope {
                    header,
                    reason: "empty".into(),
                });
            }
            Ok(raw)
        };
        let num = |header: &'static str| -> Result<Option<u64>, CryptoError> {
            find(metadata, header)
                .map(|v| {
                    v.trim().parse().map_err(|_| CryptoError::InvalidEnvelope {
                        header,
                        reason: "not a decimal number".into(),
                    })
                })
                .transpose()
        };
        Ok(Self {
            wrapped: WrappedKey {
                key: b64(KEY_META, key)?,
                iv: b64(IV_META, iv)?,
            },
            plaintext_len: num(LEN_META)?,
            plaintext_crc64: num(CRC_META)?,
        })
    }

    /// The envelope as one line of text, for checkpoints, with the check value of the
    /// data key it unwraps to (nothing secret: the key and IV are wrapped).
    pub(crate) fn to_tag(&self, check: &str) -> String {
        let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        format!(
            "cse1:{}:{}:{}:{}:{check}",
            STANDARD.encode(&self.wrapped.key),
            STANDARD.encode(&self.wrapped.iv),
            n(self.plaintext_len),
            n(self.plaintext_crc64)
        )
    }

    /// The envelope and key check value of [`to_tag`](Self::to_tag)'s text, when it is
    /// one.
    pub(crate) fn from_tag(tag: &str) -> Option<(Self, String)> {
        let mut it = tag.strip_prefix("cse1:")?.split(':');
        let key = STANDARD.decode(it.next()?).ok()?;
        let iv = STANDARD.decode(it.next()?).ok()?;
        let n = |s: Option<&str>| -> Option<Option<u64>> {
            match s? {
                "" => Some(None),
                v => v.parse().ok().map(Some),
            }
        };
        let plaintext_len = n(it.next())?;
        let plaintext_crc64 = n(it.next())?;
        let check = it.next()?.to_owned();
        let env = Self {
            wrapped: WrappedKey { key, iv },
            plaintext_len,
            plaintext_crc64,
        };
        Some((env, check))
    }
}

fn find<'a>(metadata: &'a [(String, String)], name: &str) -> Option<&'a str> {
    metadata.iter().find_map(|(k, v)| {
        let k = k.strip_prefix("x-cos-meta-").unwrap_or(k);
        k.eq_ignore_ascii_case(name).then_some(v.as_str())
    })
}
