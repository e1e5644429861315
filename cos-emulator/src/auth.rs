//! Request authentication with the `cos-auth` verifier, and COS's answers to failures.

use std::borrow::Cow;

use cos_auth::Credentials;
use cos_auth::qsign::{ReceivedRequest, SigningKeyCache, VerifyError, verify_with_cache};

use crate::errors::ApiError;

/// Who sent a request.
#[derive(Debug, Clone)]
pub(crate) enum Identity {
    /// A request signed with these credentials.
    Signed(#[allow(dead_code)] Credentials),
    /// An unsigned request: allowed only where ACLs make the resource public.
    Anonymous,
}

thread_local! {
    /// SignKeys of the current key-time window, shared by the requests a thread
    /// verifies (most clients sign many requests with one key time). Per thread, so
    /// that threads do not contend on its lock.
    static KEY_CACHE: SigningKeyCache = SigningKeyCache::new();
}

/// Verifies a request, trying each candidate path (`/key`, then `/bucket/key` for
/// path-style requests). `now` is Unix seconds.
pub(crate) fn authenticate(
    credentials: &[Credentials],
    method: &str,
    paths: &[String],
    query: &[(String, String)],
    headers: &[(&str, Cow<'_, str>)],
    now: u64,
) -> Result<Identity, ApiError> {
    let query: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_ref())).collect();
    let mut last = VerifyError::Missing;
    for path in paths {
        let req = ReceivedRequest {
            method,
            path,
            query: &query,
            headers: &headers,
        };
        let verified = KEY_CACHE.with(|cache| verify_with_cache(&req, credentials, now, cache));
        match verified {
            Ok(v) => return Ok(Identity::Signed(v.credentials)),
            Err(VerifyError::Missing) => return Ok(Identity::Anonymous),
            Err(e @ VerifyError::SignatureMismatch) => last = e,
            Err(e) => return Err(to_api_error(e)),
        }
    }
    Err(to_api_error(last))
}

fn to_api_error(e: VerifyError) -> ApiError {
    match e {
        VerifyError::UnknownAccessKey(_) => ApiError::new(
            403,
            "InvalidAccessKeyId",
            "The access key Id format you provided is invalid.",
        ),
        VerifyError::SignatureMismatch
        | VerifyError::MissingSignedHeader(_)
        | VerifyError::MissingSignedParam(_) => ApiError::new(
            403,
            "SignatureDoesNotMatch",
            format!("The Signature you specified is invalid. ({e})"),
        ),
        VerifyError::Expired { .. } => {
            ApiError::access_denied(format!("Request has expired. ({e})"))
        }
        VerifyError::NotYetValid { .. } => {
            ApiError::access_denied(format!("Request is not yet valid. ({e})"))
        }
        VerifyError::MissingToken => {
            ApiError::access_denied("The x-cos-security-token of temporary credentials is missing.")
        }
        VerifyError::InvalidToken => ApiError::new(
            403,
            "InvalidAccessKeyId",
            "The x-cos-security-token is invalid for this access key.",
        ),
        VerifyError::Missing => ApiError::access_denied("Access Denied."),
        other => ApiError::access_denied(format!("Invalid authorization: {other}")),
    }
}
