//! [`TransportConfig`]: what the transport needs to know, whatever the protocol: where to
//! connect, timeouts, user agent, proxy, connection pool and retries.

use std::time::Duration;

use super::network::NetworkOptions;
use crate::error::Error;
use crate::retry::RetryConfig;

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

/// The settings of a [`Transport`](super::Transport). Start from
/// [`TransportConfig::default`] and change what you need; [`Transport::new`](super::Transport::new)
/// checks them.
///
/// ```
/// use std::time::Duration;
/// use cos_core::transport::TransportConfig;
/// let config = TransportConfig::default()
///     .connect_to("http://127.0.0.1:9000")
///     .read_timeout(Duration::from_secs(30))
///     .user_agent("my-app/1.0");
/// assert_eq!(config.read_timeout, Duration::from_secs(30));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TransportConfig {
    /// The scheme of request URLs, unless `connect_to` is set (default https).
    pub scheme: Scheme,
    /// Connect to this origin, `http://host:port` or `https://host:port`, over the
    /// scheme it names, instead of resolving the request's host; `Host` is kept.
    pub connect_to: Option<String>,
    /// Timeout for establishing a connection (default 10 s).
    pub connect_timeout: Duration,
    /// How long the connection may stall (default 60 s): while the body is sent, before
    /// the response head, and between response body chunks.
    pub read_timeout: Duration,
    /// Timeout for a whole request, retries and backoff included (default none).
    pub operation_timeout: Option<Duration>,
    /// `User-Agent` header value.
    pub user_agent: String,
    /// HTTP proxy URL (`http://[user:password@]host:port`), used with `CONNECT` tunnels;
    /// without it, the environment's proxies apply (see `network.proxy_from_env`).
    pub proxy: Option<String>,
    /// How long an idle pooled connection is kept (default 60 s).
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per host (default 32).
    pub pool_max_idle_per_host: usize,
    /// Retry policy.
    pub retry: RetryConfig,
    /// TLS roots, HTTP/2, TCP keepalive, proxies from the environment, DNS hook.
    pub network: NetworkOptions,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            scheme: Scheme::Https,
            connect_to: None,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            operation_timeout: None,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            proxy: None,
            pool_idle_timeout: Duration::from_secs(60),
            pool_max_idle_per_host: 32,
            retry: RetryConfig::default(),
            network: NetworkOptions::default(),
        }
    }
}

impl TransportConfig {
    /// Sets the scheme (used unless `connect_to` is set).
    pub fn scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = scheme;
        self
    }
    /// Connects to the origin `http://host:port` or `https://host:port`, keeping `Host`.
    pub fn connect_to(mut self, origin: impl Into<String>) -> Self {
        self.connect_to = Some(origin.into());
        self
    }
    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// Sets the read (stall) timeout.
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = d;
        self
    }
    /// Sets the timeout of whole requests, retries included.
    pub fn operation_timeout(mut self, d: Duration) -> Self {
        self.operation_timeout = Some(d);
        self
    }
    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }
    /// Sends requests through an HTTP proxy.
    pub fn proxy(mut self, proxy: impl Into<String>) -> Self {
        self.proxy = Some(proxy.into());
        self
    }
    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }
    /// Sets the network options (TLS, HTTP/2, keepalive, proxy environment, resolver).
    pub fn network(mut self, network: NetworkOptions) -> Self {
        self.network = network;
        self
    }

    /// Checks `connect_to` and `proxy`, writing `connect_to` in its normal form.
    pub(crate) fn checked(mut self) -> Result<Self, Error> {
        if let Some(origin) = &self.connect_to {
            self.connect_to = Some(parse_connect_to(origin)?.1);
        }
        if let Some(p) = &self.proxy
            && p.parse::<http::Uri>().is_err()
        {
            return Err(Error::Config(crate::error::ConfigError::ProxyUrl {
                url: redact_userinfo(p),
                reason: None,
            }));
        }
        Ok(self)
    }
}

/// `url` with its userinfo (`user:password@`) replaced by `***@`, for `Debug`, `Display`
/// and logs.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &rest[at..]),
        None => url.to_owned(),
    }
}

/// Parses a `connect_to` origin: `http://host:port` or `https://host:port` (a trailing
/// `/` allowed), into the scheme and the normalized origin.
pub(crate) fn parse_connect_to(addr: &str) -> Result<(Scheme, String), Error> {
    let bad = |why: &str| {
        Error::Config(crate::error::ConfigError::ConnectTo {
            address: redact_userinfo(addr),
            reason: why.to_owned(),
        })
    };
    let scheme = if addr.starts_with("http://") {
        Scheme::Http
    } else if addr.starts_with("https://") {
        Scheme::Https
    } else {
        return Err(bad("the scheme is missing (http:// or https://)"));
    };
    let uri: http::Uri = addr.parse().map_err(|_| bad("not a URL"))?;
    let Some(authority) = uri.authority() else {
        return Err(bad("no host"));
    };
    if authority.as_str().contains('@') {
        return Err(bad("user info is not allowed"));
    }
    if authority.host().is_empty() {
        return Err(bad("no host"));
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(bad("a path or query is not allowed"));
    }
    Ok((scheme, format!("{}://{authority}", scheme.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_to_is_normalized_and_checked() {
        let c = TransportConfig::default()
            .connect_to("http://127.0.0.1:9000/")
            .checked()
            .unwrap();
        assert_eq!(c.connect_to.as_deref(), Some("http://127.0.0.1:9000"));
        for bad in [
            "127.0.0.1:9000",
            "http://u:p@h:1",
            "http://h:1/x",
            "ftp://h",
        ] {
            let e = TransportConfig::default().connect_to(bad).checked();
            assert!(matches!(e, Err(Error::Config(_))), "{bad}");
        }
        let e = TransportConfig::default()
            .proxy("http://u:secret@ bad")
            .checked();
        assert!(matches!(&e, Err(Error::Config(m)) if !m.to_string().contains("secret")));
    }
}
