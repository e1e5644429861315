//! Raw requests through a [`Client`]'s transport (its pool, timeouts, retries and
//! `connect_to`): for requests the XML operations do not cover, such as a CORS
//! preflight. A [`RawRequest`] is a [`WireRequest`] with its [`Authorizer`]
//! (none by default; not q-signed); its answer is given back as is for every status
//! below 500. Statuses of 500 and above, timeouts and connection errors are retried as
//! for any other operation (when the body can be replayed) and end as an [`Error`] when
//! the retries run out.
//!
//! To send without a [`Client`] (another protocol, another host), use a
//! [`Transport`](crate::transport::Transport) directly, as `cos-v4-legacy` does.
//!
//! ```
//! # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
//! use cos_core::raw::RawRequest;
//!
//! let request = RawRequest::new(
//!     "OptionsObject",
//!     http::Method::OPTIONS,
//!     "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
//!     "/index.html",
//! )
//! .header("Origin", "https://example.com")
//! .header("Access-Control-Request-Method", "GET");
//! let response = client.send_raw(request).await?;
//! println!("{}", response.status);
//! # Ok(()) }
//! # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
//! # fn main() { doc_run(run) }
//! ```

use http::Method;

use crate::body::Body;
use crate::client::Client;
use crate::error::Error;
pub use crate::transport::RawResponse;
use crate::transport::{Authorizer, RequestHead, WireRequest};

/// A request sent without the XML layer (see the [module docs](self)).
#[derive(Debug)]
pub struct RawRequest {
    request: WireRequest,
    authorizer: Authorizer,
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
            request: WireRequest::new(operation, method, host, path_and_query),
            authorizer: Authorizer::None,
        }
    }

    /// Adds a header (`Host`, `User-Agent` and `Content-Length` are set by the transport).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.request = self.request.header(name, value);
        self
    }

    /// The body (empty by default).
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.request = self.request.body(body);
        self
    }

    /// Sets `Authorization` to what `authorizer` returns, called once per attempt (so a
    /// retry can carry a fresh single-use signature).
    pub fn authorization(
        mut self,
        authorizer: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.authorizer = Authorizer::header(move |_: &RequestHead<'_>| authorizer());
        self
    }

    /// Authorizes every attempt with `authorizer` (e.g. [`Client::authorizer`] to
    /// q-sign it with the client's credentials).
    pub fn authorizer(mut self, authorizer: Authorizer) -> Self {
        self.authorizer = authorizer;
        self
    }
}

impl Client {
    /// Sends a [`RawRequest`] through this client's transport.
    ///
    /// Errors: [`Error::Service`] for a status of 500 or more once retries are
    /// exhausted, [`Error::Timeout`], [`Error::Connection`], [`Error::Io`] and
    /// [`Error::InvalidInput`] for a header that HTTP cannot carry.
    pub async fn send_raw(&self, request: RawRequest) -> Result<RawResponse, Error> {
        let RawRequest {
            request,
            authorizer,
        } = request;
        self.transport().send(request, &authorizer).await
    }
}
