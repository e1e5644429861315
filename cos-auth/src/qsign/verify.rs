//! Verifying XML API signatures on the server side (used by `cos-emulator`).

use std::collections::HashMap;

use super::authorization::{AuthorizationError, AuthorizationParts};
use super::canonical::strip_port;
use super::core::{self, HttpParts};
use super::key::{SigningKey, SigningKeyCache};
use super::key_time::KeyTime;
use super::signer::SECURITY_TOKEN_HEADER;
use crate::Credentials;
use crate::encode::{constant_time_eq, push_encoded, signed_path};

/// Finds the credentials of an access key id (secret id).
pub trait CredentialLookup {
    /// The credentials whose secret id is `access_key_id`, if known. When they carry a
    /// token, requests must present that token.
    fn lookup(&self, access_key_id: &str) -> Option<Credentials>;
}

impl<F> CredentialLookup for F
where
    F: Fn(&str) -> Option<Credentials>,
{
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self(access_key_id)
    }
}

impl CredentialLookup for [Credentials] {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self.iter()
            .find(|c| c.secret_id() == access_key_id)
            .cloned()
    }
}

impl CredentialLookup for Vec<Credentials> {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self.as_slice().lookup(access_key_id)
    }
}

impl CredentialLookup for HashMap<String, Credentials> {
    fn lookup(&self, access_key_id: &str) -> Option<Credentials> {
        self.get(access_key_id).cloned()
    }
}

/// What a server received, borrowed: method, the decoded path (`/key`, bucket
/// already removed for path-style requests), decoded query pairs and headers.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The decoded path, e.g. `/dir/a b.txt`.
    pub path: &'a str,
    /// Decoded query parameters, in order.
    pub query: &'a [(&'a str, &'a str)],
    /// Headers as received.
    pub headers: &'a [(&'a str, &'a str)],
}

/// Where the authorization was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthLocation {
    /// The `Authorization` header.
    Header,
    /// The `q-*` query parameters of a presigned URL.
    Query,
}

/// A successfully verified request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Verified {
    /// The credentials that signed it.
    pub credentials: Credentials,
    /// Where the authorization came from.
    pub location: AuthLocation,
    /// The parsed authorization.
    pub parts: AuthorizationParts,
}

/// Why a request failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Neither an `Authorization` header nor `q-*` query parameters: an anonymous request.
    #[error("the request is not signed")]
    Missing,
    /// The authorization could not be parsed.
    #[error("malformed authorization: {0}")]
    Malformed(AuthorizationError),
    /// A header of the request is not valid UTF-8 (only from
    /// `http_request::verify_request`, which reads an `http::Request`).
    #[error("header {0} is not valid UTF-8")]
    NonUtf8Header(String),
    /// `q-sign-algorithm` is not `sha1`.
    #[error("unsupported signature algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// No credentials are known for this access key id.
    #[error("unknown access key id {0:?}")]
    UnknownAccessKey(String),
    /// `now` is after the end of `q-sign-time`.
    #[error("the signature expired at {end} (now {now})")]
    Expired {
        /// End of the validity window.
        end: u64,
        /// The time of verification.
        now: u64,
    },
    /// `now` is before the start of `q-sign-time`.
    #[error("the signature is not valid before {start} (now {now})")]
    NotYetValid {
        /// Start of the validity window.
        start: u64,
        /// The time of verification.
        now: u64,
    },
    /// A header named in `q-header-list` is not in the request.
    #[error("signed header {0:?} is missing from the request")]
    MissingSignedHeader(String),
    /// A parameter named in `q-url-param-list` is not in the request.
    #[error("signed parameter {0:?} is missing from the request")]
    MissingSignedParam(String),
    /// The recomputed signature differs.
    #[error("the signature does not match")]
    SignatureMismatch,
    /// Temporary credentials were used without their `x-cos-security-token`.
    #[error("the security token of temporary credentials is missing")]
    MissingToken,
    /// The `x-cos-security-token` does not belong to these credentials.
    #[error("the security token is invalid")]
    InvalidToken,
}

/// Whether `raw` percent-encoded and lowercased equals `encoded_lower`, without
/// allocating in the common case of a name made of unreserved characters only.
fn name_matches(raw: &str, encoded_lower: &str, buf: &mut String) -> bool {
    if raw
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
    {
        return raw.eq_ignore_ascii_case(encoded_lower)
            && !encoded_lower.bytes().any(|b| b.is_ascii_uppercase());
    }
    buf.clear();
    push_encoded(buf, raw);
    buf.make_ascii_lowercase();
    buf == encoded_lower
}

/// The value of the last pair whose encoded, lowercased name is `encoded_lower_name`:
/// the signer keeps the last of names that collide after lowercasing (the official
/// SDK's dict semantics), so the verifier must too.
fn find<'a>(pairs: &[(&str, &'a str)], encoded_lower_name: &str) -> Option<&'a str> {
    let mut buf = String::new();
    pairs
        .iter()
        .rev()
        .find_map(|(k, v)| name_matches(k, encoded_lower_name, &mut buf).then_some(*v))
}

fn names(list: &str) -> impl Iterator<Item = &str> {
    list.split(';').filter(|s| !s.is_empty())
}

/// Verifies a signed request against `lookup` at time `now` (Unix seconds).
///
/// The host is accepted signed with or without its port. Errors: a [`VerifyError`]
/// naming the first reason the request is not authentic.
pub fn verify<L>(req: &ReceivedRequest<'_>, lookup: &L, now: u64) -> Result<Verified, VerifyError>
where
    L: CredentialLookup + ?Sized,
{
    verify_inner(req, lookup, now, None)
}

/// [`verify`], reusing SignKeys through `cache`: a server verifying many requests
/// signed for the same key time skips the first HMAC.
///
/// Errors: as [`verify`].
pub fn verify_with_cache<L>(
    req: &ReceivedRequest<'_>,
    lookup: &L,
    now: u64,
    cache: &SigningKeyCache,
) -> Result<Verified, VerifyError>
where
    L: CredentialLookup + ?Sized,
{
    verify_inner(req, lookup, now, Some(cache))
}

fn verify_inner<L>(
    req: &ReceivedRequest<'_>,
    lookup: &L,
    now: u64,
    cache: Option<&SigningKeyCache>,
) -> Result<Verified, VerifyError>
where
    L: CredentialLookup + ?Sized,
{
    let auth_header = req
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| *v);
    let (parts, location) = match auth_header {
        Some(v) => (
            AuthorizationParts::parse(v).map_err(VerifyError::Malformed)?,
            AuthLocation::Header,
        ),
        None if req
            .query
            .iter()
            .any(|(k, _)| k.starts_with("q-sign-algorithm")) =>
        {
            (
                AuthorizationParts::from_pairs(req.query.iter().copied())
                    .map_err(VerifyError::Malformed)?,
                AuthLocation::Query,
            )
        }
        None => return Err(VerifyError::Missing),
    };
    if parts.algorithm != "sha1" {
        return Err(VerifyError::UnsupportedAlgorithm(parts.algorithm));
    }
    let credentials = lookup
        .lookup(&parts.access_key_id)
        .ok_or_else(|| VerifyError::UnknownAccessKey(parts.access_key_id.clone()))?;
    if now < parts.sign_time.start() {
        return Err(VerifyError::NotYetValid {
            start: parts.sign_time.start(),
            now,
        });
    }
    if now > parts.sign_time.end() {
        return Err(VerifyError::Expired {
            end: parts.sign_time.end(),
            now,
        });
    }
    if let Some(expected) = credentials.token() {
        let got = find(req.headers, SECURITY_TOKEN_HEADER)
            .or_else(|| find(req.query, SECURITY_TOKEN_HEADER))
            .ok_or(VerifyError::MissingToken)?;
        if !constant_time_eq(got.as_bytes(), expected.as_bytes()) {
            return Err(VerifyError::InvalidToken);
        }
    }
    check_signature(req, &parts, &credentials, cache)?;
    Ok(Verified {
        credentials,
        location,
        parts,
    })
}

fn check_signature(
    req: &ReceivedRequest<'_>,
    parts: &AuthorizationParts,
    credentials: &Credentials,
    cache: Option<&SigningKeyCache>,
) -> Result<(), VerifyError> {
    // The params and headers lines of the HttpString, rebuilt in the order of the
    // received name lists (which the signer sorted).
    let mut lines = String::with_capacity(256);
    for (i, name) in names(&parts.url_param_list).enumerate() {
        if i > 0 {
            lines.push('&');
        }
        let v = find(req.query, name)
            .ok_or_else(|| VerifyError::MissingSignedParam(name.to_owned()))?;
        lines.push_str(name);
        lines.push('=');
        push_encoded(&mut lines, v);
    }
    let params_end = lines.len();
    // Where the (last) host value sits in `lines`, to try it again without its port.
    let mut host = None;
    for (i, name) in names(&parts.header_list).enumerate() {
        let v = find(req.headers, name)
            .ok_or_else(|| VerifyError::MissingSignedHeader(name.to_owned()))?;
        if i > 0 {
            lines.push('&');
        }
        lines.push_str(name);
        lines.push('=');
        let start = lines.len();
        push_encoded(&mut lines, v);
        if name == "host" {
            host = Some((start..lines.len(), v));
        }
    }
    let key = match cache {
        Some(c) => c.get(credentials, parts.key_time),
        None => SigningKey::derive(credentials.secret_key(), parts.key_time),
    };
    let path = signed_path(req.path);
    let (params, headers) = lines.split_at(params_end);
    let http = HttpParts {
        method: req.method,
        path: &path,
        params,
        headers,
    };
    // StringToSign carries q-sign-time and SignKey q-key-time (the official SDKs
    // send the same value in both), so neither can be altered without detection.
    if signs(&http, parts.sign_time, &key, &parts.signature) {
        return Ok(());
    }
    // The host is also accepted signed without its port.
    if let Some((range, full)) = host {
        let bare = strip_port(full);
        if bare != full {
            let mut alt = String::with_capacity(headers.len());
            alt.push_str(&lines[params_end..range.start]);
            push_encoded(&mut alt, bare);
            alt.push_str(&lines[range.end..]);
            let http = HttpParts {
                headers: &alt,
                ..http
            };
            if signs(&http, parts.sign_time, &key, &parts.signature) {
                return Ok(());
            }
        }
    }
    Err(VerifyError::SignatureMismatch)
}

/// Whether `expected` (lowercase hex) is the signature of `http` for `sign_time`,
/// compared in constant time.
fn signs(http: &HttpParts<'_>, sign_time: KeyTime, key: &SigningKey, expected: &str) -> bool {
    let digests = core::compute(http, sign_time, key);
    constant_time_eq(digests.signature_bytes(), expected.as_bytes())
}
