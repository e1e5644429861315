//! CRC-64/XZ, which COS calls `crc64ecma` and sends as the unsigned decimal header
//! `x-cos-hash-crc64ecma`, and combining CRCs of consecutive parts.

/// Streaming CRC-64/XZ, the CRC-64/XZ of a buffer, the O(log n) combination of part
/// CRCs (`cos-crc64`'s, through cos-core), and the header parser (cos-core's).
///
/// ```
/// let mut c = cos_transfer::crc64::Crc64::new();
/// c.update(b"1234");
/// c.update(b"56789");
/// assert_eq!(c.value(), cos_transfer::crc64::checksum(b"123456789"));
/// ```
pub use cos_core::crc::{Crc64, checksum, combine, combine_all, parse_header};
