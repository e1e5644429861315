//! [`ProfileProvider`]: the keys tccli (Tencent Cloud's command line) keeps in
//! `~/.tccli/<profile>.credential`.
//!
//! The file is JSON, as `tccli configure` writes it (TencentCloud/tencentcloud-cli,
//! `tccli/configure.py`): `{"secretId": "...", "secretKey": "...", "token": "..."}`,
//! `token` optional. The profile is named by `TENCENTCLOUD_PROFILE`, else by
//! `TCCLI_PROFILE` (the variable tccli itself reads), else `default`. Profiles that
//! delegate to another source (`"type": "cvm-role"`, `oauth`, `sso`) are refused with a
//! clear error: use the matching provider instead.

use std::path::PathBuf;
use std::sync::OnceLock;

use cos_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use serde_json::Value;

use super::environment::Environment;

const NAME: &str = "profile";

/// Keys from the tccli profile file, read once (they do not expire).
///
/// ```no_run
/// # // Not run: it reads the real user's credentials file.
/// use cos_core::credentials::{Environment, ProfileProvider};
/// let provider = ProfileProvider::new(&Environment::process());
/// # let _ = provider;
/// ```
#[derive(Debug)]
pub struct ProfileProvider {
    path: Option<PathBuf>,
    loaded: OnceLock<Credentials>,
}

impl ProfileProvider {
    /// The profile `env` names, under `env`'s home directory.
    pub fn new(env: &Environment) -> Self {
        let profile = env
            .var("TENCENTCLOUD_PROFILE")
            .or_else(|| env.var("TCCLI_PROFILE"))
            .unwrap_or_else(|| "default".to_owned());
        let path = env
            .home()
            .map(|h| h.join(".tccli").join(format!("{profile}.credential")));
        ProfileProvider {
            path,
            loaded: OnceLock::new(),
        }
    }

    /// The profile file at `path`.
    pub fn from_file(path: impl Into<PathBuf>) -> Self {
        ProfileProvider {
            path: Some(path.into()),
            loaded: OnceLock::new(),
        }
    }

    /// The file read.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// The profile's keys.
    ///
    /// Errors: [`CredentialsError::NotConfigured`] when there is no home directory or no
    /// such file; [`CredentialsError::Provider`] when it cannot be read, is not JSON, or
    /// has no keys.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        if let Some(c) = self.loaded.get() {
            return Ok(c.clone());
        }
        let Some(path) = &self.path else {
            return Err(not_configured("no home directory (HOME is not set)".into()));
        };
        let text = match tokio::fs::read(path).await {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(not_configured(format!("no file {}", path.display())));
            }
            Err(e) => return Err(failed(format!("reading {}: {e}", path.display()))),
        };
        let creds = parse(&text).map_err(|why| failed(format!("{}: {why}", path.display())))??;
        Ok(self.loaded.get_or_init(|| creds).clone())
    }
}

fn not_configured(reason: String) -> CredentialsError {
    CredentialsError::NotConfigured {
        provider: NAME,
        reason,
    }
}

fn failed(reason: String) -> CredentialsError {
    CredentialsError::Provider {
        provider: NAME,
        reason,
    }
}

/// The keys of a profile file; the outer error says why the file is unusable (never
/// quoting it: it holds secrets).
fn parse(text: &[u8]) -> Result<Result<Credentials, CredentialsError>, String> {
    let doc: Value = serde_json::from_slice(text)
        .map_err(|e| format!("not JSON (line {}, column {})", e.line(), e.column()))?;
    if let Some(kind) = doc.get("type").and_then(Value::as_str)
        && !matches!(kind, "" | "default")
    {
        return Err(format!(
            "the profile is of type {kind:?}, which cos-rs does not read from the file"
        ));
    }
    let field = |name: &str| {
        doc.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let (Some(id), Some(key)) = (field("secretId"), field("secretKey")) else {
        return Err("secretId or secretKey is missing".into());
    };
    Ok(
        Credentials::new(id, key).and_then(|c| match field("token") {
            Some(t) => c.with_token(t),
            None => Ok(c),
        }),
    )
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.credentials())
    }
}
