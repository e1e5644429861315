//! The request log.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use hyper::Method;

/// One request as the emulator received and answered it.
///
/// Its `Debug` output redacts what holds a secret (signatures, security tokens, v4
/// sign strings); the fields themselves keep the values as received.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// The `Host` header.
    pub host: String,
    /// The raw path, as on the wire (percent-encoded).
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The COS operation, e.g. `PutObject` (`Unknown` when none applies).
    pub operation: String,
    /// The addressed bucket, if any.
    pub bucket: Option<String>,
    /// The addressed object key (decoded), if any.
    pub key: Option<String>,
    /// Status of the answer (0 when the connection was reset instead).
    pub status: u16,
    /// Bytes of request body read.
    pub body_len: u64,
    /// The request was not authenticated and some of its values were clipped (to
    /// [`UNTRUSTED_VALUE_MAX`] bytes) or headers dropped (beyond
    /// [`UNTRUSTED_HEADERS_MAX`] bytes), so that unauthenticated clients cannot make
    /// the log hold large amounts of memory.
    pub truncated: bool,
}

impl std::fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("path", &self.path)
            .field("query", &Redacted(&self.query, secret_param))
            .field("headers", &Redacted(&self.headers, secret_header))
            .field("operation", &self.operation)
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("status", &self.status)
            .field("body_len", &self.body_len)
            .field("truncated", &self.truncated)
            .finish()
    }
}

/// What `Debug` shows instead of a secret.
const REDACTED: &str = "** redacted **";

/// Name/value pairs whose secret values `Debug` redacts: `redact(name, value)` gives
/// the text to show instead, if any.
struct Redacted<'a>(&'a [(String, String)], fn(&str, &str) -> Option<String>);

impl std::fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, v)| match (self.1)(k, v) {
                Some(shown) => (k.as_str(), std::borrow::Cow::Owned(shown)),
                None => (k.as_str(), std::borrow::Cow::Borrowed(v.as_str())),
            }))
            .finish()
    }
}

/// Query parameters that hold secrets: the q-sign signature, a temporary credential's
/// token (presigned URLs), and the v4 sign string of a v4 download URL.
fn secret_param(name: &str, _value: &str) -> Option<String> {
    ["q-signature", "x-cos-security-token", "sign"]
        .iter()
        .any(|s| name.eq_ignore_ascii_case(s))
        .then(|| REDACTED.to_owned())
}

/// Headers that hold secrets. A q-sign `Authorization` keeps its public parts (key
/// id, key time, signed names) with its `q-signature` redacted; any other
/// (a v4 sign string) is redacted whole.
fn secret_header(name: &str, value: &str) -> Option<String> {
    if name.eq_ignore_ascii_case("authorization") {
        if !value.contains("q-signature=") {
            return Some(REDACTED.to_owned());
        }
        let parts: Vec<String> = value
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.trim().eq_ignore_ascii_case("q-signature") => {
                    format!("{k}={REDACTED}")
                }
                _ => p.to_owned(),
            })
            .collect();
        return Some(parts.join("&"));
    }
    ["x-cos-security-token", "x-ci-security-token"]
        .iter()
        .any(|s| name.eq_ignore_ascii_case(s))
        .then(|| REDACTED.to_owned())
}

impl RecordedRequest {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first query parameter named `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How many requests [`RequestLog`] keeps by default.
pub const DEFAULT_LOG_CAPACITY: usize = 100_000;

/// How many bytes the request log may hold by default (see
/// `EmulatorBuilder::request_log_max_bytes`).
pub const DEFAULT_LOG_MAX_BYTES: usize = 64 << 20;

/// Longest header value, query value or path kept of an unauthenticated request.
pub const UNTRUSTED_VALUE_MAX: usize = 1024;

/// Most header (or query) bytes kept of an unauthenticated request.
pub const UNTRUSTED_HEADERS_MAX: usize = 16 << 10;

/// `text`, or its longest prefix of at most `max` bytes that ends on a character
/// boundary; and whether it was cut.
fn clip(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

/// What the log keeps of a text (a host, a path, a bucket, a key): all of it when the request was
/// authenticated (`trusted`), else at most [`UNTRUSTED_VALUE_MAX`] bytes. Sets
/// `truncated` when it cut.
pub(crate) fn keep_text<'a>(text: &'a str, trusted: bool, truncated: &mut bool) -> &'a str {
    if trusted {
        return text;
    }
    let (kept, cut) = clip(text, UNTRUSTED_VALUE_MAX);
    *truncated |= cut;
    kept
}

/// What the log keeps of name/value pairs (headers, query parameters): all of them
/// when the request was authenticated (`trusted`); else names and values clipped to
/// [`UNTRUSTED_VALUE_MAX`] bytes and the pairs beyond [`UNTRUSTED_HEADERS_MAX`] bytes
/// dropped. Sets `truncated` when it cut.
pub(crate) fn keep_pairs<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
    trusted: bool,
    truncated: &mut bool,
) -> Vec<(String, String)> {
    let mut kept = Vec::new();
    let mut budget = UNTRUSTED_HEADERS_MAX;
    for (name, value) in pairs {
        if trusted {
            kept.push((name.to_owned(), value.to_owned()));
            continue;
        }
        let (name, cut_name) = clip(name, UNTRUSTED_VALUE_MAX);
        let (value, cut_value) = clip(value, UNTRUSTED_VALUE_MAX);
        *truncated |= cut_name | cut_value;
        let Some(left) = budget.checked_sub(name.len() + value.len()) else {
            *truncated = true;
            break;
        };
        budget = left;
        kept.push((name.to_owned(), value.to_owned()));
    }
    kept
}

/// A request to log: what is shared between entries borrowed, the rest owned (so
/// that it is allocated before the log is locked).
pub(crate) struct NewRequest<'a> {
    pub method: &'a Method,
    pub host: &'a str,
    pub path: Box<str>,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub operation: &'static str,
    pub bucket: Option<&'a str>,
    pub key: Option<Box<str>>,
    pub status: u16,
    pub body_len: u64,
    /// Some values were clipped (see [`keep_pairs`]).
    pub truncated: bool,
}

/// Heap and inline bytes of name/value pairs.
fn pairs_bytes(pairs: &[(String, String)]) -> usize {
    pairs
        .iter()
        .map(|(k, v)| k.len() + v.len() + 2 * std::mem::size_of::<String>())
        .sum()
}

impl NewRequest<'_> {
    /// The bytes its entry will hold (counting the shared host and bucket in full: an
    /// upper bound).
    fn bytes(&self) -> usize {
        std::mem::size_of::<(u64, Entry)>()
            + self.host.len()
            + self.path.len()
            + pairs_bytes(&self.query)
            + pairs_bytes(&self.headers)
            + self.bucket.map_or(0, str::len)
            + self.key.as_deref().map_or(0, str::len)
    }
}

/// One logged request, compact: the texts most requests repeat (method, operation,
/// host, bucket) are shared rather than copied into each entry. (No `Debug`: it holds
/// signatures and tokens.)
struct Entry {
    method: Method,
    host: Arc<str>,
    path: Box<str>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    operation: &'static str,
    bucket: Option<Arc<str>>,
    key: Option<Box<str>>,
    status: u16,
    body_len: u64,
    truncated: bool,
    /// What [`NewRequest::bytes`] counted for it.
    bytes: usize,
}

impl Entry {
    fn to_recorded(&self) -> RecordedRequest {
        RecordedRequest {
            method: self.method.as_str().to_owned(),
            host: self.host.as_ref().to_owned(),
            path: self.path.as_ref().to_owned(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            operation: self.operation.to_owned(),
            bucket: self.bucket.as_deref().map(str::to_owned),
            key: self.key.as_deref().map(str::to_owned),
            status: self.status,
            body_len: self.body_len,
            truncated: self.truncated,
        }
    }
}

/// The request log, sharded by thread so that threads logging at once do not contend
/// on one lock; a sequence number restores the order of completion.
///
/// It keeps the latest `capacity` requests holding at most `max_bytes` (about: the
/// oldest entries of the logging thread's shard go first), so that a long-running
/// emulator does not grow without bound; the slots of forgotten entries are reused.
pub(crate) struct RequestLog {
    shards: Box<[Mutex<Shard>]>,
    next: AtomicU64,
    len: AtomicUsize,
    bytes: AtomicUsize,
    capacity: usize,
    max_bytes: usize,
}

impl std::fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the entries: they hold signatures and tokens.
        f.debug_struct("RequestLog")
            .field("len", &self.len.load(Ordering::Relaxed))
            .field("bytes", &self.bytes.load(Ordering::Relaxed))
            .field("capacity", &self.capacity)
            .field("max_bytes", &self.max_bytes)
            .finish_non_exhaustive()
    }
}

/// Shards of [`RequestLog`] (threads beyond that share them).
const LOG_SHARDS: usize = 8;

/// One shard: entries in order of completion, oldest first.
#[derive(Default)]
struct Shard {
    entries: VecDeque<(u64, Entry)>,
    /// The last host and bucket logged, shared by the entries that repeat them.
    last_host: Option<Arc<str>>,
    last_bucket: Option<Arc<str>>,
}

/// `text` as an `Arc`, reusing `last` when it holds the same text.
fn shared(last: &mut Option<Arc<str>>, text: &str) -> Arc<str> {
    match last {
        Some(l) if l.as_ref() == text => l.clone(),
        _ => last.insert(Arc::from(text)).clone(),
    }
}

impl Shard {
    fn push(&mut self, seq: u64, r: NewRequest<'_>, bytes: usize) {
        let entry = Entry {
            method: r.method.clone(),
            host: shared(&mut self.last_host, r.host),
            path: r.path,
            query: r.query,
            headers: r.headers,
            operation: r.operation,
            bucket: r.bucket.map(|b| shared(&mut self.last_bucket, b)),
            key: r.key,
            status: r.status,
            body_len: r.body_len,
            truncated: r.truncated,
            bytes,
        };
        self.entries.push_back((seq, entry));
    }
}

impl Default for RequestLog {
    fn default() -> Self {
        Self::new(DEFAULT_LOG_CAPACITY, DEFAULT_LOG_MAX_BYTES)
    }
}

impl RequestLog {
    /// A log that keeps the latest `capacity` requests holding at most `max_bytes`
    /// (0: none).
    pub fn new(capacity: usize, max_bytes: usize) -> Self {
        RequestLog {
            shards: (0..LOG_SHARDS).map(|_| Mutex::default()).collect(),
            next: AtomicU64::new(0),
            len: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            capacity,
            max_bytes,
        }
    }

    fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
        shard.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the log holds more than it may.
    fn over(&self) -> bool {
        self.len.load(Ordering::Relaxed) > self.capacity
            || self.bytes.load(Ordering::Relaxed) > self.max_bytes
    }

    /// Forgets the oldest entry of `shard`, if any.
    fn pop(&self, shard: &mut Shard) -> bool {
        let Some((_, e)) = shard.entries.pop_front() else {
            return false;
        };
        self.len.fetch_sub(1, Ordering::Relaxed);
        self.bytes.fetch_sub(e.bytes, Ordering::Relaxed);
        true
    }

    /// Appends one request, forgetting old ones while the log holds too much.
    pub fn push(&self, mut r: NewRequest<'_>) {
        if self.capacity == 0 || self.max_bytes == 0 {
            return;
        }
        let mut bytes = r.bytes();
        if bytes > self.max_bytes {
            // Alone over the budget: keep the request without its headers and query.
            r.headers = Vec::new();
            r.query = Vec::new();
            r.truncated = true;
            bytes = r.bytes();
        }
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        let mine = crate::threads::thread_slot() % self.shards.len();
        let mut shard = Self::lock(&self.shards[mine]);
        shard.push(seq, r, bytes);
        self.len.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        // This shard's oldest entries go first (never the new one), then other shards'.
        while self.over() && shard.entries.len() > 1 && self.pop(&mut shard) {}
        drop(shard);
        for (i, other) in self.shards.iter().enumerate() {
            if !self.over() {
                return;
            }
            if i != mine {
                let mut other = Self::lock(other);
                while self.over() && self.pop(&mut other) {}
            }
        }
    }

    /// The bytes the logged requests hold (an estimate from above: their texts and the
    /// entries' own size).
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The logged requests, in order of completion.
    pub fn to_vec(&self) -> Vec<RecordedRequest> {
        let mut all: Vec<(u64, RecordedRequest)> = Vec::new();
        for shard in &self.shards {
            let shard = Self::lock(shard);
            all.extend(shard.entries.iter().map(|(seq, e)| (*seq, e.to_recorded())));
        }
        all.sort_unstable_by_key(|(seq, _)| *seq);
        all.into_iter().map(|(_, r)| r).collect()
    }

    /// Forgets every logged request.
    pub fn clear(&self) {
        for shard in &self.shards {
            let mut shard = Self::lock(shard);
            while self.pop(&mut shard) {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(status: u16) -> NewRequest<'static> {
        NewRequest {
            method: &Method::GET,
            host: if status.is_multiple_of(2) { "a" } else { "b" },
            path: "/k".into(),
            query: Vec::new(),
            headers: Vec::new(),
            operation: "GetObject",
            bucket: Some("b-1"),
            key: Some("k".into()),
            status,
            body_len: 0,
            truncated: false,
        }
    }

    #[test]
    fn untrusted_values_are_clipped_on_char_boundaries() {
        let mut truncated = false;
        let long = format!("{}é", "a".repeat(UNTRUSTED_VALUE_MAX - 1));
        let kept = keep_text(&long, false, &mut truncated);
        assert_eq!(kept.len(), UNTRUSTED_VALUE_MAX - 1);
        assert!(truncated);
        let mut truncated = false;
        assert_eq!(keep_text(&long, true, &mut truncated), long);
        assert!(!truncated);
        let many: Vec<(String, String)> = (0..100)
            .map(|i| (format!("h{i}"), "v".repeat(UNTRUSTED_VALUE_MAX)))
            .collect();
        let kept = keep_pairs(
            many.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            false,
            &mut truncated,
        );
        assert!(truncated);
        assert!(pairs_bytes(&kept) <= UNTRUSTED_HEADERS_MAX + kept.len() * 48);
        assert!(kept.len() < many.len());
    }

    #[test]
    fn debug_redacts_only_the_signature_of_a_q_sign_authorization() {
        let shown = secret_header(
            "Authorization",
            "q-sign-algorithm=sha1&q-ak=AK&q-signature=abcdef",
        );
        assert_eq!(
            shown.as_deref(),
            Some("q-sign-algorithm=sha1&q-ak=AK&q-signature=** redacted **")
        );
        assert_eq!(
            secret_header("authorization", "v4sign").as_deref(),
            Some(REDACTED)
        );
        assert_eq!(secret_header("content-type", "text/plain"), None);
        assert_eq!(secret_param("Sign", "x").as_deref(), Some(REDACTED));
        assert_eq!(secret_param("q-ak", "AK"), None);
    }

    #[test]
    fn log_keeps_order_across_threads() {
        let log = RequestLog::default();
        for i in 0..8195 {
            log.push(request(i));
        }
        std::thread::scope(|s| {
            s.spawn(|| log.push(request(9999)));
        });
        let all = log.to_vec();
        assert_eq!(all.len(), 8196);
        assert_eq!(all.last().map(|r| r.status), Some(9999));
        assert!(
            all[..8195]
                .iter()
                .enumerate()
                .all(|(i, r)| r.status as usize == i)
        );
        assert_eq!(all[3].host, "b");
        assert_eq!(all[4].host, "a");
        assert_eq!(all[4].bucket.as_deref(), Some("b-1"));
        assert_eq!(all[4].method, "GET");
        log.clear();
        assert!(log.to_vec().is_empty());
    }

    #[test]
    fn a_full_log_forgets_the_oldest_requests() {
        let log = RequestLog::new(100, DEFAULT_LOG_MAX_BYTES);
        for i in 0..250 {
            log.push(request(i));
        }
        let all = log.to_vec();
        assert_eq!(all.len(), 100);
        assert!(
            all.iter()
                .enumerate()
                .all(|(i, r)| r.status as usize == 150 + i)
        );
        // Another thread's request displaces the oldest of the other shard.
        std::thread::scope(|s| {
            s.spawn(|| log.push(request(9999)));
        });
        let all = log.to_vec();
        assert_eq!(all.len(), 100);
        assert_eq!(all.first().map(|r| r.status), Some(151));
        assert_eq!(all.last().map(|r| r.status), Some(9999));
        log.clear();
        log.push(request(1));
        assert_eq!(log.to_vec().len(), 1);

        let off = RequestLog::new(0, DEFAULT_LOG_MAX_BYTES);
        off.push(request(1));
        assert!(off.to_vec().is_empty());
    }
}
