//! The SignKey (`hex(HMAC-SHA1(SecretKey, KeyTime))`) and its per-window cache.

use std::fmt;
use std::sync::Mutex;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use super::key_time::KeyTime;
use crate::Credentials;
use crate::encode::hex_into;

pub(crate) type HmacSha1 = Hmac<Sha1>;

/// A SignKey derived for one key time: `hex(HMAC-SHA1(SecretKey, KeyTime))`, kept
/// with its HMAC state so signing with it costs only the second HMAC.
#[derive(Clone)]
pub struct SigningKey {
    key_time: KeyTime,
    /// `start;end` as text (at most 41 bytes), formatted once.
    key_time_text: [u8; 41],
    key_time_len: usize,
    hex: [u8; 40],
    mac: HmacSha1,
}

impl SigningKey {
    /// Derives the SignKey for `secret_key` and `key_time`.
    pub fn derive(secret_key: &str, key_time: KeyTime) -> Self {
        let mut key_time_text = [0u8; 41];
        let key_time_len = write_key_time(key_time, &mut key_time_text).len();
        let mut hex = [0u8; 40];
        hex_into(
            &hmac_sha1(secret_key.as_bytes(), &key_time_text[..key_time_len]),
            &mut hex,
        );
        let mac = new_mac(&hex);
        Self {
            key_time,
            key_time_text,
            key_time_len,
            hex,
            mac,
        }
    }

    /// The key time this key was derived for.
    pub fn key_time(&self) -> KeyTime {
        self.key_time
    }

    /// The key time as `start;end`.
    pub(super) fn key_time_text(&self) -> &[u8] {
        &self.key_time_text[..self.key_time_len]
    }

    /// A fresh HMAC keyed with this SignKey.
    pub(super) fn mac(&self) -> HmacSha1 {
        self.mac.clone()
    }

    /// The SignKey as lowercase hex (it is secret: do not log it).
    pub fn as_hex(&self) -> &str {
        // Always ASCII hex digits.
        std::str::from_utf8(&self.hex).unwrap_or_default()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_time", &self.key_time)
            .field("key", &"** redacted **")
            .finish()
    }
}

/// `start;end` written into `buf` (two `u64` and `;` take at most 41 bytes).
pub(super) fn write_key_time(key_time: KeyTime, buf: &mut [u8; 41]) -> &[u8] {
    use std::io::Write;
    let mut rest = &mut buf[..];
    let _ = write!(rest, "{key_time}");
    let unused = rest.len();
    let len = buf.len() - unused;
    &buf[..len]
}

fn new_mac(key: &[u8]) -> HmacSha1 {
    // HMAC accepts keys of any length; this cannot fail.
    match HmacSha1::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC-SHA1 accepts keys of any length"),
    }
}

/// `HMAC-SHA1(key, msg)`.
pub(crate) fn hmac_sha1(key: &[u8], msg: &[u8]) -> [u8; 20] {
    let mut mac = new_mac(key);
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Caches the [`SigningKey`] of the current key-time window, so that requests signed
/// with the same credentials and [`KeyTime`] skip the first HMAC.
#[derive(Default)]
pub struct SigningKeyCache {
    slot: Mutex<Option<(String, SigningKey)>>,
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKeyCache")
    }
}

impl SigningKeyCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cached key for these credentials and key time, derived on a miss.
    pub fn get(&self, credentials: &Credentials, key_time: KeyTime) -> SigningKey {
        let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((secret, key)) = slot.as_ref()
            && key.key_time == key_time
            && secret == credentials.secret_key()
        {
            return key.clone();
        }
        let key = SigningKey::derive(credentials.secret_key(), key_time);
        *slot = Some((credentials.secret_key().to_owned(), key.clone()));
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_time_text_fits_the_widest_window() {
        let mut buf = [0u8; 41];
        let kt = KeyTime::new(u64::MAX, u64::MAX).unwrap();
        assert_eq!(write_key_time(kt, &mut buf), kt.to_string().as_bytes());
        let key = SigningKey::derive("k", kt);
        assert_eq!(key.key_time_text(), kt.to_string().as_bytes());
    }
}
