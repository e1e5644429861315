//! Raw requests: cos-core's HTTP transport (connection pool, TLS, timeouts, retries,
//! `connect_to`, tracing) for protocols other than the XML API, such as the legacy v4
//! JSON API.
//!
//! A [`RawRequest`] names its `Host` and its already-encoded path and query itself, is
//! not signed with `q-sign-algorithm` (an optional [`Authorizer`] supplies the
//! `Authorization` header, called afresh for every attempt), and its answer is given
//! back as is for every status below 500. Statuses of 500 and above, timeouts and
//! connection errors are retried as for any other operation (when the body can be
//! replayed) and end as an [`Error`] when the retries run out.
//!
//! ```no_run
//! # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
//! use cos_core::raw::RawRequest;
//!
//! let request = RawRequest::new(
//!     "V4Stat",
//!     http::Method::GET,
//!     "sh.file.myqcloud.com",
//!     "/files/v2/1250000000/mybucket/a.txt?op=stat",
//! )
//! .authorization(|| "signature".to_owned());
//! let response = client.send_raw(request).await?;
//! println!("{} {}", response.status, String::from_utf8_lossy(&response.body));
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

use crate::body::Body;
use crate::client::Client;
use crate::error::Error;
use crate::transport::OpRequest;

/// Produces the `Authorization` header value of one attempt.
pub type Authorizer = Arc<dyn Fn() -> String + Send + Sync>;

/// Where a raw request goes and how it is authorized (kept by the transport).
#[derive(Clone)]
pub(crate) struct RawTarget {
    /// The `Host` header (and the address connected to, unless `connect_to` is set).
    pub host: String,
    /// The encoded path with its query string, starting with `/`.
    pub path_and_query: String,
    /// The `Authorization` of each attempt, if any.
    pub authorizer: Option<Authorizer>,
}

impl fmt::Debug for RawTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawTarget")
            .field("host", &self.host)
            .field("path_and_query", &self.path_and_query)
            .field("authorizer", &self.authorizer.is_some())
            .finish()
    }
}

/// A request sent without the XML layer (see the [module docs](self)).
#[derive(Debug)]
pub struct RawRequest {
    operation: &'static str,
    method: Method,
    target: RawTarget,
    headers: Vec<(String, String)>,
    body: Body,
}

impl RawRequest {
    /// A request named `operation` (for tracing) of `method` on `host`, with
    /// `path_and_query` already percent-encoded (e.g. `/files/v2/1/b/a%20b?op=stat`).
    pub fn new(
        operation: &'static str,
        method: Method,
        host: impl Into<String>,
        path_and_query: impl Into<String>,
    ) -> Self {
        RawRequest {
            operation,
            method,
            target: RawTarget {
                host: host.into(),
                path_and_query: path_and_query.into(),
                authorizer: None,
            },
            headers: Vec::new(),
            body: Body::empty(),
        }
    }

    /// Adds a header (`Host`, `User-Agent` and `Content-Length` are set by the transport).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The body (empty by default).
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets `Authorization` to what `authorizer` returns, called once per attempt (so a
    /// retry can carry a fresh single-use signature).
    pub fn authorization(
        mut self,
        authorizer: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.target.authorizer = Some(Arc::new(authorizer));
        self
    }
}

/// The answer to a [`RawRequest`]: any status below 500, with its whole body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl Client {
    /// Sends a [`RawRequest`] through this client's transport.
    ///
    /// Errors: [`Error::Service`] for a status of 500 or more once retries are
    /// exhausted, [`Error::Timeout`], [`Error::Connection`], [`Error::Io`] and
    /// [`Error::InvalidInput`] for a header that HTTP cannot carry.
    pub async fn send_raw(&self, request: RawRequest) -> Result<RawResponse, Error> {
        let RawRequest {
            operation,
            method,
            target,
            headers,
            body,
        } = request;
        let mut op = OpRequest::new(operation, method, None, Some(target.path_and_query.clone()));
        op.headers = headers;
        op.body = body;
        op.raw = Some(target);
        let r = self.send(op).await?;
        Ok(RawResponse {
            status: r.status,
            headers: r.headers,
            body: r.body,
        })
    }
}
