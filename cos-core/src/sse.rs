//! Server-side encryption as typed options: [`Sse`] (SSE-COS, SSE-KMS, SSE-C) for the
//! object written, [`SseCustomerKey`] for SSE-C reads and copy sources, and the one
//! place they turn into request headers.
//!
//! Headers, from the PUT Object, GET Object and PUT Object - Copy API documentation
//! (cloud.tencent.com/document/product/436/7749, /7753, /10881; "服务端加密概述"
//! /document/product/436/18145):
//! - SSE-COS: `x-cos-server-side-encryption: AES256`;
//! - SSE-KMS: `x-cos-server-side-encryption: cos/kms`, optionally
//!   `x-cos-server-side-encryption-cos-kms-key-id` (the CMK id) and
//!   `x-cos-server-side-encryption-context` (the encryption context: Base64 of a JSON
//!   object of string pairs);
//! - SSE-C: `x-cos-server-side-encryption-customer-algorithm: AES256`,
//!   `-customer-key` (Base64 of the 32-byte key) and `-customer-key-MD5` (Base64 of its
//!   MD5), on every write and read of the object, every part of a multipart upload, and
//!   with the prefix `x-cos-copy-source-` for the source of a copy.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};
use zeroize::Zeroize;

use crate::error::InvalidInput;
use crate::ops::multipart::UploadPartCopy;
use crate::ops::object_manage::CopyObject;

/// A header: name and value.
type Pair = (String, String);

/// `x-cos-server-side-encryption`.
pub const SSE_HEADER: &str = "x-cos-server-side-encryption";
/// `x-cos-server-side-encryption-cos-kms-key-id`.
pub const KMS_KEY_ID_HEADER: &str = "x-cos-server-side-encryption-cos-kms-key-id";
/// `x-cos-server-side-encryption-context`.
pub const KMS_CONTEXT_HEADER: &str = "x-cos-server-side-encryption-context";
/// `x-cos-server-side-encryption-customer-algorithm`.
pub const CUSTOMER_ALGORITHM_HEADER: &str = "x-cos-server-side-encryption-customer-algorithm";
/// `x-cos-server-side-encryption-customer-key`.
pub const CUSTOMER_KEY_HEADER: &str = "x-cos-server-side-encryption-customer-key";
/// `x-cos-server-side-encryption-customer-key-MD5`.
pub const CUSTOMER_KEY_MD5_HEADER: &str = "x-cos-server-side-encryption-customer-key-MD5";
/// The prefix of the SSE-C headers that describe the source of a copy
/// (`x-cos-copy-source-server-side-encryption-customer-*`).
pub const COPY_SOURCE_PREFIX: &str = "x-cos-copy-source-";

/// A customer-provided SSE-C key: 32 bytes, sent with every write and read of the
/// object. A secret: `Debug` never shows it, and its bytes are zeroed when dropped.
/// COS keeps only its MD5 ([`key_md5`](Self::key_md5)), which identifies it.
#[derive(Clone, PartialEq, Eq)]
pub struct SseCustomerKey([u8; 32]);

impl SseCustomerKey {
    /// The AES-256 key.
    pub fn new(key: [u8; 32]) -> Self {
        Self(key)
    }

    /// The key from its Base64 form (as the official SDKs take it).
    ///
    /// Errors: [`InvalidInput::Other`] when `b64` is not Base64 of exactly 32 bytes
    /// (the message does not repeat the value).
    pub fn from_base64(b64: &str) -> Result<Self, InvalidInput> {
        let mut bytes = STANDARD.decode(b64.trim()).map_err(|_| {
            InvalidInput::Other("SSE-C key: not valid Base64 (value not shown)".into())
        })?;
        let key: Result<[u8; 32], _> = bytes.as_slice().try_into();
        bytes.zeroize();
        key.map(Self).map_err(|_| {
            InvalidInput::Other("SSE-C key: must be exactly 32 bytes (AES-256)".into())
        })
    }

    /// Base64 of the key's MD5: the `-customer-key-MD5` header, and what COS reports for
    /// the object. Not a secret; it tells keys apart (e.g. in a checkpoint).
    pub fn key_md5(&self) -> String {
        STANDARD.encode(Md5::digest(self.0))
    }

    /// Adds the three SSE-C headers, `x-cos-` in their names replaced by `prefix`
    /// (`x-cos-`, or [`COPY_SOURCE_PREFIX`] for a copy source).
    pub(crate) fn push_headers(&self, prefix: &str, out: &mut Vec<Pair>) {
        let name = |h: &str| format!("{prefix}{}", &h["x-cos-".len()..]);
        out.push((name(CUSTOMER_ALGORITHM_HEADER), "AES256".into()));
        out.push((name(CUSTOMER_KEY_HEADER), STANDARD.encode(self.0)));
        out.push((name(CUSTOMER_KEY_MD5_HEADER), self.key_md5()));
    }

    /// The three SSE-C headers of a copy source (`x-cos-copy-source-server-side-encryption-customer-*`).
    pub fn copy_source_headers(&self) -> Vec<Pair> {
        let mut out = Vec::with_capacity(3);
        self.push_headers(COPY_SOURCE_PREFIX, &mut out);
        out
    }
}

impl Drop for SseCustomerKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SseCustomerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SseCustomerKey(<redacted>)")
    }
}

/// SSE-KMS settings: the CMK and the encryption context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct KmsOptions {
    /// The customer master key id (`None`: COS's default CMK for COS).
    pub key_id: Option<String>,
    /// The encryption context: string pairs, sent as Base64 of their JSON object.
    pub context: Vec<Pair>,
}

impl KmsOptions {
    /// The default CMK, no context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses the CMK `id`.
    pub fn key_id(mut self, id: impl Into<String>) -> Self {
        self.key_id = Some(id.into());
        self
    }

    /// Adds `key: value` to the encryption context.
    pub fn context(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.context.push((key.into(), value.into()));
        self
    }

    /// The `x-cos-server-side-encryption-context` value: Base64 of the JSON object.
    ///
    /// Errors: [`InvalidInput::Other`] for a key given twice.
    pub fn context_header(&self) -> Result<Option<String>, InvalidInput> {
        if self.context.is_empty() {
            return Ok(None);
        }
        let mut map = BTreeMap::new();
        for (k, v) in &self.context {
            if map.insert(k.as_str(), v.as_str()).is_some() {
                return Err(InvalidInput::Other(format!(
                    "SSE-KMS context: key {k:?} given twice"
                )));
            }
        }
        let json = serde_json::to_string(&map)
            .map_err(|e| InvalidInput::Other(format!("SSE-KMS context: {e}")))?;
        Ok(Some(STANDARD.encode(json)))
    }
}

/// Server-side encryption of an object written (PUT Object, Initiate Multipart Upload,
/// PUT Object - Copy's destination).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sse {
    /// SSE-COS: keys managed by COS (`AES256`).
    Cos,
    /// SSE-KMS: keys in Tencent Cloud KMS (`cos/kms`).
    Kms(KmsOptions),
    /// SSE-C: the customer's own key, needed again for every read.
    Customer(SseCustomerKey),
}

impl Sse {
    /// SSE-KMS with the CMK `key_id`.
    pub fn kms(key_id: impl Into<String>) -> Self {
        Sse::Kms(KmsOptions::new().key_id(key_id))
    }

    /// The SSE-C key, for SSE-C.
    pub fn customer_key(&self) -> Option<&SseCustomerKey> {
        match self {
            Sse::Customer(k) => Some(k),
            _ => None,
        }
    }

    /// Adds the request headers of this encryption.
    ///
    /// Errors: see [`KmsOptions::context_header`].
    pub(crate) fn push_headers(&self, out: &mut Vec<Pair>) -> Result<(), InvalidInput> {
        match self {
            Sse::Cos => out.push((SSE_HEADER.into(), "AES256".into())),
            Sse::Kms(kms) => {
                out.push((SSE_HEADER.into(), "cos/kms".into()));
                if let Some(id) = &kms.key_id {
                    out.push((KMS_KEY_ID_HEADER.into(), id.clone()));
                }
                if let Some(ctx) = kms.context_header()? {
                    out.push((KMS_CONTEXT_HEADER.into(), ctx));
                }
            }
            Sse::Customer(key) => key.push_headers("x-cos-", out),
        }
        Ok(())
    }
}

impl CopyObject {
    /// The SSE-C key the copy source was written with
    /// (`x-cos-copy-source-server-side-encryption-customer-*`); the new object's own
    /// encryption comes from [`options`](Self::options).
    pub fn copy_source_sse_customer_key(self, key: &SseCustomerKey) -> Self {
        key.copy_source_headers()
            .into_iter()
            .fold(self, |b, (n, v)| b.header(n, v))
    }
}

impl UploadPartCopy {
    /// The SSE-C key the copy source was written with
    /// (`x-cos-copy-source-server-side-encryption-customer-*`).
    pub fn copy_source_sse_customer_key(self, key: &SseCustomerKey) -> Self {
        key.copy_source_headers()
            .into_iter()
            .fold(self, |b, (n, v)| b.header(n, v))
    }

    /// The SSE-C key of the upload the part goes into (the one it was initiated with).
    pub fn sse_customer_key(self, key: &SseCustomerKey) -> Self {
        let mut h = Vec::with_capacity(3);
        key.push_headers("x-cos-", &mut h);
        h.into_iter().fold(self, |b, (n, v)| b.header(n, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_each_kind() {
        let mut h = Vec::new();
        Sse::Cos.push_headers(&mut h).unwrap();
        assert_eq!(h, vec![(SSE_HEADER.into(), "AES256".into())]);
        let mut h = Vec::new();
        Sse::Kms(KmsOptions::new().key_id("cmk-1").context("a", "b\""))
            .push_headers(&mut h)
            .unwrap();
        assert_eq!(h[1], (KMS_KEY_ID_HEADER.into(), "cmk-1".into()));
        let ctx = STANDARD.decode(&h[2].1).unwrap();
        assert_eq!(ctx, br#"{"a":"b\""}"#);
        assert!(
            KmsOptions::new()
                .context("a", "1")
                .context("a", "2")
                .context_header()
                .is_err()
        );
        let key = SseCustomerKey::new([1; 32]);
        let src = key.copy_source_headers();
        assert_eq!(
            src[0].0,
            "x-cos-copy-source-server-side-encryption-customer-algorithm"
        );
    }

    #[test]
    fn base64_keys_are_checked_and_never_echoed() {
        let b64 = STANDARD.encode([9u8; 32]);
        let k = SseCustomerKey::from_base64(&b64).unwrap();
        assert_eq!(k, SseCustomerKey::new([9; 32]));
        assert_eq!(k.key_md5(), STANDARD.encode(Md5::digest([9u8; 32])));
        let short = STANDARD.encode([9u8; 31]);
        let e = SseCustomerKey::from_base64(&short).unwrap_err().to_string();
        assert!(!e.contains(&short));
        assert!(SseCustomerKey::from_base64("%%%").is_err());
        assert!(!format!("{k:?}").contains(&b64));
    }
}
