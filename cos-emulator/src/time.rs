//! Clock and date formats (HTTP dates for headers, ISO 8601 for XML).

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hyper::header::HeaderValue;

/// Seconds since the Unix epoch.
pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The emulator's clock: the system clock plus an offset that only grows.
///
/// Everything time-dependent in the emulator (signature key times, temporary
/// credentials, lifecycle, restore expiry, `Last-Modified`, `Date`) reads this clock, so
/// a test moves time forward with [`crate::EmulatorHandle::advance_clock`] instead of
/// sleeping. Clones share the offset.
#[derive(Debug, Clone, Default)]
pub(crate) struct Clock {
    offset: Arc<AtomicU64>,
}

impl Clock {
    /// A clock `offset` ahead of the system clock.
    pub(crate) fn with_offset(offset: Duration) -> Self {
        Clock {
            offset: Arc::new(AtomicU64::new(offset.as_secs())),
        }
    }

    /// Seconds since the Unix epoch, as the emulator sees them.
    pub(crate) fn now_secs(&self) -> u64 {
        now_secs().saturating_add(self.offset.load(Ordering::Relaxed))
    }

    /// Moves the clock `by` forward (whole seconds).
    pub(crate) fn advance(&self, by: Duration) {
        self.offset.fetch_add(by.as_secs(), Ordering::Relaxed);
    }
}

/// `Sat, 21 Nov 2026 09:42:07 GMT`.
pub(crate) fn http_date(secs: u64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

/// The `Date` header value for `secs`, formatted at most once per second per thread.
pub(crate) fn http_date_header(secs: u64) -> HeaderValue {
    thread_local! {
        static LAST: RefCell<Option<(u64, HeaderValue)>> = const { RefCell::new(None) };
    }
    LAST.with_borrow_mut(|last| match last {
        Some((s, v)) if *s == secs => v.clone(),
        _ => {
            let v = HeaderValue::from_maybe_shared(bytes::Bytes::from(http_date(secs)))
                .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"));
            *last = Some((secs, v.clone()));
            v
        }
    })
}

/// Parses an HTTP date into Unix seconds.
pub(crate) fn parse_http_date(s: &str) -> Option<u64> {
    httpdate::parse_http_date(s.trim())
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// `2019-05-24T11:49:50.000Z`.
pub(crate) fn iso8601(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::iso8601(1_558_698_590), "2019-05-24T11:49:50.000Z");
        assert_eq!(super::http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            super::parse_http_date("Thu, 01 Jan 1970 00:00:10 GMT"),
            Some(10)
        );
    }

    #[test]
    fn the_clock_only_moves_forward_by_whole_seconds() {
        let clock = super::Clock::with_offset(std::time::Duration::from_secs(5));
        let shared = clock.clone();
        let before = clock.now_secs();
        shared.advance(std::time::Duration::from_secs(86_400));
        assert!(clock.now_secs() >= before + 86_400);
        assert!(clock.now_secs() >= super::now_secs() + 86_405);
    }
}
