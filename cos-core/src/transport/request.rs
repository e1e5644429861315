//! [`WireRequest`] — method, `Host`, encoded path and query, headers and body — and
//! the first steps of an attempt: resolve the target, build the head, build the HTTP
//! request.

use std::fmt;

use http::{HeaderName, HeaderValue, Method};

use super::config::TransportConfig;
use crate::body::{Body, HyperBody};
use crate::error::{Error, InvalidInput};
use crate::request::Redacted;

/// Which answers a request takes as its answer; the other statuses end as
/// [`Error::Service`] (retried first when the status is retryable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Accept {
    /// Every status below 500 is the answer and is given back as is (the default).
    #[default]
    BelowServerError,
    /// Only a `2xx` status is the answer; any other is a COS error (its XML error
    /// document parsed into a [`ServiceError`](crate::ServiceError)).
    Success,
}

/// A request ready for the [`Transport`](super::Transport): everything but its
/// authorization, which the [`Authorizer`](super::Authorizer) adds to every attempt.
///
/// ```
/// use cos_core::transport::{Accept, WireRequest};
/// let request = WireRequest::new(
///     "V4Stat",
///     http::Method::GET,
///     "sh.file.myqcloud.com",
///     "/files/v2/1250000000/mybucket/a%20b.txt?op=stat",
/// )
/// .header("X-Trace", "1")
/// .accept(Accept::BelowServerError);
/// assert_eq!(request.path_and_query(), "/files/v2/1250000000/mybucket/a%20b.txt?op=stat");
/// ```
pub struct WireRequest {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) host: String,
    pub(crate) fallback_host: Option<String>,
    pub(crate) path_and_query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) accept: Accept,
    pub(crate) verify_crc64: bool,
}

impl fmt::Debug for WireRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WireRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("host", &self.host)
            .field("fallback_host", &self.fallback_host)
            .field("path_and_query", &self.path_and_query)
            .field("headers", &Redacted(&self.headers))
            .field("body", &self.body)
            .field("accept", &self.accept)
            .field("verify_crc64", &self.verify_crc64)
            .finish()
    }
}

impl WireRequest {
    /// A request named `operation` (for tracing) of `method` on `host` (the `Host`
    /// header, and where to connect unless `connect_to` is set), with `path_and_query`
    /// already percent-encoded and starting with `/` (e.g. `/a%20b?op=stat`).
    pub fn new(
        operation: &'static str,
        method: Method,
        host: impl Into<String>,
        path_and_query: impl Into<String>,
    ) -> Self {
        WireRequest {
            operation,
            method,
            host: host.into(),
            fallback_host: None,
            path_and_query: path_and_query.into(),
            headers: Vec::new(),
            body: Body::empty(),
            accept: Accept::default(),
            verify_crc64: false,
        }
    }

    /// Adds a header (`Host`, `User-Agent` and `Content-Length` are set by the transport).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body (empty by default).
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets which statuses are the answer (default [`Accept::BelowServerError`]).
    pub fn accept(mut self, accept: Accept) -> Self {
        self.accept = accept;
        self
    }

    /// Compares the answer's `x-cos-hash-crc64ecma`, when present, with the CRC-64 of
    /// the body sent; a mismatch is [`Error::Integrity`] (default off).
    pub fn verify_crc64(mut self, yes: bool) -> Self {
        self.verify_crc64 = yes;
        self
    }

    /// The `Host` used once an attempt failed without an `x-cos-request-id` and the
    /// retry policy's `switch_domain_on_failure` is on.
    pub fn fallback_host(mut self, host: impl Into<String>) -> Self {
        self.fallback_host = Some(host.into());
        self
    }

    /// The operation name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The encoded path and query.
    pub fn path_and_query(&self) -> &str {
        &self.path_and_query
    }
}

/// The head of one attempt, as an [`Authorizer`](super::Authorizer) sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct RequestHead<'a> {
    /// The method.
    pub method: &'a Method,
    /// The encoded path and query, as sent.
    pub path_and_query: &'a str,
    /// The headers, `Host` first (`User-Agent` and the authorization are added later).
    pub headers: &'a [(String, String)],
    /// The attempt, from 1.
    pub attempt: u32,
}

/// Where one attempt goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The `Host` header.
    pub host: String,
    /// The full URI connected to.
    pub uri: String,
}

/// Step 1: the host (the fallback one once the retry loop switched) and the URI
/// (`connect_to`'s origin, or the scheme and host, then the path and query).
pub(crate) fn resolve_target(
    config: &TransportConfig,
    req: &WireRequest,
    fallback: bool,
) -> Target {
    let host = match (&req.fallback_host, fallback) {
        (Some(h), true) => h.clone(),
        _ => req.host.clone(),
    };
    let uri = match &config.connect_to {
        Some(origin) => format!("{origin}{}", req.path_and_query),
        None => format!("{}://{host}{}", config.scheme.as_str(), req.path_and_query),
    };
    Target { host, uri }
}

/// Step 2: the signed headers of one attempt: `Host`, the request's, `Content-Length`
/// when known (not for an empty GET/HEAD/OPTIONS), and `x-cos-sdk-retry: true` on
/// retries.
pub(crate) fn build_head(req: &WireRequest, host: &str, attempt: u32) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::with_capacity(req.headers.len() + 3);
    headers.push(("Host".into(), host.to_owned()));
    headers.extend(req.headers.iter().cloned());
    let has_len_header = req
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"));
    if !has_len_header {
        match req.body.content_length() {
            Some(0)
                if req.method == Method::GET
                    || req.method == Method::HEAD
                    || req.method == Method::OPTIONS => {}
            Some(n) => headers.push(("Content-Length".into(), n.to_string())),
            None => {}
        }
    }
    if attempt > 1 {
        headers.push(("x-cos-sdk-retry".into(), "true".into()));
    }
    headers
}

/// Step 4: the HTTP request of one attempt.
///
/// Errors: [`Error::InvalidInput`] for a header HTTP cannot carry, [`Error::Config`] for
/// a URI it cannot parse.
pub(crate) fn http_request(
    method: &Method,
    target: &Target,
    head: &[(String, String)],
    user_agent: &str,
    auth: &[(&'static str, String)],
    body: HyperBody,
) -> Result<http::Request<HyperBody>, Error> {
    let mut builder = http::Request::builder()
        .method(method.clone())
        .uri(&target.uri);
    for (k, v) in head {
        builder = builder.header(
            HeaderName::from_bytes(k.as_bytes())
                .map_err(|e| InvalidInput::Other(format!("header {k:?}: {e}")))?,
            HeaderValue::from_str(v)
                .map_err(|e| InvalidInput::Other(format!("value of header {k:?}: {e}")))?,
        );
    }
    builder = builder.header(http::header::USER_AGENT, user_agent);
    for (k, v) in auth {
        builder = builder.header(*k, v.as_str());
    }
    builder
        .body(body)
        .map_err(|e| Error::Config(crate::error::ConfigError::Request(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: Method, body: &'static str) -> WireRequest {
        WireRequest::new("Op", method, "b-1.cos.r.myqcloud.com", "/k%20?a=b").body(body)
    }

    #[test]
    fn target_follows_connect_to_and_fallback() {
        let r = req(Method::GET, "").fallback_host("b-1.cos.r.tencentcos.cn");
        let https = TransportConfig::default();
        let t = resolve_target(&https, &r, false);
        assert_eq!(t.host, "b-1.cos.r.myqcloud.com");
        assert_eq!(t.uri, "https://b-1.cos.r.myqcloud.com/k%20?a=b");
        let t = resolve_target(&https, &r, true);
        assert_eq!(t.uri, "https://b-1.cos.r.tencentcos.cn/k%20?a=b");
        let local = TransportConfig::default().connect_to("http://127.0.0.1:9");
        let t = resolve_target(&local, &r, true);
        assert_eq!(t.host, "b-1.cos.r.tencentcos.cn");
        assert_eq!(t.uri, "http://127.0.0.1:9/k%20?a=b");
        // Without a fallback host, the switch changes nothing.
        let plain = req(Method::GET, "");
        assert_eq!(resolve_target(&https, &plain, true).host, plain.host);
    }

    #[test]
    fn head_has_host_length_and_retry_mark() {
        let r = req(Method::PUT, "hello").header("x-cos-meta-a", "1");
        let h = build_head(&r, "h", 1);
        let names: Vec<&str> = h.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Host", "x-cos-meta-a", "Content-Length"]);
        assert_eq!(h[2].1, "5");
        let h = build_head(&r, "h", 2);
        assert_eq!(
            h.last().unwrap(),
            &("x-cos-sdk-retry".into(), "true".into())
        );
        // An empty GET has no Content-Length; an empty PUT says 0.
        assert_eq!(build_head(&req(Method::GET, ""), "h", 1).len(), 1);
        assert_eq!(build_head(&req(Method::PUT, ""), "h", 1)[1].1, "0");
        // A caller's Content-Length is not doubled.
        let r = req(Method::PUT, "abc").header("content-length", "3");
        let n = build_head(&r, "h", 1)
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .count();
        assert_eq!(n, 1);
    }

    #[test]
    fn bad_header_is_invalid_input() {
        let t = Target {
            host: "h".into(),
            uri: "http://h/".into(),
        };
        let body = crate::body::Body::empty().for_attempt(None).unwrap();
        let head = [("bad name".to_owned(), "v".to_owned())];
        let e = http_request(&Method::GET, &t, &head, "ua", &[], body).unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    }

    #[test]
    fn debug_hides_secret_headers() {
        let r = req(Method::GET, "").header("x-cos-security-token", "SECRET");
        assert!(!format!("{r:?}").contains("SECRET"));
    }
}
