//! [`Environment`]: where providers read variables and the home directory.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use cos_auth::EnvProvider;

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// The environment providers read: variables and the home directory. The process's by
/// default; tests and embedders give their own, so that no provider touches global
/// state behind their back.
///
/// ```
/// use cos_core::credentials::Environment;
/// let env = Environment::from_vars([("TENCENTCLOUD_PROFILE", "ci")]).with_home("/tmp/home");
/// assert_eq!(env.var("TENCENTCLOUD_PROFILE").as_deref(), Some("ci"));
/// assert_eq!(env.home(), Some("/tmp/home".into()));
/// ```
#[derive(Clone)]
pub struct Environment {
    lookup: Arc<Lookup>,
    home: Option<PathBuf>,
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field("home", &self.home)
            .finish_non_exhaustive()
    }
}

impl Default for Environment {
    fn default() -> Self {
        Self::process()
    }
}

impl Environment {
    /// The process environment; the home directory from `HOME` (`USERPROFILE` on
    /// Windows).
    pub fn process() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Variables from `lookup`; the home directory from its `HOME` (or `USERPROFILE`).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        let home = lookup("HOME")
            .or_else(|| lookup("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Environment {
            lookup: Arc::new(lookup),
            home,
        }
    }

    /// Exactly these variables (and no home directory unless one of them is `HOME`).
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let vars: std::collections::HashMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self::from_lookup(move |name| vars.get(name).cloned())
    }

    /// Uses `home` as the home directory.
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// A variable's value; `None` when unset or empty.
    pub fn var(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.is_empty())
    }

    /// The home directory, if known.
    pub fn home(&self) -> Option<PathBuf> {
        self.home.clone()
    }

    /// The [`EnvProvider`] reading these variables.
    pub fn env_provider(&self) -> EnvProvider {
        let lookup = self.lookup.clone();
        EnvProvider::with_lookup(move |name| lookup(name))
    }
}
