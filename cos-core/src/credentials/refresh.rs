//! [`RefreshSettings`]: how the providers of temporary keys cache and refresh them.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cos_auth::{CachingProvider, Credentials, CredentialsError};

type Clock = dyn Fn() -> SystemTime + Send + Sync;

/// When temporary keys are refreshed: `margin` plus a random `jitter` before they expire
/// (at most half their remaining life), and after a failed refresh that kept still-valid
/// keys, `retry_delay` before the next try. See [`cos_auth::CachingProvider`] for the
/// guarantees (one refresh in flight, expired keys never handed out).
#[derive(Clone)]
pub struct RefreshSettings {
    margin: Duration,
    jitter: Duration,
    retry_delay: Duration,
    clock: Option<Arc<Clock>>,
}

impl fmt::Debug for RefreshSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshSettings")
            .field("margin", &self.margin)
            .field("jitter", &self.jitter)
            .field("retry_delay", &self.retry_delay)
            .field("clock", &self.clock.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl Default for RefreshSettings {
    /// Margin 5 min (what the official Python SDK uses for CVM roles), jitter up to
    /// 1 min, retry delay 10 s, the system clock.
    fn default() -> Self {
        RefreshSettings {
            margin: Duration::from_secs(300),
            jitter: Duration::from_secs(60),
            retry_delay: cos_auth::DEFAULT_RETRY_DELAY,
            clock: None,
        }
    }
}

impl RefreshSettings {
    /// Sets the margin before expiry.
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Sets the bound of the random jitter added to the margin.
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// Sets the delay before retrying a failed refresh while the keys are still valid.
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = delay;
        self
    }

    /// Judges expiry by `clock` instead of the system clock (e.g. a test following an
    /// emulator's clock).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// A caching provider around `fetch`, logging failed refreshes of `provider`.
    pub(crate) fn caching<F, Fut>(&self, provider: &'static str, fetch: F) -> CachingProvider
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Credentials, CredentialsError>> + Send + 'static,
    {
        let fetch = Arc::new(fetch);
        let mut builder = CachingProvider::builder(move || {
            let fut = fetch();
            async move {
                let result = fut.await;
                match &result {
                    // Error messages name codes, files and variables, never secrets.
                    Err(e) => tracing::warn!(provider, error = %e, "fetching credentials failed"),
                    Ok(c) => tracing::debug!(provider, expiry = ?c.expiry(), "fetched credentials"),
                }
                result
            }
        })
        .refresh_margin(self.margin)
        .refresh_jitter(self.jitter)
        .retry_delay(self.retry_delay);
        if let Some(clock) = &self.clock {
            let clock = clock.clone();
            builder = builder.clock(move || clock());
        }
        builder.build()
    }
}
