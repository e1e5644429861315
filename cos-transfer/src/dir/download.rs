//! `download_dir`: list a prefix, download the objects concurrently below a folder,
//! refusing keys that would land outside it.

use std::path::Path;

use futures_util::StreamExt;

use super::{DirOptions, DirProgress, DirSummary, FileReport, unchanged};
use crate::backend::{Backend, BucketBackend, ListedObject};
use crate::control::{CancelHandle, FileStatus, Progress, ProgressFn};
use crate::download::{DownloadOptions, download_file};
use crate::error::TransferError;
use crate::paths::{local_relative_path, relative_key};

/// Every object under `prefix`, page by page.
async fn list_all<B: BucketBackend>(
    backend: &B,
    bucket: &str,
    prefix: &str,
) -> Result<Vec<ListedObject>, TransferError> {
    let mut all = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = backend
            .list_objects(bucket, prefix, marker.as_deref())
            .await
            .map_err(|e| TransferError::remote("ListObjects", e))?;
        all.extend(page.items);
        match page.next {
            Some(m) if Some(&m) != marker.as_ref() => marker = Some(m),
            _ => return Ok(all),
        }
    }
}

/// Downloads every object under `prefix` in `bucket` into `local_dir` (the key after the
/// prefix is the relative path), several files at once. Keys ending in `/` (folder
/// markers) are skipped.
///
/// Keys that would land outside `local_dir` (`..`, absolute paths, drive letters,
/// backslashes, …; see [`paths`](crate::paths)) are refused without any request and
/// reported with [`TransferError::UnsafeKey`]. Every file gets a [`FileReport`]; a failed
/// file does not stop the others. Each file is written atomically (temporary file,
/// CRC-64 check, rename).
///
/// Errors: [`TransferError::Remote`] when listing fails, [`TransferError::Io`] when
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
    let listed = list_all(backend, bucket, prefix).await?;
    let mut reports = Vec::new();
    let mut files = Vec::new();
    for o in listed {
        if o.key.ends_with('/') {
            continue;
        }
        let Some(rel) = relative_key(prefix, &o.key) else {
            continue;
        };
        if !filter.accepts(rel) {
            continue;
        }
        match local_relative_path(rel) {
            Ok(p) => files.push((root.join(p), o)),
            Err(reason) => {
                let report = FileReport {
                    key: o.key.clone(),
                    path: None,
                    size: o.size,
                    status: FileStatus::Refused,
                    error: Some(TransferError::UnsafeKey { key: o.key, reason }),
                };
                if let Some(p) = &progress {
                    p(Progress::FileFinished {
                        key: report.key.clone(),
                        status: report.status,
                    });
                }
                reports.push(report);
            }
        }
    }
    let dp = DirProgress::new(progress, files.iter().map(|(_, o)| o.size).sum());
    let (download, dp_ref, root) = (&options.download, &dp, &root);
    let mut results = futures_util::stream::iter(files)
        .map(|(path, o)| async move {
            let result = download_one(
                backend, bucket, &o.key, &path, o.size, root, options, download, dp_ref, cancel,
            )
            .await;
            let (status, error) = match result {
                Ok(s) => (s, None),
                Err(e) => (FileStatus::Failed, Some(e)),
            };
            let report = FileReport {
                key: o.key,
                path: Some(path),
                size: o.size,
                status,
                error,
            };
            dp_ref.finished(&report);
            report
        })
        .buffer_unordered(options.file_concurrency);
    while let Some(r) = results.next().await {
        reports.push(r);
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
