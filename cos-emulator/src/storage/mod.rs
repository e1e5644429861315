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
mod buckets;
mod disk;
mod journal;
mod lease;
mod model;
mod pool;
mod retention;
mod state;
mod tracked;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) use blob::{BlobWriter, Digests, read_range};
pub(crate) use cos_auth::encode::{hex, push_hex};
pub use disk::StorageFaults;
pub(crate) use lease::Blobs;
pub(crate) use model::{
    Acl, Bucket, ObjectRecord, PartRecord, Segment, SegmentData, Upload, Version,
};
pub(crate) use retention::{OBJECT_LOCK_CONFIG, retained_at};
pub(crate) use state::State;

use crate::errors::EmulatorError;
use crate::errors::{ApiError, Failure, OpResult};

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
