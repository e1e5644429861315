//! `delete_prefix`: list a prefix (objects or every version) and delete it with Delete
//! Multiple Objects, 1000 keys at a time.

use crate::backend::{BucketBackend, DeleteFailure, ObjectId};
use crate::control::{CancelHandle, FileStatus, Progress, ProgressFn};
use crate::error::TransferError;
use crate::listing::{Increasing, KeyedMarkers};
use crate::paths::Filter;
use cos_core::BucketName;

/// How `delete_prefix` runs.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DeleteOptions {
    /// Delete every version and delete marker too (default false: the current objects;
    /// on a versioned bucket that adds delete markers).
    pub all_versions: bool,
    /// Only relative keys matching one of these globs (default: all).
    pub include: Vec<String>,
    /// Relative keys matching one of these globs are kept.
    pub exclude: Vec<String>,
}

impl DeleteOptions {
    /// Sets whether every version is deleted.
    pub fn all_versions(mut self, yes: bool) -> Self {
        self.all_versions = yes;
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
}

/// The outcome of [`Transfers::delete_prefix`](crate::Transfers::delete_prefix).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeleteSummary {
    /// Objects (or versions) deleted.
    pub deleted: u64,
    /// Objects the service refused to delete.
    pub failures: Vec<DeleteFailure>,
    /// Delete Multiple Objects requests sent.
    pub batches: u32,
}

/// COS's limit of keys per Delete Multiple Objects request.
pub const DELETE_BATCH: usize = 1000;

/// The engine behind [`Transfers::delete_prefix`](crate::Transfers::delete_prefix).
pub(crate) async fn delete_prefix<B: BucketBackend>(
    backend: &B,
    bucket: &BucketName,
    prefix: &str,
    options: &DeleteOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<DeleteSummary, TransferError> {
    let filter =
        Filter::new(&options.include, &options.exclude).map_err(TransferError::InvalidOption)?;
    let accepts = |key: &str| filter_key(prefix, key).is_some_and(|rel| filter.accepts(rel));
    let mut summary = DeleteSummary::default();
    let mut batch: Vec<ObjectId> = Vec::with_capacity(DELETE_BATCH);
    let mut object_marker: Option<String> = None;
    let mut version_marker: Option<ObjectId> = None;
    // Every page must move the marker forward, or the listing would never end.
    let mut object_markers = Increasing::new("ListObjects");
    let mut version_markers = KeyedMarkers::new("ListObjectVersions");
    loop {
        let (items, more) = if options.all_versions {
            let page = backend
                .list_versions(bucket, prefix, version_marker.as_ref())
                .await
                .map_err(|e| TransferError::remote("ListObjectVersions", e))?;
            if let Some(next) = &page.next {
                version_markers.advance(&next.key, next.version_id.as_deref())?;
            }
            let more = page.next.is_some();
            version_marker = page.next;
            (page.items, more)
        } else {
            let page = backend
                .list_objects(bucket, prefix, object_marker.as_deref())
                .await
                .map_err(|e| TransferError::remote("ListObjects", e))?;
            if let Some(next) = &page.next {
                object_markers.advance(next)?;
            }
            let items = page
                .items
                .into_iter()
                .map(|o| ObjectId {
                    key: o.key,
                    version_id: None,
                })
                .collect();
            let more = page.next.is_some();
            object_marker = page.next;
            (items, more)
        };
        for id in items.into_iter().filter(|id| accepts(&id.key)) {
            batch.push(id);
            if batch.len() == DELETE_BATCH {
                send_batch(backend, bucket, &mut batch, &mut summary, &progress, cancel).await?;
            }
        }
        if !more {
            break;
        }
    }
    if !batch.is_empty() {
        send_batch(backend, bucket, &mut batch, &mut summary, &progress, cancel).await?;
    }
    Ok(summary)
}

/// What the globs of `delete_prefix` match: the key after `prefix` (and after the `/`
/// that follows a prefix without one). Every key starting with `prefix` is deleted, as
/// the name says: this is a string prefix, not a folder.
fn filter_key<'k>(prefix: &str, key: &'k str) -> Option<&'k str> {
    let rest = key.strip_prefix(prefix)?;
    if !prefix.is_empty() && !prefix.ends_with('/') {
        return Some(rest.strip_prefix('/').unwrap_or(rest));
    }
    Some(rest)
}

async fn send_batch<B: BucketBackend>(
    backend: &B,
    bucket: &BucketName,
    batch: &mut Vec<ObjectId>,
    summary: &mut DeleteSummary,
    progress: &Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<(), TransferError> {
    if cancel.is_cancelled() {
        return Err(TransferError::Cancelled);
    }
    let ids = std::mem::take(batch);
    let keys: Vec<String> = ids.iter().map(|i| i.key.clone()).collect();
    let n = ids.len() as u64;
    let failures = backend
        .delete_objects(bucket, ids)
        .await
        .map_err(|e| TransferError::remote("DeleteMultipleObjects", e))?;
    summary.batches += 1;
    summary.deleted += n.saturating_sub(failures.len() as u64);
    if let Some(p) = progress {
        for key in keys {
            let failed = failures.iter().any(|f| f.id.key == key);
            p(Progress::FileFinished {
                key,
                status: if failed {
                    FileStatus::Failed
                } else {
                    FileStatus::Done
                },
            });
        }
    }
    summary.failures.extend(failures);
    Ok(())
}
