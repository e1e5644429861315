//! [`CachingProvider`]: caches temporary credentials and refreshes them a margin (plus
//! a random jitter) before they expire. Concurrent callers share one refresh; a failed
//! refresh while the cached credentials are still valid keeps them. Executor-agnostic
//! (std only).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

use crate::provider::{ProvideCredentials, ProvideFuture};
use crate::{Credentials, CredentialsError};

type Fetch = dyn Fn() -> ProvideFuture<'static> + Send + Sync;
type Clock = dyn Fn() -> SystemTime + Send + Sync;

/// Default margin before expiry at which credentials are refreshed.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(300);
/// Default wait, after a failed refresh while the cached credentials are still valid,
/// before the next refresh is tried.
pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_secs(10);

#[derive(Default)]
struct State {
    cached: Option<Credentials>,
    /// When the cached credentials are due for a refresh (`None`: never).
    refresh_at: Option<SystemTime>,
    /// After a failed refresh that kept valid credentials: no new try before this.
    retry_at: Option<SystemTime>,
    refreshing: bool,
    generation: u64,
    last_error: Option<(u64, CredentialsError)>,
    waiters: Vec<Waker>,
}

struct Inner {
    fetch: Box<Fetch>,
    clock: Box<Clock>,
    margin: Duration,
    jitter: Duration,
    retry_delay: Duration,
    state: Mutex<State>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Caches credentials from a caller-supplied fetch function.
///
/// Credentials without an expiry are cached forever; others are refetched once
/// `now + margin + jitter` reaches their expiry, where the jitter is drawn at random
/// up to the configured bound for each set of credentials (so that many clients do not
/// refresh at once), and margin plus jitter is at most half the time the credentials
/// had left when fetched. While one caller refreshes, the others wait for its result
/// instead of fetching too; if that caller is cancelled, a waiter takes over.
///
/// A refresh that fails while the cached credentials have not expired yet keeps
/// them: callers get them, and the next refresh is tried after the retry delay. Once
/// they have expired, callers get the refresh's error: expired credentials are never
/// returned.
///
/// ```
/// use cos_auth::{CachingProvider, Credentials};
/// let provider = CachingProvider::builder(|| async {
///     Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")
/// })
/// .build();
/// # let _ = provider;
/// ```
#[derive(Clone)]
pub struct CachingProvider {
    inner: Arc<Inner>,
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProvider")
            .field("margin", &self.inner.margin)
            .finish_non_exhaustive()
    }
}

/// Builds a [`CachingProvider`].
pub struct CachingProviderBuilder {
    fetch: Box<Fetch>,
    clock: Box<Clock>,
    margin: Duration,
    jitter: Duration,
    retry_delay: Duration,
}

impl fmt::Debug for CachingProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProviderBuilder")
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl CachingProviderBuilder {
    /// Refresh this long before expiry (default [`DEFAULT_REFRESH_MARGIN`]).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Refresh up to this much earlier still, at random (default zero).
    pub fn refresh_jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// After a failed refresh that kept still-valid credentials, wait this long
    /// before trying again (default [`DEFAULT_RETRY_DELAY`]).
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = delay;
        self
    }

    /// Use `clock` instead of the system clock (for tests).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Builds the provider.
    pub fn build(self) -> CachingProvider {
        CachingProvider {
            inner: Arc::new(Inner {
                fetch: self.fetch,
                clock: self.clock,
                margin: self.margin,
                jitter: self.jitter,
                retry_delay: self.retry_delay,
                state: Mutex::new(State::default()),
            }),
        }
    }
}

enum Role {
    Leader,
    Waiter(u64),
}

/// Restores the state if the leader's future is dropped before it finishes.
struct LeaderGuard<'a> {
    inner: &'a Inner,
    done: bool,
}

impl Drop for LeaderGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            let mut st = self.inner.lock();
            st.refreshing = false;
            for w in st.waiters.drain(..) {
                w.wake();
            }
        }
    }
}

struct WaitForChange<'a> {
    inner: &'a Inner,
    generation: u64,
}

impl Future for WaitForChange<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut st = self.inner.lock();
        if st.generation != self.generation || !st.refreshing {
            return Poll::Ready(());
        }
        if !st.waiters.iter().any(|w| w.will_wake(cx.waker())) {
            st.waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl State {
    /// The cached credentials when they need no refresh at `now`: before their refresh
    /// time, or still valid while a failed refresh waits for its retry.
    fn usable(&self, now: SystemTime) -> Option<Credentials> {
        let c = self.cached.as_ref()?;
        let due = self.refresh_at.is_some_and(|at| now >= at);
        let waiting = self.retry_at.is_some_and(|at| now < at);
        if !due || (waiting && c.is_fresh(now, Duration::ZERO)) {
            return Some(c.clone());
        }
        None
    }
}

impl Inner {
    /// When credentials fetched at `now` are due for a refresh: `margin` plus a random
    /// jitter before their expiry, at most half their remaining life before it.
    fn refresh_at(&self, c: &Credentials, now: SystemTime) -> Option<SystemTime> {
        let expiry = c.expiry()?;
        let left = expiry.duration_since(now).unwrap_or(Duration::ZERO);
        let early = (self.margin + random_below(self.jitter)).min(left / 2);
        Some(expiry - early)
    }
}

/// A random duration in `[0, bound)` (zero for a zero bound), from std's per-process
/// random hash keys: no cryptographic quality needed, only spread.
fn random_below(bound: Duration) -> Duration {
    use std::hash::BuildHasher;
    let nanos = bound.as_nanos();
    if nanos == 0 {
        return Duration::ZERO;
    }
    let r = std::collections::hash_map::RandomState::new().hash_one(SystemTime::now());
    let picked = u128::from(r) % nanos;
    Duration::from_nanos(u64::try_from(picked).unwrap_or(u64::MAX))
}

impl CachingProvider {
    /// A builder around `fetch`, called whenever fresh credentials are needed.
    pub fn builder<F, Fut>(fetch: F) -> CachingProviderBuilder
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Credentials, CredentialsError>> + Send + 'static,
    {
        CachingProviderBuilder {
            fetch: Box::new(move || Box::pin(fetch())),
            clock: Box::new(SystemTime::now),
            margin: DEFAULT_REFRESH_MARGIN,
            jitter: Duration::ZERO,
            retry_delay: DEFAULT_RETRY_DELAY,
        }
    }

    /// Cached credentials if still fresh, otherwise the result of one shared refresh.
    ///
    /// Errors: whatever the fetch function returned for the refresh this call waited on.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let inner = &*self.inner;
        loop {
            let role = {
                let mut st = inner.lock();
                if let Some(c) = st.usable((inner.clock)()) {
                    return Ok(c);
                }
                if st.refreshing {
                    Role::Waiter(st.generation)
                } else {
                    st.refreshing = true;
                    Role::Leader
                }
            };
            match role {
                Role::Leader => {
                    let mut guard = LeaderGuard { inner, done: false };
                    let result = (inner.fetch)().await;
                    let mut st = inner.lock();
                    guard.done = true;
                    st.refreshing = false;
                    st.generation += 1;
                    let now = (inner.clock)();
                    let result = match result {
                        Ok(c) => {
                            st.refresh_at = inner.refresh_at(&c, now);
                            st.retry_at = None;
                            st.cached = Some(c.clone());
                            st.last_error = None;
                            Ok(c)
                        }
                        Err(e) => match st
                            .cached
                            .clone()
                            .filter(|c| c.is_fresh(now, Duration::ZERO))
                        {
                            // Still valid: keep them, try again after the delay.
                            Some(c) => {
                                st.retry_at = now.checked_add(inner.retry_delay);
                                st.last_error = None;
                                Ok(c)
                            }
                            None => {
                                st.last_error = Some((st.generation, e.clone()));
                                Err(e)
                            }
                        },
                    };
                    for w in st.waiters.drain(..) {
                        w.wake();
                    }
                    return result;
                }
                Role::Waiter(generation) => {
                    WaitForChange { inner, generation }.await;
                    let st = inner.lock();
                    if st.generation == generation + 1 {
                        if let Some((g, e)) = &st.last_error
                            && *g == st.generation
                        {
                            return Err(e.clone());
                        }
                        if let Some(c) = &st.cached
                            && c.is_fresh((inner.clock)(), Duration::ZERO)
                        {
                            return Ok(c.clone());
                        }
                    }
                    // The leader was cancelled or several refreshes happened: look again.
                }
            }
        }
    }
}

impl ProvideCredentials for CachingProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.credentials())
    }
}
