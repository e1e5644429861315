//! [`CachingProvider`]: caches temporary credentials and refreshes them a margin before
//! they expire. Concurrent callers share one refresh. Executor-agnostic (std only).

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

#[derive(Default)]
struct State {
    cached: Option<Credentials>,
    refreshing: bool,
    generation: u64,
    last_error: Option<(u64, CredentialsError)>,
    waiters: Vec<Waker>,
}

struct Inner {
    fetch: Box<Fetch>,
    clock: Box<Clock>,
    margin: Duration,
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
/// `now + margin` reaches their expiry. While one caller refreshes, the others wait
/// for its result instead of fetching too; if that caller is cancelled, a waiter
/// takes over.
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
                if let Some(c) = &st.cached
                    && c.is_fresh((inner.clock)(), inner.margin)
                {
                    return Ok(c.clone());
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
                    match &result {
                        Ok(c) => {
                            st.cached = Some(c.clone());
                            st.last_error = None;
                        }
                        Err(e) => st.last_error = Some((st.generation, e.clone())),
                    }
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
                        if let Some(c) = &st.cached {
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
