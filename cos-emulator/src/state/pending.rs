//! Work waiting for `EmulatorHandle::run_due_work`: access-log lines (bucket
//! logging, written by `ops::logging`) and keys to replicate (`ops::replication`).

use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, MutexGuard};

/// An access-log line waiting to be written.
#[derive(Debug)]
pub(crate) struct LogLine {
    pub target_bucket: String,
    pub target_prefix: String,
    pub line: String,
}

/// The access-log lines not yet written, and a counter naming log objects.
#[derive(Debug, Default)]
pub(crate) struct AccessLogs {
    pending: Mutex<Vec<LogLine>>,
    pub files: AtomicU64,
}

impl AccessLogs {
    /// The pending lines.
    pub fn pending(&self) -> MutexGuard<'_, Vec<LogLine>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Keys waiting to be replicated: `(source bucket, key)`.
#[derive(Debug, Default)]
pub(crate) struct ReplicationQueue(Mutex<Vec<(String, String)>>);

impl ReplicationQueue {
    /// The queued keys.
    pub fn keys(&self) -> MutexGuard<'_, Vec<(String, String)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
