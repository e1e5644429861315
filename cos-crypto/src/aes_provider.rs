//! [`AesProvider`]: a symmetric master key, as the official Python SDK's `AESProvider`.
//!
//! The wrap (`crypto.py`, `AESProvider.init_data_cipher` / `init_ed_obj`): AES-256-CTR
//! under the master key with a 128-bit counter starting at **0**, the data key (32
//! bytes) and then the IV (16 bytes) through the same stream; so the wrapped key is the
//! data key XOR keystream blocks 0-1 and the wrapped IV the IV XOR block 2, for every
//! object. A wrong master key cannot be detected from the envelope: it yields another
//! data key, which the plaintext CRC-64 this crate stores catches on download.

use std::fmt;
use std::io::Write;
use std::path::Path;

use aes::Aes256;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ctr::cipher::{KeyIvInit, StreamCipher};
use rand::Rng as _;
use zeroize::{Zeroize, Zeroizing};

use crate::cipher::{DATA_KEY_LEN, DataKey, IV_LEN};
use crate::error::CryptoError;
use crate::provider::{BoxFuture, KeyProvider, WrappedKey};

/// Bytes in an AES master key (AES-256).
pub const MASTER_KEY_LEN: usize = 32;

/// An AES-256 master key. Zeroized on drop; never shown by `Debug`.
#[derive(Clone)]
pub struct AesProvider {
    master: Zeroizing<[u8; MASTER_KEY_LEN]>,
}

impl fmt::Debug for AesProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AesProvider(..)")
    }
}

impl AesProvider {
    /// The master key as 32 raw bytes; [`CryptoError::KeyLength`] otherwise.
    pub fn from_bytes(key: &[u8]) -> Result<Self, CryptoError> {
        let master: [u8; MASTER_KEY_LEN] = key.try_into().map_err(|_| CryptoError::KeyLength {
            what: "AES master key",
            expected: MASTER_KEY_LEN,
            got: key.len(),
        })?;
        Ok(Self {
            master: Zeroizing::new(master),
        })
    }

    /// The master key as base64 text, as `AESProvider(aes_key=...)` takes it (surrounding
    /// whitespace ignored).
    pub fn from_base64(text: &str) -> Result<Self, CryptoError> {
        let raw =
            Zeroizing::new(
                STANDARD
                    .decode(text.trim())
                    .map_err(|_| CryptoError::KeyEncoding {
                        what: "AES master key",
                    })?,
            );
        Self::from_bytes(&raw)
    }

    /// The master key from a key file as `AESProvider(aes_key_path=...)` reads it: the
    /// file holds the base64 of the key (the SDK's default is `~/.cos_local_aes/.aes_key.pem`).
    pub fn from_key_file(path: impl AsRef<Path>) -> Result<Self, CryptoError> {
        let path = path.as_ref();
        let text = Zeroizing::new(std::fs::read(path).map_err(|e| CryptoError::KeyFile {
            path: path.to_owned(),
            reason: e.to_string(),
        })?);
        let bad = |reason: &str| CryptoError::KeyFile {
            path: path.to_owned(),
            reason: reason.to_owned(),
        };
        let text = std::str::from_utf8(&text).map_err(|_| bad("not base64 text"))?;
        let raw = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| bad("not base64 text"))?,
        );
        if raw.len() != MASTER_KEY_LEN {
            return Err(bad(&format!(
                "holds a {}-byte key, not {MASTER_KEY_LEN}",
                raw.len()
            )));
        }
        Self::from_bytes(&raw)
    }

    /// A new random master key, written to `path` as the Python SDK writes and reads it
    /// (base64, no newline). The file is created exclusively (an existing file is an
    /// error, never overwritten) and, on Unix, readable by its owner only.
    pub fn generate_key_file(path: impl AsRef<Path>) -> Result<Self, CryptoError> {
        let path = path.as_ref();
        let mut master = Zeroizing::new([0u8; MASTER_KEY_LEN]);
        rand::rng().fill_bytes(&mut master[..]);
        let text = Zeroizing::new(STANDARD.encode(&master[..]));
        let mut file = crate::keyfile::create_private(path)?;
        file.write_all(text.as_bytes())
            .map_err(|e| CryptoError::io(path, e))?;
        Ok(Self { master })
    }

    /// The keystream of the wrap (key then IV through one CTR stream from counter 0)
    /// applied to `buf` (48 bytes: key ‖ IV).
    fn wrap_stream(&self, buf: &mut [u8; DATA_KEY_LEN + IV_LEN]) {
        let mut c = ctr::Ctr128BE::<Aes256>::new(&(*self.master).into(), &[0u8; 16].into());
        c.apply_keystream(buf);
    }
}

impl KeyProvider for AesProvider {
    fn wrap<'a>(&'a self, key: &'a DataKey) -> BoxFuture<'a, Result<WrappedKey, CryptoError>> {
        Box::pin(async move {
            let mut buf = Zeroizing::new([0u8; DATA_KEY_LEN + IV_LEN]);
            buf[..DATA_KEY_LEN].copy_from_slice(key.key());
            buf[DATA_KEY_LEN..].copy_from_slice(key.iv());
            self.wrap_stream(&mut buf);
            Ok(WrappedKey {
                key: buf[..DATA_KEY_LEN].to_vec(),
                iv: buf[DATA_KEY_LEN..].to_vec(),
            })
        })
    }

    fn unwrap<'a>(
        &'a self,
        wrapped: &'a WrappedKey,
    ) -> BoxFuture<'a, Result<DataKey, CryptoError>> {
        Box::pin(async move {
            if wrapped.key.len() != DATA_KEY_LEN || wrapped.iv.len() != IV_LEN {
                return Err(CryptoError::Unwrap(format!(
                    "an AES-wrapped envelope holds a {DATA_KEY_LEN}-byte key and a {IV_LEN}-byte IV, not {} and {}",
                    wrapped.key.len(),
                    wrapped.iv.len()
                )));
            }
            let mut buf = Zeroizing::new([0u8; DATA_KEY_LEN + IV_LEN]);
            buf[..DATA_KEY_LEN].copy_from_slice(&wrapped.key);
            buf[DATA_KEY_LEN..].copy_from_slice(&wrapped.iv);
            self.wrap_stream(&mut buf);
            let key = DataKey::from_slices(&buf[..DATA_KEY_LEN], &buf[DATA_KEY_LEN..]);
            buf.zeroize();
            key
        })
    }
}
