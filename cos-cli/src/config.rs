//! The client a command runs with: the config file's profile, `--region`,
//! `--endpoint`, and otherwise `ConfigBuilder::from_env` (the default credential chain).
//!
//! The config file (`~/.cos/config.toml`, or `--config-file`) holds one table per
//! profile; `default` is used without `--profile`:
//!
//! ```toml
//! [default]
//! region = "ap-guangzhou"
//!
//! [emulator]
//! region = "ap-guangzhou"
//! endpoint = "http://127.0.0.1:9000"
//! secret_id = "AKIDEXAMPLE"
//! secret_key = "SECRETKEYEXAMPLE"
//! ```

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use cos_core::{Client, ConfigBuilder, Endpoint, Scheme};
use serde::Deserialize;

use crate::cli::Global;
use crate::error::CliError;

/// One profile of the config file.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    region: Option<String>,
    endpoint: Option<String>,
    secret_id: Option<String>,
    secret_key: Option<String>,
    token: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("secret_id", &self.secret_id)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish()
    }
}

fn default_config_file() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| Path::new(&h).join(".cos").join("config.toml"))
}

/// The profile `global` selects: `--profile` must exist; `default` may be absent.
fn load_profile(global: &Global) -> Result<Profile, CliError> {
    let path = match (&global.config_file, default_config_file()) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(p)) if p.exists() => Some(p),
        _ => None,
    };
    let mut profiles: BTreeMap<String, Profile> = match &path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| CliError::Usage(format!("config file {}: {e}", p.display())))?;
            toml::from_str(&text)
                .map_err(|e| CliError::Usage(format!("config file {}: {e}", p.display())))?
        }
        None => BTreeMap::new(),
    };
    match &global.profile {
        Some(name) => profiles
            .remove(name)
            .ok_or_else(|| CliError::Usage(format!("no profile {name:?} in the config file"))),
        None => Ok(profiles.remove("default").unwrap_or_default()),
    }
}

/// Applies an `--endpoint` URL: an IP or `localhost` host is connected to path-style;
/// a COS domain selects that endpoint (and the region it names, unless one is set); any
/// other domain is a bucket's custom domain.
fn apply_endpoint(
    mut b: ConfigBuilder,
    url: &str,
    region_set: bool,
) -> Result<ConfigBuilder, CliError> {
    let bad = || {
        CliError::Usage(format!(
            "--endpoint {url:?}: expected [http(s)://]host[:port]"
        ))
    };
    let (scheme, rest) = match url.split_once("://") {
        Some(("http", r)) => (Some(Scheme::Http), r),
        Some(("https", r)) => (Some(Scheme::Https), r),
        Some(_) => return Err(bad()),
        None => (None, url),
    };
    let authority = rest.trim_end_matches('/');
    if authority.is_empty() || authority.contains('/') || authority.contains('@') {
        return Err(bad());
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    if host == "localhost" || host.parse::<IpAddr>().is_ok() {
        let scheme = scheme.unwrap_or(Scheme::Http);
        let origin = match scheme {
            Scheme::Http => format!("http://{authority}"),
            _ => format!("https://{authority}"),
        };
        return Ok(b.connect_to(origin).path_style(true));
    }
    if let Some(s) = scheme {
        b = b.scheme(s);
    }
    let parts: Vec<&str> = host.split('.').collect();
    let endpoint = match parts.as_slice() {
        ["cos", "accelerate", "myqcloud", "com"] => Endpoint::Accelerate,
        ["cos", region, "myqcloud", "com"] => {
            if !region_set {
                b = b.region(*region);
            }
            Endpoint::Default
        }
        ["cos", region, "tencentcos", "cn"] => {
            if !region_set {
                b = b.region(*region);
            }
            Endpoint::TencentCos
        }
        _ => Endpoint::Custom(host.to_owned()),
    };
    Ok(b.endpoint(endpoint))
}

/// The client of this invocation.
pub fn client(global: &Global) -> Result<Client, CliError> {
    let profile = load_profile(global)?;
    let mut b =
        ConfigBuilder::from_env().map_err(|e| CliError::Usage(format!("credentials: {e}")))?;
    match (&profile.secret_id, &profile.secret_key) {
        (Some(id), Some(key)) => {
            let mut c = cos_core::auth::Credentials::new(id.clone(), key.clone())
                .map_err(|e| CliError::Usage(format!("profile credentials: {e}")))?;
            if let Some(t) = &profile.token {
                c = c
                    .with_token(t.clone())
                    .map_err(|e| CliError::Usage(format!("profile token: {e}")))?;
            }
            b = b.credentials(c);
        }
        (None, None) => {}
        _ => {
            return Err(CliError::Usage(
                "the profile must set both secret_id and secret_key".into(),
            ));
        }
    }
    let region = global.region.clone().or(profile.region.clone());
    if let Some(r) = &region {
        b = b.region(r.clone());
    }
    let region_set = region.is_some() || std::env::var_os("COS_REGION").is_some();
    if let Some(url) = global.endpoint.as_ref().or(profile.endpoint.as_ref()) {
        b = apply_endpoint(b, url, region_set)?;
    }
    let config = b
        .build()
        .map_err(|e| CliError::Usage(format!("configuration: {e}")))?;
    Client::new(config).map_err(|e| CliError::Usage(format!("client: {e}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dbg_of(url: &str) -> String {
        let creds = cos_core::auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap();
        let b = ConfigBuilder::default()
            .region("ap-guangzhou")
            .credentials(creds);
        format!("{:?}", apply_endpoint(b, url, true).map(|b| b.build()))
    }

    #[test]
    fn ip_and_localhost_are_path_style_connects() {
        for url in [
            "http://127.0.0.1:9000",
            "localhost:9000",
            "http://[::1]:9000",
        ] {
            let d = dbg_of(url);
            assert!(d.contains("path_style: true"), "{url}: {d}");
            assert!(d.contains("connect_to: Some(\"http://"), "{url}: {d}");
        }
    }

    #[test]
    fn domains_are_virtual_hosted() {
        let d = dbg_of("https://cos.ap-beijing.myqcloud.com");
        assert!(
            d.contains("path_style: false") && d.contains("Default"),
            "{d}"
        );
        let d = dbg_of("files.example.com");
        assert!(d.contains("Custom(\"files.example.com\")"), "{d}");
        assert!(dbg_of("ftp://x").contains("Err"));
        assert!(dbg_of("http://a/b").contains("Err"));
    }
}
