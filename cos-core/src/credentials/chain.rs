//! [`DefaultChain`]: the providers tried in order when no credentials are given.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cos_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

use super::DEFAULT_STS_ENDPOINT;
use super::assume_role::AssumeRoleProvider;
use super::environment::Environment;
use super::instance::{DEFAULT_METADATA_ENDPOINT, InstanceRoleProvider};
use super::profile::ProfileProvider;
use super::refresh::RefreshSettings;
use super::web_identity::WebIdentityProvider;
use crate::transport::NetworkOptions;

const NONE: usize = usize::MAX;

/// The default credentials chain. In order:
///
/// 1. **environment** — `COS_SECRET_ID`/`COS_SECRET_KEY`/`COS_SECURITY_TOKEN`, else
///    `TENCENTCLOUD_SECRET_ID`/`TENCENTCLOUD_SECRET_KEY`/`TENCENTCLOUD_SESSION_TOKEN`;
/// 2. **profile** — `~/.tccli/<profile>.credential` (`TENCENTCLOUD_PROFILE`, else
///    `TCCLI_PROFILE`, else `default`);
/// 3. **TKE OIDC** — when `TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE`
///    and `TKE_ROLE_ARN` are set: STS `AssumeRoleWithWebIdentity`;
/// 4. **instance role** — the CVM/Lighthouse metadata server (skipped with
///    [`DefaultChainBuilder::instance_role`]`(false)`).
///
/// A provider that does not apply ([`CredentialsError::NotConfigured`]) passes to the
/// next; one that applies but fails ends the search with its error, so that a broken
/// configuration is never silently replaced by another identity. The first provider
/// that answers is kept for every later call. With
/// [`DefaultChainBuilder::assume_role`], the chain's keys sign STS `AssumeRole` and the
/// role's temporary keys are used instead.
///
/// ```no_run
/// # // Not run: the chain's later links call the real instance metadata service and STS.
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use cos_core::credentials::DefaultChain;
/// let chain = DefaultChain::builder().build()?;
/// let config = cos_core::Config::builder()
///     .region("ap-guangzhou")
///     .credentials_provider(chain)
///     .build()?;
/// # let _ = config; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct DefaultChain {
    inner: Arc<Inner>,
    assume: Option<AssumeRoleProvider>,
}

#[derive(Debug)]
struct Inner {
    providers: Vec<(&'static str, Arc<dyn ProvideCredentials>)>,
    /// The index of the provider that answered first.
    chosen: AtomicUsize,
}

/// Builds a [`DefaultChain`].
#[derive(Debug, Clone)]
pub struct DefaultChainBuilder {
    env: Environment,
    sts_endpoint: String,
    metadata_endpoint: String,
    instance_role: bool,
    refresh: RefreshSettings,
    assume_role: Option<(String, String)>,
    network: NetworkOptions,
}

impl Default for DefaultChainBuilder {
    fn default() -> Self {
        DefaultChainBuilder {
            env: Environment::process(),
            sts_endpoint: DEFAULT_STS_ENDPOINT.to_owned(),
            metadata_endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            instance_role: true,
            refresh: RefreshSettings::default(),
            assume_role: None,
            network: NetworkOptions::default(),
        }
    }
}

impl DefaultChain {
    /// A builder reading the process environment, with the public endpoints.
    pub fn builder() -> DefaultChainBuilder {
        DefaultChainBuilder::default()
    }

    /// The name of the provider that answered, once one has (`environment`, `profile`,
    /// `web identity`, `instance role`).
    pub fn chosen(&self) -> Option<&'static str> {
        let i = self.inner.chosen.load(Ordering::Acquire);
        self.inner.providers.get(i).map(|(name, _)| *name)
    }

    /// Credentials from the first provider that applies (see the type's docs).
    ///
    /// Errors: the chosen provider's error, or [`CredentialsError::Chain`] with every
    /// provider's reason when none applies.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        match &self.assume {
            Some(role) => role.credentials().await,
            None => self.inner.base().await,
        }
    }
}

impl Inner {
    async fn base(&self) -> Result<Credentials, CredentialsError> {
        let chosen = self.chosen.load(Ordering::Acquire);
        if let Some((_, p)) = self.providers.get(chosen) {
            return p.provide_credentials().await;
        }
        let mut reasons = Vec::new();
        for (i, (_, p)) in self.providers.iter().enumerate() {
            match p.provide_credentials().await {
                Ok(c) => {
                    self.chosen.store(i, Ordering::Release);
                    return Ok(c);
                }
                Err(e @ CredentialsError::NotConfigured { .. }) => reasons.push(e),
                Err(e) => return Err(e),
            }
        }
        Err(CredentialsError::Chain(reasons))
    }
}

/// The chain without its `AssumeRole` step, as the base of that step.
#[derive(Debug, Clone)]
struct Base(Arc<Inner>);

impl ProvideCredentials for Base {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.0.base())
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.credentials())
    }
}

impl DefaultChainBuilder {
    /// Reads variables and the home directory from `env` (default: the process's).
    pub fn environment(mut self, env: Environment) -> Self {
        self.env = env;
        self
    }

    /// The STS origin for web identity and `AssumeRole` (default the public endpoint).
    pub fn sts_endpoint(mut self, origin: impl Into<String>) -> Self {
        self.sts_endpoint = origin.into();
        self
    }

    /// The metadata server's origin (default [`DEFAULT_METADATA_ENDPOINT`]).
    pub fn metadata_endpoint(mut self, origin: impl Into<String>) -> Self {
        self.metadata_endpoint = origin.into();
        self
    }

    /// Whether the instance role is tried last (default true).
    pub fn instance_role(mut self, yes: bool) -> Self {
        self.instance_role = yes;
        self
    }

    /// When temporary keys are refreshed.
    pub fn refresh(mut self, settings: RefreshSettings) -> Self {
        self.refresh = settings;
        self
    }

    /// Assumes `role_arn` (session `session_name`) with the keys the chain finds, and
    /// hands out the role's temporary keys.
    pub fn assume_role(
        mut self,
        role_arn: impl Into<String>,
        session_name: impl Into<String>,
    ) -> Self {
        self.assume_role = Some((role_arn.into(), session_name.into()));
        self
    }

    /// How the web identity, instance role and `AssumeRole` steps connect to STS and the
    /// metadata server (trusted CA bundles, HTTP/2, proxies from the environment...);
    /// their timeouts and retries are kept.
    pub fn network(mut self, network: NetworkOptions) -> Self {
        self.network = network;
        self
    }

    /// Builds the chain (no I/O happens here).
    ///
    /// Errors: [`CredentialsError::Provider`] for an endpoint that is not an origin.
    pub fn build(self) -> Result<DefaultChain, CredentialsError> {
        let mut providers: Vec<(&'static str, Arc<dyn ProvideCredentials>)> = vec![
            ("environment", Arc::new(EnvStep(self.env.env_provider()))),
            ("profile", Arc::new(ProfileProvider::new(&self.env))),
        ];
        match WebIdentityProvider::from_env(&self.env) {
            Ok(b) => {
                let p = b
                    .endpoint(self.sts_endpoint.clone())
                    .network(self.network.clone())
                    .refresh(self.refresh.clone())
                    .build()?;
                providers.push(("web identity", Arc::new(p)));
            }
            Err(e) => providers.push(("web identity", Arc::new(Absent(e)))),
        }
        if self.instance_role {
            let p = InstanceRoleProvider::builder()
                .endpoint(self.metadata_endpoint.clone())
                .network(self.network.clone())
                .refresh(self.refresh.clone())
                .build()?;
            providers.push(("instance role", Arc::new(p)));
        }
        let inner = Arc::new(Inner {
            providers,
            chosen: AtomicUsize::new(NONE),
        });
        let assume = match self.assume_role {
            Some((arn, session)) => Some(
                AssumeRoleProvider::builder(Base(inner.clone()), arn, session)
                    .endpoint(self.sts_endpoint)
                    .network(self.network)
                    .refresh(self.refresh)
                    .build()?,
            ),
            None => None,
        };
        Ok(DefaultChain { inner, assume })
    }
}

/// The environment step: variables that are unset mean "not configured", half-set or
/// malformed ones are an error.
#[derive(Debug)]
struct EnvStep(cos_auth::EnvProvider);

impl ProvideCredentials for EnvStep {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let r = match self.0.load() {
            Err(CredentialsError::Env(cos_auth::EnvError::Unset)) => {
                Err(CredentialsError::NotConfigured {
                    provider: "environment",
                    reason: cos_auth::EnvError::Unset.to_string(),
                })
            }
            other => other,
        };
        Box::pin(async move { r })
    }
}

/// A step that does not apply, for the reason given.
#[derive(Debug)]
struct Absent(CredentialsError);

impl ProvideCredentials for Absent {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let e = self.0.clone();
        Box::pin(async move { Err(e) })
    }
}
