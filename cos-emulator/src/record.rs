//! The request log.

use std::sync::atomic::{AtomicU64, Ordering};
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

/// Requests per chunk of [`RequestLog`].
const LOG_CHUNK: usize = 4096;

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
#[derive(Debug)]
pub(crate) struct RequestLog {
    shards: Box<[Mutex<Shard>]>,
    next: AtomicU64,
}

/// Shards of [`RequestLog`] (threads beyond that share them).
const LOG_SHARDS: usize = 8;

/// One shard, kept in fixed-size chunks: appending never moves what is already
/// logged (a single `Vec` would copy the whole log at every doubling, and a busy
/// emulator logs hundreds of thousands of requests).
#[derive(Debug, Default)]
struct Shard {
    chunks: Vec<Vec<(u64, Entry)>>,
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
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < LOG_CHUNK => chunk.push((seq, entry)),
            _ => {
                let mut chunk = Vec::with_capacity(LOG_CHUNK);
                chunk.push((seq, entry));
                self.chunks.push(chunk);
            }
        }
    }
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog {
            shards: (0..LOG_SHARDS).map(|_| Mutex::default()).collect(),
            next: AtomicU64::new(0),
        }
    }
}

impl RequestLog {
    fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
        shard.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends one request.
    pub fn push(&self, r: NewRequest<'_>) {
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        let shard = &self.shards[crate::server::thread_slot() % self.shards.len()];
        Self::lock(shard).push(seq, r);
    }

    /// Every logged request, in order of completion.
    pub fn to_vec(&self) -> Vec<RecordedRequest> {
        let mut all: Vec<(u64, RecordedRequest)> = Vec::new();
        for shard in &self.shards {
            let shard = Self::lock(shard);
            all.extend(
                shard
                    .chunks
                    .iter()
                    .flatten()
                    .map(|(seq, e)| (*seq, e.to_recorded())),
            );
        }
        all.sort_unstable_by_key(|(seq, _)| *seq);
        all.into_iter().map(|(_, r)| r).collect()
    }

    /// Forgets every logged request.
    pub fn clear(&self) {
        for shard in &self.shards {
            Self::lock(shard).chunks.clear();
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
    fn log_keeps_order_across_chunks() {
        let log = RequestLog::default();
        for i in 0..(LOG_CHUNK as u16 * 2 + 3) {
            log.push(request(i));
        }
        std::thread::scope(|s| {
            s.spawn(|| log.push(request(9999)));
        });
        let all = log.to_vec();
        assert_eq!(all.len(), LOG_CHUNK * 2 + 4);
        assert_eq!(all.last().map(|r| r.status), Some(9999));
        assert!(
            all[..LOG_CHUNK * 2 + 3]
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
}
