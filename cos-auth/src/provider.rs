//! Credential providers: a trait using std futures only, and providers for static
//! keys, the environment, and a chain of providers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::credentials::EnvError;
use crate::{Credentials, CredentialsError};

/// The future a provider returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// Something that supplies credentials, possibly asynchronously (std futures only:
/// any executor works).
pub trait ProvideCredentials: fmt::Debug + Send + Sync {
    /// Returns current credentials.
    ///
    /// Errors: a [`CredentialsError`] saying why none could be obtained.
    fn provide_credentials(&self) -> ProvideFuture<'_>;
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        (**self).provide_credentials()
    }
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let c = self.clone();
        Box::pin(async move { Ok(c) })
    }
}

/// Always returns the same credentials.
#[derive(Debug, Clone)]
pub struct StaticProvider(Credentials);

impl StaticProvider {
    /// A provider of `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Self(credentials)
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        self.0.provide_credentials()
    }
}

type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Reads `COS_SECRET_ID` / `COS_SECRET_KEY` / `COS_SECURITY_TOKEN`, and when those are
/// unset `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY` /
/// `TENCENTCLOUD_SESSION_TOKEN`.
#[derive(Clone)]
pub struct EnvProvider {
    lookup: Arc<EnvLookup>,
}

impl fmt::Debug for EnvProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvProvider")
    }
}

impl Default for EnvProvider {
    fn default() -> Self {
        Self::new()
    }
}

const FAMILIES: [[&str; 3]; 2] = [
    ["COS_SECRET_ID", "COS_SECRET_KEY", "COS_SECURITY_TOKEN"],
    [
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_SESSION_TOKEN",
    ],
];

impl EnvProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::with_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup` instead of the process environment (for tests
    /// and for embedding in other configuration systems).
    pub fn with_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            lookup: Arc::new(lookup),
        }
    }

    /// Loads credentials now.
    ///
    /// Errors: [`CredentialsError::Env`] when neither variable pair is set, only half
    /// of one is, or a value has surrounding whitespace.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let get = |n: &str| (self.lookup)(n).filter(|v| !v.is_empty());
        // Checked here rather than by `Credentials::new`, so that the error names the
        // variable.
        let checked = |var: &'static str| match get(var) {
            Some(v) if v.trim() != v => Err(CredentialsError::Env(EnvError::Whitespace {
                variable: var,
            })),
            v => Ok(v),
        };
        for [id_var, key_var, token_var] in FAMILIES {
            let incomplete =
                |set, missing| CredentialsError::Env(EnvError::Incomplete { set, missing });
            let (id, key) = match (checked(id_var)?, checked(key_var)?) {
                (Some(id), Some(key)) => (id, key),
                (None, None) => continue,
                (Some(_), None) => return Err(incomplete(id_var, key_var)),
                (None, Some(_)) => return Err(incomplete(key_var, id_var)),
            };
            let creds = Credentials::new(id, key)?;
            return match checked(token_var)? {
                Some(t) => creds.with_token(t),
                None => Ok(creds),
            };
        }
        Err(CredentialsError::Env(EnvError::Unset))
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let r = self.load();
        Box::pin(async move { r })
    }
}

/// Tries providers in order and returns the first credentials found.
#[derive(Debug, Clone, Default)]
pub struct ChainProvider {
    providers: Vec<Arc<dyn ProvideCredentials>>,
}

impl ChainProvider {
    /// An empty chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a provider.
    pub fn or_else(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers.push(Arc::new(provider));
        self
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let mut errors = Vec::new();
            for p in &self.providers {
                match p.provide_credentials().await {
                    Ok(c) => return Ok(c),
                    Err(e) => errors.push(e),
                }
            }
            Err(CredentialsError::Chain(errors))
        })
    }
}
