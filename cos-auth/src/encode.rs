//! The wire contract: how object keys, query strings and digests are written on the
//! wire, for the clients that send what the signer signed and the servers that verify it.
//!
//! | function | direction | used for |
//! |---|---|---|
//! | [`url_path`] | key → URL | the path of a request URL |
//! | [`signed_path`] | key → HttpString | the path the signature covers (`ReceivedRequest::path`) |
//! | [`push_form_encoded`] | text → query | query names and values (`+` for space) |
//! | [`decode_path`] | URL → key | a received path, `+` kept |
//! | [`decode_query`] | query → pairs | a received query, `+` as space |
//! | [`hex`], [`push_hex`] | bytes → text | digests and signatures (lowercase) |
//!
//! A path written by [`url_path`] decodes with [`decode_path`] to the [`signed_path`] of
//! the key, and a component written by [`push_form_encoded`] decodes with
//! [`decode_query`] to itself: what a client sends is what a server verifies.
//!
//! The encoding inside the HttpString (names and values of signed headers and params:
//! only the RFC 3986 unreserved characters `A-Z a-z 0-9 - _ . ~` kept, uppercase hex,
//! space as `%20`) is part of the signer and not exposed.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except `A-Z a-z 0-9 - _ . ~` is encoded.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// [`UNRESERVED`] plus `/`: the set used for object keys in URL paths and v4 file ids.
pub(crate) const KEY_PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// `true` for the bytes [`UNRESERVED`] keeps (`A-Z a-z 0-9 - _ . ~`).
static KEEP: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.' || c == b'~';
        b += 1;
    }
    t
};

/// Appends `s` percent-encoded with [`UNRESERVED`] to `out` (uppercase hex).
///
/// This is the signer's hot path, so it scans bytes against a table and copies runs of
/// unreserved characters at once; the result equals `utf8_percent_encode(s, UNRESERVED)`.
pub(crate) fn push_encoded(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if KEEP[usize::from(b)] {
            continue;
        }
        // A non-empty run holds only ASCII bytes, so both ends are char boundaries.
        if let Some(run) = s.get(start..i) {
            out.push_str(run);
        }
        out.push('%');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
        start = i + 1;
    }
    if let Some(run) = s.get(start..) {
        out.push_str(run);
    }
}

/// Percent-encodes `s`, keeping only unreserved characters (`A-Za-z0-9-_.~`): the
/// encoding of header and parameter names and values in the HttpString.
#[cfg(test)]
fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_encoded(&mut out, s);
    out
}

/// Returns the path an object key is signed under: the raw UTF-8 key with exactly one
/// leading `/` added when it has none. It is neither URL-encoded nor normalised.
///
/// A server passes this form (the [`decode_path`] of the URL path, bucket removed) as
/// [`ReceivedRequest::path`](crate::qsign::ReceivedRequest::path) to the verifier.
///
/// ```
/// assert_eq!(cos_auth::encode::signed_path("dir/a b.txt"), "/dir/a b.txt");
/// assert_eq!(cos_auth::encode::signed_path("/a/./b"), "/a/./b");
/// assert_eq!(cos_auth::encode::signed_path(""), "/");
/// ```
pub fn signed_path(key: &str) -> std::borrow::Cow<'_, str> {
    if key.starts_with('/') {
        std::borrow::Cow::Borrowed(key)
    } else {
        std::borrow::Cow::Owned(format!("/{key}"))
    }
}

/// Encodes an object key for the path of a request URL, as the official SDK does:
/// one leading `/` removed, percent-encoded keeping `/-_.~` and alphanumerics, and
/// every `./` written as `.%2F` so that no HTTP stack normalises dot segments away.
/// The result starts with `/`.
///
/// ```
/// use cos_auth::encode::url_path;
/// assert_eq!(url_path("dir/a b+c.txt"), "/dir/a%20b%2Bc.txt");
/// assert_eq!(url_path("/a/./b/../c//d"), "/a/.%2Fb/..%2Fc//d");
/// ```
pub fn url_path(key: &str) -> String {
    let key = key.strip_prefix('/').unwrap_or(key);
    let mut out = String::with_capacity(key.len() + 8);
    out.push('/');
    for chunk in utf8_percent_encode(key, KEY_PATH) {
        out.push_str(chunk);
    }
    if out.contains("./") {
        out = out.replace("./", ".%2F");
    }
    out
}

/// Appends a query component (a parameter name or value) encoded the way Python's
/// `urllib.parse.urlencode` does (`quote_plus`), as the official SDK writes query
/// strings: unreserved characters kept, space as `+`, everything else `%XX` (uppercase).
///
/// ```
/// use cos_auth::encode::{decode_query, push_form_encoded};
/// let mut query = String::from("prefix=");
/// push_form_encoded(&mut query, "a b/c+d");
/// assert_eq!(query, "prefix=a+b%2Fc%2Bd");
/// assert_eq!(decode_query(&query), [("prefix".into(), "a b/c+d".into())]);
/// ```
pub fn push_form_encoded(out: &mut String, s: &str) {
    for (i, part) in s.split(' ').enumerate() {
        if i > 0 {
            out.push('+');
        }
        push_encoded(out, part);
    }
}

/// Decodes a URL query string into `(name, value)` pairs: `+` is a space, `%XX` is
/// decoded, invalid UTF-8 is replaced. A pair without `=` has an empty value. A server
/// passes these pairs as [`ReceivedRequest::query`](crate::qsign::ReceivedRequest::query) to the verifier.
///
/// ```
/// let q = cos_auth::encode::decode_query("acl&prefix=a%2Fb+c&x=");
/// assert_eq!(q, [("acl".into(), "".into()), ("prefix".into(), "a/b c".into()), ("x".into(), "".into())]);
/// ```
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// Decodes one form-encoded component (`+` as space, `%XX`).
fn form_decode(s: &str) -> String {
    let plus_free = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_free)
        .decode_utf8_lossy()
        .into_owned()
}

/// Decodes a percent-encoded URL path: `%XX` is decoded, `+` stays `+`, invalid UTF-8 is
/// replaced. It inverts [`url_path`] up to the leading `/`.
///
/// ```
/// use cos_auth::encode::{decode_path, signed_path, url_path};
/// assert_eq!(decode_path("/dir/a%20b+c.txt"), "/dir/a b+c.txt");
/// let key = "dir/./a b+ü.txt";
/// assert_eq!(decode_path(&url_path(key)), signed_path(key));
/// ```
pub fn decode_path(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

/// Appends the lowercase hex form of `bytes` to `out` (the form of `q-signature`,
/// digests and ETags).
///
/// ```
/// let mut s = String::from("etag ");
/// cos_auth::encode::push_hex(&mut s, &[0x0f, 0xa0]);
/// assert_eq!(s, "etag 0fa0");
/// ```
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
}

/// Writes the lowercase hex form of 20 bytes into `out`.
pub(crate) fn hex_into(bytes: &[u8], out: &mut [u8; 40]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().take(20).enumerate() {
        out[2 * i] = HEX[usize::from(b >> 4)];
        out[2 * i + 1] = HEX[usize::from(b & 0x0f)];
    }
}

/// Lowercase hex of `bytes` (digests, ETags, signatures).
///
/// ```
/// assert_eq!(cos_auth::encode::hex(&[0xde, 0xad]), "dead");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    push_hex(&mut s, bytes);
    s
}

/// Compares two byte strings in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_encoding_matches_python_quote() {
        assert_eq!(encode_component("-_.~AZaz09"), "-_.~AZaz09");
        assert_eq!(encode_component(" "), "%20");
        assert_eq!(encode_component("ü"), "%C3%BC");
        assert_eq!(encode_component("a=b&c;"), "a%3Db%26c%3B");
    }

    #[test]
    fn fast_encoder_equals_percent_encoding_crate() {
        for s in [
            "",
            "a",
            "é",
            "a b",
            "文件/测试 ü.jpg",
            "~-_.",
            "%41",
            "x\u{10FFFF}y",
            "\0\x7f",
        ] {
            let expected: String = utf8_percent_encode(s, UNRESERVED).collect();
            assert_eq!(encode_component(s), expected, "{s:?}");
        }
    }

    #[test]
    fn form_encoding_uses_plus_for_space() {
        let mut s = String::new();
        push_form_encoded(&mut s, "text/plain; charset=utf-8");
        assert_eq!(s, "text%2Fplain%3B+charset%3Dutf-8");
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
