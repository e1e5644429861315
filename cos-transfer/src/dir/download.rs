//! `download_dir`: list a prefix and download its objects concurrently below a folder
//! while the listing goes on, refusing keys that would land outside it.

use cos_core::{BucketName, ObjectKey};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

use futures_util::{Stream, StreamExt};

use super::{DirOptions, DirProgress, DirRun, DirSummary, FileReport, small, unchanged};
use crate::backend::{Backend, BucketBackend, ListedObject};
use crate::control::{CancelHandle, FileStatus, Progress, ProgressFn};
use crate::download::download_file;
use crate::error::TransferError;
use crate::listing::Increasing;
use crate::paths::{Filter, UnsafeKey, folder_prefix, local_relative_path, relative_key};
use crate::unique::create_unique;

/// Where the listing of [`listing`] stands.
enum ListState {
    /// Read the page after this marker; `markers` checks that every page moves forward.
    Next(Option<String>, Increasing<String>),
    /// The last page was read; report this error next.
    Fail(TransferError),
}

/// The objects under `folder`, page by page as the listing proceeds; a failed page, or a
/// marker that does not move forward (the listing would never end), ends the stream with
/// an error.
fn listing<'a, B: BucketBackend>(
    backend: &'a B,
    bucket: &'a BucketName,
    folder: &'a str,
) -> impl Stream<Item = Result<Vec<ListedObject>, TransferError>> + Send + 'a {
    let start = ListState::Next(None, Increasing::new("ListObjects"));
    futures_util::stream::unfold(Some(start), move |state| async move {
        let (marker, mut markers) = match state? {
            ListState::Next(m, markers) => (m, markers),
            ListState::Fail(e) => return Some((Err(e), None)),
        };
        let page = match backend
            .list_objects(bucket, folder, marker.as_deref())
            .await
        {
            Ok(p) => p,
            Err(e) => return Some((Err(TransferError::remote("ListObjects", e)), None)),
        };
        let next = page.next.map(|next| match markers.advance(&next) {
            Ok(()) => ListState::Next(Some(next), markers),
            Err(e) => ListState::Fail(e),
        });
        Some((Ok(page.items), next))
    })
}

/// What to do with a listed object: nothing (a folder marker, outside the folder, or
/// filtered out), download it to a path relative to the destination, or refuse it.
fn classify(o: ListedObject, folder: &str, filter: &Filter) -> Option<Job> {
    if o.key.ends_with('/') {
        return None;
    }
    let rel = relative_key(folder, &o.key)?;
    if !filter.accepts(rel) {
        return None;
    }
    let local = local_relative_path(rel);
    Some(match local {
        Ok(p) => Job::Download(p, o),
        Err(reason) => Job::Refuse(refusal(
            o.key.clone(),
            o.size,
            TransferError::UnsafeKey { key: o.key, reason },
        )),
    })
}

fn refusal(key: String, size: u64, error: TransferError) -> FileReport {
    FileReport {
        key,
        path: None,
        size,
        status: FileStatus::Refused,
        error: Some(error),
    }
}

/// What to do with one listed object.
enum Job {
    /// Download it to this path, relative to the destination.
    Download(PathBuf, ListedObject),
    /// Refuse it (the key would land outside the destination).
    Refuse(FileReport),
}

/// The local files of a folder download, each claimed by one key: a second key that
/// would land on a claimed file is refused instead of overwriting it. On a file system
/// that ignores case (`A.txt` is `a.txt`), paths are compared without case.
struct Claims {
    fold_case: bool,
    taken: std::sync::Mutex<HashMap<String, String>>,
}

impl Claims {
    fn new(root: &Path) -> Self {
        Self {
            fold_case: ignores_case(root),
            taken: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Claims `rel` for `key`; `Err` with the key that has it already.
    fn claim(&self, rel: &Path, key: &str) -> Result<(), String> {
        let mut id = rel.to_string_lossy().into_owned();
        if self.fold_case {
            id = id.to_lowercase();
        }
        let mut taken = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        match taken.entry(id) {
            Entry::Occupied(e) => Err(e.get().clone()),
            Entry::Vacant(e) => {
                e.insert(key.to_owned());
                Ok(())
            }
        }
    }
}

/// Whether the file system of `root` ignores case: a new file found again under its name
/// in capitals. When the probe cannot be made, the answer is yes (refusing more).
fn ignores_case(root: &Path) -> bool {
    let Ok((file, path)) = create_unique(root, ".cos-case-probe-", ".tmp") else {
        return true;
    };
    drop(file);
    let upper = path
        .file_name()
        .map(|n| n.to_string_lossy().to_uppercase())
        .unwrap_or_default();
    let ignores = std::fs::symlink_metadata(root.join(upper)).is_ok();
    let _ = std::fs::remove_file(&path);
    ignores
}

/// Creates the folders of `rel` below `root` one at a time, checking each before going
/// on: an existing one must be a real folder, never a symlink (which could lead outside
/// the destination), so nothing is ever created outside `root`.
pub(super) fn make_parents(root: &Path, rel: &Path, key: &str) -> Result<(), TransferError> {
    let refuse = || TransferError::UnsafeKey {
        key: key.to_owned(),
        reason: UnsafeKey::Symlink,
    };
    let mut at = root.to_path_buf();
    for c in rel.parent().into_iter().flat_map(Path::components) {
        at.push(c);
        let meta = match std::fs::symlink_metadata(&at) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::create_dir(&at) {
                Ok(()) => continue,
                // Created meanwhile (another file of this folder): check what it is.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::symlink_metadata(&at).map_err(|e| TransferError::io(&at, e))?
                }
                Err(e) => return Err(TransferError::io(&at, e)),
            },
            other => other.map_err(|e| TransferError::io(&at, e))?,
        };
        if meta.file_type().is_symlink() {
            return Err(refuse());
        }
        if !meta.is_dir() {
            return Err(TransferError::io(
                &at,
                std::io::Error::other("not a folder"),
            ));
        }
    }
    Ok(())
}

/// The engine behind [`Transfers::download_dir`](crate::Transfers::download_dir).
pub(crate) async fn download_dir<B: BucketBackend>(
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
    let folder = folder_prefix(prefix);
    let folder = folder.as_ref();
    let claims = Claims::new(&root);
    let objects = listing(backend, bucket, folder)
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
    let jobs = objects.filter_map(|o| futures_util::future::ready(classify(o, folder, &filter)));
    let dp = DirProgress::new(progress, 0);
    let (dp_ref, root, claims) = (&dp, &root, &claims);
    let run = &DirRun {
        backend,
        bucket,
        options,
        dp: &dp,
        cancel,
    };
    let results = jobs
        .map(|job| async move {
            let (rel, o) = match job {
                Job::Refuse(report) => {
                    dp_ref.finished(&report);
                    return report;
                }
                Job::Download(rel, o) => (rel, o),
            };
            let path = root.join(&rel);
            if let Err(other) = claims.claim(&rel, &o.key) {
                let error = TransferError::Collision {
                    key: o.key.clone(),
                    other,
                    path,
                };
                let report = refusal(o.key, o.size, error);
                dp_ref.finished(&report);
                return report;
            }
            dp_ref.grow(o.size);
            // A listed key COS would refuse to GET fails this file alone.
            let result = match ObjectKey::new(o.key.as_str()) {
                Ok(k) => download_one(run, &k, &rel, o.size, root).await,
                Err(e) => Err(TransferError::remote("GetObject", e.into())),
            };
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

async fn download_one<B: Backend>(
    run: &DirRun<'_, B>,
    key: &ObjectKey,
    rel: &Path,
    size: u64,
    root: &Path,
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
        size,
    });
    let path = &root.join(rel);
    if options.skip_unchanged {
        // The folders first: the local file is never looked at through a symlink.
        parents(root, rel, key).await?;
        let local_size = tokio::fs::symlink_metadata(path)
            .await
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        if local_size == Some(size) && unchanged(backend, bucket, key, path, size).await? {
            dp.add(size);
            return Ok(FileStatus::Unchanged);
        }
    }
    if small::is_small(size, &options.download) {
        let dest = small::Dest { root, rel, key };
        let small = small::download_small(backend, bucket, dest, &options.download, dp.for_file());
        if small.await? == small::Small::Done {
            return Ok(FileStatus::Done);
        }
    }
    parents(root, rel, key).await?;
    let mut download = options.download.clone();
    download.checkpoint = options.checkpoint_for("download", bucket.as_str(), key.as_str());
    download_file(backend, bucket, key, path, &download, dp.for_file(), cancel).await?;
    Ok(FileStatus::Done)
}

/// [`make_parents`] off the runtime's threads.
async fn parents(root: &Path, rel: &Path, key: &ObjectKey) -> Result<(), TransferError> {
    let (owned_root, owned_rel, owned_key) = (root.to_owned(), rel.to_owned(), key.to_string());
    tokio::task::spawn_blocking(move || make_parents(&owned_root, &owned_rel, &owned_key))
        .await
        .map_err(|e| TransferError::io(root, std::io::Error::other(e)))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_refuse_a_second_key_for_one_file() {
        let exact = Claims {
            fold_case: false,
            taken: std::sync::Mutex::new(HashMap::new()),
        };
        assert!(exact.claim(Path::new("a/B.txt"), "p/a/B.txt").is_ok());
        assert!(exact.claim(Path::new("a/b.txt"), "p/a/b.txt").is_ok());
        assert_eq!(
            exact.claim(Path::new("a/B.txt"), "again"),
            Err("p/a/B.txt".to_owned())
        );
        // Where the file system ignores case, `B.txt` and `b.txt` are one file.
        let folded = Claims {
            fold_case: true,
            taken: std::sync::Mutex::new(HashMap::new()),
        };
        assert!(folded.claim(Path::new("a/B.txt"), "p/a/B.txt").is_ok());
        assert_eq!(
            folded.claim(Path::new("A/b.txt"), "p/A/b.txt"),
            Err("p/a/B.txt".to_owned())
        );
    }
}
