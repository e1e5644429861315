//! [`AssumeRoleProvider`]: temporary keys of a CAM role, from STS `AssumeRole` signed
//! with base credentials (from any other provider).
//!
//! The call is Tencent Cloud API 3.0 `sts` `2018-08-13` `AssumeRole` with `RoleArn`,
//! `RoleSessionName`, `DurationSeconds` and an optional `Policy`
//! (cloud.tencent.com/document/api/1312/48197: the policy is URL-encoded once).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use cos_auth::{CachingProvider, Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use serde_json::json;

use super::api::{ApiCall, Endpoint, temporary_credentials, transport_config};
use super::refresh::RefreshSettings;
use super::{DEFAULT_STS_ENDPOINT, DEFAULT_STS_REGION};
use crate::transport::{NetworkOptions, TransportConfig};

const NAME: &str = "sts AssumeRole";

/// A role's temporary keys from STS `AssumeRole`, cached and refreshed before they
/// expire.
///
/// ```no_run
/// # // Not run: it calls the real STS with the environment's keys.
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use cos_core::credentials::{AssumeRoleProvider, EnvProvider};
/// let provider = AssumeRoleProvider::builder(
///     EnvProvider::new(),
///     "qcs::cam::uin/100000000001:roleName/cos-reader",
///     "my-app",
/// )
/// .duration(std::time::Duration::from_secs(3600))
/// .build()?;
/// # let _ = provider; Ok(()) }
/// ```
#[derive(Clone)]
pub struct AssumeRoleProvider {
    cache: CachingProvider,
    role_arn: String,
    endpoint: String,
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("role_arn", &self.role_arn)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// Builds an [`AssumeRoleProvider`].
#[derive(Clone)]
pub struct AssumeRoleBuilder {
    base: Arc<dyn ProvideCredentials>,
    role_arn: String,
    session_name: String,
    duration: Duration,
    policy: Option<String>,
    region: String,
    endpoint: String,
    transport: TransportConfig,
    refresh: RefreshSettings,
}

impl fmt::Debug for AssumeRoleBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleBuilder")
            .field("base", &self.base)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("duration", &self.duration)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl AssumeRoleProvider {
    /// A builder assuming `role_arn` as session `session_name`, signing with the keys of
    /// `base`; 2 h keys (the STS default), region `ap-guangzhou`, the public STS endpoint.
    pub fn builder(
        base: impl ProvideCredentials + 'static,
        role_arn: impl Into<String>,
        session_name: impl Into<String>,
    ) -> AssumeRoleBuilder {
        AssumeRoleBuilder {
            base: Arc::new(base),
            role_arn: role_arn.into(),
            session_name: session_name.into(),
            duration: Duration::from_secs(7200),
            policy: None,
            region: DEFAULT_STS_REGION.to_owned(),
            endpoint: DEFAULT_STS_ENDPOINT.to_owned(),
            transport: transport_config(Duration::from_secs(5), Duration::from_secs(30)),
            refresh: RefreshSettings::default(),
        }
    }

    /// Current keys (cached; refreshed before they expire).
    ///
    /// Errors: the base provider's error, or [`CredentialsError::Provider`] when STS
    /// fails or refuses (its error code and message).
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        self.cache.credentials().await
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.credentials())
    }
}

impl AssumeRoleBuilder {
    /// How long the keys last (`DurationSeconds`, at most 12 h; default 2 h).
    pub fn duration(mut self, d: Duration) -> Self {
        self.duration = d;
        self
    }

    /// A policy (JSON) narrowing the role's permissions; sent URL-encoded.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// The region the call names (`X-TC-Region`; default `ap-guangzhou`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
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
    /// Errors: [`CredentialsError::Provider`] for an empty role ARN or session name, a
    /// duration over 12 h, or an endpoint that is not an origin.
    pub fn build(self) -> Result<AssumeRoleProvider, CredentialsError> {
        let bad = |reason: &str| CredentialsError::Provider {
            provider: NAME,
            reason: reason.to_owned(),
        };
        if self.role_arn.is_empty() {
            return Err(bad("the role ARN is empty"));
        }
        if self.session_name.is_empty() {
            return Err(bad("the role session name is empty"));
        }
        if self.duration > Duration::from_secs(43_200) {
            return Err(bad("the duration is over 12 h (43200 s)"));
        }
        let endpoint = Arc::new(Endpoint::new(NAME, &self.endpoint, self.transport)?);
        let mut params = json!({
            "RoleArn": self.role_arn,
            "RoleSessionName": self.session_name,
            "DurationSeconds": self.duration.as_secs(),
        });
        if let Some(p) = &self.policy {
            let encoded =
                percent_encoding::utf8_percent_encode(p, percent_encoding::NON_ALPHANUMERIC);
            params["Policy"] = json!(encoded.to_string());
        }
        let (base, region) = (self.base, self.region);
        let cache = self.refresh.caching(NAME, move || {
            let (endpoint, base, params, region) = (
                endpoint.clone(),
                base.clone(),
                params.clone(),
                region.clone(),
            );
            async move {
                let signer = base.provide_credentials().await?;
                let call = ApiCall {
                    service: "sts",
                    action: "AssumeRole",
                    version: "2018-08-13",
                    region: &region,
                    params,
                };
                let response = endpoint.call(NAME, &call, Some(&signer)).await?;
                temporary_credentials(NAME, &response)
            }
        });
        Ok(AssumeRoleProvider {
            cache,
            role_arn: self.role_arn,
            endpoint: self.endpoint,
        })
    }
}
