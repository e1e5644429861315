//! [`Config::from_env`] / [`ConfigBuilder::from_env`]: region, endpoint and credentials
//! from the environment; and anonymous mode ([`ConfigBuilder::anonymous`]).

use cos_auth::{CredentialsError, ProvideCredentials, ProvideFuture};

use super::{Config, ConfigBuilder, Endpoint};
use crate::credentials::{DefaultChain, DefaultChainBuilder, Environment};
use crate::error::Error;

impl Config {
    /// The configuration the process environment describes (see
    /// [`ConfigBuilder::from_env`]).
    ///
    /// Errors: as [`ConfigBuilder::from_env`] and [`ConfigBuilder::build`] (no region
    /// set, a malformed `COS_ENDPOINT`).
    pub fn from_env() -> Result<Config, Error> {
        ConfigBuilder::from_env()?.build()
    }
}

impl ConfigBuilder {
    /// A builder set from the process environment, to adjust before
    /// [`build`](Self::build):
    ///
    /// - region: `COS_REGION`, else `TENCENTCLOUD_REGION`;
    /// - endpoint: `COS_ENDPOINT` — an origin `http(s)://host[:port]` is connected to
    ///   (as [`connect_to`](Self::connect_to), the COS `Host` kept), a bare domain is a
    ///   custom domain ([`Endpoint::Custom`]);
    /// - credentials: the [`DefaultChain`] (environment, tccli profile, TKE OIDC, instance
    ///   role — in that order), resolved at the first request.
    ///
    /// ```no_run
    /// # // Not run: it reads the real environment (`COS_REGION`, keys), unset in tests.
    /// let config = cos_core::ConfigBuilder::from_env()?.build()?;
    /// # Ok::<(), cos_core::Error>(())
    /// ```
    ///
    /// Errors: [`Error::Credentials`] when the chain cannot be built.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_environment(&Environment::process(), DefaultChain::builder())
    }

    /// As [`from_env`](Self::from_env), reading `env` and building the credentials with
    /// `chain` (its environment replaced by `env`): for tests and embedders.
    ///
    /// Errors: [`Error::Credentials`] when the chain cannot be built (an endpoint that
    /// is not an origin).
    pub fn from_environment(env: &Environment, chain: DefaultChainBuilder) -> Result<Self, Error> {
        let chain = chain.environment(env.clone()).build()?;
        let mut builder = ConfigBuilder::default().credentials_provider(chain);
        if let Some(region) = env
            .var("COS_REGION")
            .or_else(|| env.var("TENCENTCLOUD_REGION"))
        {
            builder = builder.region(region);
        }
        if let Some(endpoint) = env.var("COS_ENDPOINT") {
            builder = if endpoint.starts_with("http://") || endpoint.starts_with("https://") {
                builder.connect_to(endpoint)
            } else {
                builder.endpoint(Endpoint::Custom(endpoint))
            };
        }
        Ok(builder)
    }

    /// Anonymous mode: requests carry no `Authorization` at all, as a browser's would —
    /// for public-read buckets and objects. Credentials given to this builder are kept
    /// for presigning but never sign requests; without any, presigning fails with
    /// [`Error::Credentials`].
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }
}

/// The credentials of an anonymous configuration: none.
#[derive(Debug)]
pub(super) struct Anonymous;

impl ProvideCredentials for Anonymous {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async {
            Err(CredentialsError::NotConfigured {
                provider: "anonymous",
                reason: "the client is anonymous: it has no credentials".into(),
            })
        })
    }
}
