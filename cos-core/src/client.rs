//! The [`Client`]: a cheap-to-clone handle holding the configuration, the connection
//! pool and the signing-key cache. Every operation is a method returning a builder.

use std::sync::Arc;

use cos_auth::qsign::SigningKeyCache;
use http::{HeaderMap, StatusCode};

use crate::config::Config;
use crate::error::Error;
use crate::transport::{OpRequest, RawResponse, Transport, build_http, header_str};

/// A COS client. Clone it freely: clones share the connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), cos_core::Error> {
/// use cos_core::{Client, Config};
/// let client = Client::new(
///     Config::builder()
///         .region("ap-guangzhou")
///         .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").map_err(cos_core::Error::from)?)
///         .build()?,
/// )?;
/// let buckets = client.list_buckets().send().await?;
/// println!("{} buckets", buckets.buckets.bucket.len());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Transport>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("region", &self.inner.config.region)
            .field("endpoint", &self.inner.config.endpoint)
            .field("scheme", &self.inner.config.scheme)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client (no I/O happens here).
    ///
    /// Errors: [`Error::Config`] when the TLS stack or proxy cannot be set up.
    pub fn new(config: Config) -> Result<Self, Error> {
        let http = build_http(&config)?;
        Ok(Client {
            inner: Arc::new(Transport {
                config,
                http,
                keys: SigningKeyCache::new(),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) async fn send(&self, req: OpRequest) -> Result<RawResponse, Error> {
        self.inner.send(req, false).await
    }

    pub(crate) async fn send_streaming(&self, req: OpRequest) -> Result<RawResponse, Error> {
        self.inner.send(req, true).await
    }
}

/// What every response carries: status, request id and all headers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: StatusCode,
    /// `x-cos-request-id`.
    pub request_id: Option<String>,
    /// All response headers.
    pub headers: HeaderMap,
}

impl ResponseMeta {
    pub(crate) fn from_raw(r: &RawResponse) -> Self {
        ResponseMeta {
            status: r.status,
            request_id: r.header("x-cos-request-id"),
            headers: r.headers.clone(),
        }
    }

    /// A response header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        header_str(&self.headers, name)
    }
}
