//! Verifying TC3-HMAC-SHA256 signatures on the server side (the emulator's mock STS).

use super::signer::{canonical_request, signature_of};
use super::{ALGORITHM, TIMESTAMP_HEADER, TOKEN_HEADER, utc_date};
use crate::Credentials;
use crate::encode::constant_time_eq;
use crate::qsign::CredentialLookup;

/// What a server received, borrowed: method, raw path and query, headers as received
/// (any case) and the exact body bytes.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The URI path as received, e.g. `/`.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Headers as received.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub payload: &'a [u8],
}

/// A successfully verified request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Verified {
    /// The credentials that signed it.
    pub credentials: Credentials,
    /// The service of the credential scope (e.g. `sts`).
    pub service: String,
    /// The request's `X-TC-Timestamp`.
    pub timestamp: u64,
}

/// Why a request failed TC3 verification. Messages name fields, never secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Tc3VerifyError {
    /// No `Authorization` header.
    #[error("the request is not signed")]
    Missing,
    /// The `Authorization` value is not `TC3-HMAC-SHA256 Credential=…, SignedHeaders=…,
    /// Signature=…`; names the part that is wrong.
    #[error("malformed authorization: {0}")]
    Malformed(&'static str),
    /// `X-TC-Timestamp` is missing or not a number.
    #[error("X-TC-Timestamp is missing or invalid")]
    InvalidTimestamp,
    /// The timestamp is further than the allowed skew from the server's clock.
    #[error("the timestamp {timestamp} is more than {max_skew} s away from now ({now})")]
    Skewed {
        /// The request's timestamp.
        timestamp: u64,
        /// The server's time.
        now: u64,
        /// The allowed distance.
        max_skew: u64,
    },
    /// The credential scope's date is not the UTC date of the timestamp.
    #[error("the credential scope's date is not the date of X-TC-Timestamp")]
    DateMismatch,
    /// The credential scope names another service than the one verifying.
    #[error("the credential scope is for service {0:?}")]
    WrongService(String),
    /// A header named in `SignedHeaders` is absent.
    #[error("signed header {0} is missing")]
    MissingSignedHeader(String),
    /// No credentials are known for this secret id.
    #[error("unknown secret id {0:?}")]
    UnknownSecretId(String),
    /// The signature does not match.
    #[error("the signature does not match")]
    SignatureMismatch,
    /// Temporary credentials were used without their `X-TC-Token`.
    #[error("the X-TC-Token of temporary credentials is missing")]
    MissingToken,
    /// The `X-TC-Token` does not belong to these credentials.
    #[error("the X-TC-Token is invalid")]
    InvalidToken,
}

fn header<'a>(headers: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// The parts of a TC3 `Authorization` value.
struct Parts<'a> {
    secret_id: &'a str,
    date: &'a str,
    service: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse(value: &str) -> Result<Parts<'_>, Tc3VerifyError> {
    use Tc3VerifyError::Malformed;
    let rest = value
        .strip_prefix(ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or(Malformed("algorithm is not TC3-HMAC-SHA256"))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for field in rest.split(',') {
        let (k, v) = field.trim().split_once('=').ok_or(Malformed("field"))?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => return Err(Malformed("unknown field")),
        }
    }
    let credential = credential.ok_or(Malformed("Credential is missing"))?;
    let mut scope = credential.split('/');
    let (Some(secret_id), Some(date), Some(service), Some("tc3_request"), None) = (
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
    ) else {
        return Err(Malformed("Credential is not id/date/service/tc3_request"));
    };
    Ok(Parts {
        secret_id,
        date,
        service,
        signed_headers: signed_headers.ok_or(Malformed("SignedHeaders is missing"))?,
        signature: signature.ok_or(Malformed("Signature is missing"))?,
    })
}

/// Verifies a TC3 request for `service` at `now` (Unix seconds), allowing the
/// timestamp to be `max_skew` seconds away (Tencent Cloud allows 300).
///
/// Errors: a [`Tc3VerifyError`] saying why the request is refused.
pub fn verify<L>(
    req: &ReceivedRequest<'_>,
    lookup: &L,
    service: &str,
    now: u64,
    max_skew: u64,
) -> Result<Verified, Tc3VerifyError>
where
    L: CredentialLookup + ?Sized,
{
    let auth = header(req.headers, "authorization").ok_or(Tc3VerifyError::Missing)?;
    let parts = parse(auth)?;
    let timestamp = header(req.headers, TIMESTAMP_HEADER)
        .and_then(|t| t.trim().parse::<u64>().ok())
        .ok_or(Tc3VerifyError::InvalidTimestamp)?;
    if timestamp.abs_diff(now) > max_skew {
        return Err(Tc3VerifyError::Skewed {
            timestamp,
            now,
            max_skew,
        });
    }
    if parts.date != utc_date(timestamp) {
        return Err(Tc3VerifyError::DateMismatch);
    }
    if parts.service != service {
        return Err(Tc3VerifyError::WrongService(parts.service.to_owned()));
    }
    let mut signed = Vec::new();
    for name in parts.signed_headers.split(';') {
        let value = header(req.headers, name)
            .ok_or_else(|| Tc3VerifyError::MissingSignedHeader(name.to_owned()))?;
        signed.push((name, value));
    }
    let credentials = lookup
        .lookup(parts.secret_id)
        .ok_or_else(|| Tc3VerifyError::UnknownSecretId(parts.secret_id.to_owned()))?;
    let canonical = canonical_request(
        req.method,
        req.path,
        req.query,
        &signed,
        parts.signed_headers,
        req.payload,
    );
    let (_, expected) = signature_of(&canonical, credentials.secret_key(), service, timestamp);
    if !constant_time_eq(expected.as_bytes(), parts.signature.as_bytes()) {
        return Err(Tc3VerifyError::SignatureMismatch);
    }
    if let Some(token) = credentials.token() {
        match header(req.headers, TOKEN_HEADER) {
            None => return Err(Tc3VerifyError::MissingToken),
            Some(t) if !constant_time_eq(t.as_bytes(), token.as_bytes()) => {
                return Err(Tc3VerifyError::InvalidToken);
            }
            Some(_) => {}
        }
    }
    Ok(Verified {
        credentials,
        service: parts.service.to_owned(),
        timestamp,
    })
}
