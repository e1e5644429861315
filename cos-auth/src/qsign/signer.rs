//! The XML API signer (`q-sign-algorithm=sha1`).
//!
//! The signer never owns the request: it reads a borrowed [`SignableRequest`] and returns
//! a [`Signature`] saying what to add (the `Authorization` value and, for temporary
//! credentials, the `x-cos-security-token` header). Time is always passed in.

use std::borrow::Cow;
use std::fmt;
use std::sync::Mutex;

use hmac::{Hmac, KeyInit, Mac};
use sha1::{Digest, Sha1};

use super::canonical::{HeaderPolicy, Scratch, strip_port, write_list};
use super::key_time::KeyTime;
use crate::Credentials;
use crate::encode::{hex, hex_into, push_hex, signed_path};

type HmacSha1 = Hmac<Sha1>;

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

/// A SignKey derived for one key time: `hex(HMAC-SHA1(SecretKey, KeyTime))`, kept
/// with its HMAC state so signing with it costs only the second HMAC.
#[derive(Clone)]
pub struct SigningKey {
    key_time: KeyTime,
    /// `start;end` as text (at most 41 bytes), formatted once.
    key_time_text: [u8; 41],
    key_time_len: usize,
    hex: [u8; 40],
    mac: HmacSha1,
}

impl SigningKey {
    /// Derives the SignKey for `secret_key` and `key_time`.
    pub fn derive(secret_key: &str, key_time: KeyTime) -> Self {
        let kt = key_time.to_string();
        let mut hex = [0u8; 40];
        hex_into(&hmac_sha1(secret_key.as_bytes(), kt.as_bytes()), &mut hex);
        let mac = new_mac(&hex);
        let mut key_time_text = [0u8; 41];
        let key_time_len = kt.len().min(41);
        key_time_text[..key_time_len].copy_from_slice(&kt.as_bytes()[..key_time_len]);
        Self {
            key_time,
            key_time_text,
            key_time_len,
            hex,
            mac,
        }
    }

    /// The key time this key was derived for.
    pub fn key_time(&self) -> KeyTime {
        self.key_time
    }

    fn key_time_str(&self) -> &str {
        std::str::from_utf8(&self.key_time_text[..self.key_time_len]).unwrap_or_default()
    }

    /// The SignKey as lowercase hex (it is secret: do not log it).
    pub fn as_hex(&self) -> &str {
        // Always ASCII hex digits.
        std::str::from_utf8(&self.hex).unwrap_or_default()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_time", &self.key_time)
            .field("key", &"** redacted **")
            .finish()
    }
}

fn new_mac(key: &[u8]) -> HmacSha1 {
    // HMAC accepts keys of any length; this cannot fail.
    match HmacSha1::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC-SHA1 accepts keys of any length"),
    }
}

pub(crate) fn hmac_sha1(key: &[u8], msg: &[u8]) -> [u8; 20] {
    let mut mac = new_mac(key);
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Caches the [`SigningKey`] of the current key-time window, so that requests signed
/// with the same credentials and [`KeyTime`] skip the first HMAC.
#[derive(Default)]
pub struct SigningKeyCache {
    slot: Mutex<Option<(String, SigningKey)>>,
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKeyCache")
    }
}

impl SigningKeyCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cached key for these credentials and key time, derived on a miss.
    pub fn get(&self, credentials: &Credentials, key_time: KeyTime) -> SigningKey {
        let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((secret, key)) = slot.as_ref()
            && key.key_time == key_time
            && secret == credentials.secret_key()
        {
            return key.clone();
        }
        let key = SigningKey::derive(credentials.secret_key(), key_time);
        *slot = Some((credentials.secret_key().to_owned(), key.clone()));
        key
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

/// The parts of one canonical request.
pub(crate) struct Canonical {
    pub http_string: String,
    pub header_list: String,
    pub param_list: String,
}

/// Builds the HttpString of `req`, signing the token header when `token` is given.
pub(crate) fn canonicalize(
    req: &SignableRequest<'_>,
    token: Option<&str>,
    settings: &SigningSettings,
) -> Canonical {
    let mut s = String::with_capacity(256);
    for c in req.method.chars() {
        s.push(c.to_ascii_lowercase());
    }
    s.push('\n');
    s.push_str(&signed_path(req.path));
    s.push('\n');
    let mut scratch = Scratch::new();
    let param_list = if settings.sign_params {
        write_list(
            &mut s,
            &mut scratch,
            req.params.iter().map(|(k, v)| (*k, Cow::Borrowed(*v))),
        )
    } else {
        String::new()
    };
    s.push('\n');
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
    let header_list = write_list(&mut s, &mut scratch, headers);
    s.push('\n');
    Canonical {
        http_string: s,
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

pub(crate) fn string_to_sign(key_time: KeyTime, http_string: &str) -> (String, String) {
    let digest = Sha1::digest(http_string.as_bytes());
    let mut sts = String::with_capacity(80);
    sts.push_str("sha1\n");
    sts.push_str(&key_time.to_string());
    sts.push('\n');
    let start = sts.len();
    push_hex(&mut sts, &digest);
    let sha = sts[start..].to_owned();
    sts.push('\n');
    (sts, sha)
}

pub(crate) fn signature_hex(key: &SigningKey, string_to_sign: &str) -> String {
    let mut mac = key.mac.clone();
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Whether `expected` (lowercase hex) is the signature of the StringToSign for
/// `sign_time` and `http_string`: the verifier's allocation-free equivalent of
/// [`string_to_sign`] followed by [`signature_hex`].
pub(crate) fn signature_matches(
    key: &SigningKey,
    sign_time: KeyTime,
    http_string: &str,
    expected: &str,
) -> bool {
    let mut digest_hex = [0u8; 40];
    hex_into(&Sha1::digest(http_string.as_bytes()), &mut digest_hex);
    let mut mac = key.mac.clone();
    mac.update(b"sha1\n");
    let mut time_text = [0u8; 41];
    mac.update(key_time_text(sign_time, &mut time_text));
    mac.update(b"\n");
    mac.update(&digest_hex);
    mac.update(b"\n");
    let mut signature = [0u8; 40];
    hex_into(&mac.finalize().into_bytes(), &mut signature);
    crate::encode::constant_time_eq(&signature, expected.as_bytes())
}

/// `start;end` written into `buf` (two `u64` and `;` take at most 41 bytes).
fn key_time_text(key_time: KeyTime, buf: &mut [u8; 41]) -> &[u8] {
    use std::io::Write;
    let mut rest = &mut buf[..];
    let _ = write!(rest, "{key_time}");
    let unused = rest.len();
    let len = buf.len() - unused;
    &buf[..len]
}

pub(crate) fn format_authorization(
    secret_id: &str,
    key_time: KeyTime,
    header_list: &str,
    param_list: &str,
    signature: &str,
) -> String {
    let kt = key_time.to_string();
    let mut a = String::with_capacity(160 + header_list.len() + param_list.len());
    a.push_str("q-sign-algorithm=sha1&q-ak=");
    a.push_str(secret_id);
    a.push_str("&q-sign-time=");
    a.push_str(&kt);
    a.push_str("&q-key-time=");
    a.push_str(&kt);
    a.push_str("&q-header-list=");
    a.push_str(header_list);
    a.push_str("&q-url-param-list=");
    a.push_str(param_list);
    a.push_str("&q-signature=");
    a.push_str(signature);
    a
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

/// Signs `req` with an already derived [`SigningKey`] (see [`SigningKeyCache`]).
/// The key must have been derived from `credentials`' secret key.
pub fn sign_with_key(
    req: &SignableRequest<'_>,
    credentials: &Credentials,
    key: &SigningKey,
    settings: &SigningSettings,
) -> Signature {
    let token = token_to_add(req, credentials);
    let canonical = canonicalize(req, token, settings);
    let kt = key.key_time_str();
    let mut sha_hex = [0u8; 40];
    hex_into(
        &Sha1::digest(canonical.http_string.as_bytes()),
        &mut sha_hex,
    );
    let mut mac = key.mac.clone();
    mac.update(b"sha1\n");
    mac.update(kt.as_bytes());
    mac.update(b"\n");
    mac.update(&sha_hex);
    mac.update(b"\n");
    let mut a = String::with_capacity(
        170 + canonical.header_list.len()
            + canonical.param_list.len()
            + credentials.secret_id().len(),
    );
    a.push_str("q-sign-algorithm=sha1&q-ak=");
    a.push_str(credentials.secret_id());
    a.push_str("&q-sign-time=");
    a.push_str(kt);
    a.push_str("&q-key-time=");
    a.push_str(kt);
    a.push_str("&q-header-list=");
    a.push_str(&canonical.header_list);
    a.push_str("&q-url-param-list=");
    a.push_str(&canonical.param_list);
    a.push_str("&q-signature=");
    push_hex(&mut a, &mac.finalize().into_bytes());
    Signature {
        authorization: a,
        security_token: token.map(str::to_owned),
    }
}

/// Signs `req` and also returns every intermediate value.
pub fn sign_with_intermediates(
    req: &SignableRequest<'_>,
    credentials: &Credentials,
    key_time: KeyTime,
    settings: &SigningSettings,
) -> (Signature, Intermediates) {
    let key = SigningKey::derive(credentials.secret_key(), key_time);
    sign_inner(req, credentials, &key, settings)
}

fn sign_inner(
    req: &SignableRequest<'_>,
    credentials: &Credentials,
    key: &SigningKey,
    settings: &SigningSettings,
) -> (Signature, Intermediates) {
    let (sig, canonical, sts, sha, signature) = sign_parts(req, credentials, key, settings);
    let inter = Intermediates {
        http_string: canonical.http_string,
        http_string_sha1: sha,
        string_to_sign: sts,
        sign_key: key.as_hex().to_owned(),
        signature,
        header_list: canonical.header_list,
        url_param_list: canonical.param_list,
        signed_path: signed_path(req.path).into_owned(),
        key_time: key.key_time,
    };
    (sig, inter)
}

fn sign_parts(
    req: &SignableRequest<'_>,
    credentials: &Credentials,
    key: &SigningKey,
    settings: &SigningSettings,
) -> (Signature, Canonical, String, String, String) {
    let token = token_to_add(req, credentials);
    let canonical = canonicalize(req, token, settings);
    let (sts, sha) = string_to_sign(key.key_time, &canonical.http_string);
    let signature = signature_hex(key, &sts);
    let authorization = format_authorization(
        credentials.secret_id(),
        key.key_time,
        &canonical.header_list,
        &canonical.param_list,
        &signature,
    );
    let sig = Signature {
        authorization,
        security_token: token.map(str::to_owned),
    };
    (sig, canonical, sts, sha, signature)
}
