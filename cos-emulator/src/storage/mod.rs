//! The data model (buckets, object versions, uploads) and the store that guards it.
//!
//! Metadata lives in one [`State`] behind a mutex; object bodies live in
//! [`Segment`]s: in-memory `Bytes`, or immutable files in the data directory.
//!
//! Every change is a transaction ([`Store::update`]): an operation that fails changes
//! nothing. In on-disk mode the transaction's changes are first saved durably to the
//! journal (see [`disk`]), and only then become visible; the body files it stops
//! referencing are deleted after that, and only once no response still reads them.
//! Each body file is referenced by at most one segment of the state (copies are hard
//! links under new names).

mod blob;
mod disk;
mod journal;
mod lease;
mod pool;
mod tracked;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use serde::{Deserialize, Serialize};

pub(crate) use blob::{BlobWriter, Digests, read_range};
pub(crate) use cos_auth::encode::{hex, push_hex};
pub use disk::StorageFaults;
pub(crate) use lease::Blobs;
use tracked::{Buckets, Tracked};

use crate::errors::EmulatorError;
use crate::errors::{ApiError, Failure, OpResult};

/// A piece of an object body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Segment {
    /// Length in bytes.
    pub len: u64,
    /// Where the bytes are.
    pub data: SegmentData,
}

/// Where a segment's bytes are.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum SegmentData {
    /// In memory (never saved: in-memory mode only).
    #[serde(skip)]
    Memory(Bytes),
    /// An immutable file under `<data-dir>/blobs/`.
    File(String),
}

/// An access control list: extra grants besides the owner's FULL_CONTROL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Acl {
    /// `(permission, grantee)`: grantee is `id:<uin>` or `uri:<group uri>`.
    pub grants: Vec<(String, String)>,
    /// `true` for objects whose ACL follows the bucket's (`default`).
    pub inherit: bool,
}

/// A stored object version's data and metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ObjectRecord {
    pub size: u64,
    /// Entity tag with its double quotes.
    pub etag: String,
    pub crc64: u64,
    pub segments: Vec<Segment>,
    /// Standard headers (`Content-Type`, `Cache-Control`, ...), names as COS writes them.
    pub headers: Vec<(String, String)>,
    /// `x-cos-meta-*` headers, names lowercased.
    pub meta: Vec<(String, String)>,
    pub storage_class: String,
    pub acl: Acl,
    pub tags: Vec<(String, String)>,
    /// For ARCHIVE / DEEP_ARCHIVE objects: restored copy available until (Unix secs).
    pub restored_until: Option<u64>,
    /// Created by Append Object.
    pub appendable: bool,
    pub last_modified: u64,
}

/// One version of a key: an object or a delete marker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Version {
    /// `null` for versions written while versioning was off or suspended.
    pub id: String,
    pub last_modified: u64,
    /// `None` for a delete marker.
    pub object: Option<ObjectRecord>,
}

/// An uploaded part.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PartRecord {
    pub size: u64,
    pub etag: String,
    pub crc64: u64,
    pub last_modified: u64,
    pub segments: Vec<Segment>,
}

/// A multipart upload in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Upload {
    pub key: String,
    pub id: String,
    pub initiated: u64,
    /// Metadata the object will get (size, etag, crc and segments unused).
    pub template: ObjectRecord,
    pub parts: BTreeMap<u32, PartRecord>,
}

/// A bucket with its configuration, objects and uploads.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Bucket {
    pub name: String,
    pub region: String,
    pub created: u64,
    pub acl: Acl,
    pub az: Option<String>,
    /// XML documents as accepted.
    pub cors: Option<String>,
    pub lifecycle: Option<String>,
    pub tagging: Option<String>,
    /// JSON policy.
    pub policy: Option<String>,
    /// `Enabled` or `Suspended`; `None` when never configured.
    pub versioning: Option<String>,
    /// Versions of each key, oldest first.
    pub objects: Tracked<Vec<Version>>,
    /// Uploads by id.
    pub uploads: Tracked<Upload>,
}

impl Bucket {
    /// A copy of the configuration (without objects and uploads).
    pub(crate) fn config(&self) -> Bucket {
        let Bucket {
            name,
            region,
            created,
            acl,
            az,
            cors,
            lifecycle,
            tagging,
            policy,
            versioning,
            objects: _,
            uploads: _,
        } = self;
        Bucket {
            name: name.clone(),
            region: region.clone(),
            created: *created,
            acl: acl.clone(),
            az: az.clone(),
            cors: cors.clone(),
            lifecycle: lifecycle.clone(),
            tagging: tagging.clone(),
            policy: policy.clone(),
            versioning: versioning.clone(),
            objects: Tracked::default(),
            uploads: Tracked::default(),
        }
    }

    /// Replaces the configuration with `c`'s, keeping objects and uploads.
    pub(crate) fn set_config(&mut self, c: Bucket) {
        let objects = std::mem::take(&mut self.objects);
        let uploads = std::mem::take(&mut self.uploads);
        *self = Bucket {
            objects,
            uploads,
            ..c
        };
    }

    /// Whether the configurations are equal.
    pub(crate) fn same_config(&self, o: &Bucket) -> bool {
        let Bucket {
            name,
            region,
            created,
            acl,
            az,
            cors,
            lifecycle,
            tagging,
            policy,
            versioning,
            objects: _,
            uploads: _,
        } = self;
        (name, region, created, acl, az) == (&o.name, &o.region, &o.created, &o.acl, &o.az)
            && (cors, lifecycle, tagging, policy, versioning)
                == (&o.cors, &o.lifecycle, &o.tagging, &o.policy, &o.versioning)
    }

    /// The latest version of `key`, if any (may be a delete marker).
    pub fn latest(&self, key: &str) -> Option<&Version> {
        self.objects.get(key).and_then(|v| v.last())
    }

    /// The current object of `key` (not a delete marker).
    pub fn current(&self, key: &str) -> Option<&ObjectRecord> {
        self.latest(key).and_then(|v| v.object.as_ref())
    }

    /// Version `id` of `key`, or its latest version without one (possibly a delete
    /// marker).
    ///
    /// Errors: `NoSuchKey`, `NoSuchVersion`.
    pub fn version(&self, key: &str, id: Option<&str>) -> Result<&Version, ApiError> {
        let versions = self.objects.get(key).ok_or_else(ApiError::no_such_key)?;
        match id {
            Some(id) => versions
                .iter()
                .find(|v| v.id == id)
                .ok_or_else(ApiError::no_such_version),
            None => versions.last().ok_or_else(ApiError::no_such_key),
        }
    }

    /// The object of [`version`](Self::version), to change.
    ///
    /// Errors: `NoSuchKey` (also for a delete marker), `NoSuchVersion`.
    pub fn object_mut(
        &mut self,
        key: &str,
        id: Option<&str>,
    ) -> Result<&mut ObjectRecord, ApiError> {
        let versions = self
            .objects
            .get_mut(key)
            .ok_or_else(ApiError::no_such_key)?;
        let v = match id {
            Some(id) => versions
                .iter_mut()
                .find(|v| v.id == id)
                .ok_or_else(ApiError::no_such_version)?,
            None => versions.last_mut().ok_or_else(ApiError::no_such_key)?,
        };
        v.object.as_mut().ok_or_else(ApiError::no_such_key)
    }

    pub fn versioning_enabled(&self) -> bool {
        self.versioning.as_deref() == Some("Enabled")
    }
}

/// Everything the emulator stores.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub buckets: Buckets,
    /// Source of unique ids.
    pub counter: u64,
    /// `counter` as last saved.
    saved_counter: u64,
}

impl State {
    pub fn next_id(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// Starts a transaction (forgetting what reads through `bucket_mut` noted).
    fn begin(&mut self) {
        self.commit();
    }

    /// Ends a transaction, keeping its changes.
    fn commit(&mut self) {
        self.buckets.commit();
        self.saved_counter = self.counter;
    }

    /// Ends a transaction, undoing its changes (ids stay used).
    fn rollback(&mut self) {
        self.buckets.rollback();
    }

    pub fn bucket(&self, name: &str) -> Result<&Bucket, ApiError> {
        self.buckets.get(name).ok_or_else(ApiError::no_such_bucket)
    }

    pub fn bucket_mut(&mut self, name: &str) -> Result<&mut Bucket, ApiError> {
        self.buckets
            .get_mut(name)
            .ok_or_else(ApiError::no_such_bucket)
    }

    /// A fresh version id.
    pub fn version_id(&mut self) -> String {
        let n = self.next_id();
        let now = crate::time::now_secs();
        use base64::Engine;
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(format!("{now}{n:010}"))
    }

    /// Stores a new version of `key` according to the bucket's versioning state,
    /// discarding the versions it replaces. Returns the new version id.
    pub fn put_version(
        &mut self,
        bucket: &str,
        key: &str,
        object: Option<ObjectRecord>,
    ) -> Result<String, ApiError> {
        let versioned = self.bucket(bucket)?.versioning_enabled();
        let id = if versioned {
            self.version_id()
        } else {
            "null".to_owned()
        };
        let b = self
            .buckets
            .get_mut(bucket)
            .ok_or_else(ApiError::no_such_bucket)?;
        let versions = match b.objects.get_mut(key) {
            Some(v) => v,
            None => b.objects.entry(key.to_owned()).or_default(),
        };
        if !versioned {
            // The "null" version (normally one) is replaced.
            versions.retain(|v| v.id != "null");
        }
        let last_modified = object
            .as_ref()
            .map_or_else(crate::time::now_secs, |o| o.last_modified);
        versions.push(Version {
            id: id.clone(),
            last_modified,
            object,
        });
        Ok(id)
    }
}

/// Where bodies go.
#[derive(Debug)]
enum Backend {
    Memory,
    Disk(disk::Dir),
}

/// The store: state, body backend, and persistence.
#[derive(Debug)]
pub(crate) struct Store {
    state: Arc<Mutex<State>>,
    backend: Backend,
    /// Orders transactions on disk (held until a transaction is saved and applied).
    save_lock: Arc<tokio::sync::Mutex<()>>,
    /// Skip MD5s that nobody asked for.
    pub bench_mode: bool,
}

impl Store {
    pub fn in_memory(bench_mode: bool) -> Self {
        Store {
            state: Arc::new(Mutex::new(State::default())),
            backend: Backend::Memory,
            save_lock: Arc::new(tokio::sync::Mutex::new(())),
            bench_mode,
        }
    }

    /// Opens (or creates) a data directory and loads its saved state.
    pub async fn open_dir(
        path: &Path,
        bench_mode: bool,
        faults: StorageFaults,
    ) -> Result<Self, EmulatorError> {
        let (dir, state) = disk::Dir::open(path, faults).await?;
        Ok(Store {
            state: Arc::new(Mutex::new(state)),
            backend: Backend::Disk(dir),
            save_lock: Arc::new(tokio::sync::Mutex::new(())),
            bench_mode,
        })
    }

    /// Locks the state for reading. Changes made through this guard are neither
    /// saved nor undone: make them with [`Store::update`].
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` as a transaction: if it fails, none of its changes remain; on disk,
    /// its changes are saved to the journal before they become visible, and a failed
    /// save (a full disk) also leaves the state as it was.
    pub async fn update<R>(
        &self,
        f: impl FnOnce(&mut State) -> Result<R, ApiError>,
    ) -> OpResult<R> {
        let dir = match &self.backend {
            Backend::Memory => {
                let mut st = self.lock();
                st.begin();
                return match f(&mut st) {
                    Ok(r) => {
                        st.commit();
                        Ok(r)
                    }
                    Err(e) => {
                        st.rollback();
                        Err(e.into())
                    }
                };
            }
            Backend::Disk(dir) => dir,
        };
        let order = self.save_lock.clone().lock_owned().await;
        let (r, changes, garbage) = {
            let mut st = self.lock();
            st.begin();
            let r = match f(&mut st) {
                Ok(r) => r,
                Err(e) => {
                    st.rollback();
                    return Err(e.into());
                }
            };
            // Hidden again until saved: what is visible is always what is on disk.
            let (changes, garbage) = journal::collect(&st);
            st.rollback();
            (r, changes, garbage)
        };
        if changes.is_empty() {
            return Ok(r);
        }
        dir.commit(changes, garbage, self.state.clone(), order)
            .await
            .map_err(Failure::from)?;
        Ok(r)
    }

    /// A writer for a new body (a temp file in on-disk mode).
    pub async fn writer(&self, md5: bool) -> OpResult<BlobWriter> {
        match &self.backend {
            Backend::Memory => Ok(BlobWriter::memory(md5)),
            Backend::Disk(dir) => Ok(BlobWriter::file(dir, md5).await?),
        }
    }

    /// Whether bodies are stored in files (see [`Store::forget`]).
    pub fn on_disk(&self) -> bool {
        matches!(self.backend, Backend::Disk(_))
    }

    /// Deletes the files of bodies that never became visible (kept when a failed save
    /// may still have reached the journal: the next start removes them if not).
    pub async fn forget(&self, segments: Vec<Segment>) {
        if let Backend::Disk(dir) = &self.backend
            && !dir.journal_uncertain()
        {
            let names = segments
                .into_iter()
                .filter_map(|s| match s.data {
                    SegmentData::File(name) => Some(name),
                    SegmentData::Memory(_) => None,
                })
                .collect();
            dir.blobs().delete(names).await;
        }
    }

    /// The body files, in on-disk mode (readers take leases on them, see [`read_range`]).
    pub fn blob_dir(&self) -> Option<&Blobs> {
        match &self.backend {
            Backend::Memory => None,
            Backend::Disk(dir) => Some(dir.blobs()),
        }
    }

    /// Copies whole segments for a new object (hard links on disk: files are immutable).
    pub async fn clone_segments(&self, segments: &[Segment]) -> OpResult<Vec<Segment>> {
        match &self.backend {
            Backend::Memory => Ok(segments.to_vec()),
            Backend::Disk(dir) => Ok(dir.link_segments(segments).await?),
        }
    }
}
