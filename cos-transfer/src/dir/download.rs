//! `download_dir`: list a prefix and download its objects concurrently below a folder
//! while the listing goes on, refusing keys that would land outside it.

use std::path::{Path, PathBuf};

use futures_util::{Stream, StreamExt};

use super::{DirOptions, DirProgress, DirSummary, FileReport, unchanged};
use crate::backend::{Backend, BucketBackend, ListedObject};
use crate::control::{CancelHandle, FileStatus, Progress, ProgressFn};
use crate::download::{DownloadOptions, download_file};
use crate::error::TransferError;
use crate::paths::{Filter, local_relative_path, relative_key};

/// The objects under `prefix`, page by page as the listing proceeds; a failed page
/// ends the stream with its error.
fn listing<'a, B: BucketBackend>(
    backend: &'a B,
    bucket: &'a str,
    prefix: &'a str,
) -> impl Stream<Item = Result<Vec<ListedObject>, TransferError>> + Send + 'a {
    // State: the marker to continue from, or `None` once the last page was read.
    futures_util::stream::unfold(Some(None::<String>), move |state| async move {
        let marker = state?;
        let page = backend
            .list_objects(bucket, prefix, marker.as_deref())
            .await
            .map_err(|e| TransferError::remote("ListObjects", e));
        let next = match &page {
            Ok(p) => match &p.next {
                Some(m) if Some(m) != marker.as_ref() => Some(Some(m.clone())),
                _ => None,
            },
            Err(_) => None,
        };
        Some((page.map(|p| p.items), next))
    })
}

/// What to do with a listed object: nothing (a folder marker, or filtered out), download
/// it below `root`, or refuse it.
fn classify(o: ListedObject, prefix: &str, filter: &Filter, root: &Path) -> Option<Job> {
    if o.key.ends_with('/') {
        return None;
    }
    let rel = relative_key(prefix, &o.key)?;
    if !filter.accepts(rel) {
        return None;
    }
    let local = local_relative_path(rel);
    Some(match local {
        Ok(p) => Job::Download(root.join(p), o),
        Err(reason) => Job::Refuse(FileReport {
            key: o.key.clone(),
            path: None,
            size: o.size,
            status: FileStatus::Refused,
            error: Some(TransferError::UnsafeKey { key: o.key, reason }),
        }),
    })
}

/// What to do with one listed object.
enum Job {
    /// Download it to this path.
    Download(PathBuf, ListedObject),
    /// Refuse it (the key would land outside the destination).
    Refuse(FileReport),
}

/// Downloads every object under `prefix` in `bucket` into `local_dir` (the key after the
/// prefix is the relative path), several files at once. Keys ending in `/` (folder
/// markers) are skipped. Downloads start with the first page of the listing, which goes
/// on meanwhile; the byte total of [`Progress::Bytes`] grows as files are scheduled.
///
/// Keys that would land outside `local_dir` (`..`, absolute paths, drive letters,
/// backslashes, …; see [`paths`](crate::paths)) are refused without any request and
/// reported with [`TransferError::UnsafeKey`]. Every file gets a [`FileReport`]; a failed
/// file does not stop the others. Each file is written atomically (temporary file,
/// CRC-64 check, rename).
///
/// Errors: [`TransferError::Remote`] when listing fails (after the files already
/// scheduled have finished), [`TransferError::Io`] when
/// `local_dir` cannot be created, [`TransferError::InvalidOption`] for a bad glob or a
/// zero concurrency; everything else is reported per file.
///
/// ```no_run
/// # async fn run(client: cos_core::Client) -> Result<(), cos_transfer::TransferError> {
/// use cos_transfer::{CancelHandle, CosBackend, DirOptions, download_dir};
/// let backend = CosBackend::new(client);
/// let summary = download_dir(&backend, "examplebucket-1250000000", "backup/site/",
///                            "restore".as_ref(), &DirOptions::default(), None,
///                            &CancelHandle::new()).await?;
/// for problem in summary.problems() {
///     eprintln!("{}: {:?}", problem.key, problem.error);
/// }
/// # Ok(()) }
/// ```
pub async fn download_dir<B: BucketBackend>(
    backend: &B,
    bucket: &str,
    prefix: &str,
    local_dir: &Path,
    options: &DirOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<DirSummary, TransferError> {
    let filter = options.filter()?;
    options.prepare_checkpoint_dir().await?;
    tokio::fs::create_dir_all(local_dir)
        .await
        .map_err(|e| TransferError::io(local_dir, e))?;
    let root = tokio::fs::canonicalize(local_dir)
        .await
        .map_err(|e| TransferError::io(local_dir, e))?;
    // Downloads start while the listing goes on: a prefix of millions of keys neither
    // waits for its last page nor is held in memory. The byte total grows as files are
    // scheduled.
    let listing_error = std::sync::Mutex::new(None);
    let objects = listing(backend, bucket, prefix)
        .scan((), |(), page| {
            futures_util::future::ready(match page {
                Ok(items) => Some(futures_util::stream::iter(items)),
                Err(e) => {
                    *listing_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    None
                }
            })
        })
        .flatten();
    let jobs =
        objects.filter_map(|o| futures_util::future::ready(classify(o, prefix, &filter, &root)));
    let dp = DirProgress::new(progress, 0);
    let (download, dp_ref, root) = (&options.download, &dp, &root);
    let results = jobs
        .map(|job| async move {
            let (path, o) = match job {
                Job::Refuse(report) => {
                    dp_ref.finished(&report);
                    return report;
                }
                Job::Download(path, o) => (path, o),
            };
            dp_ref.grow(o.size);
            let result = download_one(
                backend, bucket, &o.key, &path, o.size, root, options, download, dp_ref, cancel,
            )
            .await;
            dp_ref.file_done(o.key, path, o.size, result)
        })
        .buffer_unordered(options.file_concurrency);
    let mut results = std::pin::pin!(results);
    let mut reports = Vec::new();
    while let Some(r) = results.next().await {
        reports.push(r);
    }
    let failed = listing_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(DirSummary::from_reports(reports))
}

#[allow(clippy::too_many_arguments)]
async fn download_one<B: Backend>(
    backend: &B,
    bucket: &str,
    key: &str,
    path: &Path,
    size: u64,
    root: &Path,
    options: &DirOptions,
    download: &DownloadOptions,
    dp: &DirProgress,
    cancel: &CancelHandle,
) -> Result<FileStatus, TransferError> {
    if cancel.is_cancelled() {
        return Err(TransferError::Cancelled);
    }
    dp.emit(Progress::FileStarted {
        key: key.to_owned(),
        size,
    });
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| TransferError::io(parent, e))?;
        // A symlinked folder inside the destination must not lead outside it.
        let real = tokio::fs::canonicalize(parent)
            .await
            .map_err(|e| TransferError::io(parent, e))?;
        if !real.starts_with(root) {
            return Err(TransferError::io(
                parent,
                std::io::Error::other("folder leads outside the destination (symlink)"),
            ));
        }
    }
    let local_size = tokio::fs::symlink_metadata(path)
        .await
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if options.skip_unchanged
        && local_size == Some(size)
        && unchanged(backend, bucket, key, path, size).await?
    {
        dp.add(size);
        return Ok(FileStatus::Unchanged);
    }
    let mut download = download.clone();
    download.checkpoint = options.checkpoint_for("download", bucket, key);
    download_file(backend, bucket, key, path, &download, dp.for_file(), cancel).await?;
    Ok(FileStatus::Done)
}
