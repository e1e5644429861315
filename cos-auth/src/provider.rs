//! Credential providers: a trait using std futures only, and providers for static
//! keys, the environment, and a chain of providers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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
    /// Errors: [`CredentialsError::NotFound`] when neither variable pair is set (or only
    /// half of one), and the errors of [`Credentials::new`] for bad values.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let get = |n: &str| (self.lookup)(n).filter(|v| !v.is_empty());
        for [id_var, key_var, token_var] in FAMILIES {
            match (get(id_var), get(key_var)) {
                (Some(id), Some(key)) => {
                    let creds = Credentials::new(id, key)?;
                    return match get(token_var) {
                        Some(t) => creds.with_token(t),
                        None => Ok(creds),
                    };
                }
                (None, None) => continue,
                (Some(_), None) => {
                    return Err(CredentialsError::NotFound {
                        provider: "environment",
                        reason: format!("{id_var} is set but {key_var} is not"),
                    });
                }
                (None, Some(_)) => {
                    return Err(CredentialsError::NotFound {
                        provider: "environment",
                        reason: format!("{key_var} is set but {id_var} is not"),
                    });
                }
            }
        }
        Err(CredentialsError::NotFound {
            provider: "environment",
            reason: "neither COS_SECRET_ID/COS_SECRET_KEY nor TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY is set".into(),
        })
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
