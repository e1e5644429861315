//! What the mock STS and metadata server keep (see `crate::sts`): their settings and
//! the temporary credentials they minted.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use cos_auth::Credentials;

/// The settings of the mock services.
#[derive(Clone)]
pub(crate) struct MockConfig {
    /// Whether the STS answers.
    pub sts: bool,
    /// When set, `AssumeRoleWithWebIdentity` accepts only this token.
    pub web_identity_token: Option<String>,
    /// When set, the metadata server answers and serves this role.
    pub metadata_role: Option<String>,
    /// How long the metadata server's keys last.
    pub metadata_lifetime: Duration,
}

/// Default lifetime of the metadata server's keys.
const DEFAULT_METADATA_LIFETIME: Duration = Duration::from_secs(7200);

impl std::fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockConfig")
            .field("sts", &self.sts)
            .field(
                "web_identity_token",
                &self.web_identity_token.as_ref().map(|_| "** redacted **"),
            )
            .field("metadata_role", &self.metadata_role)
            .field("metadata_lifetime", &self.metadata_lifetime)
            .finish()
    }
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            sts: false,
            web_identity_token: None,
            metadata_role: None,
            metadata_lifetime: DEFAULT_METADATA_LIFETIME,
        }
    }
}

/// The temporary credentials minted so far, by secret id.
#[derive(Debug, Default)]
pub(crate) struct Minted {
    keys: Mutex<HashMap<String, Credentials>>,
    counter: AtomicU64,
    random: RandomState,
}

impl Minted {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Credentials>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// 32 hex digits no caller can guess.
    pub fn random_hex(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let a = self.random.hash_one((n, 0u8));
        let b = self.random.hash_one((n, 1u8));
        format!("{a:016x}{b:016x}")
    }

    /// New temporary credentials expiring at `expiry` (Unix seconds, emulator clock);
    /// credentials expired for a day by `now` are forgotten.
    pub fn mint(&self, now: u64, expiry: u64) -> Option<Credentials> {
        let id = format!("AKIDTMP{}", self.random_hex());
        let key = self.random_hex();
        let token = format!("{}{}", self.random_hex(), self.random_hex());
        let creds = Credentials::new(id.clone(), key)
            .and_then(|c| c.with_token(token))
            .ok()?
            .with_expiry(UNIX_EPOCH + Duration::from_secs(expiry));
        let mut keys = self.lock();
        let horizon = UNIX_EPOCH + Duration::from_secs(now.saturating_sub(86_400));
        keys.retain(|_, c| c.expiry().is_none_or(|e| e > horizon));
        keys.insert(id, creds.clone());
        Some(creds)
    }

    /// The minted credentials of `secret_id`, expired or not.
    pub fn get(&self, secret_id: &str) -> Option<Credentials> {
        self.lock().get(secret_id).cloned()
    }
}

/// Whether `creds` have expired at `now` (Unix seconds, emulator clock).
pub(crate) fn expired(creds: &Credentials, now: u64) -> bool {
    creds
        .expiry()
        .is_some_and(|e| e <= UNIX_EPOCH + Duration::from_secs(now))
}
