//! The HTTP client: hyper over rustls, direct or through an HTTP proxy `CONNECT`
//! tunnel, with the pool settings and the write-progress counting of
//! [`watchdog`](crate::watchdog).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{HeaderValue, Uri};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::rt::TokioExecutor;

use super::config::{TransportConfig, redact_userinfo};
use crate::body::{BoxError, HyperBody};
use crate::error::Error;
use crate::watchdog::ProgressIo;

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

/// The pooled hyper client.
pub(crate) type Http = HyperClient<hyper_rustls::HttpsConnector<Connector>, HyperBody>;

/// Builds the hyper client (no I/O happens here).
pub(crate) fn build_http(config: &TransportConfig) -> Result<Http, Error> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(config.connect_timeout));
    http.set_nodelay(true);
    let connector = match &config.proxy {
        None => Connector::Direct(http),
        Some(p) => {
            let uri: Uri = p.parse().map_err(|e: http::uri::InvalidUri| {
                Error::Config(crate::error::ConfigError::ProxyUrl {
                    url: redact_userinfo(p),
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
