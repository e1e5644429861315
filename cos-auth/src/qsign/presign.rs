//! Presigned URLs: a URL that carries its own authorization in `q-*` query parameters.
//!
//! The URL has the same form as the official Python SDK's `get_presigned_url`: the
//! object URL, `?`, the authorization fields form-encoded in their usual order, then
//! `&` and the extra parameters form-encoded in the order given.
//!
//! **Temporary credentials.** The official SDK never adds the security token to a
//! presigned URL, so a URL signed with temporary credentials fails unless the caller
//! remembers to pass the token as a parameter. cos-rs adds it by default
//! ([`PresignSettings::include_token`]): as the query parameter `x-cos-security-token`,
//! placed first among the extra parameters and signed like them. Turn it off to get
//! exactly the official SDK's output.

use super::core;
use super::key::SigningKey;
use super::key_time::KeyTime;
use super::signer::{SECURITY_TOKEN_HEADER, SignableRequest, SigningSettings, canonicalize};
use crate::Credentials;
use crate::encode::{push_form_encoded, signed_path, url_path};

/// What to presign.
#[derive(Debug, Clone, Copy)]
pub struct PresignRequest<'a> {
    /// HTTP method the URL is for.
    pub method: &'a str,
    /// `https` or `http`.
    pub scheme: &'a str,
    /// The host (and port, if any) of the URL, e.g. `bucket-appid.cos.region.myqcloud.com`.
    pub host: &'a str,
    /// The raw object key.
    pub key: &'a str,
    /// Extra query parameters, signed and appended in this order.
    pub params: &'a [(&'a str, &'a str)],
    /// Headers the user of the URL will send, signed (e.g. `Content-Type`).
    pub headers: &'a [(&'a str, &'a str)],
}

impl<'a> PresignRequest<'a> {
    /// A presign request for `method` on `key` at `https://{host}`.
    pub fn new(method: &'a str, host: &'a str, key: &'a str) -> Self {
        Self {
            method,
            scheme: "https",
            host,
            key,
            params: &[],
            headers: &[],
        }
    }

    /// Sets the scheme (`http` or `https`).
    pub fn scheme(mut self, scheme: &'a str) -> Self {
        self.scheme = scheme;
        self
    }

    /// Sets the extra query parameters.
    pub fn params(mut self, params: &'a [(&'a str, &'a str)]) -> Self {
        self.params = params;
        self
    }

    /// Sets the signed headers.
    pub fn headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = headers;
        self
    }
}

/// Settings of a presigned URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PresignSettings {
    /// How the request is signed.
    pub signing: SigningSettings,
    /// Add a temporary credential's token as the signed query parameter
    /// `x-cos-security-token` (default: true; the official SDK does not).
    pub include_token: bool,
}

impl Default for PresignSettings {
    fn default() -> Self {
        Self {
            signing: SigningSettings::default(),
            include_token: true,
        }
    }
}

impl PresignSettings {
    /// Sets the signing settings.
    pub fn signing(mut self, signing: SigningSettings) -> Self {
        self.signing = signing;
        self
    }
    /// Sets whether the token of temporary credentials is added.
    pub fn include_token(mut self, yes: bool) -> Self {
        self.include_token = yes;
        self
    }
}

/// A presigned URL and the equivalent `Authorization` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedUrl {
    /// The URL.
    pub url: String,
    /// The same signature as an `Authorization` header value (what `get_auth` returns).
    pub authorization: String,
}

/// Presigns `req` for `key_time`.
///
/// ```
/// use cos_auth::{Credentials, KeyTime, qsign::{presign_url, PresignRequest, PresignSettings}};
/// let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?;
/// let req = PresignRequest::new("GET", "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com", "a.txt");
/// let url = presign_url(&req, &creds, KeyTime::from_now(1_700_000_060, 3540), &PresignSettings::default());
/// assert!(url.url.starts_with("https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/a.txt?q-sign-algorithm=sha1&"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn presign_url(
    req: &PresignRequest<'_>,
    credentials: &Credentials,
    key_time: KeyTime,
    settings: &PresignSettings,
) -> PresignedUrl {
    let token = credentials.token().filter(|_| {
        settings.include_token && !req.params.iter().any(|(k, _)| *k == SECURITY_TOKEN_HEADER)
    });
    let mut params: Vec<(&str, &str)> = Vec::with_capacity(req.params.len() + 1);
    if let Some(t) = token {
        params.push((SECURITY_TOKEN_HEADER, t));
    }
    params.extend_from_slice(req.params);
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(req.headers.len() + 1);
    if !req
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("host"))
    {
        headers.push(("host", req.host));
    }
    headers.extend_from_slice(req.headers);
    let signable = SignableRequest::new(req.method, req.key)
        .params(&params)
        .headers(&headers);
    // The token travels as a query parameter here, never as a header.
    let canonical = canonicalize(&signable, None, &settings.signing);
    let key = SigningKey::derive(credentials.secret_key(), key_time);
    let path = signed_path(req.key);
    let digests = core::compute(&canonical.parts(req.method, &path), key_time, &key);
    let authorization = core::authorization(
        credentials.secret_id(),
        &key,
        &canonical.header_list,
        &canonical.param_list,
        digests.signature(),
    );
    let mut url = String::with_capacity(256);
    url.push_str(req.scheme);
    url.push_str("://");
    url.push_str(req.host);
    url.push_str(&url_path(req.key));
    url.push('?');
    for (i, field) in authorization.split('&').enumerate() {
        if i > 0 {
            url.push('&');
        }
        let (k, v) = field.split_once('=').unwrap_or((field, ""));
        push_form_encoded(&mut url, k);
        url.push('=');
        push_form_encoded(&mut url, v);
    }
    for (k, v) in &params {
        url.push('&');
        push_form_encoded(&mut url, k);
        url.push('=');
        push_form_encoded(&mut url, v);
    }
    PresignedUrl { url, authorization }
}
