//! The on-disk layout: `meta.json` (the whole state), `blobs/` (immutable body
//! files), `tmp/` (bodies being received; cleared on start).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Segment, SegmentData, State};
use crate::EmulatorError;

/// The data directory.
#[derive(Debug)]
pub(crate) struct Dir {
    root: PathBuf,
    blobs: PathBuf,
    tmp: PathBuf,
    next: AtomicU64,
    boot: u64,
}

impl Dir {
    /// Creates the layout if needed, clears `tmp/`, loads `meta.json`, and deletes
    /// body files no saved object refers to (left by a crash before a save).
    pub async fn open(root: &Path) -> Result<(Dir, State), EmulatorError> {
        let root = root.to_path_buf();
        let err = |message: String| EmulatorError::DataDir {
            path: root.clone(),
            message,
        };
        let r = root.clone();
        tokio::task::spawn_blocking(move || Self::open_blocking(&r))
            .await
            .map_err(|e| err(e.to_string()))?
            .map_err(err)
    }

    fn open_blocking(root: &Path) -> Result<(Dir, State), String> {
        let blobs = root.join("blobs");
        let tmp = root.join("tmp");
        for d in [root, &blobs, &tmp] {
            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        for entry in std::fs::read_dir(&tmp)
            .map_err(|e| e.to_string())?
            .flatten()
        {
            let _ = std::fs::remove_file(entry.path());
        }
        let meta = root.join("meta.json");
        let state: State = match std::fs::read(&meta) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", meta.display()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::default(),
            Err(e) => return Err(format!("{}: {e}", meta.display())),
        };
        let mut live = HashSet::new();
        let mut note = |segs: &[Segment]| {
            for s in segs {
                if let SegmentData::File(n) = &s.data {
                    live.insert(n.clone());
                }
            }
        };
        for b in state.buckets.values() {
            for versions in b.objects.values() {
                for v in versions {
                    if let Some(o) = &v.object {
                        note(&o.segments);
                    }
                }
            }
            for u in b.uploads.values() {
                for p in u.parts.values() {
                    note(&p.segments);
                }
            }
        }
        for entry in std::fs::read_dir(&blobs)
            .map_err(|e| e.to_string())?
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !live.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let boot = crate::time::now_secs();
        Ok((
            Dir {
                root: root.to_path_buf(),
                blobs,
                tmp,
                next: AtomicU64::new(0),
                boot,
            },
            state,
        ))
    }

    pub fn blobs(&self) -> &Path {
        &self.blobs
    }

    pub fn tmp_path(&self, name: &str) -> PathBuf {
        self.tmp.join(name)
    }

    /// A file name never used before in this directory.
    pub fn fresh_name(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{:x}-{}-{n:x}", self.boot, std::process::id())
    }

    /// Writes `meta.json` atomically and durably, then deletes `garbage` files.
    pub async fn save(&self, json: Vec<u8>, garbage: Vec<String>) -> std::io::Result<()> {
        let root = self.root.clone();
        let blobs = self.blobs.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            use std::io::Write;
            let tmp = root.join("meta.json.tmp");
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&json)?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&tmp, root.join("meta.json"))?;
            for d in [&root, &blobs] {
                std::fs::File::open(d)?.sync_all()?;
            }
            for name in garbage {
                let _ = std::fs::remove_file(blobs.join(name));
            }
            Ok(())
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// New names (hard links) for the files of `segments`.
    pub async fn link_segments(&self, segments: &[Segment]) -> std::io::Result<Vec<Segment>> {
        let mut out = Vec::with_capacity(segments.len());
        for s in segments {
            let data = match &s.data {
                SegmentData::File(name) => {
                    let new = self.fresh_name();
                    tokio::fs::hard_link(self.blobs.join(name), self.blobs.join(&new)).await?;
                    SegmentData::File(new)
                }
                SegmentData::Memory(b) => SegmentData::Memory(b.clone()),
            };
            out.push(Segment { len: s.len, data });
        }
        Ok(out)
    }
}
