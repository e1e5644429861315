//! The HTTP client: hyper over rustls (see [`super::tls`]), direct or through an HTTP
//! proxy `CONNECT` tunnel (see [`super::proxy`]), with the pool settings, TCP
//! keepalive, the DNS hook, and the write-progress counting of
//! [`watchdog`](crate::watchdog).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::Uri;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::GaiResolver;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::rt::TokioExecutor;

use super::config::TransportConfig;
use super::proxy::Proxies;
use super::resolve::DynResolver;
use crate::body::{BoxError, HyperBody};
use crate::error::Error;
use crate::watchdog::ProgressIo;

type Tcp = HttpConnector<DynResolver>;

/// The TCP connector: direct, or through the proxy the rules pick for the destination.
#[derive(Clone)]
pub(crate) struct Connector {
    tcp: Tcp,
    proxies: Option<Arc<Proxies>>,
}

type ConnectFuture = Pin<Box<dyn Future<Output = Result<ProgressIo, BoxError>> + Send>>;

impl tower_service::Service<Uri> for Connector {
    type Response = ProgressIo;
    type Error = BoxError;
    type Future = ConnectFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.tcp.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let via = self.proxies.as_ref().and_then(|p| p.intercept(&dst));
        match via {
            None => {
                let f = self.tcp.call(dst);
                Box::pin(async move { f.await.map(ProgressIo::new).map_err(Into::into) })
            }
            Some(proxy) => {
                tracing::debug!(proxy = %proxy.uri(), "connecting through a proxy tunnel");
                let mut tunnel = Tunnel::new(proxy.uri().clone(), self.tcp.clone());
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                let f = tunnel.call(dst);
                Box::pin(async move { f.await.map(ProgressIo::new).map_err(Into::into) })
            }
        }
    }
}

/// The pooled hyper client.
pub(crate) type Http = HyperClient<hyper_rustls::HttpsConnector<Connector>, HyperBody>;

/// Builds the hyper client (no network I/O happens here; CA files are read).
///
/// Errors: [`Error::Config`] for a bad proxy URL (given or from the environment) or an
/// unusable TLS setup (see [`super::TlsConfig`]).
pub(crate) fn build_http(config: &TransportConfig) -> Result<Http, Error> {
    let net = &config.network;
    let resolver = match &net.resolver {
        Some(r) => DynResolver::Custom(r.clone()),
        None => DynResolver::System(GaiResolver::new()),
    };
    let mut tcp = HttpConnector::new_with_resolver(resolver);
    tcp.enforce_http(false);
    tcp.set_connect_timeout(Some(config.connect_timeout));
    tcp.set_nodelay(true);
    tcp.set_keepalive(net.tcp_keepalive);
    let proxies = Proxies::new(
        config.proxy.as_deref(),
        net.proxy_from_env,
        net.no_proxy.as_deref(),
    )?;
    let connector = Connector {
        tcp,
        proxies: proxies.map(Arc::new),
    };
    let tls = net.tls.client_config()?;
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http();
    let https = if net.http2 {
        builder.enable_all_versions().wrap_connector(connector)
    } else {
        builder.enable_http1().wrap_connector(connector)
    };
    Ok(HyperClient::builder(TokioExecutor::new())
        .pool_idle_timeout(config.pool_idle_timeout)
        .pool_max_idle_per_host(config.pool_max_idle_per_host)
        .pool_timer(hyper_util::rt::TokioTimer::new())
        .timer(hyper_util::rt::TokioTimer::new())
        .build(https))
}
