//! `upload_dir`: walk a local folder, upload the files concurrently.

use cos_core::{BucketName, ObjectKey};
use std::path::{Path, PathBuf};

use futures_util::StreamExt;

use super::{DirOptions, DirProgress, DirRun, DirSummary, FileReport, unchanged};
use crate::backend::Backend;
use crate::control::{CancelHandle, FileStatus, Progress, ProgressFn};
use crate::error::TransferError;
use crate::paths::key_for;
use crate::upload::upload_file;

/// A local file found by the walk.
struct LocalFile {
    rel: String,
    path: PathBuf,
    size: u64,
}

/// A file found by the walk, or an entry that could not be read.
type Found = Result<LocalFile, (PathBuf, std::io::Error)>;

/// Every regular file below `root` (following symlinks to files, not to folders), with
/// its `/`-separated relative path; entries that cannot be read come back as errors.
fn walk(root: &Path) -> Result<Vec<Found>, TransferError> {
    let mut out = Vec::new();
    // The folder itself must be readable; anything below is reported per entry.
    std::fs::read_dir(root).map_err(|e| TransferError::io(root, e))?;
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                out.push(Err((dir, e)));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    out.push(Err((dir.clone(), e)));
                    continue;
                }
            };
            let path = entry.path();
            let is_symlink = entry.file_type().is_ok_and(|t| t.is_symlink());
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() && !is_symlink => stack.push(path),
                Ok(m) if m.is_file() => {
                    let rel = path
                        .strip_prefix(root)
                        .ok()
                        .and_then(|r| key_for("", r))
                        .unwrap_or_default();
                    out.push(Ok(LocalFile {
                        rel,
                        path,
                        size: m.len(),
                    }));
                }
                Ok(_) => {}
                Err(e) => out.push(Err((path, e))),
            }
        }
    }
    Ok(out)
}

/// The engine behind [`Transfers::upload_dir`](crate::Transfers::upload_dir).
pub(crate) async fn upload_dir<B: Backend>(
    backend: &B,
    bucket: &BucketName,
    prefix: &str,
    local_dir: &Path,
    options: &DirOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<DirSummary, TransferError> {
    let filter = options.filter()?;
    options.prepare_checkpoint_dir().await?;
    let root = local_dir.to_owned();
    let found = tokio::task::spawn_blocking(move || walk(&root))
        .await
        .map_err(|e| TransferError::io(local_dir, std::io::Error::other(e)))??;
    let mut reports = Vec::new();
    let mut files = Vec::new();
    for f in found {
        match f {
            Ok(f) if f.rel.is_empty() => reports.push(FileReport {
                key: f.path.display().to_string(),
                path: Some(f.path),
                size: f.size,
                status: FileStatus::Failed,
                error: Some(TransferError::InvalidOption(
                    "file name is not valid UTF-8".into(),
                )),
            }),
            Ok(f) if filter.accepts(&f.rel) => files.push(f),
            Ok(_) => {}
            Err((path, e)) => reports.push(FileReport {
                key: path.display().to_string(),
                path: Some(path.clone()),
                size: 0,
                status: FileStatus::Failed,
                error: Some(TransferError::io(path, e)),
            }),
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let dp = DirProgress::new(progress, files.iter().map(|f| f.size).sum());
    let dp_ref = &dp;
    let run = &DirRun {
        backend,
        bucket,
        options,
        dp: &dp,
        cancel,
    };
    let mut results = futures_util::stream::iter(files)
        .map(|f| async move {
            let key = key_for(prefix, Path::new(&f.rel)).unwrap_or_else(|| f.rel.clone());
            // A key COS refuses fails this file alone, before any request.
            let result = match ObjectKey::new(key.as_str()) {
                Ok(k) => upload_one(run, &k, &f).await,
                Err(e) => Err(TransferError::remote("PutObject", e.into())),
            };
            dp_ref.file_done(key, f.path, f.size, result)
        })
        .buffer_unordered(options.file_concurrency);
    while let Some(r) = results.next().await {
        reports.push(r);
    }
    Ok(DirSummary::from_reports(reports))
}

async fn upload_one<B: Backend>(
    run: &DirRun<'_, B>,
    key: &ObjectKey,
    f: &LocalFile,
) -> Result<FileStatus, TransferError> {
    let DirRun {
        backend,
        bucket,
        options,
        dp,
        cancel,
    } = *run;
    if cancel.is_cancelled() {
        return Err(TransferError::Cancelled);
    }
    dp.emit(Progress::FileStarted {
        key: key.to_string(),
        size: f.size,
    });
    if options.skip_unchanged && unchanged(backend, bucket, key, &f.path, f.size).await? {
        dp.add(f.size);
        return Ok(FileStatus::Unchanged);
    }
    let mut upload = options.upload.clone();
    upload.checkpoint = options.checkpoint_for("upload", bucket.as_str(), key.as_str());
    upload_file(
        backend,
        bucket,
        key,
        &f.path,
        &upload,
        dp.for_file(),
        cancel,
    )
    .await?;
    Ok(FileStatus::Done)
}
