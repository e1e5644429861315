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

/// The message of the 403 `AccessDenied` answer to an expired signature.
pub(crate) const REQUEST_EXPIRED: &str = "Request has expired";

/// The paths a signature of a request to `target` may cover.
///
/// Virtual-host style: `/key` (the bucket is bound by the `Host` the client signed, as
/// COS binds it). Path-style: only `/bucket/key` (and `/bucket` for bucket requests),
/// what cos-core signs in path-style mode: a signature over `/key` alone does not
/// name the bucket, so accepting it would let a URL presigned for `/key` of one bucket
/// read `/key` of any other bucket of the account.
pub(crate) fn signed_paths(target: &crate::routing::Target) -> Vec<String> {
    let Some(full) = target.full_path() else {
        return vec![target.signed_path()];
    };
    let mut paths = Vec::with_capacity(2);
    if target.key.is_none()
        && let Some(bucket_only) = full.strip_suffix('/')
    {
        paths.push(bucket_only.to_owned());
    }
    paths.push(full);
    paths
}

/// Verifies a request, trying each candidate path (see [`signed_paths`]). `now` is
/// Unix seconds.
///
/// `lookup` finds the configured and the minted credentials; temporary credentials
/// expired by the emulator's clock (`clock_now`) are refused.
pub(crate) fn authenticate(
    lookup: &dyn Fn(&str) -> Option<Credentials>,
    clock_now: u64,
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
        let verified = KEY_CACHE.with(|cache| verify_with_cache(&req, &lookup, now, cache));
        match verified {
            Ok(v) if crate::sts::expired(&v.credentials, clock_now) => {
                return Err(expired_credentials());
            }
            Ok(v) => return Ok(Identity::Signed(v.credentials)),
            Err(VerifyError::Missing) => return Ok(Identity::Anonymous),
            Err(e @ VerifyError::SignatureMismatch) => last = e,
            Err(e) => return Err(to_api_error(e)),
        }
    }
    Err(to_api_error(last))
}

/// The answer to a request signed with temporary credentials past their expiry.
///
/// No public COS document or SDK test names the exact code; `InvalidAccessKeyId` is
/// what COS answers for keys it does not accept, and it is not retried by clients.
fn expired_credentials() -> ApiError {
    ApiError::new(
        403,
        "InvalidAccessKeyId",
        "The temporary credentials (x-cos-security-token) have expired.",
    )
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
        // Exactly this code and text: the official Node SDK corrects its clock skew
        // (from the answer's `Date`) only when `Code == "AccessDenied" && Message ==
        // "Request has expired"` (tencentyun/cos-nodejs-sdk-v5 sdk/base.js,
        // `allowRetry`, at af79a8d3); any suffix defeats it.
        VerifyError::Expired { .. } => ApiError::access_denied(REQUEST_EXPIRED),
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
