//! CRC-64/XZ, which COS calls `crc64ecma` and sends as the unsigned decimal header
//! `x-cos-hash-crc64ecma`, and combining CRCs of consecutive parts.

/// Streaming CRC-64/XZ, the CRC-64/XZ of a buffer, and the header parser: cos-core's.
///
/// ```
/// let mut c = cos_transfer::crc64::Crc64::new();
/// c.update(b"1234");
/// c.update(b"56789");
/// assert_eq!(c.value(), cos_transfer::crc64::checksum(b"123456789"));
/// ```
pub use cos_core::crc::{Crc64, crc64 as checksum, parse_header};

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
/// O(log len) carry-less multiplications (a few microseconds), so combining the CRCs of
/// 10,000 parts costs nothing next to transferring them.
///
/// ```
/// use cos_transfer::crc64::{checksum, combine};
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
/// use cos_transfer::crc64::{checksum, combine_all};
/// let whole = combine_all([(checksum(b"1234"), 4), (checksum(b""), 0), (checksum(b"56789"), 5)]);
/// assert_eq!(whole, checksum(b"123456789"));
/// ```
pub fn combine_all(parts: impl IntoIterator<Item = (u64, u64)>) -> u64 {
    parts
        .into_iter()
        .fold(0u64, |acc, (crc, len)| combine(acc, crc, len))
}
