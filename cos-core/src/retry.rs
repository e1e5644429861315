//! The retry policy: which failures are retried and how long to wait between attempts
//! (exponential backoff with decorrelated jitter).
//!
//! Retried: 5xx, 429, timeouts and connection errors — and only when the request body can
//! be sent again. Never retried: other 4xx, invalid input, integrity errors, an
//! `<Error>` inside a `200`. Every retry carries the signed header
//! `x-cos-sdk-retry: true` and is signed afresh.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::Error;

/// Retry limits and backoff.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts in all, the first included (default 4: one try and three retries, as the
    /// official SDK). `1` disables retries.
    pub max_attempts: u32,
    /// Smallest delay between attempts (default 100 ms).
    pub base_delay: Duration,
    /// Largest delay between attempts (default 5 s).
    pub max_delay: Duration,
    /// When a failed attempt got no `x-cos-request-id`, send the next attempts to the
    /// `tencentcos.cn` domain instead of `myqcloud.com` (default off; default-domain
    /// endpoints only).
    pub switch_domain_on_failure: bool,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            switch_domain_on_failure: false,
        }
    }
}

impl RetryConfig {
    /// No retries at all.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the smallest and largest delays.
    pub fn delays(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// Enables or disables the `tencentcos.cn` fallback.
    pub fn switch_domain_on_failure(mut self, yes: bool) -> Self {
        self.switch_domain_on_failure = yes;
        self
    }
}

/// Decorrelated-jitter backoff: `next = min(max, random(base, prev * 3))`.
#[derive(Debug)]
pub(crate) struct Backoff {
    base: Duration,
    max: Duration,
    prev: Duration,
}

static SEED: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);

pub(crate) fn random_u64() -> u64 {
    // splitmix64 over a global counter mixed with the clock: plenty for jitter.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let mut z = SEED
        .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
        .wrapping_add(nanos);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Backoff {
    pub(crate) fn new(cfg: &RetryConfig) -> Self {
        Backoff {
            base: cfg.base_delay,
            max: cfg.max_delay,
            prev: cfg.base_delay,
        }
    }

    /// The delay before the next attempt.
    pub(crate) fn next_delay(&mut self) -> Duration {
        let lo = self.base.as_nanos() as u64;
        let hi = (self.prev.as_nanos() as u64).saturating_mul(3).max(lo + 1);
        let pick = lo + random_u64() % (hi - lo);
        let d = Duration::from_nanos(pick).min(self.max);
        self.prev = d.max(self.base);
        d
    }
}

/// Where the retry loop stands when it starts an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AttemptState {
    /// The attempt, from 1.
    pub number: u32,
    /// Whether the attempt goes to the fallback host (`switch_domain_on_failure`).
    pub fallback: bool,
}

/// A failed attempt, as the retry loop sees it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Never retried (invalid input, credentials, integrity…).
    Final(Error),
    /// Retried when [`Error::is_retryable`] says so, the body can be sent again and
    /// attempts remain; `had_request_id` tells whether the server answered.
    Retry { error: Error, had_request_id: bool },
}

/// Runs `attempt` until it succeeds, fails for good, or the policy `cfg` stops it,
/// sleeping with decorrelated-jitter backoff between attempts. It knows nothing of what
/// is sent: `replayable` says whether the request can be sent again.
pub(crate) async fn retry<T, F, Fut>(
    cfg: &RetryConfig,
    replayable: bool,
    mut attempt: F,
) -> Result<T, Error>
where
    F: FnMut(AttemptState) -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let mut backoff = Backoff::new(cfg);
    let mut state = AttemptState {
        number: 1,
        fallback: false,
    };
    loop {
        let (err, had_request_id) = match attempt(state).await {
            Ok(v) => return Ok(v),
            Err(Failure::Final(e)) => return Err(e),
            Err(Failure::Retry {
                error,
                had_request_id,
            }) => (error, had_request_id),
        };
        if state.number >= cfg.max_attempts || !replayable || !err.is_retryable() {
            return Err(err);
        }
        if cfg.switch_domain_on_failure && !had_request_id && !state.fallback {
            tracing::debug!("no request id: switching to the fallback host, if any");
            state.fallback = true;
        }
        let delay = backoff.next_delay();
        tracing::debug!(attempt = state.number, ?delay, error = %err, "retrying");
        tokio::time::sleep(delay).await;
        state.number += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::is_retryable_status;
    use http::StatusCode;

    fn fast(n: u32) -> RetryConfig {
        RetryConfig::default()
            .max_attempts(n)
            .delays(Duration::from_millis(1), Duration::from_millis(2))
    }

    fn flaky(error: Error, had_request_id: bool) -> Failure {
        Failure::Retry {
            error,
            had_request_id,
        }
    }

    #[tokio::test]
    async fn loop_retries_retryable_failures_only() {
        let mut seen = Vec::new();
        let r: Result<(), Error> = retry(&fast(3), true, |s| {
            seen.push(s);
            async {
                Err(flaky(
                    Error::Timeout(crate::error::TimeoutError::BodyStalled(
                        std::time::Duration::from_secs(1),
                    )),
                    false,
                ))
            }
        })
        .await;
        assert!(matches!(r, Err(Error::Timeout(_))));
        assert_eq!(seen.iter().map(|s| s.number).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(seen.iter().all(|s| !s.fallback));

        // Not replayable, not retryable, or final: one attempt.
        for (replayable, failure) in [
            (
                false,
                flaky(
                    Error::Timeout(crate::error::TimeoutError::BodyStalled(
                        std::time::Duration::from_secs(1),
                    )),
                    false,
                ),
            ),
            (true, flaky(Error::Decode("d".into()), false)),
            (
                true,
                Failure::Final(Error::Timeout(crate::error::TimeoutError::BodyStalled(
                    std::time::Duration::from_secs(1),
                ))),
            ),
        ] {
            let mut failure = Some(failure);
            let mut n = 0;
            let r: Result<(), Error> = retry(&fast(3), replayable, |_| {
                n += 1;
                let f = failure.take();
                async move { Err(f.unwrap()) }
            })
            .await;
            assert!(r.is_err());
            assert_eq!(n, 1);
        }
    }

    #[tokio::test]
    async fn loop_switches_to_the_fallback_without_a_request_id() {
        let cfg = fast(3).switch_domain_on_failure(true);
        let mut seen = Vec::new();
        let r = retry(&cfg, true, |s| {
            seen.push(s.fallback);
            async move {
                if s.number < 3 {
                    Err(flaky(
                        Error::Timeout(crate::error::TimeoutError::BodyStalled(
                            std::time::Duration::from_secs(1),
                        )),
                        false,
                    ))
                } else {
                    Ok(s.number)
                }
            }
        })
        .await;
        assert_eq!(r.unwrap(), 3);
        assert_eq!(seen, [false, true, true]);
        // An answer with a request id keeps the host.
        let mut seen = Vec::new();
        let _ = retry::<(), _, _>(&cfg, true, |s| {
            seen.push(s.fallback);
            async {
                Err(flaky(
                    Error::Timeout(crate::error::TimeoutError::BodyStalled(
                        std::time::Duration::from_secs(1),
                    )),
                    true,
                ))
            }
        })
        .await;
        assert_eq!(seen, [false, false, false]);
    }

    #[test]
    fn backoff_stays_in_bounds() {
        let cfg =
            RetryConfig::default().delays(Duration::from_millis(10), Duration::from_millis(200));
        let mut b = Backoff::new(&cfg);
        for _ in 0..100 {
            let d = b.next_delay();
            assert!(
                d >= Duration::from_millis(10) && d <= Duration::from_millis(200),
                "{d:?}"
            );
        }
    }

    #[test]
    fn classification() {
        assert!(is_retryable_status(StatusCode::SERVICE_UNAVAILABLE));
        assert!(is_retryable_status(StatusCode::TOO_MANY_REQUESTS));
        assert!(!is_retryable_status(StatusCode::FORBIDDEN));
        assert!(!Error::Decode("x".into()).is_retryable());
        let t = crate::error::TimeoutError::BodyStalled(Duration::from_secs(1));
        assert!(Error::Timeout(t).is_retryable());
    }
}
