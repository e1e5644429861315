//! The request log.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use hyper::Method;

/// One request as the emulator received and answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// A request to log: what is shared between entries borrowed, the rest owned (so
/// that it is allocated before the log is locked).
#[derive(Debug)]
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
}

/// One logged request, compact: the texts most requests repeat (method, operation,
/// host, bucket) are shared rather than copied into each entry.
#[derive(Debug)]
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
        }
    }
}

/// The request log, sharded by thread so that threads logging at once do not contend
/// on one lock; a sequence number restores the order of completion.
///
/// It keeps the latest `capacity` requests (about: the oldest entry of the logging
/// thread's shard goes first), so that a long-running emulator does not grow without
/// bound; the slots of forgotten entries are reused.
#[derive(Debug)]
pub(crate) struct RequestLog {
    shards: Box<[Mutex<Shard>]>,
    next: AtomicU64,
    len: AtomicUsize,
    capacity: usize,
}

/// Shards of [`RequestLog`] (threads beyond that share them).
const LOG_SHARDS: usize = 8;

/// One shard: entries in order of completion, oldest first.
#[derive(Debug, Default)]
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
    fn push(&mut self, seq: u64, r: NewRequest<'_>) {
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
        };
        self.entries.push_back((seq, entry));
    }
}

impl Default for RequestLog {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_LOG_CAPACITY)
    }
}

impl RequestLog {
    /// A log that keeps the latest `capacity` requests (0: none).
    pub fn with_capacity(capacity: usize) -> Self {
        RequestLog {
            shards: (0..LOG_SHARDS).map(|_| Mutex::default()).collect(),
            next: AtomicU64::new(0),
            len: AtomicUsize::new(0),
            capacity,
        }
    }

    fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
        shard.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends one request, forgetting an old one when the log is full.
    pub fn push(&self, r: NewRequest<'_>) {
        if self.capacity == 0 {
            return;
        }
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        let mine = crate::server::thread_slot() % self.shards.len();
        let mut shard = Self::lock(&self.shards[mine]);
        shard.push(seq, r);
        if self.len.fetch_add(1, Ordering::Relaxed) < self.capacity {
            return;
        }
        // Full: this shard's oldest entry goes, or another shard's when this one holds
        // only the new entry.
        if shard.entries.len() > 1 {
            shard.entries.pop_front();
            self.len.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        drop(shard);
        for (i, other) in self.shards.iter().enumerate() {
            if i != mine && Self::lock(other).entries.pop_front().is_some() {
                self.len.fetch_sub(1, Ordering::Relaxed);
                return;
            }
        }
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
            let n = shard.entries.len();
            shard.entries.clear();
            self.len.fetch_sub(n, Ordering::Relaxed);
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
        }
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
        let log = RequestLog::with_capacity(100);
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

        let off = RequestLog::with_capacity(0);
        off.push(request(1));
        assert!(off.to_vec().is_empty());
    }
}
