//! CRC-64/XZ, which COS calls `crc64ecma` and sends as the unsigned decimal header
//! `x-cos-hash-crc64ecma` (ECMA-182 polynomial, reflected, init and xorout all ones):
//! a streaming digest and a one-shot checksum (SIMD, through `crc-fast`), and the
//! combination of the CRCs of consecutive parts into the CRC of the whole, which both
//! sides of a multipart upload need (the client to check the service's value without
//! reading the file twice, the emulator to answer Complete Multipart Upload).
//!
//! The bottom layer of cos-rs beside `cos-auth`: `cos-core` re-exports it as
//! `cos_core::crc`, `cos-emulator` uses it directly.
//!
//! ```
//! use cos_crc64::{Crc64, checksum, combine};
//! let mut c = Crc64::new();
//! c.update(b"1234");
//! c.update(b"56789");
//! assert_eq!(c.value(), checksum(b"123456789"));
//! assert_eq!(combine(checksum(b"1234"), checksum(b"56789"), 5), c.value());
//! ```
#![deny(missing_docs)]

use crc_fast::{CrcAlgorithm, Digest};

/// The CRC-64/XZ of `data`.
///
/// ```
/// assert_eq!(cos_crc64::checksum(b"123456789"), 0x995d_c9bb_df19_39fa);
/// ```
pub fn checksum(data: &[u8]) -> u64 {
    crc_fast::checksum(CrcAlgorithm::Crc64Xz, data)
}

/// An incremental CRC-64/XZ.
#[derive(Clone)]
pub struct Crc64 {
    digest: Digest,
}

impl std::fmt::Debug for Crc64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Crc64({})", self.value())
    }
}

impl Default for Crc64 {
    fn default() -> Self {
        Self::new()
    }
}

impl Crc64 {
    /// A fresh digest (its value is 0, the CRC of nothing).
    pub fn new() -> Self {
        Crc64 {
            digest: Digest::new(CrcAlgorithm::Crc64Xz),
        }
    }

    /// Adds `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.digest.update(data);
    }

    /// The CRC of everything added so far.
    pub fn value(&self) -> u64 {
        self.digest.finalize()
    }
}

/// The CRC-64/XZ polynomial, bit-reflected.
const POLY: u64 = 0xC96C_5795_D787_0F42;
/// The polynomial `1` (x⁰) in the reflected representation.
const ONE: u64 = 1 << 63;

/// `a · b mod P` over GF(2), both reflected.
fn mul_mod_p(a: u64, mut b: u64) -> u64 {
    let mut m = ONE;
    let mut p = 0u64;
    while m != 0 {
        if a & m != 0 {
            p ^= b;
            if a & (m - 1) == 0 {
                break;
            }
        }
        m >>= 1;
        b = if b & 1 != 0 { (b >> 1) ^ POLY } else { b >> 1 };
    }
    p
}

/// `x^(8·len) mod P`: appending `len` zero bytes, as an operator on a CRC register.
fn zeros_operator(mut len: u64) -> u64 {
    let mut result = ONE;
    let mut square = ONE >> 8; // x^8: one zero byte
    while len != 0 {
        if len & 1 != 0 {
            result = mul_mod_p(square, result);
        }
        square = mul_mod_p(square, square);
        len >>= 1;
    }
    result
}

/// The CRC of `A ++ B` from `crc(A)`, `crc(B)` and `len(B)`.
///
/// O(log len) carry-less multiplications, about a microsecond: combining the CRCs of
/// 10,000 parts costs nothing next to transferring them (`crc-fast`'s
/// `checksum_combine` takes about 0.17 ms per call).
///
/// ```
/// use cos_crc64::{checksum, combine};
/// assert_eq!(combine(checksum(b"1234"), checksum(b"56789"), 5), checksum(b"123456789"));
/// ```
pub fn combine(crc_a: u64, crc_b: u64, len_b: u64) -> u64 {
    if len_b == 0 {
        return crc_a;
    }
    // Initial value and final XOR are both all ones, so they cancel out (as in zlib's
    // crc32_combine): shift A's CRC over B's length and add B's.
    mul_mod_p(zeros_operator(len_b), crc_a) ^ crc_b
}

/// The CRC of consecutive parts given as `(crc, len)` in order.
///
/// ```
/// use cos_crc64::{checksum, combine_all};
/// let whole = combine_all([(checksum(b"1234"), 4), (checksum(b""), 0), (checksum(b"56789"), 5)]);
/// assert_eq!(whole, checksum(b"123456789"));
/// ```
pub fn combine_all(parts: impl IntoIterator<Item = (u64, u64)>) -> u64 {
    parts
        .into_iter()
        .fold(0u64, |acc, (crc, len)| combine(acc, crc, len))
}
