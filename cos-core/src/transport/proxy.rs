//! Which proxy a connection goes through: an explicit proxy URL, or the environment's
//! (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, upper or lower case, as curl
//! reads them; hyper-util's [`Matcher`] applies them). Every proxied connection is an
//! HTTP `CONNECT` tunnel, whatever the scheme of the request; the userinfo of the proxy
//! URL (`http://user:password@host:port`) becomes a Basic `Proxy-Authorization`.
//!
//! Environment proxies are never used for loopback destinations (`localhost`,
//! `127.0.0.0/8`, `::1`), as Go's `ProxyFromEnvironment` does: a local emulator or
//! gateway is reached directly. An explicit proxy applies to every destination not in
//! its `no_proxy` list.

use http::Uri;
use hyper_util::client::proxy::matcher::{Intercept, Matcher};

use super::config::redact_userinfo;
use crate::error::{ConfigError, Error};

/// The proxy rules of a transport.
pub(crate) struct Proxies {
    matcher: Matcher,
    /// The rules came from the environment (loopback is then never proxied).
    from_env: bool,
}

/// The variables read, in order of precedence for each role.
const HTTPS_VARS: [&str; 2] = ["HTTPS_PROXY", "https_proxy"];
const HTTP_VARS: [&str; 2] = ["HTTP_PROXY", "http_proxy"];
const ALL_VARS: [&str; 2] = ["ALL_PROXY", "all_proxy"];
const NO_VARS: [&str; 2] = ["NO_PROXY", "no_proxy"];

impl Proxies {
    /// The rules for an explicit `proxy` URL, or (when `from_env`) the environment's;
    /// `no_proxy` replaces the environment's `NO_PROXY` when given. `None` when no
    /// proxy applies.
    ///
    /// Errors: [`Error::Config`] ([`ConfigError::ProxyUrl`]) for a proxy URL (given or
    /// from the environment) that does not parse or is not `http://`.
    pub(crate) fn new(
        proxy: Option<&str>,
        from_env: bool,
        no_proxy: Option<&str>,
    ) -> Result<Option<Self>, Error> {
        Self::with_lookup(proxy, from_env, no_proxy, |name| std::env::var(name).ok())
    }

    /// As [`new`](Self::new), reading variables with `lookup`.
    pub(crate) fn with_lookup(
        proxy: Option<&str>,
        from_env: bool,
        no_proxy: Option<&str>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, Error> {
        let first = |names: [&'static str; 2]| {
            names
                .into_iter()
                .find_map(|n| lookup(n).filter(|v| !v.trim().is_empty()).map(|v| (n, v)))
        };
        if let Some(url) = proxy {
            check(url, "the proxy URL")?;
            let matcher = Matcher::builder()
                .all(url.to_owned())
                .no(no_proxy.unwrap_or("").to_owned())
                .build();
            return Ok(Some(Proxies {
                matcher,
                from_env: false,
            }));
        }
        // In a CGI program `HTTP_PROXY` may come from a request header (httpoxy).
        if !from_env || lookup("REQUEST_METHOD").is_some() {
            return Ok(None);
        }
        let (https, http, all) = (first(HTTPS_VARS), first(HTTP_VARS), first(ALL_VARS));
        if https.is_none() && http.is_none() && all.is_none() {
            return Ok(None);
        }
        for (name, value) in [&https, &http, &all].into_iter().flatten() {
            check(value, name)?;
        }
        let value = |v: Option<(&'static str, String)>| v.map(|(_, v)| v).unwrap_or_default();
        let no = match no_proxy {
            Some(n) => n.to_owned(),
            None => value(first(NO_VARS)),
        };
        let matcher = Matcher::builder()
            .https(value(https))
            .http(value(http))
            .all(value(all))
            .no(no)
            .build();
        Ok(Some(Proxies {
            matcher,
            from_env: true,
        }))
    }

    /// The proxy for a connection to `dst`, if one applies.
    pub(crate) fn intercept(&self, dst: &Uri) -> Option<Intercept> {
        if self.from_env && dst.host().is_some_and(is_loopback) {
            return None;
        }
        self.matcher.intercept(dst)
    }
}

/// `localhost`, or a loopback IP address (`[::1]` with its brackets too).
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks that `url` is an `http://host[:port]` proxy (a bare `host:port` is taken as
/// `http://`, as curl does).
fn check(url: &str, what: &str) -> Result<(), Error> {
    let bad = |reason: String| {
        Error::Config(ConfigError::ProxyUrl {
            url: redact_userinfo(url),
            reason: Some(reason),
        })
    };
    let uri: Uri = url
        .trim()
        .parse()
        .map_err(|e: http::uri::InvalidUri| bad(format!("{what}: {e}")))?;
    match uri.scheme_str() {
        None | Some("http") => {}
        Some(other) => {
            return Err(bad(format!(
                "{what}: {other}:// proxies are not supported (use http://)"
            )));
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad(format!("{what}: no host")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn via(p: &Proxies, url: &str) -> Option<String> {
        let uri: Uri = url.parse().unwrap();
        p.intercept(&uri).map(|i| i.uri().to_string())
    }

    #[test]
    fn environment_rules() {
        let vars = env(&[
            ("https_proxy", "http://u:p@proxy.internal:3128"),
            ("HTTP_PROXY", "plain.internal:8080"),
            ("NO_PROXY", ".corp.example, 10.0.0.0/8"),
        ]);
        let p = Proxies::with_lookup(None, true, None, vars)
            .unwrap()
            .unwrap();
        let cos = "https://b-1.cos.ap-guangzhou.myqcloud.com/";
        assert_eq!(via(&p, cos).as_deref(), Some("http://proxy.internal:3128/"));
        let auth = p.intercept(&cos.parse().unwrap()).unwrap();
        assert_eq!(auth.basic_auth().unwrap(), "Basic dTpw");
        assert_eq!(
            via(&p, "http://x.myqcloud.com/").as_deref(),
            Some("http://plain.internal:8080/")
        );
        assert_eq!(via(&p, "https://files.corp.example/"), None);
        assert_eq!(via(&p, "https://10.1.2.3/"), None);
        // Loopback is never proxied by the environment.
        assert_eq!(via(&p, "http://127.0.0.1:9000/"), None);
        assert_eq!(via(&p, "https://localhost/"), None);
        assert_eq!(via(&p, "http://[::1]:80/"), None);
    }

    #[test]
    fn explicit_proxy_overrides_and_disabling() {
        let vars = || env(&[("HTTPS_PROXY", "http://env.internal:1")]);
        let p = Proxies::with_lookup(Some("http://mine:2"), true, None, vars())
            .unwrap()
            .unwrap();
        // The explicit proxy applies to loopback too (tests use it so).
        assert_eq!(
            via(&p, "http://127.0.0.1:9/").as_deref(),
            Some("http://mine:2/")
        );
        assert!(
            Proxies::with_lookup(None, false, None, vars())
                .unwrap()
                .is_none()
        );
        // `no_proxy` given replaces NO_PROXY.
        let p = Proxies::with_lookup(None, true, Some("myqcloud.com"), vars())
            .unwrap()
            .unwrap();
        assert_eq!(via(&p, "https://b.cos.r.myqcloud.com/"), None);
        // CGI: ignored.
        let cgi = env(&[("HTTPS_PROXY", "http://e:1"), ("REQUEST_METHOD", "GET")]);
        assert!(
            Proxies::with_lookup(None, true, None, cgi)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn bad_proxy_urls_are_typed_errors_without_secrets() {
        for bad in [
            "socks5://u:secret@h:1",
            "https://u:secret@h:1",
            "http://u:secret@ bad",
        ] {
            let e = Proxies::with_lookup(Some(bad), false, None, |_| None)
                .err()
                .unwrap();
            assert!(
                matches!(e, Error::Config(ConfigError::ProxyUrl { .. })),
                "{bad}"
            );
            assert!(!e.to_string().contains("secret"), "{e}");
        }
        let vars = env(&[("HTTPS_PROXY", "socks5://h:1")]);
        let e = Proxies::with_lookup(None, true, None, vars).err().unwrap();
        assert!(e.to_string().contains("HTTPS_PROXY"), "{e}");
    }
}
