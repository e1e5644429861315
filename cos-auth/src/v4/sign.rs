//! Producing v4 signatures.

use std::fmt;
use std::hash::{BuildHasher, Hasher};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::utf8_percent_encode;

use crate::Credentials;
use crate::encode::KEY_PATH;
use crate::qsign::hmac_sha1;
use crate::qsign::unix_now;

/// The time and random number that go into a v4 signature (injectable for tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct V4Nonce {
    /// Signing time, Unix seconds (`t`).
    pub now: u64,
    /// Random number (`r`), 0..=999_999_999 in the official SDK.
    pub random: u32,
}

impl V4Nonce {
    /// The system clock and a fresh random number.
    pub fn generate() -> Self {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        let random = u32::try_from(h.finish() % 1_000_000_000).unwrap_or(0);
        Self {
            now: unix_now(),
            random,
        }
    }
}

/// The file id of `cos_path` (a path starting with `/`; one is added if missing):
/// `/{appid}/{bucket}{encoded path}` for API signatures, or the encoded path alone when
/// `download` is set. The path is percent-encoded keeping `/-_.~` and alphanumerics.
pub fn file_id(appid: &str, bucket: &str, cos_path: &str, download: bool) -> String {
    let mut encoded = String::with_capacity(cos_path.len() + 1);
    if !cos_path.starts_with('/') {
        encoded.push('/');
    }
    for chunk in utf8_percent_encode(cos_path, KEY_PATH) {
        encoded.push_str(chunk);
    }
    if download {
        encoded
    } else {
        format!("/{appid}/{bucket}{encoded}")
    }
}

/// Signs v4 requests for one appid with one set of credentials.
#[derive(Clone)]
pub struct V4Signer {
    appid: String,
    credentials: Credentials,
}

impl fmt::Debug for V4Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V4Signer")
            .field("appid", &self.appid)
            .field("credentials", &self.credentials)
            .finish()
    }
}

impl V4Signer {
    /// A signer for `appid` (e.g. `1250000000`).
    pub fn new(appid: impl Into<String>, credentials: Credentials) -> Self {
        Self {
            appid: appid.into(),
            credentials,
        }
    }

    /// The appid.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// A multiple-use signature for `cos_path` in `bucket`, valid until `expired`.
    /// As in the official SDK, an `expired` smaller than the current time is taken as
    /// relative (seconds from now). Reads the clock and a random number.
    pub fn sign_more(&self, bucket: &str, cos_path: &str, expired: u64) -> String {
        self.sign_more_at(bucket, cos_path, expired, V4Nonce::generate())
    }

    /// A single-use signature (`e=0`) for the file `cos_path`, for delete and update.
    pub fn sign_once(&self, bucket: &str, cos_path: &str) -> String {
        self.sign_once_at(bucket, cos_path, V4Nonce::generate())
    }

    /// A download signature for `cos_path` valid until `expired` (relative if smaller
    /// than now, as for [`sign_more`](Self::sign_more)).
    pub fn sign_download(&self, bucket: &str, cos_path: &str, expired: u64) -> String {
        self.sign_download_at(bucket, cos_path, expired, V4Nonce::generate())
    }

    /// [`sign_more`](Self::sign_more) with the time and random number given.
    pub fn sign_more_at(
        &self,
        bucket: &str,
        cos_path: &str,
        expired: u64,
        nonce: V4Nonce,
    ) -> String {
        self.sign(bucket, cos_path, expired, nonce, false)
    }

    /// [`sign_once`](Self::sign_once) with the time and random number given.
    pub fn sign_once_at(&self, bucket: &str, cos_path: &str, nonce: V4Nonce) -> String {
        self.sign(bucket, cos_path, 0, nonce, false)
    }

    /// [`sign_download`](Self::sign_download) with the time and random number given.
    pub fn sign_download_at(
        &self,
        bucket: &str,
        cos_path: &str,
        expired: u64,
        nonce: V4Nonce,
    ) -> String {
        self.sign(bucket, cos_path, expired, nonce, true)
    }

    fn sign(
        &self,
        bucket: &str,
        cos_path: &str,
        expired: u64,
        nonce: V4Nonce,
        download: bool,
    ) -> String {
        let expired = if expired != 0 && expired < nonce.now {
            nonce.now.saturating_add(expired)
        } else {
            expired
        };
        let plaintext = format!(
            "a={}&k={}&e={}&t={}&r={}&f={}&b={}",
            self.appid,
            self.credentials.secret_id(),
            expired,
            nonce.now,
            nonce.random,
            file_id(&self.appid, bucket, cos_path, download),
            bucket
        );
        seal(self.credentials.secret_key(), &plaintext)
    }
}

pub(crate) fn seal(secret_key: &str, plaintext: &str) -> String {
    let mac = hmac_sha1(secret_key.as_bytes(), plaintext.as_bytes());
    let mut bytes = Vec::with_capacity(20 + plaintext.len());
    bytes.extend_from_slice(&mac);
    bytes.extend_from_slice(plaintext.as_bytes());
    STANDARD.encode(bytes)
}
