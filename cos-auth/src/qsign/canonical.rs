//! Building the HttpString: which headers are signed and how names and values are
//! encoded, lowercased and sorted.

use std::borrow::Cow;
use std::ops::Range;

use crate::encode::push_encoded;

/// Which request headers are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HeaderPolicy {
    /// Exactly the official Python SDK's list: `cache-control`, `content-disposition`,
    /// `content-encoding`, `content-type`, `content-md5`, `content-length`, `expect`,
    /// `expires`, `host`, `if-match`, `if-modified-since`, `if-none-match`,
    /// `if-unmodified-since`, `origin`, `range`, `transfer-encoding`, `pic-operations`,
    /// and every `x-cos-*` and `x-ci-*` header.
    #[default]
    OfficialSdk,
    /// Every header given to the signer.
    All,
}

const OFFICIAL: &[&str] = &[
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-type",
    "content-md5",
    "content-length",
    "expect",
    "expires",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-unmodified-since",
    "origin",
    "range",
    "transfer-encoding",
    "pic-operations",
];

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

impl HeaderPolicy {
    /// Whether a header with this (any-case) name is signed under this policy.
    pub fn signs(self, name: &str) -> bool {
        match self {
            HeaderPolicy::All => true,
            HeaderPolicy::OfficialSdk => {
                starts_with_ignore_case(name, "x-cos-")
                    || starts_with_ignore_case(name, "x-ci-")
                    || OFFICIAL.iter().any(|h| h.eq_ignore_ascii_case(name))
            }
        }
    }
}

/// Removes a `:port` suffix from a Host value (`[v6]:port` aware).
pub(super) fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return match rest.find(']') {
            Some(i) => &host[..i + 2],
            None => host,
        };
    }
    match host.rsplit_once(':') {
        Some((h, port)) if !h.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    }
}

/// Reusable buffers for [`write_list`].
#[derive(Default)]
pub(crate) struct Scratch {
    text: String,
    entries: Vec<(Range<usize>, Range<usize>)>,
}

impl Scratch {
    pub(crate) fn new() -> Self {
        Self {
            text: String::with_capacity(256),
            entries: Vec::with_capacity(12),
        }
    }
}

/// Writes `name=value&...` for `pairs` into `out` (names encoded then lowercased, values
/// encoded, sorted by name then value; for a repeated name the last pair wins, as in the
/// official SDK's dict) and returns the `;`-joined name list.
pub(crate) fn write_list<'a, I>(out: &mut String, scratch: &mut Scratch, pairs: I) -> String
where
    I: IntoIterator<Item = (&'a str, Cow<'a, str>)>,
{
    let Scratch {
        text: scratch,
        entries,
    } = scratch;
    scratch.clear();
    entries.clear();
    for (name, value) in pairs {
        let ns = scratch.len();
        push_encoded(scratch, name);
        let ne = scratch.len();
        scratch[ns..ne].make_ascii_lowercase();
        push_encoded(scratch, &value);
        entries.push((ns..ne, ne..scratch.len()));
    }
    // Stable, by name only: among equal names the input order is kept, so "last wins"
    // is the last element of each run.
    entries.sort_by(|a, b| scratch[a.0.clone()].cmp(&scratch[b.0.clone()]));
    let mut names = String::with_capacity(entries.len() * 16);
    let mut first = true;
    for (i, (n, v)) in entries.iter().enumerate() {
        if entries
            .get(i + 1)
            .is_some_and(|next| scratch[next.0.clone()] == scratch[n.clone()])
        {
            continue;
        }
        if !first {
            out.push('&');
            names.push(';');
        }
        first = false;
        out.push_str(&scratch[n.clone()]);
        out.push('=');
        out.push_str(&scratch[v.clone()]);
        names.push_str(&scratch[n.clone()]);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_matches_the_official_list() {
        let p = HeaderPolicy::OfficialSdk;
        for h in [
            "Content-Type",
            "HOST",
            "x-cos-meta-a",
            "X-CI-foo",
            "Range",
            "pic-operations",
        ] {
            assert!(p.signs(h), "{h}");
        }
        for h in [
            "User-Agent",
            "Accept",
            "x-custom",
            "authorization",
            "date",
            "x-co",
        ] {
            assert!(!p.signs(h), "{h}");
        }
        assert!(HeaderPolicy::All.signs("User-Agent"));
    }

    #[test]
    fn strip_port_variants() {
        assert_eq!(strip_port("a.com:80"), "a.com");
        assert_eq!(strip_port("a.com"), "a.com");
        assert_eq!(strip_port("127.0.0.1:9000"), "127.0.0.1");
        assert_eq!(strip_port("[::1]:9000"), "[::1]");
        assert_eq!(strip_port("[::1]"), "[::1]");
        assert_eq!(strip_port("::1"), "::1");
    }

    #[test]
    fn list_sorts_encodes_and_dedups() {
        let mut out = String::new();
        let names = write_list(
            &mut out,
            &mut Scratch::new(),
            [
                ("B", Cow::Borrowed("2 2")),
                ("a/x", Cow::Borrowed("1")),
                ("b", Cow::Borrowed("3")),
            ],
        );
        assert_eq!(out, "a%2fx=1&b=3");
        assert_eq!(names, "a%2fx;b");
    }
}
