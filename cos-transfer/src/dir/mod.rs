//! Folder operations: `upload_dir`, `download_dir` and `delete_prefix`. Files are
//! transferred concurrently (each with the single-file engine), filtered by globs,
//! optionally skipped when unchanged (same size and CRC-64, as `coscli sync`), and
//! reported one by one: a failed file never stops the others.

mod delete;
mod download;
mod small;
mod upload;

use cos_core::{BucketName, ObjectKey};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::backend::Backend;
use crate::control::{FileStatus, Progress, ProgressFn};
use crate::download::DownloadOptions;
use crate::error::TransferError;
use crate::paths::Filter;
use crate::upload::UploadOptions;
use cos_core::ReadOptions;
use cos_crc64::Crc64;

pub(crate) use delete::delete_prefix;
pub use delete::{DELETE_BATCH, DeleteOptions, DeleteSummary};
pub(crate) use download::download_dir;
pub(crate) use upload::upload_dir;

/// How a folder upload or download runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DirOptions {
    /// Files transferred at once (default 4); each also runs its own parts concurrently
    /// (2 by default here), so at most 8 parts are in flight, as for one large file.
    pub file_concurrency: usize,
    /// Only relative paths matching one of these globs (default: all).
    pub include: Vec<String>,
    /// Relative paths matching one of these globs are left out.
    pub exclude: Vec<String>,
    /// Leave a file alone when the destination has the same size and CRC-64 (default
    /// false).
    pub skip_unchanged: bool,
    /// Options of each file's upload (its `checkpoint` is replaced, see `checkpoint_dir`).
    pub upload: UploadOptions,
    /// Options of each file's download (its `checkpoint` is replaced, see
    /// `checkpoint_dir`).
    pub download: DownloadOptions,
    /// Keep one checkpoint per file in this folder (named after the key's CRC-64), so
    /// that a rerun after a crash resumes every unfinished file (default: none; an upload
    /// then continues an unfinished upload of the same key only with
    /// [`UploadOptions::resume_existing`]).
    pub checkpoint_dir: Option<PathBuf>,
}

impl Default for DirOptions {
    fn default() -> Self {
        Self {
            file_concurrency: 4,
            include: Vec::new(),
            exclude: Vec::new(),
            skip_unchanged: false,
            upload: UploadOptions::default().concurrency(2),
            download: DownloadOptions::default().concurrency(2),
            checkpoint_dir: None,
        }
    }
}

impl DirOptions {
    /// Sets the number of files transferred at once.
    pub fn file_concurrency(mut self, n: usize) -> Self {
        self.file_concurrency = n;
        self
    }
    /// Adds an include glob.
    pub fn include(mut self, glob: impl Into<String>) -> Self {
        self.include.push(glob.into());
        self
    }
    /// Adds an exclude glob.
    pub fn exclude(mut self, glob: impl Into<String>) -> Self {
        self.exclude.push(glob.into());
        self
    }
    /// Sets whether unchanged files are skipped.
    pub fn skip_unchanged(mut self, yes: bool) -> Self {
        self.skip_unchanged = yes;
        self
    }
    /// Sets the options of each file's upload.
    pub fn upload(mut self, options: UploadOptions) -> Self {
        self.upload = options;
        self
    }
    /// Sets the options of each file's download.
    pub fn download(mut self, options: DownloadOptions) -> Self {
        self.download = options;
        self
    }
    /// Keeps per-file checkpoints in `dir` (created when needed).
    pub fn checkpoint_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.checkpoint_dir = Some(dir.into());
        self
    }

    /// The checkpoint of `key` for `kind` (`upload` / `download`), if checkpoints are kept.
    fn checkpoint_for(&self, kind: &str, bucket: &str, key: &str) -> Option<PathBuf> {
        let id = cos_crc64::checksum(format!("{bucket}/{key}").as_bytes());
        let dir = self.checkpoint_dir.as_ref()?;
        Some(dir.join(format!("{id:016x}.{kind}.cos-checkpoint")))
    }

    async fn prepare_checkpoint_dir(&self) -> Result<(), TransferError> {
        if let Some(dir) = &self.checkpoint_dir {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| TransferError::io(dir, e))?;
        }
        Ok(())
    }

    fn filter(&self) -> Result<Filter, TransferError> {
        if self.file_concurrency == 0 {
            return Err(TransferError::InvalidOption(
                "file concurrency must be at least 1".into(),
            ));
        }
        Filter::new(&self.include, &self.exclude).map_err(TransferError::InvalidOption)
    }
}

/// What happened to one file of a folder operation.
#[derive(Debug)]
#[non_exhaustive]
pub struct FileReport {
    /// The object key.
    pub key: String,
    /// The local file (`None` for a refused key or a deletion).
    pub path: Option<PathBuf>,
    /// Its size.
    pub size: u64,
    /// What happened.
    pub status: FileStatus,
    /// Why it failed or was refused.
    pub error: Option<TransferError>,
}

/// The outcome of a folder operation: every file's report, and totals.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct DirSummary {
    /// One report per file, in key order.
    pub files: Vec<FileReport>,
    /// Files transferred.
    pub done: usize,
    /// Files skipped because they were unchanged.
    pub unchanged: usize,
    /// Keys refused (see [`TransferError::UnsafeKey`]).
    pub refused: usize,
    /// Files that failed.
    pub failed: usize,
    /// Bytes transferred.
    pub bytes: u64,
}

impl DirSummary {
    fn from_reports(mut files: Vec<FileReport>) -> Self {
        files.sort_by(|a, b| a.key.cmp(&b.key));
        let mut s = DirSummary::default();
        for f in &files {
            match f.status {
                FileStatus::Done => {
                    s.done += 1;
                    s.bytes += f.size;
                }
                FileStatus::Unchanged => s.unchanged += 1,
                FileStatus::Refused => s.refused += 1,
                FileStatus::Failed => s.failed += 1,
            }
        }
        s.files = files;
        s
    }

    /// Whether every file was transferred or unchanged.
    pub fn is_success(&self) -> bool {
        self.failed == 0 && self.refused == 0
    }

    /// The reports of failed or refused files.
    pub fn problems(&self) -> impl Iterator<Item = &FileReport> {
        self.files
            .iter()
            .filter(|f| matches!(f.status, FileStatus::Failed | FileStatus::Refused))
    }
}

/// What every file of one folder operation shares.
struct DirRun<'a, B> {
    backend: &'a B,
    bucket: &'a BucketName,
    options: &'a DirOptions,
    dp: &'a DirProgress,
    cancel: &'a crate::control::CancelHandle,
}

/// Progress of a folder operation: per-file events and bytes summed over all files.
#[derive(Clone)]
struct DirProgress {
    sink: Option<ProgressFn>,
    done: Arc<AtomicU64>,
    total: Arc<AtomicU64>,
}

impl DirProgress {
    fn new(sink: Option<ProgressFn>, total: u64) -> Self {
        Self {
            sink,
            done: Arc::new(AtomicU64::new(0)),
            total: Arc::new(AtomicU64::new(total)),
        }
    }

    /// Adds a file of `bytes` to the total (a folder download learns its files while
    /// listing).
    fn grow(&self, bytes: u64) {
        self.total.fetch_add(bytes, Ordering::SeqCst);
    }

    fn emit(&self, p: Progress) {
        if let Some(s) = &self.sink {
            s(p);
        }
    }

    fn add(&self, bytes: u64) {
        let done = self.done.fetch_add(bytes, Ordering::SeqCst) + bytes;
        self.emit(Progress::Bytes {
            done,
            total: self.total.load(Ordering::SeqCst),
        });
    }

    /// A callback for one file's transfer that turns its byte counts into increments
    /// of the folder's total.
    fn for_file(&self) -> Option<ProgressFn> {
        self.sink.as_ref()?;
        let this = self.clone();
        let seen = AtomicU64::new(0);
        Some(Arc::new(move |p| {
            if let Progress::Bytes { done, .. } = p {
                let before = seen.swap(done, Ordering::SeqCst);
                this.add(done.saturating_sub(before));
            }
        }))
    }

    /// The report of a file transferred with `result`, announced.
    fn file_done(
        &self,
        key: String,
        path: PathBuf,
        size: u64,
        result: Result<FileStatus, TransferError>,
    ) -> FileReport {
        let (status, error) = match result {
            Ok(s) => (s, None),
            Err(e) => (FileStatus::Failed, Some(e)),
        };
        let report = FileReport {
            key,
            path: Some(path),
            size,
            status,
            error,
        };
        self.finished(&report);
        report
    }

    fn finished(&self, report: &FileReport) {
        self.emit(Progress::FileFinished {
            key: report.key.clone(),
            status: report.status,
        });
    }
}

/// CRC-64 of a local file, read in 1 MiB chunks on the blocking pool.
async fn file_crc64(path: &Path) -> Result<u64, TransferError> {
    let owned = path.to_owned();
    let r = tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
        use std::io::Read;
        let mut f = std::fs::File::open(&owned)?;
        let mut buf = vec![0u8; 1024 * 1024];
        let mut crc = Crc64::new();
        loop {
            match f.read(&mut buf)? {
                0 => return Ok(crc.value()),
                n => crc.update(&buf[..n]),
            }
        }
    })
    .await
    .map_err(|e| TransferError::io(path, std::io::Error::other(e)))?;
    r.map_err(|e| TransferError::io(path, e))
}

/// Whether the remote object has `size` bytes and the local file's CRC-64. HEAD errors
/// (typically: no such object) count as "changed".
async fn unchanged<B: Backend>(
    backend: &B,
    bucket: &BucketName,
    key: &ObjectKey,
    path: &Path,
    size: u64,
) -> Result<bool, TransferError> {
    // Read back with the key the object would be written with (SSE-C).
    let mut read = ReadOptions::default();
    read.sse_customer_key = backend.write_customer_key().cloned();
    let Ok(info) = backend.head(bucket, key, &read).await else {
        return Ok(false);
    };
    match info.crc64 {
        Some(remote) if info.size == Some(size) => Ok(file_crc64(path).await? == remote),
        _ => Ok(false),
    }
}
