//! The HTTP layer: the hyper client (rustls, optional proxy tunnel, pool settings), the
//! request description every operation builds, signing per attempt, and the retry loop.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use cos_auth::KeyTime;
use cos_auth::qsign::{SignableRequest, SigningKeyCache, SigningSettings, sign_with_key};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::capture_connection;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::rt::TokioExecutor;
use tracing::Instrument;

use crate::body::{Body, BoxError, CrcTap, HyperBody};
use crate::config::{Config, Endpoint};
use crate::error::{Error, ServiceError};
use crate::raw::RawTarget;
use crate::retry::{Backoff, is_retryable_error};
use crate::types::BucketName;
use crate::watchdog::{ProgressIo, ReadError, read_body, until_stalled};

/// The part of an error response body kept (and parsed) for [`ServiceError`].
const ERROR_BODY_KEEP: usize = 64 * 1024;
/// Past this many bytes of an error response body, the rest is not read: the connection
/// is closed instead of drained for reuse.
const ERROR_BODY_DRAIN: usize = 1024 * 1024;

/// The TCP connector: direct, or through an HTTP proxy `CONNECT` tunnel.
#[derive(Clone)]
pub(crate) enum Connector {
    Direct(HttpConnector),
    Proxy(Tunnel<HttpConnector>),
}

type ConnectFuture = Pin<Box<dyn Future<Output = Result<ProgressIo, BoxError>> + Send>>;

impl tower_service::Service<Uri> for Connector {
    type Response = ProgressIo;
    type Error = BoxError;
    type Future = ConnectFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Connector::Direct(c) => c.poll_ready(cx).map_err(Into::into),
            Connector::Proxy(t) => t.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        match self {
            Connector::Direct(c) => {
                let f = c.call(dst);
                Box::pin(async move { f.await.map(ProgressIo::new).map_err(Into::into) })
            }
            Connector::Proxy(t) => {
                let f = t.call(dst);
                Box::pin(async move { f.await.map(ProgressIo::new).map_err(Into::into) })
            }
        }
    }
}

pub(crate) type Http = HyperClient<hyper_rustls::HttpsConnector<Connector>, HyperBody>;

pub(crate) fn build_http(config: &Config) -> Result<Http, Error> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(config.connect_timeout));
    http.set_nodelay(true);
    let connector = match &config.proxy {
        None => Connector::Direct(http),
        Some(p) => {
            let uri: Uri = p.parse().map_err(|e: http::uri::InvalidUri| {
                let p = crate::config::redact_userinfo(p);
                Error::Config(crate::error::ConfigError::ProxyUrl {
                    url: p,
                    reason: Some(e.to_string()),
                })
            })?;
            let tunnel = match proxy_authorization(&uri)? {
                Some(auth) => Tunnel::new(uri, http).with_auth(auth),
                None => Tunnel::new(uri, http),
            };
            Connector::Proxy(tunnel)
        }
    };
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .map_err(|e| Error::Config(crate::error::ConfigError::Tls(e.to_string())))?
        .https_or_http()
        .enable_http1()
        .wrap_connector(connector);
    Ok(HyperClient::builder(TokioExecutor::new())
        .pool_idle_timeout(config.pool_idle_timeout)
        .pool_max_idle_per_host(config.pool_max_idle_per_host)
        .pool_timer(hyper_util::rt::TokioTimer::new())
        .build(https))
}

/// The `Proxy-Authorization` (Basic) for the userinfo of a proxy URL
/// (`http://user:password@host:port`, percent-decoded), sent with each `CONNECT`.
fn proxy_authorization(uri: &Uri) -> Result<Option<HeaderValue>, Error> {
    use base64::Engine as _;
    let Some((userinfo, _)) = uri.authority().and_then(|a| a.as_str().rsplit_once('@')) else {
        return Ok(None);
    };
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let pair = format!("{}:{}", decode(user), decode(password));
    let value = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    );
    let mut value = HeaderValue::from_str(&value)
        .map_err(|_| Error::Config(crate::error::ConfigError::ProxyCredentials))?;
    value.set_sensitive(true);
    Ok(Some(value))
}

/// What an operation asks the transport to send. Its `Debug` (shown by every operation
/// builder's) hides the values of secret headers and query parameters.
pub(crate) struct OpRequest {
    pub operation: &'static str,
    pub method: Method,
    /// `None` for List Buckets.
    pub bucket: Option<BucketName>,
    /// The raw object key; `None` for bucket-level operations.
    pub key: Option<String>,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers (names as given; `Host`, `User-Agent`, `Content-Length` are added).
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Compare the response's `x-cos-hash-crc64ecma` with the CRC64 of the body sent.
    pub verify_upload_crc: bool,
    /// A raw request (see [`crate::raw`]): its own host, path and authorization, no
    /// qsign signature, and answers below 500 returned as they are.
    pub raw: Option<RawTarget>,
}

/// True for a header or query parameter whose value is a secret: signatures, tokens and
/// SSE-C customer keys.
fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("authorization")
        || n.contains("signature")
        || n.contains("token")
        || n.contains("customer-key")
        || n.starts_with("q-")
}

/// Name/value pairs for `Debug`, secret values replaced by `***`.
struct Redacted<'a>(&'a [(String, String)]);

impl std::fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, v)| {
                let v = if is_secret_name(k) { "***" } else { v.as_str() };
                (k.as_str(), v)
            }))
            .finish()
    }
}

impl std::fmt::Debug for OpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("query", &Redacted(&self.query))
            .field("headers", &Redacted(&self.headers))
            .field("body", &self.body)
            .field("verify_upload_crc", &self.verify_upload_crc)
            .field("raw", &self.raw)
            .finish()
    }
}

impl OpRequest {
    pub(crate) fn new(
        operation: &'static str,
        method: Method,
        bucket: Option<BucketName>,
        key: Option<String>,
    ) -> Self {
        OpRequest {
            operation,
            method,
            bucket,
            key,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::empty(),
            verify_upload_crc: false,
            raw: None,
        }
    }

    pub(crate) fn query(&mut self, k: &str, v: impl Into<String>) {
        self.query.push((k.to_owned(), v.into()));
    }

    pub(crate) fn header(&mut self, k: &str, v: impl Into<String>) {
        self.headers.push((k.to_owned(), v.into()));
    }
}

/// A response: status, headers and either the whole body or the streaming body.
pub(crate) struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub stream: Option<hyper::body::Incoming>,
    /// When the operation timeout ends (it bounds reading `stream` too).
    pub deadline: Option<tokio::time::Instant>,
}

impl RawResponse {
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        header_str(&self.headers, name)
    }
}

pub(crate) fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The transport: sends an [`OpRequest`] with retries, signing each attempt.
pub(crate) struct Transport {
    pub config: Config,
    pub http: Http,
    pub keys: SigningKeyCache,
}

enum Attempt {
    Done(RawResponse),
    Failed { err: Error, had_request_id: bool },
}

impl Transport {
    /// Builds the `Host` value and wire path (encoded) and signed path (raw) for a request.
    pub(crate) fn target(&self, req: &OpRequest, endpoint: &Endpoint) -> (String, String, String) {
        let cfg = &self.config;
        if let Some(raw) = &req.raw {
            return (raw.host.clone(), raw.path_and_query.clone(), String::new());
        }
        let key = req.key.as_deref().unwrap_or("");
        match &req.bucket {
            None => (cfg.list_buckets_host(endpoint), "/".into(), "/".into()),
            Some(b) => {
                let host = cfg.bucket_host(b, endpoint);
                if cfg.path_style {
                    let k = key.strip_prefix('/').unwrap_or(key);
                    let wire = format!("/{b}{}", cos_auth::encode::url_path(k));
                    let signed = format!("/{b}/{k}");
                    (host, wire, signed)
                } else {
                    (
                        host,
                        cos_auth::encode::url_path(key),
                        cos_auth::encode::signed_path(key).into_owned(),
                    )
                }
            }
        }
    }

    /// Sends `req`, retrying where allowed. With `streaming`, a successful response's
    /// body is left unread in [`RawResponse::stream`].
    pub(crate) async fn send(&self, req: OpRequest, streaming: bool) -> Result<RawResponse, Error> {
        match self.config.operation_timeout {
            Some(t) => {
                let deadline = tokio::time::Instant::now() + t;
                let mut r = tokio::time::timeout_at(deadline, self.send_inner(req, streaming))
                    .await
                    .map_err(|_| {
                        Error::Timeout(crate::error::TimeoutError::Operation {
                            limit: t,
                            reading_body: false,
                        })
                    })??;
                r.deadline = Some(deadline);
                Ok(r)
            }
            None => self.send_inner(req, streaming).await,
        }
    }

    async fn send_inner(&self, req: OpRequest, streaming: bool) -> Result<RawResponse, Error> {
        let retry = &self.config.retry;
        let mut backoff = Backoff::new(retry);
        let mut endpoint = self.config.endpoint.clone();
        let mut attempt = 1u32;
        loop {
            let span = tracing::debug_span!(
                "cos_request",
                operation = req.operation,
                bucket = req.bucket.as_ref().map(|b| b.as_str()).unwrap_or(""),
                key = req.key.as_deref().unwrap_or(""),
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let outcome = self
                .attempt(&req, &endpoint, attempt, streaming)
                .instrument(span)
                .await;
            let (err, had_request_id) = match outcome {
                Ok(Attempt::Done(r)) => return Ok(r),
                Ok(Attempt::Failed {
                    err,
                    had_request_id,
                }) => (err, had_request_id),
                Err(e) => return Err(e),
            };
            let can_retry = attempt < retry.max_attempts
                && is_retryable_error(&err)
                && req.body.is_replayable();
            if !can_retry {
                return Err(err);
            }
            if retry.switch_domain_on_failure && !had_request_id && endpoint == Endpoint::Default {
                tracing::debug!("switching to the tencentcos.cn domain");
                endpoint = Endpoint::TencentCos;
            }
            let delay = backoff.next_delay();
            tracing::debug!(operation = req.operation, attempt, ?delay, error = %err, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The authorization headers of one attempt: a fresh qsign signature, or what a raw
    /// request's authorizer gives.
    async fn authorization(
        &self,
        req: &OpRequest,
        headers: &[(String, String)],
        signed_path: &str,
    ) -> Result<Vec<(&'static str, String)>, Error> {
        let cfg = &self.config;
        let mut auth_headers: Vec<(&'static str, String)> = Vec::new();
        if let Some(raw) = &req.raw {
            if let Some(authorize) = &raw.authorizer {
                auth_headers.push(("authorization", authorize()));
            }
        } else {
            let creds = cfg.credentials.provide_credentials().await?;
            let key_time = KeyTime::aligned(cos_auth::qsign::unix_now(), cfg.sign_expiry.as_secs());
            let signing_key = self.keys.get(&creds, key_time);
            let signature = {
                let h: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let q: Vec<(&str, &str)> = req
                    .query
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let signable = SignableRequest::new(req.method.as_str(), signed_path)
                    .params(&q)
                    .headers(&h);
                sign_with_key(&signable, &creds, &signing_key, &SigningSettings::default())
            };
            for (k, v) in signature.headers() {
                auth_headers.push((k, v.to_owned()));
            }
        }
        Ok(auth_headers)
    }

    /// One attempt. `Err` is final (never retried); `Attempt::Failed` may be retried.
    async fn attempt(
        &self,
        req: &OpRequest,
        endpoint: &Endpoint,
        attempt: u32,
        streaming: bool,
    ) -> Result<Attempt, Error> {
        let cfg = &self.config;
        let (host, wire_path, signed_path) = self.target(req, endpoint);

        let mut headers: Vec<(String, String)> = Vec::with_capacity(req.headers.len() + 4);
        headers.push(("Host".into(), host.clone()));
        headers.extend(req.headers.iter().cloned());
        let len = req.body.content_length();
        let has_len_header = req
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-length"));
        if !has_len_header {
            match len {
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

        let auth_headers = self.authorization(req, &headers, &signed_path).await?;

        // Build the hyper request.
        let mut uri = match &cfg.connect_to {
            Some(origin) => format!("{origin}{wire_path}"),
            None => format!("{}://{host}{wire_path}", cfg.scheme.as_str()),
        };
        if !req.query.is_empty() {
            uri.push('?');
            for (i, (k, v)) in req.query.iter().enumerate() {
                if i > 0 {
                    uri.push('&');
                }
                cos_auth::encode::push_form_encoded(&mut uri, k);
                uri.push('=');
                cos_auth::encode::push_form_encoded(&mut uri, v);
            }
        }
        let mut builder = http::Request::builder()
            .method(req.method.clone())
            .uri(&uri);
        for (k, v) in &headers {
            builder = builder.header(
                HeaderName::from_bytes(k.as_bytes())
                    .map_err(|e| crate::error::InvalidInput::Other(format!("header {k:?}: {e}")))?,
                HeaderValue::from_str(v).map_err(|e| {
                    crate::error::InvalidInput::Other(format!("value of header {k:?}: {e}"))
                })?,
            );
        }
        builder = builder.header(http::header::USER_AGENT, cfg.user_agent.as_str());
        for (k, v) in &auth_headers {
            builder = builder.header(*k, v.as_str());
        }
        // Hash the body only when the answer will be checked against it.
        let tap = (req.verify_upload_crc && cfg.verify_crc64).then(CrcTap::default);
        let Some(body) = req.body.for_attempt(tap.clone()) else {
            return Err(crate::error::InvalidInput::Other(
                "the stream body was already sent and cannot be replayed".into(),
            )
            .into());
        };
        let mut request = builder
            .body(body)
            .map_err(|e| Error::Config(crate::error::ConfigError::Request(e.to_string())))?;

        let span = tracing::Span::current();
        // `read_timeout` bounds stalls of the upload and then the wait for the head.
        let connection = capture_connection(&mut request);
        let sent = until_stalled(self.http.request(request), &connection, cfg.read_timeout);
        let response = match sent.await {
            None => {
                return Ok(Attempt::Failed {
                    err: Error::Timeout(crate::error::TimeoutError::NoProgress(cfg.read_timeout)),
                    had_request_id: false,
                });
            }
            Some(Err(e)) => {
                // Stream read errors from the body source are not connection errors.
                return Ok(Attempt::Failed {
                    err: classify_client_error(e),
                    had_request_id: false,
                });
            }
            Some(Ok(r)) => r,
        };
        self.answer(req, response, streaming, tap, &span).await
    }

    /// Reads the answer of one attempt: its status, and its body unless it is streamed.
    async fn answer(
        &self,
        req: &OpRequest,
        response: http::Response<hyper::body::Incoming>,
        streaming: bool,
        tap: Option<CrcTap>,
        span: &tracing::Span,
    ) -> Result<Attempt, Error> {
        let cfg = &self.config;
        let (parts, mut incoming) = response.into_parts();
        let status = parts.status;
        let request_id = header_str(&parts.headers, "x-cos-request-id");
        span.record("status", status.as_u16());
        if let Some(r) = &request_id {
            span.record("request_id", r.as_str());
        }
        tracing::debug!(status = status.as_u16(), "response");
        let had_request_id = request_id.is_some();

        if status.is_success() && streaming {
            return Ok(Attempt::Done(RawResponse {
                status,
                headers: parts.headers,
                body: Bytes::new(),
                stream: Some(incoming),
                deadline: None,
            }));
        }
        let raw_answer = req.raw.is_some() && status.as_u16() < 500;
        let failed = !status.is_success() && !raw_answer;
        // An error body is only parsed for its code and message: keep a bounded part.
        let (keep, drain) = if failed {
            (ERROR_BODY_KEEP, ERROR_BODY_DRAIN)
        } else {
            (usize::MAX, usize::MAX)
        };
        let body = match read_body(&mut incoming, cfg.read_timeout, keep, drain).await {
            Err(ReadError::Stalled) => {
                return Ok(Attempt::Failed {
                    err: Error::Timeout(crate::error::TimeoutError::BodyStalled(cfg.read_timeout)),
                    had_request_id,
                });
            }
            Err(ReadError::Body(e)) => {
                return Ok(Attempt::Failed {
                    err: Error::Connection(Box::new(e)),
                    had_request_id,
                });
            }
            Ok(b) => b,
        };
        drop(incoming);
        if failed {
            let err = ServiceError::from_response(
                status,
                parts.headers,
                body,
                req.method == Method::HEAD,
            );
            return Ok(Attempt::Failed {
                err: err.into(),
                had_request_id,
            });
        }
        if let Some(tap) = tap
            && let (Some(remote), Some((local, sent))) = (
                header_str(&parts.headers, "x-cos-hash-crc64ecma"),
                tap.value(),
            )
            && req.body.content_length().is_none_or(|l| l == sent)
        {
            crate::crc::verify(local, &remote)?;
        }
        Ok(Attempt::Done(RawResponse {
            status,
            headers: parts.headers,
            body,
            stream: None,
            deadline: None,
        }))
    }
}

fn classify_client_error(e: hyper_util::client::legacy::Error) -> Error {
    use std::error::Error as _;
    // A failure reading a local upload file surfaces as a body error: report it as I/O.
    let mut src = e.source();
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if e.is_connect() {
                break;
            }
            if io.kind() == std::io::ErrorKind::UnexpectedEof
                || io.kind() == std::io::ErrorKind::NotFound
                || io.kind() == std::io::ErrorKind::PermissionDenied
            {
                return Error::Io(std::io::Error::new(io.kind(), io.to_string()));
            }
        }
        src = s.source();
    }
    Error::Connection(Box::new(e))
}

/// Parses the XML body of a successful response.
pub(crate) fn parse_xml<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Error> {
    Ok(cos_xml::from_slice(body)?)
}

/// A bodiless-success result for the many operations that return nothing but headers.
pub(crate) fn body_str(body: &Bytes) -> Result<&str, Error> {
    std::str::from_utf8(body).map_err(Error::decode)
}
