//! Client configuration: region, credentials, scheme, endpoint, timeouts, user agent,
//! proxy, connection pool and retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use cos_auth::{Credentials, ProvideCredentials};

mod network;

use crate::error::{Error, InvalidInput};
use crate::retry::RetryConfig;
use crate::types::{BucketName, Region};

pub use crate::transport::{DEFAULT_USER_AGENT, Scheme};
use crate::transport::{NetworkOptions, TransportConfig, parse_connect_to, redact_userinfo};

mod env;

/// Which domain requests are addressed to (the `Host` header).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Endpoint {
    /// `<bucket>.cos.<region>.myqcloud.com` (the default).
    #[default]
    Default,
    /// `<bucket>.cos.<region>.tencentcos.cn`.
    TencentCos,
    /// Global acceleration: `<bucket>.cos.accelerate.myqcloud.com`.
    Accelerate,
    /// The internal domain, reachable from Tencent Cloud machines in the bucket's
    /// region: `<bucket>.cos-internal.<region>.tencentcos.cn`.
    Internal,
    /// A custom domain bound to one bucket, e.g. `files.example.com`; used as is.
    Custom(String),
}

/// Client configuration; build it with [`Config::builder`].
///
/// `Debug` never shows secrets: credentials print their secret id only, and the password
/// (any userinfo) of the proxy URL is replaced by `***`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// The region.
    pub region: Region,
    /// Where credentials come from.
    pub credentials: Arc<dyn ProvideCredentials>,
    /// The scheme of COS URLs: requests (unless `connect_to` is set) and presigned URLs.
    /// `https` by default; with `connect_to` and no explicit scheme, `connect_to`'s scheme.
    pub scheme: Scheme,
    /// The domain requests are addressed to.
    pub endpoint: Endpoint,
    /// Connect to this origin, `http://host:port` or `https://host:port` (e.g.
    /// `http://127.0.0.1:9000`), instead of resolving the COS domain, over the scheme it
    /// names; the COS `Host` header is kept.
    pub connect_to: Option<String>,
    /// Put the bucket in the path (`/<bucket>/<key>`) instead of the host name.
    pub path_style: bool,
    /// Timeout for establishing a connection (default 10 s).
    pub connect_timeout: Duration,
    /// How long the connection may stall (default 60 s): while the request body is sent,
    /// the socket must accept some bytes within this time (a slow but progressing upload
    /// never times out); once the request is written, the response head must arrive within
    /// it; and then each chunk of the response body.
    pub read_timeout: Duration,
    /// Timeout for a whole operation, retries and backoff included, and, for a streamed
    /// download, until its body is read to the end (default none).
    pub operation_timeout: Option<Duration>,
    /// `User-Agent` header value.
    pub user_agent: String,
    /// HTTP proxy URL (`http://host:port`), used with `CONNECT` tunnels.
    pub proxy: Option<String>,
    /// How long an idle pooled connection is kept (default 60 s).
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per host (default 32).
    pub pool_max_idle_per_host: usize,
    /// Retry policy.
    pub retry: RetryConfig,
    /// Verify `x-cos-hash-crc64ecma` on uploads and full downloads (default true).
    pub verify_crc64: bool,
    /// Lifetime of request signatures (default 1 h).
    pub sign_expiry: Duration,
    /// Send requests without `Authorization` (public-read buckets; see
    /// [`ConfigBuilder::anonymous`]).
    pub anonymous: bool,
    /// TLS roots, HTTP/2, TCP keepalive, proxies from the environment, DNS hook.
    pub network: NetworkOptions,
    /// The domain of presigned URLs (a CDN or custom domain in front of the bucket),
    /// when it differs from the API endpoint's (default none).
    pub presign_domain: Option<String>,
}

impl Config {
    /// A builder; `region` and credentials are required.
    ///
    /// ```
    /// use cos_core::Config;
    /// let config = Config::builder()
    ///     .region("ap-guangzhou")
    ///     .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?)
    ///     .build()?;
    /// assert_eq!(config.region.as_str(), "ap-guangzhou");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The transport settings of this configuration.
    pub fn transport_config(&self) -> TransportConfig {
        let mut t = TransportConfig::default()
            .scheme(self.scheme)
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .user_agent(self.user_agent.clone())
            .retry(self.retry.clone());
        t.connect_to = self.connect_to.clone();
        t.operation_timeout = self.operation_timeout;
        t.proxy = self.proxy.clone();
        t.pool_idle_timeout = self.pool_idle_timeout;
        t.pool_max_idle_per_host = self.pool_max_idle_per_host;
        t.network = self.network.clone();
        t
    }

    /// The domain (without port) requests about `bucket` are addressed to, for the
    /// given endpoint.
    pub(crate) fn bucket_host(&self, bucket: &BucketName, endpoint: &Endpoint) -> String {
        if self.path_style {
            return self.service_host_for(endpoint);
        }
        match endpoint {
            Endpoint::Default => format!("{bucket}.cos.{}.myqcloud.com", self.region),
            Endpoint::TencentCos => format!("{bucket}.cos.{}.tencentcos.cn", self.region),
            Endpoint::Accelerate => format!("{bucket}.cos.accelerate.myqcloud.com"),
            Endpoint::Internal => format!("{bucket}.cos-internal.{}.tencentcos.cn", self.region),
            Endpoint::Custom(d) => d.clone(),
        }
    }

    /// The `host:port` of `connect_to`, when set.
    pub(crate) fn connect_authority(&self) -> Option<&str> {
        let origin = self.connect_to.as_deref()?;
        Some(origin.split_once("://").map_or(origin, |(_, a)| a))
    }

    /// The host used for path-style requests and bucket-less region requests.
    fn service_host_for(&self, endpoint: &Endpoint) -> String {
        if let Some(addr) = self.connect_authority() {
            return addr.to_owned();
        }
        match endpoint {
            Endpoint::Default | Endpoint::Accelerate => {
                format!("cos.{}.myqcloud.com", self.region)
            }
            Endpoint::TencentCos => format!("cos.{}.tencentcos.cn", self.region),
            Endpoint::Internal => format!("cos-internal.{}.tencentcos.cn", self.region),
            Endpoint::Custom(d) => d.clone(),
        }
    }

    /// The host of List Buckets (GET Service).
    pub(crate) fn list_buckets_host(&self, endpoint: &Endpoint) -> String {
        if self.path_style {
            return self.service_host_for(endpoint);
        }
        match endpoint {
            Endpoint::TencentCos | Endpoint::Internal => "service.cos.tencentcos.cn".into(),
            Endpoint::Custom(d) => d.clone(),
            _ => "service.cos.myqcloud.com".into(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("scheme", &self.scheme)
            .field("endpoint", &self.endpoint)
            .field("connect_to", &self.connect_to)
            .field("path_style", &self.path_style)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy.as_deref().map(redact_userinfo))
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("retry", &self.retry)
            .field("verify_crc64", &self.verify_crc64)
            .field("sign_expiry", &self.sign_expiry)
            .field("anonymous", &self.anonymous)
            .field("network", &self.network)
            .field("presign_domain", &self.presign_domain)
            .finish()
    }
}

/// Builds a [`Config`]. Its `Debug` hides secrets as [`Config`]'s does.
#[derive(Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    scheme: Option<Scheme>,
    endpoint: Endpoint,
    connect_to: Option<String>,
    path_style: bool,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    user_agent: Option<String>,
    proxy: Option<String>,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: Option<usize>,
    retry: Option<RetryConfig>,
    verify_crc64: Option<bool>,
    sign_expiry: Option<Duration>,
    anonymous: bool,
    network: NetworkOptions,
    presign_domain: Option<String>,
    allow_unlisted_region: bool,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("scheme", &self.scheme)
            .field("endpoint", &self.endpoint)
            .field(
                "connect_to",
                &self.connect_to.as_deref().map(redact_userinfo),
            )
            .field("proxy", &self.proxy.as_deref().map(redact_userinfo))
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// Sets the region (legacy aliases such as `cossh` accepted).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
    /// Uses fixed credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(credentials));
        self
    }
    /// Uses a credentials provider (environment, chain, caching STS provider…).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }
    /// Sets the scheme (default https).
    pub fn scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = Some(scheme);
        self
    }
    /// Sets the endpoint domain kind.
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = endpoint;
        self
    }
    /// Connects to the origin `http://host:port` or `https://host:port` (e.g. an
    /// emulator or a private gateway, over the scheme named) while keeping the COS `Host`
    /// header. A bare `host:port` fails at [`build`](Self::build) with [`Error::Config`].
    /// Without an explicit [`scheme`](Self::scheme), presigned URLs use this scheme too.
    pub fn connect_to(mut self, origin: impl Into<String>) -> Self {
        self.connect_to = Some(origin.into());
        self
    }
    /// Puts the bucket in the path instead of the host name.
    pub fn path_style(mut self, yes: bool) -> Self {
        self.path_style = yes;
        self
    }
    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }
    /// Sets the read timeout: the longest stall of the upload, the wait for the response
    /// head once the request is written, and the longest gap between response body chunks.
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = Some(d);
        self
    }
    /// Sets a timeout for whole operations, retries included, and for a download until its
    /// body stream ends.
    pub fn operation_timeout(mut self, d: Duration) -> Self {
        self.operation_timeout = Some(d);
        self
    }
    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }
    /// Sends requests through an HTTP proxy (`http://[user:password@]host:port`, a
    /// `CONNECT` tunnel for every request), instead of the environment's proxies.
    pub fn proxy(mut self, proxy: impl Into<String>) -> Self {
        self.proxy = Some(proxy.into());
        self
    }
    /// Sets how long idle connections are kept.
    pub fn pool_idle_timeout(mut self, d: Duration) -> Self {
        self.pool_idle_timeout = Some(d);
        self
    }
    /// Sets how many idle connections are kept per host.
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.pool_max_idle_per_host = Some(n);
        self
    }
    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }
    /// Enables or disables CRC64 verification (default on).
    pub fn verify_crc64(mut self, yes: bool) -> Self {
        self.verify_crc64 = Some(yes);
        self
    }
    /// Sets the lifetime of request signatures.
    pub fn sign_expiry(mut self, d: Duration) -> Self {
        self.sign_expiry = Some(d);
        self
    }

    /// Builds the configuration.
    ///
    /// Errors: [`Error::InvalidInput`] for a missing or invalid region, [`Error::Config`]
    /// for a region not in [`KNOWN_REGIONS`](crate::endpoint::KNOWN_REGIONS) (unless
    /// [`allow_unlisted_region`](Self::allow_unlisted_region)), when credentials are missing, the proxy URL is malformed, or `connect_to` is not an
    /// `http://host[:port]` / `https://host[:port]` origin (a bare `host:port` included).
    pub fn build(self) -> Result<Config, Error> {
        let region = Region::new(
            self.region
                .ok_or_else(|| InvalidInput::Other("region is required".into()))?,
        )?;
        if !self.allow_unlisted_region {
            crate::endpoint::check_known_region(&region)?;
        }
        let credentials = match (self.credentials, self.anonymous) {
            (Some(c), _) => c,
            (None, true) => Arc::new(env::Anonymous),
            (None, false) => {
                return Err(Error::Config(crate::error::ConfigError::MissingCredentials));
            }
        };
        let connect_to = self
            .connect_to
            .as_deref()
            .map(parse_connect_to)
            .transpose()?;
        if let Some(p) = &self.proxy
            && p.parse::<http::Uri>().is_err()
        {
            return Err(Error::Config(crate::error::ConfigError::ProxyUrl {
                url: redact_userinfo(p),
                reason: None,
            }));
        }
        let scheme = self
            .scheme
            .or(connect_to.as_ref().map(|(s, _)| *s))
            .unwrap_or_default();
        Ok(Config {
            region,
            credentials,
            scheme,
            endpoint: self.endpoint,
            connect_to: connect_to.map(|(_, origin)| origin),
            path_style: self.path_style,
            connect_timeout: self.connect_timeout.unwrap_or(Duration::from_secs(10)),
            read_timeout: self.read_timeout.unwrap_or(Duration::from_secs(60)),
            operation_timeout: self.operation_timeout,
            user_agent: self
                .user_agent
                .unwrap_or_else(|| DEFAULT_USER_AGENT.to_owned()),
            proxy: self.proxy,
            pool_idle_timeout: self.pool_idle_timeout.unwrap_or(Duration::from_secs(60)),
            pool_max_idle_per_host: self.pool_max_idle_per_host.unwrap_or(32),
            retry: self.retry.unwrap_or_default(),
            verify_crc64: self.verify_crc64.unwrap_or(true),
            sign_expiry: self.sign_expiry.unwrap_or(Duration::from_secs(3600)),
            anonymous: self.anonymous,
            network: self.network,
            presign_domain: self.presign_domain,
        })
    }
}
