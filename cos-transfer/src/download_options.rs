//! The settings of a download (`download_file`, `Transfers::download_file`).

use std::path::PathBuf;
use std::time::Duration;

use cos_core::ReadOptions;

/// How a download runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DownloadOptions {
    /// Objects up to this size use one GET (default 20 MiB).
    pub single_threshold: u64,
    /// Range size for larger objects (default 16 MiB, at least 1 MiB). Memory does not
    /// grow with it: each range is written in 1 MiB chunks.
    pub part_size: u64,
    /// Ranges in flight at once (default 8; measured with `cargo xtask bench transfer`).
    pub concurrency: usize,
    /// Where to keep the checkpoint; `None` makes the download non-resumable (its
    /// temporary file is removed on failure).
    pub checkpoint: Option<PathBuf>,
    /// How many times one range's broken stream is resumed (default 5).
    pub max_stream_resumes: u32,
    /// Minimum time between checkpoint writes (default 1 s).
    pub checkpoint_interval: Duration,
    /// The version to read, conditions, and `response-*` overrides (default: the
    /// current version, unconditionally).
    pub get: ReadOptions,
    /// Read the finished temporary file back and compare its CRC-64 with the bytes
    /// received before renaming it into place (default true). It catches anything that
    /// changed the file behind the download's back; it costs one more pass over the
    /// data (about 15 % of a loopback download's speed, `cargo xtask bench transfer`).
    /// Small objects of a folder download (see
    /// [`DirOptions`](crate::DirOptions)) are never read back: their bytes are checked
    /// in memory and written in one call from that same buffer.
    /// With `false`, the exclusively created, unpredictably named temporary file and the
    /// CRC-64 of the bytes received are the checks, and the ranges a resumed download
    /// finds done in its temporary file are trusted as they are.
    pub verify_on_disk: bool,
    /// Flush the finished file to stable storage (`fsync`) before renaming it into place
    /// (default false). Without it the data is in the operating system's cache when the
    /// download returns and reaches the disk shortly after, as with `cp`, the Python SDK
    /// and coscmd, none of which sync: a sync per file costs a disk flush each, which
    /// dominates a folder of small files. A resumable download (with a checkpoint) always
    /// syncs, before each checkpoint write and at the end, so that a checkpoint never
    /// claims bytes the disk does not hold.
    pub fsync: bool,
    /// A body transform applied to every received range before it is written (default
    /// none; see [`DownloadOptions::transform`]).
    pub transform: crate::transform::Transform,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self {
            single_threshold: 20 * 1024 * 1024,
            part_size: 16 * 1024 * 1024,
            concurrency: 8,
            checkpoint: None,
            max_stream_resumes: 5,
            checkpoint_interval: Duration::from_secs(1),
            get: ReadOptions::default(),
            verify_on_disk: true,
            fsync: false,
            transform: Default::default(),
        }
    }
}

impl DownloadOptions {
    /// Sets the single-GET threshold.
    pub fn single_threshold(mut self, bytes: u64) -> Self {
        self.single_threshold = bytes;
        self
    }
    /// Sets the range size.
    pub fn part_size(mut self, bytes: u64) -> Self {
        self.part_size = bytes;
        self
    }
    /// Sets the number of ranges in flight.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }
    /// Keeps a checkpoint at `path`, making the download resumable.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.checkpoint = Some(path.into());
        self
    }
    /// Sets the minimum time between checkpoint writes.
    pub fn checkpoint_interval(mut self, interval: Duration) -> Self {
        self.checkpoint_interval = interval;
        self
    }
    /// Sets the version, conditions and `response-*` overrides.
    pub fn get(mut self, get: ReadOptions) -> Self {
        self.get = get;
        self
    }
    /// Transforms every received range (by its object offset) before it is written
    /// (see [`BodyTransform`](crate::BodyTransform)).
    pub fn transform(mut self, transform: std::sync::Arc<dyn crate::BodyTransform>) -> Self {
        self.transform = crate::transform::Transform::new(transform);
        self
    }
    /// Sets whether the finished file is synced to stable storage before the rename.
    pub fn fsync(mut self, yes: bool) -> Self {
        self.fsync = yes;
        self
    }
    /// Sets whether the finished file is read back and checked before the rename.
    pub fn verify_on_disk(mut self, yes: bool) -> Self {
        self.verify_on_disk = yes;
        self
    }
}
