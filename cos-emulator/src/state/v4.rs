//! What the legacy v4 API keeps besides the objects (kept in memory only).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;

/// An unfinished slice upload.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub id: String,
    pub bucket: String,
    pub key: String,
    pub filesize: u64,
    pub slice_size: u64,
    pub biz_attr: String,
    pub sha: Option<String>,
    pub slices: BTreeMap<u64, Bytes>,
}

/// v4 attributes COS keeps beside an object.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attrs {
    pub biz_attr: String,
    pub sha: Option<String>,
    pub ctime: u64,
}

/// What the v4 API remembers besides the objects (kept in memory only).
#[derive(Debug, Default)]
pub(crate) struct V4State {
    inner: Mutex<V4Inner>,
}

#[derive(Debug, Default)]
pub(crate) struct V4Inner {
    /// Once-signatures already accepted.
    pub used_once: HashSet<String>,
    /// Slice uploads by session id.
    pub sessions: HashMap<String, Session>,
    /// Attributes by (XML bucket, key).
    pub attrs: HashMap<(String, String), Attrs>,
    /// Source of session ids.
    pub counter: u64,
}

impl V4State {
    pub fn lock(&self) -> MutexGuard<'_, V4Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}
