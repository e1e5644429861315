//! Client configuration: region, credentials, scheme, endpoint, timeouts, user agent,
//! proxy, connection pool and retries.

use std::sync::Arc;
use std::time::Duration;

use cos_auth::{Credentials, ProvideCredentials};

use crate::error::{Error, InvalidInput};
use crate::retry::RetryConfig;
use crate::types::{BucketName, Region};

/// The default user agent.
pub const DEFAULT_USER_AGENT: &str = concat!("cos-rs/", env!("CARGO_PKG_VERSION"));

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTPS (the default).
    #[default]
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

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
    /// A custom domain bound to one bucket, e.g. `files.example.com`; used as is.
    Custom(String),
}

/// Client configuration; build it with [`Config::builder`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The region.
    pub region: Region,
    /// Where credentials come from.
    pub credentials: Arc<dyn ProvideCredentials>,
    /// `https` (default) or `http`.
    pub scheme: Scheme,
    /// The domain requests are addressed to.
    pub endpoint: Endpoint,
    /// Connect to this `host:port` (e.g. `127.0.0.1:9000`) instead of resolving the COS
    /// domain; the COS `Host` header is kept.
    pub connect_to: Option<String>,
    /// Put the bucket in the path (`/<bucket>/<key>`) instead of the host name.
    pub path_style: bool,
    /// Timeout for establishing a connection (default 10 s).
    pub connect_timeout: Duration,
    /// Timeout waiting for the response head and between body chunks (default 60 s).
    pub read_timeout: Duration,
    /// Timeout for a whole operation, retries included (default none).
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
            Endpoint::Custom(d) => d.clone(),
        }
    }

    /// The host used for path-style requests and bucket-less region requests.
    fn service_host_for(&self, endpoint: &Endpoint) -> String {
        if let Some(addr) = &self.connect_to {
            return addr.clone();
        }
        match endpoint {
            Endpoint::Default | Endpoint::Accelerate => {
                format!("cos.{}.myqcloud.com", self.region)
            }
            Endpoint::TencentCos => format!("cos.{}.tencentcos.cn", self.region),
            Endpoint::Custom(d) => d.clone(),
        }
    }

    /// The host of List Buckets (GET Service).
    pub(crate) fn list_buckets_host(&self, endpoint: &Endpoint) -> String {
        if self.path_style {
            return self.service_host_for(endpoint);
        }
        match endpoint {
            Endpoint::TencentCos => "service.cos.tencentcos.cn".into(),
            Endpoint::Custom(d) => d.clone(),
            _ => "service.cos.myqcloud.com".into(),
        }
    }
}

/// Builds a [`Config`].
#[derive(Debug, Default)]
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
    /// Connects to `host:port` (e.g. an emulator or a private gateway) while keeping
    /// the COS `Host` header. Without an explicit scheme this implies `http`.
    pub fn connect_to(mut self, addr: impl Into<String>) -> Self {
        let addr: String = addr.into();
        let addr = addr
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .trim_end_matches('/')
            .to_owned();
        self.connect_to = Some(addr);
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
    /// Sets the read timeout (response head, and between body chunks).
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = Some(d);
        self
    }
    /// Sets a timeout for whole operations, retries included.
    pub fn operation_timeout(mut self, d: Duration) -> Self {
        self.operation_timeout = Some(d);
        self
    }
    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }
    /// Sends requests through an HTTP proxy (`http://host:port`).
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
    /// when credentials are missing or the proxy / `connect_to` address is malformed.
    pub fn build(self) -> Result<Config, Error> {
        let region = Region::new(
            self.region
                .ok_or_else(|| InvalidInput::Other("region is required".into()))?,
        )?;
        let credentials = self
            .credentials
            .ok_or_else(|| Error::Config("credentials are required".into()))?;
        if let Some(addr) = &self.connect_to
            && (addr.is_empty() || addr.contains('/'))
        {
            return Err(Error::Config(format!("bad connect_to address {addr:?}")));
        }
        if let Some(p) = &self.proxy
            && p.parse::<http::Uri>().is_err()
        {
            return Err(Error::Config(format!("bad proxy URL {p:?}")));
        }
        let scheme = self.scheme.unwrap_or(if self.connect_to.is_some() {
            Scheme::Http
        } else {
            Scheme::Https
        });
        Ok(Config {
            region,
            credentials,
            scheme,
            endpoint: self.endpoint,
            connect_to: self.connect_to,
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
        })
    }
}
