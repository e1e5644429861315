//! CRC64 as COS computes it for `x-cos-hash-crc64ecma`: CRC-64/XZ (ECMA-182 polynomial,
//! reflected, init and xorout all ones), written as an unsigned decimal string. The
//! digest and the combination of part CRCs are `cos-crc64`'s; the header parser and
//! the check are this crate's.

pub use cos_crc64::{Crc64, combine, combine_all};

use crate::error::{Error, IntegrityError};

/// The CRC64 of `data`, as COS computes it.
///
/// ```
/// assert_eq!(cos_core::crc::crc64(b"123456789"), 0x995d_c9bb_df19_39fa);
/// ```
pub fn crc64(data: &[u8]) -> u64 {
    cos_crc64::checksum(data)
}

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
/// let crc = cos_core::crc::crc64(b"hello");
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
    fn incremental_equals_oneshot() {
        let data = b"The quick brown fox jumps over the lazy dog";
        let mut c = Crc64::new();
        c.update(&data[..10]);
        c.update(&data[10..]);
        assert_eq!(c.value(), crc64(data));
        assert_eq!(Crc64::new().value(), 0);
    }

    #[test]
    fn mismatch_is_integrity_error() {
        let e = verify(crc64(b"abc"), "12345").unwrap_err();
        assert!(matches!(
            e,
            Error::Integrity(IntegrityError::Crc64Mismatch { .. })
        ));
        assert!(matches!(verify(1, "x"), Err(Error::Decode(_))));
    }
}
