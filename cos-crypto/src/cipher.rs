//! The data cipher: AES-256-CTR whose 128-bit big-endian counter starts at the IV, as
//! the official Python SDK's `AESCTRCipher` does (`crypto.py`: `Counter.new(128,
//! initial_value=iv_to_big_int(iv) + offset // 16)`). Any byte offset can be reached
//! directly (the counter for block `offset / 16`, then `offset % 16` bytes of its
//! keystream skipped), so parts and ranges encrypt independently and in parallel.
//!
//! Bodies are ciphered on AWS-LC's AES-NI code (feature `aws-lc`, default), which runs
//! at about 1.7 times RustCrypto's `ctr` here (`cargo xtask bench crypto` prints both),
//! with RustCrypto as the portable path; key wrapping uses RustCrypto only.

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
    ///
    /// With the default `aws-lc` feature this runs on AWS-LC's AES-NI CTR; without it,
    /// or should AWS-LC refuse (it checks nothing that can fail here), on RustCrypto's
    /// `aes` + `ctr`. Both produce the same bytes (unit-tested against each other,
    /// including counters that carry across 32 and 64 bits).
    pub fn apply(&self, offset: u64, buf: &mut [u8]) {
        if buf.is_empty() {
            return;
        }
        #[cfg(feature = "aws-lc")]
        if fast::apply(&self.key, &self.iv, offset, buf).is_ok() {
            return;
        }
        self.apply_portable(offset, buf);
    }

    /// [`DataKey::apply`] on RustCrypto's `aes` + `ctr` alone.
    pub(crate) fn apply_portable(&self, offset: u64, buf: &mut [u8]) {
        let mut c = Ctr::new(&self.key.into(), &self.iv.into());
        // A 128-bit counter never runs out within a u64 byte offset.
        c.seek(offset);
        c.apply_keystream(buf);
    }
}

/// The data cipher on AWS-LC (`aws-lc-rs`): its `AES_ctr128_encrypt` increments the
/// whole 128-bit big-endian counter (AES-NI handles 32 bits at a time and carries into
/// the upper 96), which is the Python SDK's `Counter.new(128, …)`.
#[cfg(feature = "aws-lc")]
mod fast {
    use aws_lc_rs::cipher::{AES_256, EncryptingKey, EncryptionContext, UnboundCipherKey};
    use aws_lc_rs::error::Unspecified;
    use aws_lc_rs::iv::FixedLength;
    use zeroize::Zeroize;

    use super::{DATA_KEY_LEN, IV_LEN};

    fn at(counter: u128) -> EncryptionContext {
        EncryptionContext::Iv128(FixedLength::from(counter.to_be_bytes()))
    }

    /// XORs `buf` with the keystream at `offset`. On `Err`, `buf` is untouched: every
    /// fallible step comes before the one call that writes it.
    pub(super) fn apply(
        key: &[u8; DATA_KEY_LEN],
        iv: &[u8; IV_LEN],
        offset: u64,
        buf: &mut [u8],
    ) -> Result<(), Unspecified> {
        // The key schedule is zeroized when `cipher` drops (aws-lc-rs does).
        let cipher = EncryptingKey::ctr(UnboundCipherKey::new(&AES_256, key)?)?;
        let mut counter = u128::from_be_bytes(*iv).wrapping_add(u128::from(offset / 16));
        let skip = (offset % 16) as usize;
        // An unaligned start: the rest of block `offset / 16`'s keystream.
        let mut head = [0u8; 16];
        let head_len = if skip == 0 {
            0
        } else {
            cipher.less_safe_encrypt(&mut head, at(counter))?;
            counter = counter.wrapping_add(1);
            (16 - skip).min(buf.len())
        };
        let (first, rest) = buf.split_at_mut(head_len);
        if !rest.is_empty() {
            cipher.less_safe_encrypt(rest, at(counter))?;
        }
        for (b, k) in first.iter_mut().zip(&head[skip..]) {
            *b ^= k;
        }
        head.zeroize();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::DataKey;

    /// Deterministic bytes (xorshift64).
    fn bytes(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// IVs whose counter carries out of the low 32 bits (where AES-NI CTR code counts),
    /// out of the low 64, and wraps the whole 128, within the lengths below.
    const IVS: [u128; 5] = [
        0x0123_4567_89ab_cdef_0011_2233_4455_6677,
        0x0000_0000_0000_0000_0000_0000_ffff_fff0,
        0x1111_1111_1111_1111_ffff_ffff_ffff_fffe,
        u128::MAX - 3,
        0,
    ];

    #[test]
    fn the_fast_and_portable_ciphers_agree_at_every_offset_and_carry() {
        for (i, iv) in IVS.into_iter().enumerate() {
            let key = DataKey::from_slices(&bytes(i as u64 + 1, 32), &iv.to_be_bytes()).unwrap();
            let plain = bytes(99, 70_000);
            for offset in [0u64, 1, 15, 16, 17, 31, 4095, 65_536 + 7] {
                for len in [0usize, 1, 2, 15, 16, 17, 33, 1000, 69_000] {
                    let (mut fast, mut portable) = (plain[..len].to_vec(), plain[..len].to_vec());
                    key.apply(offset, &mut fast);
                    key.apply_portable(offset, &mut portable);
                    assert_eq!(fast, portable, "iv {iv:#x} offset {offset} len {len}");
                    if len > 0 {
                        assert_ne!(fast, plain[..len], "iv {iv:#x} offset {offset} len {len}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_range_ciphered_alone_matches_the_same_bytes_ciphered_in_one_pass() {
        let key = DataKey::from_slices(&bytes(7, 32), &IVS[1].to_be_bytes()).unwrap();
        let mut whole = bytes(5, 200_000);
        let plain = whole.clone();
        key.apply(0, &mut whole);
        for (start, end) in [
            (0usize, 1usize),
            (3, 40),
            (16, 64),
            (65_535, 131_075),
            (199_990, 200_000),
        ] {
            let mut part = plain[start..end].to_vec();
            key.apply(start as u64, &mut part);
            assert_eq!(part, whole[start..end], "range {start}..{end}");
            key.apply(start as u64, &mut part);
            assert_eq!(part, plain[start..end], "round trip {start}..{end}");
        }
    }
}
