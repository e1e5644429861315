//! The [`Client`]: a cheap-to-clone handle holding the configuration, the
//! [`Transport`] (connection pool) and the q-sign [`Authorizer`]. Every operation is a
//! method returning a builder; sending resolves its request into a
//! [`WireRequest`] for the transport.

use std::sync::Arc;

use http::{HeaderMap, StatusCode};
use tracing::Instrument;

use crate::config::{Config, Endpoint};
use crate::error::Error;
use crate::request::OpRequest;
use crate::transport::{Accept, Authorizer, RawResponse, Transport, WireRequest, header_str};

/// A COS client. Clone it freely: clones share the connection pool.
///
/// ```
/// # async fn run(endpoint: String) -> Result<(), cos_core::Error> {
/// use cos_core::{Client, Config};
/// let client = Client::new(
///     Config::builder()
///         .region("ap-guangzhou")
///         .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").map_err(cos_core::Error::from)?)
/// #       .connect_to(endpoint)
///         .build()?,
/// )?;
/// let buckets = client.list_buckets().send().await?;
/// println!("{} buckets", buckets.buckets.bucket.len());
/// # Ok(()) }
/// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
/// # fn main() { doc_run_at(run) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    transport: Transport,
    auth: Authorizer,
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
        let transport = Transport::new(config.transport_config())?;
        let auth = if config.anonymous {
            Authorizer::None
        } else {
            Authorizer::q_sign(config.credentials.clone(), config.sign_expiry)
        };
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                transport,
                auth,
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The transport (connection pool, timeouts, retries) this client sends with.
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The q-sign authorizer of this client's credentials.
    pub fn authorizer(&self) -> &Authorizer {
        &self.inner.auth
    }

    pub(crate) async fn send(&self, req: OpRequest) -> Result<RawResponse, Error> {
        let span = operation_span(&req);
        let wire = resolve(&self.inner.config, req);
        let auth = &self.inner.auth;
        self.inner.transport.send(wire, auth).instrument(span).await
    }

    pub(crate) async fn send_streaming(&self, req: OpRequest) -> Result<RawResponse, Error> {
        let span = operation_span(&req);
        let wire = resolve(&self.inner.config, req);
        let auth = &self.inner.auth;
        self.inner
            .transport
            .send_streaming(wire, auth)
            .instrument(span)
            .await
    }
}

/// The span of one operation (its attempts are spans inside it).
fn operation_span(req: &OpRequest) -> tracing::Span {
    tracing::debug_span!(
        "cos_operation",
        operation = req.operation,
        bucket = req.bucket.as_ref().map(|b| b.as_str()).unwrap_or(""),
        key = req.key.as_deref().unwrap_or(""),
    )
}

/// The `Host` of `req` for `endpoint`.
fn host_for(config: &Config, req: &OpRequest, endpoint: &Endpoint) -> String {
    match &req.bucket {
        None => config.list_buckets_host(endpoint),
        Some(b) => config.bucket_host(b, endpoint),
    }
}

/// The encoded path of `req`: the key, after the bucket for path-style requests.
fn wire_path(config: &Config, req: &OpRequest) -> String {
    let key = req.key.as_deref().unwrap_or("");
    match &req.bucket {
        None => "/".into(),
        Some(b) if config.path_style => {
            let k = key.strip_prefix('/').unwrap_or(key);
            format!("/{b}{}", cos_auth::encode::url_path(k))
        }
        Some(_) => cos_auth::encode::url_path(key),
    }
}

/// Resolves an operation's request into what the transport sends: `Host` (and the
/// `tencentcos.cn` fallback when the retry policy asks for it), the encoded path and
/// query, the COS status policy and the CRC-64 switch.
pub(crate) fn resolve(config: &Config, req: OpRequest) -> WireRequest {
    let host = host_for(config, &req, &config.endpoint);
    let mut path_and_query = wire_path(config, &req);
    for (i, (k, v)) in req.query.iter().enumerate() {
        path_and_query.push(if i == 0 { '?' } else { '&' });
        cos_auth::encode::push_form_encoded(&mut path_and_query, k);
        path_and_query.push('=');
        cos_auth::encode::push_form_encoded(&mut path_and_query, v);
    }
    let verify = req.verify_upload_crc && req.verify_crc64.unwrap_or(config.verify_crc64);
    let mut wire = WireRequest::new(req.operation, req.method.clone(), host, path_and_query)
        .accept(Accept::Success)
        .verify_crc64(verify);
    if config.retry.switch_domain_on_failure && config.endpoint == Endpoint::Default {
        wire = wire.fallback_host(host_for(config, &req, &Endpoint::TencentCos));
    }
    wire.headers = req.headers;
    wire.body = req.body;
    wire
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retry::RetryConfig;
    use crate::types::BucketName;
    use http::Method;

    fn config(path_style: bool, switch: bool) -> Config {
        Config::builder()
            .region("ap-guangzhou")
            .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
            .path_style(path_style)
            .retry(RetryConfig::default().switch_domain_on_failure(switch))
            .build()
            .unwrap()
    }

    fn op(bucket: Option<&str>, key: Option<&str>) -> OpRequest {
        let mut r = OpRequest::new(
            "Op",
            Method::GET,
            bucket.map(|b| BucketName::new(b).unwrap()),
            key.map(str::to_owned),
        );
        r.query("prefix", "a b/c+d");
        r.query("acl", "");
        r
    }

    #[test]
    fn virtual_hosted_target() {
        let p = resolve(
            &config(false, true),
            op(Some("b-1250000000"), Some("dir/a b.txt")),
        );
        assert_eq!(p.host, "b-1250000000.cos.ap-guangzhou.myqcloud.com");
        assert_eq!(
            p.fallback_host.as_deref(),
            Some("b-1250000000.cos.ap-guangzhou.tencentcos.cn")
        );
        assert_eq!(p.path_and_query, "/dir/a%20b.txt?prefix=a+b%2Fc%2Bd&acl=");
        assert_eq!(p.accept, Accept::Success);
    }

    #[test]
    fn path_style_and_service_targets() {
        let p = resolve(&config(true, false), op(Some("b-1250000000"), Some("/k")));
        assert_eq!(p.host, "cos.ap-guangzhou.myqcloud.com");
        assert_eq!(p.fallback_host, None);
        assert!(p.path_and_query.starts_with("/b-1250000000/k?"));
        let p = resolve(&config(false, false), op(None, None));
        assert_eq!(p.host, "service.cos.myqcloud.com");
        assert!(p.path_and_query.starts_with("/?"));
    }

    #[test]
    fn crc_switch_per_request_overrides_the_config() {
        let cfg = config(false, false);
        let mut r = op(Some("b-1250000000"), Some("k"));
        r.verify_upload_crc = true;
        assert!(resolve(&cfg, r).verify_crc64);
        let mut r = op(Some("b-1250000000"), Some("k"));
        r.verify_upload_crc = true;
        r.verify_crc64 = Some(false);
        assert!(!resolve(&cfg, r).verify_crc64);
        // Never for requests whose answer carries no CRC of their body.
        let mut r = op(Some("b-1250000000"), Some("k"));
        r.verify_crc64 = Some(true);
        assert!(!resolve(&cfg, r).verify_crc64);
    }
}
