//! [`NetworkOptions`]: how connections are made — TLS roots, HTTP/2, TCP keepalive,
//! proxies from the environment, and the DNS hook.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::resolve::Resolve;
use super::tls::TlsConfig;

/// How the transport connects (part of [`TransportConfig`](super::TransportConfig) and
/// [`Config`](crate::Config); the builders set it).
#[derive(Clone)]
#[non_exhaustive]
pub struct NetworkOptions {
    /// Trusted roots and CA bundles.
    pub tls: TlsConfig,
    /// Offer HTTP/2 by ALPN on HTTPS connections (default off: HTTP/1.1 only). A server
    /// that does not pick `h2` is spoken to in HTTP/1.1; plain HTTP stays HTTP/1.1.
    pub http2: bool,
    /// TCP keepalive probes after this idle time (default none: the system's setting).
    pub tcp_keepalive: Option<Duration>,
    /// Use `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` when no proxy URL is
    /// set (default true; see [`crate::transport`]'s proxy notes).
    pub proxy_from_env: bool,
    /// Hosts never proxied, in `NO_PROXY` syntax (`.example.com, 10.0.0.0/8, *`); when
    /// set, it replaces the environment's `NO_PROXY`.
    pub no_proxy: Option<String>,
    /// Resolves host names instead of the system resolver.
    pub resolver: Option<Arc<dyn Resolve>>,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            tls: TlsConfig::default(),
            http2: false,
            tcp_keepalive: None,
            proxy_from_env: true,
            no_proxy: None,
            resolver: None,
        }
    }
}

impl fmt::Debug for NetworkOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetworkOptions")
            .field("tls", &self.tls)
            .field("http2", &self.http2)
            .field("tcp_keepalive", &self.tcp_keepalive)
            .field("proxy_from_env", &self.proxy_from_env)
            .field("no_proxy", &self.no_proxy)
            .field("resolver", &self.resolver.as_ref().map(|_| "custom"))
            .finish()
    }
}
