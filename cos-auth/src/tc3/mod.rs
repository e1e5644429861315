//! TC3-HMAC-SHA256: the signature of Tencent Cloud API 3.0 requests (STS, CAM, CVM…),
//! which the credential providers use to call STS.
//!
//! Same contract as [`crate::qsign`]: the signer borrows a view of the request
//! ([`SignableRequest`]: method, host, path, query, content type and payload) and
//! returns what to add ([`Signature`]: `Authorization`, `X-TC-Timestamp` and, for
//! temporary credentials, `X-TC-Token`); the verifier ([`verify`]) takes what a server
//! received and says who signed it or why not. Time is passed in.
//!
//! The algorithm (Tencent Cloud API 3.0 "Signature v3", as `tencentcloud-sdk-python-common`
//! implements it in `AbstractClient._get_tc3_signature`):
//!
//! ```text
//! CanonicalRequest = Method \n Path \n Query \n
//!                    "content-type:" ContentType \n "host:" Host \n \n
//!                    "content-type;host" \n hex(sha256(Payload))
//! StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n Date "/" Service "/tc3_request" \n
//!                    hex(sha256(CanonicalRequest))
//! SecretSigning    = HMAC(HMAC(HMAC("TC3" SecretKey, Date), Service), "tc3_request")
//! Signature        = hex(HMAC(SecretSigning, StringToSign))
//! ```
//!
//! `Date` is the UTC date (`YYYY-MM-DD`) of `Timestamp`; for `GET` the query is the
//! form-encoded parameters and the payload empty.
//!
//! ```
//! use cos_auth::Credentials;
//! use cos_auth::tc3::{sign, SignableRequest};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?;
//! let body = br#"{"RoleArn": "qcs::cam::uin/1:roleName/r", "RoleSessionName": "s"}"#;
//! let request = SignableRequest::new("POST", "sts.tencentcloudapi.com", "application/json", body);
//! let signature = sign(&request, &creds, "sts", 1_700_000_000);
//! assert!(signature.authorization().starts_with(
//!     "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/sts/tc3_request, \
//!      SignedHeaders=content-type;host, Signature="
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod signer;
mod verify;

pub use signer::{Intermediates, SignableRequest, Signature, sign, sign_with_intermediates};
pub use verify::{ReceivedRequest, Tc3VerifyError, Verified, verify};

/// The algorithm name, first word of the `Authorization` value.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The header carrying the request's Unix timestamp (signed, through the string to sign).
pub const TIMESTAMP_HEADER: &str = "X-TC-Timestamp";
/// The header carrying a temporary credential's token.
pub const TOKEN_HEADER: &str = "X-TC-Token";

/// The UTC date (`YYYY-MM-DD`) of a Unix timestamp, as the credential scope names it.
///
/// ```
/// assert_eq!(cos_auth::tc3::utc_date(1_551_113_065), "2019-02-25");
/// ```
pub fn utc_date(timestamp: u64) -> String {
    let (y, m, d) = civil_from_days(timestamp / 86_400);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's days-to-civil algorithm (days since 1970-01-01, never negative).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::utc_date(0), "1970-01-01");
        assert_eq!(super::utc_date(951_782_400), "2000-02-29");
        assert_eq!(super::utc_date(1_767_225_599), "2025-12-31");
        assert_eq!(super::utc_date(1_767_225_600), "2026-01-01");
    }
}
