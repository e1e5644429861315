//! The TC3-HMAC-SHA256 signer: canonical request, string to sign, derived key.

use std::fmt;

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::{ALGORITHM, TIMESTAMP_HEADER, TOKEN_HEADER, utc_date};
use crate::Credentials;
use crate::encode::hex;

/// The headers the official SDK signs, in canonical order.
pub(crate) const SIGNED_HEADERS: &str = "content-type;host";

/// A borrowed view of a Tencent Cloud API request to sign.
///
/// `host` is the `Host` header as sent (with its port, if any); `path` the URI path
/// (default `/`); `query` the raw query string (default empty; for `GET`, the
/// form-encoded parameters); `payload` the exact body bytes.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) host: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: &'a str,
    pub(crate) content_type: &'a str,
    pub(crate) payload: &'a [u8],
}

impl<'a> SignableRequest<'a> {
    /// A request to `/` with no query.
    pub fn new(method: &'a str, host: &'a str, content_type: &'a str, payload: &'a [u8]) -> Self {
        Self {
            method,
            host,
            path: "/",
            query: "",
            content_type,
            payload,
        }
    }

    /// Sets the URI path (default `/`).
    pub fn path(mut self, path: &'a str) -> Self {
        self.path = path;
        self
    }

    /// Sets the raw query string, without `?` (default empty).
    pub fn query(mut self, query: &'a str) -> Self {
        self.query = query;
        self
    }
}

/// The result of signing: the headers to add.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    authorization: String,
    timestamp: String,
    token: Option<String>,
}

impl Signature {
    /// The value of the `Authorization` header.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The value of `X-TC-Timestamp` (it must be sent: the server rebuilds the string to
    /// sign from it).
    pub fn timestamp(&self) -> &str {
        &self.timestamp
    }

    /// For temporary credentials, the value of `X-TC-Token`.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Every header to add, as `(name, value)`.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("Authorization", self.authorization.as_str()),
            (TIMESTAMP_HEADER, self.timestamp.as_str()),
        ]
        .into_iter()
        .chain(self.token.as_deref().map(|t| (TOKEN_HEADER, t)))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("authorization", &self.authorization)
            .field("timestamp", &self.timestamp)
            .field("token", &self.token.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

/// The intermediate values of one signature, for debugging a mismatch against
/// another implementation. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Intermediates {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The hex signature.
    pub signature: String,
    /// The signature's headers.
    pub result: Signature,
}

type HmacSha256 = hmac::Hmac<Sha256>;

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length: `new_from_slice` cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// The canonical request of `req`, with `signed_headers` (lowercase names separated by
/// `;`) and their values.
pub(crate) fn canonical_request(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    signed_headers: &str,
    payload: &[u8],
) -> String {
    let mut s = String::with_capacity(256);
    for part in [method, "\n", path, "\n", query, "\n"] {
        s.push_str(part);
    }
    for (name, value) in headers {
        s.push_str(name);
        s.push(':');
        s.push_str(value.trim());
        s.push('\n');
    }
    s.push('\n');
    s.push_str(signed_headers);
    s.push('\n');
    s.push_str(&hex(&Sha256::digest(payload)));
    s
}

/// The string to sign and the hex signature of a canonical request.
pub(crate) fn signature_of(
    canonical_request: &str,
    secret_key: &str,
    service: &str,
    timestamp: u64,
) -> (String, String) {
    let date = utc_date(timestamp);
    let string_to_sign = format!(
        "{ALGORITHM}\n{timestamp}\n{date}/{service}/tc3_request\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let mut key = Vec::with_capacity(3 + secret_key.len());
    key.extend_from_slice(b"TC3");
    key.extend_from_slice(secret_key.as_bytes());
    let k_date = hmac(&key, date.as_bytes());
    let k_service = hmac(&k_date, service.as_bytes());
    let k_signing = hmac(&k_service, b"tc3_request");
    let signature = hex(&hmac(&k_signing, string_to_sign.as_bytes()));
    (string_to_sign, signature)
}

/// Signs `req` for `service` (e.g. `sts`) at `timestamp` (Unix seconds), showing the
/// intermediate values.
pub fn sign_with_intermediates(
    req: &SignableRequest<'_>,
    credentials: &Credentials,
    service: &str,
    timestamp: u64,
) -> Intermediates {
    let headers = [("content-type", req.content_type), ("host", req.host)];
    let canonical_request = canonical_request(
        req.method,
        req.path,
        req.query,
        &headers,
        SIGNED_HEADERS,
        req.payload,
    );
    let (string_to_sign, signature) = signature_of(
        &canonical_request,
        credentials.secret_key(),
        service,
        timestamp,
    );
    let authorization = format!(
        "{ALGORITHM} Credential={}/{}/{service}/tc3_request, SignedHeaders={SIGNED_HEADERS}, Signature={signature}",
        credentials.secret_id(),
        utc_date(timestamp),
    );
    Intermediates {
        canonical_request,
        string_to_sign,
        signature,
        result: Signature {
            authorization,
            timestamp: timestamp.to_string(),
            token: credentials.token().map(str::to_owned),
        },
    }
}

/// Signs `req` for `service` (e.g. `sts`) at `timestamp` (Unix seconds).
pub fn sign(
    req: &SignableRequest<'_>,
    credentials: &Credentials,
    service: &str,
    timestamp: u64,
) -> Signature {
    sign_with_intermediates(req, credentials, service, timestamp).result
}
