//! The on-disk layout of a data directory:
//!
//! - `cos-emulator-data`: the marker identifying an emulator data directory (a
//!   non-empty directory without it is refused, so that an unrelated directory is
//!   never written to); it is also locked while an emulator uses the directory.
//! - `meta.json`: a snapshot of the whole state and the sequence number of the last
//!   journal record it contains (format of earlier versions, which had no journal,
//!   loads as is).
//! - `journal`: the transactions since the snapshot (see [`super::journal`]); when it
//!   outgrows the snapshot, a new snapshot is written and the journal emptied.
//! - `blobs/`: immutable body files; `tmp/`: bodies being received (cleared on start).
//!
//! Durability (fsync policy): a body file is fsynced before it is renamed into
//! `blobs/`; before each journal record is written, `blobs/` itself is fsynced (so the
//! names the record refers to exist), and the record is fsynced before the answer is
//! sent. A snapshot is fsynced and renamed (then the directory fsynced) before the
//! journal is emptied. So every acknowledged change survives a crash or power loss,
//! and a killed emulator leaves at most a torn last record, ignored when loading.

use std::collections::HashSet;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::buckets::Buckets;
use super::journal::{self, Change};
use super::lease::Blobs;
use super::model::{Segment, SegmentData};
use super::state::State;
use crate::errors::EmulatorError;

const MARKER: &str = "cos-emulator-data";
const MARKER_TEXT: &str = "cos-emulator data directory, format 2\n";
const SNAPSHOT: &str = "meta.json";
const JOURNAL: &str = "journal";
/// The journal is compacted when larger than the snapshot and this.
const MIN_COMPACT: u64 = 1 << 20;

/// Makes the data directory's writes fail, as on a full disk (tests only).
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct StorageFaults(Arc<AtomicBool>);

impl StorageFaults {
    /// While on, every journal write stores half its record and then fails with
    /// `StorageFull`.
    pub fn set_full(&self, on: bool) {
        self.0.store(on, Ordering::SeqCst);
    }

    fn full(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The snapshot file's contents.
#[derive(Serialize)]
struct SnapshotOut<'a> {
    seq: u64,
    counter: u64,
    buckets: &'a Buckets,
}

#[derive(Deserialize)]
struct SnapshotIn {
    /// Absent in data directories of earlier versions (no journal).
    #[serde(default)]
    seq: u64,
    #[serde(default)]
    counter: u64,
    #[serde(default)]
    buckets: Buckets,
}

/// The snapshot of `state`, which contains the journal up to record `seq`.
pub(crate) fn snapshot_json(state: &State, seq: u64) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&SnapshotOut {
        seq,
        counter: state.counter,
        buckets: &state.buckets,
    })
}

/// The open journal file, and what saving a transaction needs.
#[derive(Debug)]
struct Journal {
    file: File,
    /// Length of the valid records.
    len: u64,
    /// Sequence number of the last record.
    seq: u64,
    /// A failed write may have left bytes after `len` that could not be removed.
    uncertain: bool,
    /// Size of the last snapshot.
    snapshot_len: u64,
    /// The journal is compacted when larger than the snapshot and this.
    compact_min: u64,
    root: PathBuf,
    tmp: PathBuf,
    blobs: Blobs,
    faults: StorageFaults,
}

impl Journal {
    /// Appends a record durably; on failure removes whatever part of it was written.
    fn append(&mut self, record: &[u8]) -> std::io::Result<()> {
        if self.uncertain {
            self.truncate()?;
        }
        let r = (|| {
            sync_dir(self.blobs.path())?;
            self.file.seek(SeekFrom::Start(self.len))?;
            if self.faults.full() {
                self.file.write_all(&record[..record.len() / 2])?;
                return Err(std::io::ErrorKind::StorageFull.into());
            }
            self.file.write_all(record)?;
            self.file.sync_data()
        })();
        match r {
            Ok(()) => {
                self.len += record.len() as u64;
                self.seq += 1;
                Ok(())
            }
            Err(e) => {
                self.uncertain = true;
                let _ = self.truncate();
                Err(e)
            }
        }
    }

    fn truncate(&mut self) -> std::io::Result<()> {
        self.file.set_len(self.len)?;
        self.file.sync_all()?;
        self.uncertain = false;
        Ok(())
    }

    /// If the journal has outgrown the snapshot, replaces the snapshot with the
    /// state (which contains every record) and empties the journal. A failure is
    /// logged: the journal stays valid.
    fn compact_if_due(&mut self, state: &Mutex<State>) {
        if self.len <= self.snapshot_len.max(self.compact_min) {
            return;
        }
        let json = {
            let st = state.lock().unwrap_or_else(|e| e.into_inner());
            snapshot_json(&st, self.seq)
        };
        let r = json.map_err(std::io::Error::other).and_then(|json| {
            write_snapshot(&self.root, &self.tmp, &json)?;
            // Until emptied, the old records must not be appended to.
            self.len = 0;
            self.uncertain = true;
            self.truncate()?;
            self.snapshot_len = json.len() as u64;
            Ok(())
        });
        if let Err(e) = r {
            tracing::warn!("cannot compact the journal: {e}");
        }
    }
}

/// The data directory.
#[derive(Debug)]
pub(crate) struct Dir {
    blobs: Blobs,
    tmp: PathBuf,
    journal: Arc<Mutex<Journal>>,
    next: AtomicU64,
    boot: u64,
    /// Holds the lock on the marker file.
    _marker: File,
}

impl Dir {
    /// Checks the directory (creating it if needed), locks it, clears `tmp/`, loads
    /// the snapshot and the journal, deletes body files no saved object refers to
    /// (left by a crash before a save), and writes a fresh snapshot.
    pub async fn open(root: &Path, faults: StorageFaults) -> Result<(Dir, State), EmulatorError> {
        let root = root.to_path_buf();
        let err = |message: String| EmulatorError::DataDir {
            path: root.clone(),
            message,
        };
        let r = root.clone();
        tokio::task::spawn_blocking(move || Self::open_blocking(&r, faults))
            .await
            .map_err(|e| err(e.to_string()))?
            .map_err(err)
    }

    fn open_blocking(root: &Path, faults: StorageFaults) -> Result<(Dir, State), String> {
        let io = |what: &Path| {
            let what = what.display().to_string();
            move |e: std::io::Error| format!("{what}: {e}")
        };
        let marker = claim(root)?;
        let blobs = root.join("blobs");
        let tmp = root.join("tmp");
        for d in [&blobs, &tmp] {
            std::fs::create_dir_all(d).map_err(io(d))?;
        }
        for entry in std::fs::read_dir(&tmp).map_err(io(&tmp))?.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let (state, seq) = load(root)?;
        let live = check_blob_names(&state)?;
        for entry in std::fs::read_dir(&blobs).map_err(io(&blobs))?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if valid_blob_name(&name) && !live.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        // A fresh snapshot: migrates an old `meta.json`, drops a torn journal tail.
        let json = snapshot_json(&state, seq).map_err(|e| e.to_string())?;
        write_snapshot(root, &tmp, &json).map_err(io(&root.join(SNAPSHOT)))?;
        let path = root.join(JOURNAL);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io(&path))?;
        let blobs = Blobs::new(blobs);
        let mut journal = Journal {
            file,
            len: 0,
            seq,
            uncertain: false,
            snapshot_len: json.len() as u64,
            compact_min: MIN_COMPACT,
            root: root.to_path_buf(),
            tmp: tmp.clone(),
            blobs: blobs.clone(),
            faults,
        };
        journal.truncate().map_err(io(&path))?;
        sync_dir(root).map_err(io(root))?;
        // Only makes fresh file names unique across starts (never stamped on state):
        // the real clock, not the emulator's.
        let boot = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let dir = Dir {
            blobs,
            tmp,
            journal: Arc::new(Mutex::new(journal)),
            next: AtomicU64::new(0),
            boot,
            _marker: marker,
        };
        Ok((dir, state))
    }

    pub fn blobs(&self) -> &Blobs {
        &self.blobs
    }

    pub fn tmp_path(&self, name: &str) -> PathBuf {
        self.tmp.join(name)
    }

    /// A file name never used before in this directory (see [`valid_blob_name`]).
    pub fn fresh_name(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{:x}-{}-{n:x}", self.boot, std::process::id())
    }

    fn journal(&self) -> std::sync::MutexGuard<'_, Journal> {
        self.journal.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a failed save may have left its record in the journal.
    pub fn journal_uncertain(&self) -> bool {
        self.journal().uncertain
    }

    /// Saves a transaction durably and then applies it to `state`, deletes the body
    /// files it stopped referencing, and compacts the journal if due.
    ///
    /// This runs to the end even if the caller goes away (a cancelled request), and
    /// holds `order` (the order of transactions) until then: the state never lags
    /// the journal, and no transaction is computed from a state missing a saved one.
    pub(super) async fn commit(
        &self,
        changes: Vec<Change>,
        garbage: Vec<String>,
        state: Arc<Mutex<State>>,
        order: tokio::sync::OwnedMutexGuard<()>,
    ) -> std::io::Result<()> {
        let j = self.journal.clone();
        tokio::task::spawn_blocking(move || {
            let _order = order;
            let mut j = j.lock().unwrap_or_else(|e| e.into_inner());
            let record = journal::encode(j.seq + 1, &changes).map_err(std::io::Error::other)?;
            j.append(&record)?;
            {
                let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                journal::apply(&mut st, changes).map_err(std::io::Error::other)?;
                st.commit();
            }
            j.blobs.delete_now(garbage);
            j.compact_if_due(&state);
            Ok(())
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// New names (hard links) for the files of `segments`.
    pub async fn link_segments(&self, segments: &[Segment]) -> std::io::Result<Vec<Segment>> {
        let blobs = self.blobs.path();
        let mut out = Vec::with_capacity(segments.len());
        for s in segments {
            let data = match &s.data {
                SegmentData::File(name) => {
                    let new = self.fresh_name();
                    tokio::fs::hard_link(blobs.join(name), blobs.join(&new)).await?;
                    SegmentData::File(new)
                }
                SegmentData::Memory(b) => SegmentData::Memory(b.clone()),
            };
            out.push(Segment { len: s.len, data });
        }
        Ok(out)
    }
}

/// Whether `name` has the shape of the names [`Dir::fresh_name`] makes:
/// `<hex>-<decimal>-<hex>`.
pub(crate) fn valid_blob_name(name: &str) -> bool {
    let mut parts = name.split('-');
    let ok = |p: Option<&str>, digit: fn(&u8) -> bool| {
        p.is_some_and(|p| !p.is_empty() && p.len() <= 20 && p.as_bytes().iter().all(digit))
    };
    ok(parts.next(), u8::is_ascii_hexdigit)
        && ok(parts.next(), u8::is_ascii_digit)
        && ok(parts.next(), u8::is_ascii_hexdigit)
        && parts.next().is_none()
}

/// Makes sure `root` is an emulator data directory (creating or adopting it), and
/// locks it.
fn claim(root: &Path) -> Result<File, String> {
    let marker = root.join(MARKER);
    std::fs::create_dir_all(root).map_err(|e| format!("cannot create it: {e}"))?;
    if !marker.exists() {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(root).map_err(|e| e.to_string())? {
            let entry = entry.map_err(|e| e.to_string())?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        // Data directories of earlier versions had no marker.
        let known = ["meta.json", "meta.json.tmp", "blobs", "tmp"];
        let legacy = names.iter().any(|n| n == SNAPSHOT)
            && names.iter().all(|n| known.contains(&n.as_str()));
        if !names.is_empty() && !legacy {
            return Err(format!(
                "not an emulator data directory (no {MARKER} file) and not empty: refusing to use it"
            ));
        }
        if legacy {
            let _ = std::fs::remove_file(root.join("meta.json.tmp"));
        }
        let mut f = File::create_new(&marker).map_err(|e| format!("{}: {e}", marker.display()))?;
        f.write_all(MARKER_TEXT.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| format!("{}: {e}", marker.display()))?;
    }
    let text =
        std::fs::read_to_string(&marker).map_err(|e| format!("{}: {e}", marker.display()))?;
    if text != MARKER_TEXT {
        return Err(format!(
            "{}: unknown data directory format",
            marker.display()
        ));
    }
    let f = File::open(&marker).map_err(|e| format!("{}: {e}", marker.display()))?;
    f.try_lock()
        .map_err(|e| format!("in use by another emulator ({e})"))?;
    Ok(f)
}

/// Loads the snapshot and replays the journal: the state and its last sequence number.
fn load(root: &Path) -> Result<(State, u64), String> {
    let meta = root.join(SNAPSHOT);
    let snap = match std::fs::read(&meta) {
        Ok(bytes) => parse_snapshot(&bytes).map_err(|e| format!("{}: {e}", meta.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => SnapshotIn {
            seq: 0,
            counter: 0,
            buckets: Buckets::default(),
        },
        Err(e) => return Err(format!("{}: {e}", meta.display())),
    };
    let mut state = State {
        buckets: snap.buckets,
        counter: snap.counter,
        saved_counter: snap.counter,
    };
    let path = root.join(JOURNAL);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let replayed = journal::replay(&bytes, snap.seq, &mut state)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((state, replayed.last_seq))
}

fn parse_snapshot(bytes: &[u8]) -> serde_json::Result<SnapshotIn> {
    serde_json::from_slice(bytes)
}

/// Checks that every body file name is one the emulator makes and is used once;
/// returns them.
pub(super) fn check_blob_names(state: &State) -> Result<HashSet<String>, String> {
    let mut files = journal::Files::default();
    let mut count = 0usize;
    for b in state.buckets.values() {
        files.bucket(b);
        for v in b.objects.values().flatten() {
            count += v
                .object
                .iter()
                .flat_map(|o| &o.segments)
                .filter(|s| is_file(s))
                .count();
        }
        for u in b.uploads.values() {
            count += u
                .parts
                .values()
                .flat_map(|p| &p.segments)
                .filter(|s| is_file(s))
                .count();
        }
    }
    if let Some(bad) = files.0.iter().find(|n| !valid_blob_name(n)) {
        return Err(format!("invalid body file name {bad:?}: refusing to load"));
    }
    if files.0.len() != count {
        return Err("a body file is referenced twice: refusing to load".to_owned());
    }
    Ok(files.0)
}

fn is_file(s: &Segment) -> bool {
    matches!(s.data, SegmentData::File(_))
}

/// Writes `meta.json` atomically and durably (through a new file in `tmp/`).
fn write_snapshot(root: &Path, tmp: &Path, json: &[u8]) -> std::io::Result<()> {
    let mut n = 0u32;
    let (path, mut f) = loop {
        let p = tmp.join(format!("snapshot-{}-{n}", std::process::id()));
        match File::create_new(&p) {
            Ok(f) => break (p, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let r = f
        .write_all(json)
        .and_then(|()| f.sync_all())
        .and_then(|()| std::fs::rename(&path, root.join(SNAPSHOT)))
        .and_then(|()| sync_dir(root));
    if r.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    r
}

fn sync_dir(d: &Path) -> std::io::Result<()> {
    File::open(d)?.sync_all()
}

#[cfg(test)]
#[path = "disk_tests.rs"]
mod tests;
