//! [`InstanceRoleProvider`]: the temporary keys of the CAM role bound to a CVM or
//! Lighthouse instance, from the instance-metadata server.
//!
//! As the official Python SDK's `CVMRoleCredential` does: `GET
//! /latest/meta-data/cam/security-credentials/` names the role (unless given), then
//! `GET …/security-credentials/<role>` answers `{"TmpSecretId", "TmpSecretKey", "Token",
//! "ExpiredTime", "Code": "Success"}` (cloud.tencent.com/document/product/213/47668).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cos_auth::{CachingProvider, Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

use super::api::{Endpoint, temporary_credentials, transport_config};
use super::refresh::RefreshSettings;
use crate::transport::{NetworkOptions, TransportConfig};

/// The metadata server of CVM and Lighthouse instances.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://metadata.tencentyun.com";
const ROLES_PATH: &str = "/latest/meta-data/cam/security-credentials/";
const NAME: &str = "instance role";

/// The instance role's temporary keys, cached and refreshed before they expire.
///
/// ```no_run
/// # // Not run: it calls the instance metadata service of a real CVM.
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use cos_core::credentials::InstanceRoleProvider;
/// let provider = InstanceRoleProvider::builder().build()?;
/// let config = cos_core::Config::builder()
///     .region("ap-guangzhou")
///     .credentials_provider(provider)
///     .build()?;
/// # let _ = config; Ok(()) }
/// ```
#[derive(Clone)]
pub struct InstanceRoleProvider {
    cache: CachingProvider,
    endpoint: String,
}

impl fmt::Debug for InstanceRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstanceRoleProvider")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// Builds an [`InstanceRoleProvider`].
#[derive(Debug, Clone)]
pub struct InstanceRoleBuilder {
    endpoint: String,
    role: Option<String>,
    transport: TransportConfig,
    refresh: RefreshSettings,
}

impl InstanceRoleProvider {
    /// A builder: the default metadata endpoint, the role discovered, 1 s to connect and
    /// 5 s per call (off an instance, the chain must move on quickly).
    pub fn builder() -> InstanceRoleBuilder {
        InstanceRoleBuilder {
            endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            role: None,
            transport: transport_config(Duration::from_secs(1), Duration::from_secs(5))
                .retry(crate::RetryConfig::default().max_attempts(2)),
            refresh: RefreshSettings::default(),
        }
    }

    /// Current keys (cached; refreshed before they expire).
    ///
    /// Errors: [`CredentialsError::NotConfigured`] when the metadata server cannot be
    /// reached or knows no role, [`CredentialsError::Provider`] when it answers
    /// something else than keys.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        self.cache.credentials().await
    }
}

impl ProvideCredentials for InstanceRoleProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.credentials())
    }
}

impl InstanceRoleBuilder {
    /// The metadata server's origin (`http://host[:port]`; default
    /// [`DEFAULT_METADATA_ENDPOINT`]).
    pub fn endpoint(mut self, origin: impl Into<String>) -> Self {
        self.endpoint = origin.into();
        self
    }

    /// The role's name, skipping its discovery.
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Timeouts, proxy and retries of the calls.
    pub fn transport(mut self, config: TransportConfig) -> Self {
        self.transport = config;
        self
    }

    /// Sets how connections to the endpoint are made (trusted CA bundles, HTTP/2,
    /// proxies from the environment...), keeping the provider's timeouts and retries:
    /// e.g. options whose `tls` trusts a private CA (`TlsConfig::add_ca_pem`) in front of
    /// STS or the metadata server.
    pub fn network(mut self, network: NetworkOptions) -> Self {
        self.transport.network = network;
        self
    }

    /// When keys are refreshed.
    pub fn refresh(mut self, settings: RefreshSettings) -> Self {
        self.refresh = settings;
        self
    }

    /// Builds the provider (no I/O happens here).
    ///
    /// Errors: [`CredentialsError::Provider`] for an endpoint that is not an origin.
    pub fn build(self) -> Result<InstanceRoleProvider, CredentialsError> {
        let endpoint = Arc::new(Endpoint::new(NAME, &self.endpoint, self.transport)?);
        let role = Arc::new(Mutex::new(self.role));
        let cache = self.refresh.caching(NAME, move || {
            let (endpoint, role) = (endpoint.clone(), role.clone());
            async move { fetch(&endpoint, &role).await }
        });
        Ok(InstanceRoleProvider {
            cache,
            endpoint: self.endpoint,
        })
    }
}

fn not_configured(reason: String) -> CredentialsError {
    CredentialsError::NotConfigured {
        provider: NAME,
        reason,
    }
}

async fn fetch(
    endpoint: &Endpoint,
    role: &Mutex<Option<String>>,
) -> Result<Credentials, CredentialsError> {
    let known = role.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let name = match known {
        Some(r) => r,
        None => {
            let (status, body) = endpoint
                .get(NAME, ROLES_PATH)
                .await
                .map_err(|e| not_configured(format!("no metadata server ({e})")))?;
            let text = String::from_utf8_lossy(&body);
            let name = text.lines().next().unwrap_or("").trim().to_owned();
            if status != 200 || name.is_empty() {
                return Err(not_configured(format!(
                    "the metadata server names no role (status {status})"
                )));
            }
            *role.lock().unwrap_or_else(|e| e.into_inner()) = Some(name.clone());
            name
        }
    };
    let path = format!(
        "{ROLES_PATH}{}",
        crate::auth::encode::url_path(&name).trim_start_matches('/')
    );
    let (status, body) = endpoint.get(NAME, &path).await?;
    if status != 200 {
        return Err(CredentialsError::Provider {
            provider: NAME,
            reason: format!("the keys of role {name:?}: status {status}"),
        });
    }
    let doc: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| CredentialsError::Provider {
            provider: NAME,
            reason: format!("the keys of role {name:?} are not JSON ({e})"),
        })?;
    let code = doc.get("Code").and_then(serde_json::Value::as_str);
    if code != Some("Success") {
        return Err(CredentialsError::Provider {
            provider: NAME,
            reason: format!("the metadata server answered Code {code:?} for role {name:?}"),
        });
    }
    temporary_credentials(NAME, &doc)
}
