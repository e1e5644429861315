//! Client settings: API and download host names, scheme, timeouts, signature
//! lifetime, and a `connect_to` address for local servers.

use std::time::Duration;

/// The short region code of a v4 region name: `sh`, `gz`, `tj`, `sgp`, or the name
/// itself for other regions (`shanghai` → `sh`, `guangzhou` → `gz`, `tianjin` and
/// `beijing` → `tj`, `singapore` → `sgp`).
pub fn region_code(region: &str) -> String {
    match region {
        "sh" | "shanghai" => "sh".into(),
        "gz" | "guangzhou" => "gz".into(),
        "tj" | "tianjin" | "beijing" => "tj".into(),
        "sgp" | "singapore" => "sgp".into(),
        other => other.into(),
    }
}

/// Settings of a [`CosClient`](crate::CosClient). Start from [`Config::new`] (the
/// official SDK's defaults for a region) and change what you need.
///
/// ```
/// use std::time::Duration;
/// let config = cos_v4_legacy::Config::new("gz")
///     .download_hostname("cdn.example.com")
///     .https(true)
///     .timeout(Duration::from_secs(30));
/// assert_eq!(config.api_hostname(), "gz.file.myqcloud.com");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The API host (default `<region>.file.myqcloud.com`).
    pub hostname: String,
    /// The download host after `{bucket}-{appid}.` (default `cos<region>.myqcloud.com`).
    pub download_hostname: String,
    /// Use https (default off, as the official SDK).
    pub https: bool,
    /// Connect and per-read timeout (default 300 s, the official SDK's `timeout`).
    pub timeout: Duration,
    /// Connect timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Lifetime of multiple-use and download signatures (default 300 s).
    pub sign_expired: Duration,
    /// Connect to this origin (`http://host:port` or `https://host:port`), keeping `Host`.
    pub connect_to: Option<String>,
    /// The `User-Agent` (default `cos-python-sdk-v4`, what COS knows from the SDK).
    pub user_agent: String,
    /// Attempts per request for retryable failures (status ≥ 500, connection errors,
    /// timeouts; default 3).
    pub max_attempts: u32,
}

impl Config {
    /// The defaults for `region` (`sh`, `gz`, `tj`, `sgp` or another region code).
    pub fn new(region: &str) -> Self {
        let code = region_code(region);
        Config {
            hostname: format!("{code}.file.myqcloud.com"),
            download_hostname: format!("cos{code}.myqcloud.com"),
            https: false,
            timeout: Duration::from_secs(300),
            connect_timeout: Duration::from_secs(10),
            sign_expired: Duration::from_secs(300),
            connect_to: None,
            user_agent: "cos-python-sdk-v4".into(),
            max_attempts: 3,
        }
    }

    /// Sets the API host name.
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = hostname.into();
        self
    }

    /// Sets the download host name.
    pub fn download_hostname(mut self, hostname: impl Into<String>) -> Self {
        self.download_hostname = hostname.into();
        self
    }

    /// Uses https (`true`) or http.
    pub fn https(mut self, on: bool) -> Self {
        self.https = on;
        self
    }

    /// Sets the read timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the signature lifetime.
    pub fn sign_expired(mut self, lifetime: Duration) -> Self {
        self.sign_expired = lifetime;
        self
    }

    /// Connects to the origin `addr` (`http://host:port` or `https://host:port`, e.g. the
    /// emulator), keeping the COS `Host` header.
    pub fn connect_to(mut self, addr: impl Into<String>) -> Self {
        self.connect_to = Some(addr.into());
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets the number of attempts per request (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The API host name.
    pub fn api_hostname(&self) -> &str {
        &self.hostname
    }
}
