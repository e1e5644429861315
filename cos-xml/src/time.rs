//! Parsing of the timestamps COS writes in its documents.
//!
//! Models keep every date as the string COS sent (wire fidelity: a document
//! written back is byte-for-byte what was read); their `*_time()` methods parse
//! it with [`parse_time`] on demand.
//!
//! COS writes ISO 8601 / RFC 3339 timestamps in XML bodies: listings and copy
//! results use milliseconds and `Z` (`2019-05-24T10:56:40.000Z`), GET Service
//! omits the fraction (`2019-05-24T11:49:50Z`), lifecycle rules carry an offset
//! (`2018-04-20T00:00:00+08:00`). HTTP headers (`Last-Modified`) use RFC 1123
//! (`Fri, 24 May 2019 10:56:40 GMT`); both forms parse.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//!
//! let t = cos_xml::time::parse_time("2019-05-24T10:56:40.000Z")?;
//! assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_558_695_400));
//! assert_eq!(cos_xml::time::parse_time("Fri, 24 May 2019 10:56:40 GMT")?, t);
//! # Ok::<(), cos_xml::XmlError>(())
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::codec::XmlError;

/// Parses a COS timestamp: ISO 8601 / RFC 3339 (`2019-05-24T10:56:40.000Z`,
/// `2019-05-24T11:49:50Z`, `2018-04-20T00:00:00+08:00`) or an HTTP date
/// (RFC 1123 `Fri, 24 May 2019 10:56:40 GMT`, and the obsolete RFC 850 and
/// asctime forms).
///
/// A timestamp without a time zone is refused: it would be ambiguous.
///
/// # Errors
///
/// [`XmlError::InvalidValue`] (element `"Time"`) when `s` is neither form or
/// names a date that does not exist (e.g. `2019-02-29`).
pub fn parse_time(s: &str) -> Result<SystemTime, XmlError> {
    parse_element(s, "Time")
}

/// [`parse_time`], reporting `element` in the error.
pub(crate) fn parse_element(s: &str, element: &'static str) -> Result<SystemTime, XmlError> {
    let s = s.trim();
    parse_iso8601(s)
        .or_else(|| httpdate::parse_http_date(s).ok())
        .ok_or_else(|| XmlError::InvalidValue {
            element,
            value: s.to_owned(),
        })
}

/// Reads exactly `n` ASCII digits at the start of `s`.
fn digits(s: &[u8], n: usize) -> Option<(u32, &[u8])> {
    if s.len() < n || !s[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = s[..n]
        .iter()
        .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    Some((v, &s[n..]))
}

/// Consumes the byte `b` at the start of `s`.
fn byte(s: &[u8], b: u8) -> Option<&[u8]> {
    s.strip_prefix(&[b])
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`.
fn parse_iso8601(s: &str) -> Option<SystemTime> {
    let s = s.as_bytes();
    let (year, s) = digits(s, 4)?;
    let (month, s) = digits(byte(s, b'-')?, 2)?;
    let (day, s) = digits(byte(s, b'-')?, 2)?;
    let s = byte(s, b'T').or_else(|| byte(s, b't'))?;
    let (hour, s) = digits(s, 2)?;
    let (minute, s) = digits(byte(s, b':')?, 2)?;
    let (second, mut s) = digits(byte(s, b':')?, 2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    // 60 is a leap second (RFC 3339 allows it); it counts as the next second.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut nanos = 0u32;
    if let Some(rest) = byte(s, b'.') {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        // Digits beyond nanoseconds are dropped.
        let mut scale = 100_000_000;
        for d in rest[..n].iter().take(9) {
            nanos += u32::from(d - b'0') * scale;
            scale /= 10;
        }
        s = &rest[n..];
    }
    let offset = zone_offset(s)?;
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
        - offset;
    let whole = Duration::from_secs(secs.unsigned_abs());
    let t = if secs >= 0 {
        UNIX_EPOCH.checked_add(whole)?
    } else {
        UNIX_EPOCH.checked_sub(whole)?
    };
    t.checked_add(Duration::from_nanos(u64::from(nanos)))
}

/// The zone designator that must end the timestamp, as seconds east of UTC.
fn zone_offset(s: &[u8]) -> Option<i64> {
    let (sign, rest) = match s.first()? {
        b'Z' | b'z' if s.len() == 1 => return Some(0),
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, rest) = digits(rest, 2)?;
    let rest = byte(rest, b':').unwrap_or(rest);
    let (m, rest) = digits(rest, 2)?;
    if !rest.is_empty() || h > 23 || m > 59 {
        return None;
    }
    Some(sign * (i64::from(h) * 3600 + i64::from(m) * 60))
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date
/// (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
