//! The XML API signer (`q-sign-algorithm=sha1`).
//!
//! The signer never owns the request: it reads a borrowed [`SignableRequest`] and returns
//! a [`Signature`] saying what to add (the `Authorization` value and, for temporary
//! credentials, the `x-cos-security-token` header). Time is always passed in.

use std::borrow::Cow;
use std::fmt;

use super::canonical::{HeaderPolicy, Scratch, strip_port, write_list};
use super::core::{self, HttpParts};
use super::key::SigningKey;
use super::key_time::KeyTime;
use crate::Credentials;
use crate::encode::signed_path;

/// Name of the header that carries a temporary credential's token.
pub const SECURITY_TOKEN_HEADER: &str = "x-cos-security-token";

/// A borrowed view of the request to sign.
///
/// `path` is the raw object key (with or without its leading `/`), never URL-encoded;
/// `params` and `headers` are decoded name/value pairs.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) params: &'a [(&'a str, &'a str)],
    pub(crate) headers: &'a [(&'a str, &'a str)],
}

impl<'a> SignableRequest<'a> {
    /// A request with no params and no headers.
    pub fn new(method: &'a str, path: &'a str) -> Self {
        Self {
            method,
            path,
            params: &[],
            headers: &[],
        }
    }

    /// Sets the query parameters (decoded).
    pub fn params(mut self, params: &'a [(&'a str, &'a str)]) -> Self {
        self.params = params;
        self
    }

    /// Sets the headers (the `Host` header included when it should be signed).
    pub fn headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = headers;
        self
    }
}

/// What the signer signs. The default is the official SDK's behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningSettings {
    /// Which headers are signed (default: the official SDK's list).
    pub header_policy: HeaderPolicy,
    /// Whether the `Host` header is signed (default: true).
    pub sign_host: bool,
    /// Whether the `Host` value keeps its `:port` (default: false, as the Python SDK).
    pub host_with_port: bool,
    /// Whether query parameters are signed (default: true).
    pub sign_params: bool,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self {
            header_policy: HeaderPolicy::OfficialSdk,
            sign_host: true,
            host_with_port: false,
            sign_params: true,
        }
    }
}

impl SigningSettings {
    /// Sets the header policy.
    pub fn header_policy(mut self, policy: HeaderPolicy) -> Self {
        self.header_policy = policy;
        self
    }
    /// Sets whether `Host` is signed.
    pub fn sign_host(mut self, yes: bool) -> Self {
        self.sign_host = yes;
        self
    }
    /// Sets whether the signed `Host` keeps its port.
    pub fn host_with_port(mut self, yes: bool) -> Self {
        self.host_with_port = yes;
        self
    }
    /// Sets whether query parameters are signed.
    pub fn sign_params(mut self, yes: bool) -> Self {
        self.sign_params = yes;
        self
    }
}

/// The result of signing: what to add to the request.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    authorization: String,
    security_token: Option<String>,
}

impl Signature {
    /// The value of the `Authorization` header.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// For temporary credentials whose token was not already among the request's
    /// headers: the value of the `x-cos-security-token` header to add (it is signed).
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// Every header to add, as `(name, value)`.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        std::iter::once(("authorization", self.authorization.as_str())).chain(
            self.security_token
                .as_deref()
                .map(|t| (SECURITY_TOKEN_HEADER, t)),
        )
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("authorization", &self.authorization)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// Every intermediate value of a signature, for debugging and for comparing with
/// other implementations.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Intermediates {
    /// `lower(method)\n{path}\n{params}\n{headers}\n`.
    pub http_string: String,
    /// Lowercase hex SHA-1 of the HttpString.
    pub http_string_sha1: String,
    /// `sha1\n{key time}\n{sha1 of HttpString}\n`.
    pub string_to_sign: String,
    /// Lowercase hex `HMAC-SHA1(SecretKey, KeyTime)`. Secret: do not log it.
    pub sign_key: String,
    /// Lowercase hex `HMAC-SHA1(SignKey, StringToSign)`.
    pub signature: String,
    /// The signed header names, `;`-joined (`q-header-list`).
    pub header_list: String,
    /// The signed parameter names, `;`-joined (`q-url-param-list`).
    pub url_param_list: String,
    /// The path as signed.
    pub signed_path: String,
    /// The key time.
    pub key_time: KeyTime,
}

/// The signed parameters and headers of one request in HttpString form, and their
/// name lists.
pub(super) struct Canonical {
    /// `{params}{headers}`: the two lines of the HttpString, split at `params_end`.
    lines: String,
    params_end: usize,
    /// The signed header names, `;`-joined.
    pub(super) header_list: String,
    /// The signed parameter names, `;`-joined.
    pub(super) param_list: String,
}

impl Canonical {
    /// The HttpString parts of this request.
    pub(super) fn parts<'a>(&'a self, method: &'a str, signed_path: &'a str) -> HttpParts<'a> {
        let (params, headers) = self.lines.split_at(self.params_end);
        HttpParts {
            method,
            path: signed_path,
            params,
            headers,
        }
    }
}

/// Canonicalises the params and headers of `req`, signing the token header when
/// `token` is given.
pub(super) fn canonicalize(
    req: &SignableRequest<'_>,
    token: Option<&str>,
    settings: &SigningSettings,
) -> Canonical {
    let mut lines = String::with_capacity(256);
    let mut scratch = Scratch::new();
    let param_list = if settings.sign_params {
        write_list(
            &mut lines,
            &mut scratch,
            req.params.iter().map(|(k, v)| (*k, Cow::Borrowed(*v))),
        )
    } else {
        String::new()
    };
    let params_end = lines.len();
    let policy = settings.header_policy;
    let headers = req
        .headers
        .iter()
        .filter(|(k, _)| {
            let is_host = k.eq_ignore_ascii_case("host");
            if is_host {
                settings.sign_host
            } else {
                policy.signs(k)
            }
        })
        .map(|(k, v)| {
            let v = if !settings.host_with_port && k.eq_ignore_ascii_case("host") {
                strip_port(v)
            } else {
                v
            };
            (*k, Cow::Borrowed(v))
        })
        .chain(token.map(|t| (SECURITY_TOKEN_HEADER, Cow::Borrowed(t))));
    let header_list = write_list(&mut lines, &mut scratch, headers);
    Canonical {
        lines,
        params_end,
        header_list,
        param_list,
    }
}

/// The token to add and sign: the credential's token unless the request already
/// carries an `x-cos-security-token` header.
fn token_to_add<'c>(req: &SignableRequest<'_>, creds: &'c Credentials) -> Option<&'c str> {
    let token = creds.token()?;
    let present = req
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case(SECURITY_TOKEN_HEADER));
    (!present).then_some(token)
}

/// Signs `req` with `credentials` for `key_time`.
///
/// ```
/// use cos_auth::{Credentials, KeyTime, qsign::{sign, SignableRequest, SigningSettings}};
/// let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?;
/// let headers = [("Host", "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com")];
/// let req = SignableRequest::new("GET", "a.txt").headers(&headers);
/// let sig = sign(&req, &creds, KeyTime::new(1700000000, 1700003600)?, &SigningSettings::default());
/// assert!(sig.authorization().starts_with("q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign(
    req: &SignableRequest<'_>,
    credentials: &Credentials,
    key_time: KeyTime,
    settings: &SigningSettings,
) -> Signature {
    let key = SigningKey::derive(credentials.secret_key(), key_time);
    sign_with_key(req, credentials, &key, settings)
}

/// Signs `req` with an already derived [`SigningKey`] (see
/// [`SigningKeyCache`](super::SigningKeyCache)). The key must have been derived from
/// `credentials`' secret key.
pub fn sign_with_key(
    req: &SignableRequest<'_>,
    credentials: &Credentials,
    key: &SigningKey,
    settings: &SigningSettings,
) -> Signature {
    Signed::new(req, credentials, key, settings).signature(credentials, key)
}

/// Signs `req` and also returns every intermediate value.
pub fn sign_with_intermediates(
    req: &SignableRequest<'_>,
    credentials: &Credentials,
    key_time: KeyTime,
    settings: &SigningSettings,
) -> (Signature, Intermediates) {
    let key = SigningKey::derive(credentials.secret_key(), key_time);
    let signed = Signed::new(req, credentials, &key, settings);
    let inter = Intermediates {
        http_string: signed.parts(req).http_string(),
        http_string_sha1: signed.digests.http_string_sha1().to_owned(),
        string_to_sign: signed.digests.string_to_sign(key_time),
        sign_key: key.as_hex().to_owned(),
        signature: signed.digests.signature().to_owned(),
        header_list: signed.canonical.header_list.clone(),
        url_param_list: signed.canonical.param_list.clone(),
        signed_path: signed.path.clone().into_owned(),
        key_time,
    };
    (signed.signature(credentials, &key), inter)
}

/// One request put through the core.
struct Signed<'r, 'c> {
    token: Option<&'c str>,
    canonical: Canonical,
    path: Cow<'r, str>,
    digests: core::Digests,
}

impl<'r, 'c> Signed<'r, 'c> {
    fn new(
        req: &SignableRequest<'r>,
        credentials: &'c Credentials,
        key: &SigningKey,
        settings: &SigningSettings,
    ) -> Self {
        let token = token_to_add(req, credentials);
        let canonical = canonicalize(req, token, settings);
        let path = signed_path(req.path);
        let digests = core::compute(&canonical.parts(req.method, &path), key.key_time(), key);
        Self {
            token,
            canonical,
            path,
            digests,
        }
    }

    fn parts<'s>(&'s self, req: &SignableRequest<'s>) -> HttpParts<'s> {
        self.canonical.parts(req.method, &self.path)
    }

    fn signature(self, credentials: &Credentials, key: &SigningKey) -> Signature {
        Signature {
            authorization: core::authorization(
                credentials.secret_id(),
                key,
                &self.canonical.header_list,
                &self.canonical.param_list,
                self.digests.signature(),
            ),
            security_token: self.token.map(str::to_owned),
        }
    }
}
