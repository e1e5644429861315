//! The HTTP transport: it takes a [`WireRequest`] (method, `Host`, encoded path and
//! query, headers, body) and an [`Authorizer`] (q-sign, a v4 signer callback, or none)
//! and owns connections, timeouts, retries, re-signing, error classification and the
//! CRC-64 check of uploads. It knows nothing of buckets, keys or XML documents; the
//! [`Client`](crate::Client) resolves its operations into wire requests, and
//! `cos-v4-legacy` sends its JSON API requests here directly.
//!
//! One attempt is a sequence of named steps:
//!
//! 1. resolve the target — the `Host` (or the fallback host once the retry loop
//!    switched domains) and the URI (`connect_to`'s origin, or the scheme and host);
//! 2. build the head — `Host`, the request's headers, `Content-Length`,
//!    `x-cos-sdk-retry: true` on retries;
//! 3. authorize — the [`Authorizer`]'s headers for this head, afresh each attempt;
//! 4. build the HTTP request (with the `User-Agent`);
//! 5. send with timeouts — `read_timeout` bounds stalls of the upload and the wait for
//!    the response head;
//! 6. classify and read — an accepted answer (see [`Accept`]) is read whole or left to
//!    stream; any other status becomes [`Error::Service`];
//! 7. verify the CRC-64 of the body sent against `x-cos-hash-crc64ecma`.
//!
//! The retry loop ([`crate::retry`]) runs attempts: 5xx, 429, timeouts and connection
//! errors are retried when the body can be sent again; `operation_timeout` bounds it all.
//!
//! Connections (`connect`): TLS by rustls with the roots of [`TlsConfig`] (`tls`),
//! HTTP/2 when opted in and negotiated by ALPN, proxies given or from the environment
//! (`proxy`: `CONNECT` tunnels; loopback never proxied by the environment), and an
//! optional [`Resolve`] hook (`resolve`); see [`NetworkOptions`].
//!
//! ```
//! # async fn run(endpoint: String) -> Result<(), cos_core::Error> {
//! use cos_core::transport::{Authorizer, WireRequest, Transport, TransportConfig};
//!
//! let mut config = TransportConfig::default();
//! # config.connect_to = Some(endpoint); // the doctest's emulator
//! let transport = Transport::new(config)?;
//! let request = WireRequest::new(
//!     "V4Stat",
//!     http::Method::GET,
//!     "sh.file.myqcloud.com",
//!     "/files/v2/1250000000/mybucket/a.txt?op=stat",
//! );
//! let auth = Authorizer::header(|_head| "signature".to_owned());
//! let response = transport.send(request, &auth).await?;
//! println!("{} {}", response.status, String::from_utf8_lossy(&response.body));
//! # Ok(()) }
//! # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
//! # fn main() { doc_run_at(run) }
//! ```

mod attempt;
mod auth;
mod config;
mod connect;
mod network;
mod proxy;
mod request;
mod resolve;
mod response;
mod tls;

use tracing::Instrument;

pub use auth::{AuthorizeFn, Authorizer, QSign};
pub use config::{DEFAULT_USER_AGENT, Scheme, TransportConfig};
pub use network::NetworkOptions;
pub use request::{Accept, RequestHead, WireRequest};
pub use resolve::{Resolve, Resolving};
pub use response::RawResponse;
pub use tls::{TlsConfig, TlsError, TlsErrorKind};

pub(crate) use config::{parse_connect_to, redact_userinfo};
pub(crate) use response::{body_str, header_str, parse_xml};
// The path the operations use for their request description.
pub(crate) use crate::request::OpRequest;

use crate::body::CrcTap;
use crate::error::{Error, InvalidInput};
use crate::retry::{AttemptState, Failure, retry};
use connect::{Http, build_http};
use request::{build_head, http_request, resolve_target};

/// The transport: a connection pool and the settings every request is sent with.
/// Share it (e.g. in an `Arc`): all requests then share the pool.
pub struct Transport {
    config: TransportConfig,
    http: Http,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A transport with `config` (no I/O happens here).
    ///
    /// Errors: [`Error::Config`] for a bad `connect_to` or proxy URL, or when the TLS
    /// stack cannot be set up.
    pub fn new(config: TransportConfig) -> Result<Self, Error> {
        let config = config.checked()?;
        let http = build_http(&config)?;
        Ok(Transport { config, http })
    }

    /// The settings.
    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// Sends `req` authorized by `auth`, retrying where allowed, and reads the whole
    /// body of the answer.
    ///
    /// Errors: [`Error::Service`] for a status the request does not accept (after the
    /// retries for 5xx and 429), [`Error::Timeout`], [`Error::Connection`],
    /// [`Error::Io`] reading a file body, [`Error::Credentials`], [`Error::Integrity`]
    /// for a CRC-64 mismatch, and [`Error::InvalidInput`] for a header HTTP cannot carry.
    pub async fn send(&self, req: WireRequest, auth: &Authorizer) -> Result<RawResponse, Error> {
        self.send_timed(req, auth, false).await
    }

    /// As [`send`](Self::send), but a successful answer's body is left unread in
    /// `RawResponse::stream`.
    pub(crate) async fn send_streaming(
        &self,
        req: WireRequest,
        auth: &Authorizer,
    ) -> Result<RawResponse, Error> {
        self.send_timed(req, auth, true).await
    }

    /// The retry loop under the operation timeout.
    async fn send_timed(
        &self,
        req: WireRequest,
        auth: &Authorizer,
        streaming: bool,
    ) -> Result<RawResponse, Error> {
        let replayable = req.body.is_replayable();
        let attempts = retry(&self.config.retry, replayable, |state| {
            self.attempt(&req, auth, state, streaming)
        });
        match self.config.operation_timeout {
            Some(t) => {
                let deadline = tokio::time::Instant::now() + t;
                let mut r = tokio::time::timeout_at(deadline, attempts)
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
            None => attempts.await,
        }
    }

    /// One attempt, step by step (see the [module docs](self)), in its tracing span.
    async fn attempt(
        &self,
        req: &WireRequest,
        auth: &Authorizer,
        state: AttemptState,
        streaming: bool,
    ) -> Result<RawResponse, Failure> {
        let span = tracing::debug_span!(
            "cos_request",
            operation = req.operation,
            attempt = state.number,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        async {
            let target = resolve_target(&self.config, req, state.fallback);
            let head = build_head(req, &target.host, state.number);
            let view = RequestHead {
                method: &req.method,
                path_and_query: &req.path_and_query,
                headers: &head,
                attempt: state.number,
            };
            let auth_headers = auth.authorize(&view).await.map_err(Failure::Final)?;
            // Hash the body only when the answer will be checked against it.
            let tap = req.verify_crc64.then(CrcTap::default);
            let Some(body) = req.body.for_attempt(tap.clone()) else {
                let e = InvalidInput::Other(
                    "the stream body was already sent and cannot be replayed".into(),
                );
                return Err(Failure::Final(e.into()));
            };
            let ua = &self.config.user_agent;
            let request = http_request(&req.method, &target, &head, ua, &auth_headers, body)
                .map_err(Failure::Final)?;
            let response = self.send_with_timeouts(request).await?;
            let answer = self.read_answer(req, response, streaming).await?;
            if answer.stream.is_none() {
                let len = req.body.content_length();
                attempt::verify_upload(tap.as_ref(), len, &answer.headers)
                    .map_err(Failure::Final)?;
            }
            Ok(answer)
        }
        .instrument(span)
        .await
    }
}
