//! [`KeyTime`]: the validity window `start;end` (Unix seconds) of an XML API signature.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How far back the official SDKs date the start of a signature to absorb clock skew.
pub const CLOCK_SKEW_BACKDATE: u64 = 60;

/// The validity window of a signature, in Unix seconds (`q-sign-time` / `q-key-time`).
///
/// ```
/// use cos_auth::KeyTime;
/// let kt = KeyTime::new(1_700_000_000, 1_700_003_600)?;
/// assert_eq!(kt.to_string(), "1700000000;1700003600");
/// assert_eq!(KeyTime::from_now(1_700_000_060, 3540), kt);
/// # Ok::<(), cos_auth::qsign::InvalidKeyTime>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyTime {
    start: u64,
    end: u64,
}

/// One end of a [`KeyTime`], as named in an [`InvalidKeyTime`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyTimeBound {
    /// The start (before the `;`).
    Start,
    /// The end (after the `;`).
    End,
}

impl fmt::Display for KeyTimeBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyTimeBound::Start => "start",
            KeyTimeBound::End => "end",
        })
    }
}

/// A key time whose start is after its end, or text that is not `start;end`.
///
/// ```
/// use cos_auth::KeyTime;
/// use cos_auth::qsign::{InvalidKeyTime, KeyTimeBound};
/// assert_eq!(KeyTime::parse("5;3"), Err(InvalidKeyTime::StartAfterEnd { start: 5, end: 3 }));
/// assert_eq!(KeyTime::parse("1;x"), Err(InvalidKeyTime::NotANumber(KeyTimeBound::End)));
/// assert_eq!(KeyTime::parse("1"), Err(InvalidKeyTime::NotStartEnd));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidKeyTime {
    /// The window ends before it starts.
    #[error("invalid key time: start {start} is after end {end}")]
    StartAfterEnd {
        /// The start given.
        start: u64,
        /// The end given.
        end: u64,
    },
    /// The text has no `;`.
    #[error("invalid key time: not of the form start;end")]
    NotStartEnd,
    /// One end is empty or holds something other than the digits `0-9`.
    #[error("invalid key time: the {0} is not a decimal number")]
    NotANumber(KeyTimeBound),
    /// One end has more digits than a `u64` holds.
    #[error("invalid key time: the {0} is too large")]
    TooLarge(KeyTimeBound),
}

impl KeyTime {
    /// A window from `start` to `end` (inclusive, Unix seconds).
    ///
    /// Errors: [`InvalidKeyTime`] when `start > end`.
    pub fn new(start: u64, end: u64) -> Result<Self, InvalidKeyTime> {
        if start > end {
            return Err(InvalidKeyTime::StartAfterEnd { start, end });
        }
        Ok(Self { start, end })
    }

    /// The window the official SDKs use for a request or URL signed at `now` that
    /// should stay valid for `expires_in` seconds: from `now - 60` to `now + expires_in`.
    pub fn from_now(now: u64, expires_in: u64) -> Self {
        Self {
            start: now.saturating_sub(CLOCK_SKEW_BACKDATE),
            end: now.saturating_add(expires_in),
        }
    }

    /// A window aligned to multiples of `window` seconds around `now`, valid for at least
    /// `window` seconds after `now`. Requests signed in the same window share a key
    /// time, so a [`SigningKeyCache`](crate::qsign::SigningKeyCache) can reuse the key.
    /// A `window` of zero is treated as one second.
    pub fn aligned(now: u64, window: u64) -> Self {
        let window = window.max(1);
        let start = now - now % window;
        Self {
            start: start.saturating_sub(CLOCK_SKEW_BACKDATE),
            end: start.saturating_add(window.saturating_mul(2)),
        }
    }

    /// [`KeyTime::from_now`] reading the system clock.
    pub fn now_for(expires_in: Duration) -> Self {
        Self::from_now(unix_now(), expires_in.as_secs())
    }

    /// Start of the window (Unix seconds).
    pub fn start(&self) -> u64 {
        self.start
    }

    /// End of the window (Unix seconds).
    pub fn end(&self) -> u64 {
        self.end
    }

    /// Whether `now` (Unix seconds) lies inside the window.
    pub fn contains(&self, now: u64) -> bool {
        self.start <= now && now <= self.end
    }

    /// Parses the `start;end` form.
    ///
    /// Errors: [`InvalidKeyTime`] unless the text is two decimal numbers with `start <= end`.
    pub fn parse(s: &str) -> Result<Self, InvalidKeyTime> {
        let (a, b) = s.split_once(';').ok_or(InvalidKeyTime::NotStartEnd)?;
        let num = |t: &str, bound| {
            if t.is_empty() || !t.bytes().all(|c| c.is_ascii_digit()) {
                return Err(InvalidKeyTime::NotANumber(bound));
            }
            // Only digits: overflow is the one way left to fail.
            t.parse::<u64>()
                .map_err(|_| InvalidKeyTime::TooLarge(bound))
        };
        Self::new(num(a, KeyTimeBound::Start)?, num(b, KeyTimeBound::End)?)
    }
}

impl fmt::Display for KeyTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{};{}", self.start, self.end)
    }
}

/// The system clock as Unix seconds (0 if the clock is before 1970).
pub fn unix_now() -> u64 {
    to_unix(SystemTime::now())
}

/// A `SystemTime` as Unix seconds (0 if before 1970).
pub fn to_unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_and_rejects_garbage() {
        let kt = KeyTime::parse("1;2").unwrap();
        assert_eq!((kt.start(), kt.end()), (1, 2));
        assert_eq!(kt.to_string(), "1;2");
        for bad in ["", "1", "1;", ";2", "2;1", "a;b", "+1;2", "1;2;3"] {
            assert!(KeyTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parse_errors_say_which_end_and_why() {
        use KeyTimeBound::{End, Start};
        let cases = [
            ("", InvalidKeyTime::NotStartEnd),
            ("12", InvalidKeyTime::NotStartEnd),
            (";2", InvalidKeyTime::NotANumber(Start)),
            ("+1;2", InvalidKeyTime::NotANumber(Start)),
            ("1;", InvalidKeyTime::NotANumber(End)),
            ("1;2;3", InvalidKeyTime::NotANumber(End)),
            ("1; 2", InvalidKeyTime::NotANumber(End)),
            ("18446744073709551616;1", InvalidKeyTime::TooLarge(Start)),
            ("1;99999999999999999999", InvalidKeyTime::TooLarge(End)),
            ("2;1", InvalidKeyTime::StartAfterEnd { start: 2, end: 1 }),
        ];
        for (text, want) in cases {
            assert_eq!(KeyTime::parse(text), Err(want), "{text:?}");
        }
        assert_eq!(
            KeyTime::parse("1;x").unwrap_err().to_string(),
            "invalid key time: the end is not a decimal number"
        );
        assert_eq!(
            KeyTime::parse(&format!("{};{}", u64::MAX, u64::MAX)),
            KeyTime::new(u64::MAX, u64::MAX)
        );
    }

    #[test]
    fn aligned_windows_are_shared_and_cover_now() {
        let a = KeyTime::aligned(1_000_210, 600);
        let b = KeyTime::aligned(1_000_790, 600);
        assert_eq!(a, b);
        assert!(a.contains(1_000_210) && a.contains(1_000_790));
        assert!(a.end() >= 1_000_790 + 600);
        assert_ne!(a, KeyTime::aligned(1_000_800, 600));
    }
}
