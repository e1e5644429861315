//! The data cipher: AES-256-CTR whose 128-bit big-endian counter starts at the IV, as
//! the official Python SDK's `AESCTRCipher` does (`crypto.py`: `Counter.new(128,
//! initial_value=iv_to_big_int(iv) + offset // 16)`). Any byte offset can be reached
//! directly (the counter for block `offset / 16`, then `offset % 16` bytes of its
//! keystream skipped), so parts and ranges encrypt independently and in parallel.

use std::fmt;

use aes::Aes256;
use ctr::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use rand::Rng as _;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::CryptoError;

type Ctr = ctr::Ctr128BE<Aes256>;

/// Bytes in a data key (AES-256).
pub const DATA_KEY_LEN: usize = 32;
/// Bytes in the counter IV.
pub const IV_LEN: usize = 16;
/// The AES block: multipart part sizes are multiples of it.
pub const BLOCK: u64 = 16;

/// A data key and its counter IV: the secret an envelope wraps. Zeroized on drop; never
/// shown by `Debug`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey {
    key: [u8; DATA_KEY_LEN],
    iv: [u8; IV_LEN],
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// A fresh random data key and IV (the operating system's RNG through `rand`).
    pub fn generate() -> Self {
        let mut k = Self {
            key: [0; DATA_KEY_LEN],
            iv: [0; IV_LEN],
        };
        let mut rng = rand::rng();
        rng.fill_bytes(&mut k.key);
        rng.fill_bytes(&mut k.iv);
        k
    }

    /// A data key from its parts (checked lengths). For providers that unwrap keys.
    pub fn from_slices(key: &[u8], iv: &[u8]) -> Result<Self, CryptoError> {
        let key: [u8; DATA_KEY_LEN] = key.try_into().map_err(|_| CryptoError::KeyLength {
            what: "data key",
            expected: DATA_KEY_LEN,
            got: key.len(),
        })?;
        let iv: [u8; IV_LEN] = iv.try_into().map_err(|_| CryptoError::KeyLength {
            what: "data IV",
            expected: IV_LEN,
            got: iv.len(),
        })?;
        Ok(Self { key, iv })
    }

    /// The 32-byte data key (for a provider to wrap).
    pub fn key(&self) -> &[u8; DATA_KEY_LEN] {
        &self.key
    }

    /// The 16-byte counter IV (for a provider to wrap).
    pub fn iv(&self) -> &[u8; IV_LEN] {
        &self.iv
    }

    /// A check value of this key and IV for checkpoints (hex of the first 8 bytes of
    /// SHA-1 over a label, the key and the IV): a resumed transfer whose envelope
    /// unwraps to another key (the master key changed) is not continued. Reveals nothing
    /// of the keystream.
    pub(crate) fn check_value(&self) -> String {
        use sha1::Digest;
        let mut h = sha1::Sha1::new();
        h.update(b"cos-crypto checkpoint key check\0");
        h.update(self.key);
        h.update(self.iv);
        h.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// XORs `buf` with the keystream at object offset `offset`: encrypts plaintext,
    /// decrypts ciphertext.
    pub fn apply(&self, offset: u64, buf: &mut [u8]) {
        if buf.is_empty() {
            return;
        }
        let mut c = Ctr::new(&self.key.into(), &self.iv.into());
        // A 128-bit counter never runs out within a u64 byte offset.
        c.seek(offset);
        c.apply_keystream(buf);
    }
}
