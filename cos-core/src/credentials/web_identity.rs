//! [`WebIdentityProvider`]: TKE OIDC — a pod's service-account token exchanged for a
//! role's temporary keys with STS `AssumeRoleWithWebIdentity`.
//!
//! The variables are those TKE injects and the official Python SDK's
//! `DefaultTkeOIDCRoleArnProvider` reads: `TKE_REGION`, `TKE_PROVIDER_ID`,
//! `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN`. The token file is read again at
//! every refresh (the kubelet rotates it). The call is unsigned (`Authorization: SKIP`,
//! as the SDK sends it): the token is the proof.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cos_auth::{CachingProvider, Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use serde_json::json;

use super::DEFAULT_STS_ENDPOINT;
use super::api::{ApiCall, Endpoint, temporary_credentials, transport_config};
use super::environment::Environment;
use super::refresh::RefreshSettings;
use crate::transport::{NetworkOptions, TransportConfig};

const NAME: &str = "web identity";

/// A role's temporary keys for an OIDC token, cached and refreshed before they expire.
///
/// ```no_run
/// # // Not run: it reads the real environment's token file and calls the real STS.
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use cos_core::credentials::{Environment, WebIdentityProvider};
/// let provider = WebIdentityProvider::from_env(&Environment::process())?.build()?;
/// # let _ = provider; Ok(()) }
/// ```
#[derive(Clone)]
pub struct WebIdentityProvider {
    cache: CachingProvider,
    role_arn: String,
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("role_arn", &self.role_arn)
            .finish_non_exhaustive()
    }
}

/// Builds a [`WebIdentityProvider`].
#[derive(Debug, Clone)]
pub struct WebIdentityBuilder {
    region: String,
    provider_id: String,
    token_file: PathBuf,
    role_arn: String,
    session_name: Option<String>,
    duration: Duration,
    endpoint: String,
    transport: TransportConfig,
    refresh: RefreshSettings,
}

impl WebIdentityProvider {
    /// A builder from explicit settings: the STS region, the identity provider's id,
    /// the file holding the OIDC token and the role to assume.
    pub fn builder(
        region: impl Into<String>,
        provider_id: impl Into<String>,
        token_file: impl Into<PathBuf>,
        role_arn: impl Into<String>,
    ) -> WebIdentityBuilder {
        WebIdentityBuilder {
            region: region.into(),
            provider_id: provider_id.into(),
            token_file: token_file.into(),
            role_arn: role_arn.into(),
            session_name: None,
            duration: Duration::from_secs(7200),
            endpoint: DEFAULT_STS_ENDPOINT.to_owned(),
            transport: transport_config(Duration::from_secs(5), Duration::from_secs(30)),
            refresh: RefreshSettings::default(),
        }
    }

    /// A builder from TKE's variables in `env` (see the module docs).
    ///
    /// Errors: [`CredentialsError::NotConfigured`] naming the first variable missing.
    pub fn from_env(env: &Environment) -> Result<WebIdentityBuilder, CredentialsError> {
        let get = |name: &'static str| {
            env.var(name)
                .ok_or_else(|| CredentialsError::NotConfigured {
                    provider: NAME,
                    reason: format!("{name} is not set"),
                })
        };
        Ok(Self::builder(
            get("TKE_REGION")?,
            get("TKE_PROVIDER_ID")?,
            get("TKE_WEB_IDENTITY_TOKEN_FILE")?,
            get("TKE_ROLE_ARN")?,
        ))
    }

    /// Current keys (cached; refreshed before they expire).
    ///
    /// Errors: [`CredentialsError::Provider`] when the token file cannot be read or STS
    /// refuses the token (its error code and message).
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        self.cache.credentials().await
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.credentials())
    }
}

impl WebIdentityBuilder {
    /// The role session name (default `cos-rs-<microseconds>`, as the official SDK
    /// names its sessions).
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// How long the keys last (`DurationSeconds`, at most 12 h; default 2 h).
    pub fn duration(mut self, d: Duration) -> Self {
        self.duration = d;
        self
    }

    /// The STS origin (default [`DEFAULT_STS_ENDPOINT`]).
    pub fn endpoint(mut self, origin: impl Into<String>) -> Self {
        self.endpoint = origin.into();
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
    pub fn build(self) -> Result<WebIdentityProvider, CredentialsError> {
        let endpoint = Arc::new(Endpoint::new(NAME, &self.endpoint, self.transport)?);
        let session = self.session_name.unwrap_or_else(|| {
            let micros = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_micros());
            format!("cos-rs-{micros}")
        });
        let role_arn = self.role_arn.clone();
        let params = json!({
            "ProviderId": self.provider_id,
            "RoleArn": self.role_arn,
            "RoleSessionName": session,
            "DurationSeconds": self.duration.as_secs(),
        });
        let (region, token_file) = (self.region, self.token_file);
        let cache = self.refresh.caching(NAME, move || {
            let (endpoint, mut params, region, token_file) = (
                endpoint.clone(),
                params.clone(),
                region.clone(),
                token_file.clone(),
            );
            async move {
                let token = tokio::fs::read_to_string(&token_file).await.map_err(|e| {
                    CredentialsError::Provider {
                        provider: NAME,
                        reason: format!("reading the token file {}: {e}", token_file.display()),
                    }
                })?;
                params["WebIdentityToken"] = json!(token.trim());
                let call = ApiCall {
                    service: "sts",
                    action: "AssumeRoleWithWebIdentity",
                    version: "2018-08-13",
                    region: &region,
                    params,
                };
                let response = endpoint.call(NAME, &call, None).await?;
                temporary_credentials(NAME, &response)
            }
        });
        Ok(WebIdentityProvider { cache, role_arn })
    }
}
