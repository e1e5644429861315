//! [`Credentials`]: a secret id, secret key, optional temporary token and expiry.
//!
//! The secret key and token never appear in `Debug` or `Display` output.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// A part of [`Credentials`], as named in a [`CredentialsError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialField {
    /// The secret id.
    SecretId,
    /// The secret key.
    SecretKey,
    /// The security token.
    Token,
}

impl fmt::Display for CredentialField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialField::SecretId => "secret id",
            CredentialField::SecretKey => "secret key",
            CredentialField::Token => "token",
        })
    }
}

/// Why [`EnvProvider`](crate::EnvProvider) found no usable credentials. Messages name
/// variables, never their values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// Neither pair of variables is set (an empty variable counts as unset).
    #[error(
        "neither COS_SECRET_ID/COS_SECRET_KEY nor TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY is set"
    )]
    Unset,
    /// One variable of a pair is set and the other is not.
    #[error("{set} is set but {missing} is not")]
    Incomplete {
        /// The variable that is set, e.g. `COS_SECRET_ID`.
        set: &'static str,
        /// The variable that is missing, e.g. `COS_SECRET_KEY`.
        missing: &'static str,
    },
    /// A variable's value has leading or trailing whitespace.
    #[error("{variable} has leading or trailing whitespace")]
    Whitespace {
        /// The variable, e.g. `COS_SECRET_KEY`.
        variable: &'static str,
    },
}

/// Why credentials could not be built or obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The secret id is empty.
    #[error("secret id is empty")]
    EmptySecretId,
    /// The secret key is empty.
    #[error("secret key is empty")]
    EmptySecretKey,
    /// A field has leading or trailing whitespace (the official SDKs reject this too,
    /// because it silently breaks every signature).
    #[error("{field} has leading or trailing whitespace")]
    Whitespace {
        /// Which field.
        field: CredentialField,
    },
    /// The environment holds no usable credentials.
    #[error("no credentials in the environment: {0}")]
    Env(EnvError),
    /// The caller-supplied fetch function of a caching provider failed.
    #[error("fetching credentials failed: {0}")]
    Fetch(String),
    /// A provider does not apply here: what it reads is absent (no profile file, no
    /// `TKE_*` variables, no metadata server…). A chain moves on to its next provider.
    #[error("{provider}: not configured: {reason}")]
    NotConfigured {
        /// The provider, e.g. `profile`.
        provider: &'static str,
        /// What is missing (names files and variables, never secrets).
        reason: String,
    },
    /// A configured provider failed: a file it could not read or parse, a service
    /// (STS, the metadata server) that failed or refused.
    #[error("{provider}: {reason}")]
    Provider {
        /// The provider, e.g. `sts AssumeRole`.
        provider: &'static str,
        /// Why (service error codes and messages, never secrets).
        reason: String,
    },
    /// Every provider of a chain failed; their errors in order.
    #[error("no provider in the chain returned credentials: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Chain(Vec<CredentialsError>),
}

/// A value that must never be printed: shown as `** redacted **`.
#[derive(Clone, PartialEq, Eq)]
struct Secret(Arc<str>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"** redacted **\"")
    }
}

/// Credentials for signing: secret id (access key id), secret key, and for temporary
/// credentials a security token and an expiry.
///
/// Cheap to clone (the secrets are reference counted). `Debug` and `Display` show the
/// secret id and expiry only.
///
/// ```
/// use cos_auth::Credentials;
/// let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?;
/// assert!(!format!("{creds:?}").contains("SECRETKEYEXAMPLE"));
/// assert!(Credentials::new("AKID ", "key").is_err());
/// # Ok::<(), cos_auth::CredentialsError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    secret_id: Arc<str>,
    secret_key: Secret,
    token: Option<Secret>,
    expiry: Option<SystemTime>,
}

fn check(field: CredentialField, value: &str) -> Result<(), CredentialsError> {
    if value.trim() != value {
        return Err(CredentialsError::Whitespace { field });
    }
    Ok(())
}

impl Credentials {
    /// Long-term credentials from a secret id and key.
    ///
    /// Errors: [`CredentialsError::EmptySecretId`], [`CredentialsError::EmptySecretKey`],
    /// or [`CredentialsError::Whitespace`] when either has surrounding whitespace.
    pub fn new(
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        let secret_id = secret_id.into();
        let secret_key = secret_key.into();
        if secret_id.is_empty() {
            return Err(CredentialsError::EmptySecretId);
        }
        if secret_key.is_empty() {
            return Err(CredentialsError::EmptySecretKey);
        }
        check(CredentialField::SecretId, &secret_id)?;
        check(CredentialField::SecretKey, &secret_key)?;
        Ok(Self {
            secret_id: secret_id.into(),
            secret_key: Secret(secret_key.into()),
            token: None,
            expiry: None,
        })
    }

    /// Temporary credentials: adds a security token (sent as `x-cos-security-token`).
    ///
    /// Errors: [`CredentialsError::Whitespace`] when the token has surrounding whitespace.
    pub fn with_token(mut self, token: impl Into<String>) -> Result<Self, CredentialsError> {
        let token = token.into();
        check(CredentialField::Token, &token)?;
        self.token = if token.is_empty() {
            None
        } else {
            Some(Secret(token.into()))
        };
        Ok(self)
    }

    /// Sets when these credentials stop being valid.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// The secret id (access key id, `q-ak`).
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The secret key. Handle with care: never log it.
    pub fn secret_key(&self) -> &str {
        &self.secret_key.0
    }

    /// The security token of temporary credentials.
    pub fn token(&self) -> Option<&str> {
        self.token.as_ref().map(|t| &*t.0)
    }

    /// When these credentials expire, if they do.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// Whether these credentials are still usable at `now` with `margin` to spare.
    pub fn is_fresh(&self, now: SystemTime, margin: std::time::Duration) -> bool {
        match self.expiry {
            None => true,
            Some(exp) => now
                .checked_add(margin)
                .is_some_and(|deadline| deadline < exp),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &self.secret_key)
            .field("token", &self.token)
            .field("expiry", &self.expiry)
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials({}", self.secret_id)?;
        if self.token.is_some() {
            f.write_str(", temporary")?;
        }
        f.write_str(")")
    }
}
