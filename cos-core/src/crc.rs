//! CRC64 as COS computes it for `x-cos-hash-crc64ecma`: CRC-64/XZ (ECMA-182 polynomial,
//! reflected, init and xorout all ones), written as an unsigned decimal string.
//!
//! The digest is `cos-crc64`'s, under its own names ([`Crc64`], [`checksum`],
//! [`combine`], [`combine_all`]), re-exported here so that users of cos-core alone
//! (e.g. cos-transfer) need no other dependency; this module adds only the header
//! parser and the check.

pub use cos_crc64::{Crc64, checksum, combine, combine_all};

use crate::error::{Error, IntegrityError};

/// Parses the `x-cos-hash-crc64ecma` header value (an unsigned decimal).
///
/// Errors: [`Error::Decode`] when the value is not an unsigned 64-bit decimal.
pub fn parse_header(value: &str) -> Result<u64, Error> {
    value
        .trim()
        .parse::<u64>()
        .map_err(|_| Error::decode(format!("bad x-cos-hash-crc64ecma value {value:?}")))
}

/// Compares a locally computed CRC64 with the value COS reported.
///
/// Errors: [`Error::Integrity`] with [`IntegrityError::Crc64Mismatch`] when they differ,
/// [`Error::Decode`] when `remote` is not a decimal.
///
/// ```
/// let crc = cos_core::crc::checksum(b"hello");
/// assert!(cos_core::crc::verify(crc, &crc.to_string()).is_ok());
/// assert!(cos_core::crc::verify(crc, "1").is_err());
/// ```
pub fn verify(local: u64, remote: &str) -> Result<(), Error> {
    let remote = parse_header(remote)?;
    if local == remote {
        Ok(())
    } else {
        Err(Error::integrity(IntegrityError::Crc64Mismatch {
            local,
            remote,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_and_mismatch() {
        assert_eq!(checksum(b"123456789"), 0x995d_c9bb_df19_39fa);
        let e = verify(checksum(b"abc"), "12345").unwrap_err();
        assert!(matches!(
            e,
            Error::Integrity(IntegrityError::Crc64Mismatch { .. })
        ));
        assert!(matches!(verify(1, "x"), Err(Error::Decode(_))));
        assert_eq!(parse_header(" 42 ").unwrap(), 42);
    }
}
