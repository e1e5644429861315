//! The [`ConfigBuilder`] settings of TLS, HTTP/2, TCP keepalive, proxies, DNS, the
//! presigned-URL domain and unlisted regions (README "TLS and proxies"), and the host
//! of a copy source.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::{Config, ConfigBuilder, Endpoint};
use crate::transport::{Resolve, TlsConfig};
use crate::types::BucketName;

impl ConfigBuilder {
    /// Replaces the TLS settings (trusted roots and CA bundles).
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.network.tls = tls;
        self
    }

    /// Also trusts the CA certificates of this PEM bundle (e.g. a company CA in front
    /// of COS, or a test CA). An invalid bundle fails `Client::new` with
    /// [`Error::Config`](crate::Error::Config).
    pub fn ca_bundle_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.network.tls = self.network.tls.add_ca_pem(pem);
        self
    }

    /// Also trusts the CA certificates of this PEM file, read by `Client::new`.
    ///
    /// ```
    /// let config = cos_core::Config::builder()
    ///     .region("ap-guangzhou")
    ///     .credentials_provider(cos_core::auth::EnvProvider::new())
    ///     .ca_bundle_file("/etc/company/ca.pem") // also trust a private CA (PEM; or .ca_bundle_pem(bytes))
    ///     .tls_builtin_roots(false)              // ... and only it
    ///     .http2(true)                           // offer h2 by ALPN (default: HTTP/1.1 only)
    ///     .tcp_keepalive(std::time::Duration::from_secs(30))
    ///     .build()?;
    /// assert!(config.network.http2);
    /// # Ok::<(), cos_core::Error>(())
    /// ```
    pub fn ca_bundle_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.network.tls = self.network.tls.add_ca_file(path);
        self
    }

    /// Whether the built-in roots (Mozilla's with the default `webpki-roots` feature,
    /// the platform's with `native-roots`) are trusted besides the CA bundles (default
    /// true). Certificate verification itself cannot be turned off.
    pub fn tls_builtin_roots(mut self, yes: bool) -> Self {
        self.network.tls = self.network.tls.builtin_roots(yes);
        self
    }

    /// Offers HTTP/2 by ALPN on HTTPS connections (default off); requests then share
    /// one connection per host as streams when the server picks `h2`.
    pub fn http2(mut self, yes: bool) -> Self {
        self.network.http2 = yes;
        self
    }

    /// Sends TCP keepalive probes after the connection has been idle this long
    /// (default: the system's setting).
    pub fn tcp_keepalive(mut self, idle: Duration) -> Self {
        self.network.tcp_keepalive = Some(idle);
        self
    }

    /// Whether `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` (upper or lower
    /// case) are honoured when no [`proxy`](Self::proxy) is set (default true). They are
    /// read by `Client::new`; loopback destinations never use them.
    pub fn proxy_from_env(mut self, yes: bool) -> Self {
        self.network.proxy_from_env = yes;
        self
    }

    /// Connects directly: no [`proxy`](Self::proxy), and the environment's ignored.
    pub fn no_proxy_at_all(mut self) -> Self {
        self.proxy = None;
        self.network.proxy_from_env = false;
        self
    }

    /// Hosts never proxied, in `NO_PROXY` syntax (`.example.com, 10.0.0.0/8`, `*` for
    /// all), for the given proxy and the environment's (replacing `NO_PROXY`).
    pub fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
        self.network.no_proxy = Some(hosts.into());
        self
    }

    /// Resolves host names with `resolver` instead of the system resolver.
    pub fn resolver(mut self, resolver: impl Resolve) -> Self {
        self.network.resolver = Some(Arc::new(resolver));
        self
    }

    /// Makes presigned URLs for this domain (a CDN or custom domain bound to the
    /// bucket, e.g. `cdn.example.com`) while requests keep using the API endpoint.
    pub fn presign_domain(mut self, domain: impl Into<String>) -> Self {
        self.presign_domain = Some(domain.into());
        self
    }

    /// Accepts a region missing from [`KNOWN_REGIONS`](crate::endpoint::KNOWN_REGIONS)
    /// (one opened after this release); by default `build` rejects it as a probable
    /// misspelling.
    pub fn allow_unlisted_region(mut self, yes: bool) -> Self {
        self.allow_unlisted_region = yes;
        self
    }
}

impl Config {
    /// The host named in an `x-cos-copy-source` for `bucket` in `region`: the regional
    /// domain of the configured domain family, as the official Python SDK builds it
    /// (`{bucket}.{endpoint}` with the endpoint of its domain settings, `cos_comm.py`
    /// `gen_copy_source_url` / `format_endpoint`). `tencentcos.cn` and the internal
    /// domain keep theirs; the acceleration and custom domains name one bucket's
    /// front, not a source, so `myqcloud.com` is used for them.
    pub(crate) fn copy_source_host(&self, bucket: &BucketName, region: &str) -> String {
        match &self.endpoint {
            Endpoint::TencentCos => format!("{bucket}.cos.{region}.tencentcos.cn"),
            Endpoint::Internal => format!("{bucket}.cos-internal.{region}.tencentcos.cn"),
            _ => format!("{bucket}.cos.{region}.myqcloud.com"),
        }
    }
}
