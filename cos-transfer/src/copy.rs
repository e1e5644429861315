//! `copy` and `move_object`: server-side copies, one PUT Object - Copy up to a threshold
//! (5 GiB, COS's limit for it), concurrent Upload Part - Copy above, every request pinned
//! to the source's ETag, part CRCs combined and compared with the source's CRC-64;
//! resumable from a checkpoint.

use cos_core::{BucketName, ObjectKey};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use crate::backend::{CopyBackend, CopyRange, CopySource, MetadataDirective, SourceInfo};
use crate::checkpoint::{
    self, CHECKPOINT_VERSION, CopiedPart, CopyCheckpoint, CopySourceId, RemoteObject,
};
use crate::control::{CancelHandle, PartProgress, ProgressFn};
use crate::error::TransferError;
use crate::listing::list_all_parts;
use crate::plan::{MAX_PART_SIZE, Part, PartPlan};
use crate::resume::{CopyStart, decide_copy_start, reconcile_copy};
use cos_crc64 as crc64;

/// How a copy runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CopyOptions {
    /// Sources up to this size use one PUT Object - Copy (default 5 GiB, COS's maximum).
    pub single_threshold: u64,
    /// Part size of a multipart copy (default 64 MiB; grown to stay within 10,000 parts).
    pub part_size: u64,
    /// Parts copied at once (default 8).
    pub concurrency: usize,
    /// Keep the source's metadata ([`MetadataDirective::Copy`], default) or use the
    /// backend's object options ([`MetadataDirective::Replaced`]).
    pub metadata: MetadataDirective,
    /// Where to keep the checkpoint of a multipart copy; `None` (default) makes it
    /// non-resumable: a failed or cancelled copy is aborted on the service. With a
    /// checkpoint, the upload is kept and a rerun copies only the missing parts
    /// (checked with List Parts), as long as the source is unchanged.
    pub checkpoint: Option<PathBuf>,
    /// Minimum time between checkpoint writes (default 1 s).
    pub checkpoint_interval: Duration,
}

impl Default for CopyOptions {
    fn default() -> Self {
        Self {
            single_threshold: MAX_PART_SIZE,
            part_size: 64 * 1024 * 1024,
            concurrency: 8,
            metadata: MetadataDirective::Copy,
            checkpoint: None,
            checkpoint_interval: Duration::from_secs(1),
        }
    }
}

impl CopyOptions {
    /// Sets the size up to which one PUT Object - Copy is used (at most 5 GiB).
    pub fn single_threshold(mut self, bytes: u64) -> Self {
        self.single_threshold = bytes;
        self
    }
    /// Sets the part size of a multipart copy.
    pub fn part_size(mut self, bytes: u64) -> Self {
        self.part_size = bytes;
        self
    }
    /// Sets the number of parts copied at once.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }
    /// Sets whether the source's metadata is kept or replaced.
    pub fn metadata(mut self, directive: MetadataDirective) -> Self {
        self.metadata = directive;
        self
    }
    /// Keeps a checkpoint at `path`, making a multipart copy resumable.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.checkpoint = Some(path.into());
        self
    }
    /// Sets the minimum time between checkpoint writes.
    pub fn checkpoint_interval(mut self, interval: Duration) -> Self {
        self.checkpoint_interval = interval;
        self
    }
}

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CopyOutcome {
    /// ETag of the new object.
    pub etag: String,
    /// CRC-64 of the new object, when the service reported it (checked against the
    /// source's).
    pub crc64: Option<u64>,
    /// Bytes copied.
    pub size: u64,
    /// Whether Upload Part - Copy was used.
    pub multipart: bool,
    /// Parts of the object (1 for a single copy).
    pub parts: u32,
    /// Parts a resumed copy found already done (not copied by this call).
    pub parts_reused: u32,
}

fn check(what: &str, expected: Option<u64>, got: Option<u64>) -> Result<(), TransferError> {
    match (expected, got) {
        (Some(local), Some(remote)) if local != remote => Err(TransferError::Integrity {
            what: what.to_owned(),
            local,
            remote,
        }),
        _ => Ok(()),
    }
}

/// The engine behind [`Transfers::copy`](crate::Transfers::copy).
pub(crate) async fn copy<B: CopyBackend>(
    backend: &B,
    bucket: &BucketName,
    key: &ObjectKey,
    source: &CopySource,
    options: &CopyOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<CopyOutcome, TransferError> {
    if options.concurrency == 0 || options.single_threshold > MAX_PART_SIZE {
        return Err(TransferError::InvalidOption(
            "copy concurrency must be >= 1 and the single-copy threshold <= 5 GiB".into(),
        ));
    }
    if cancel.is_cancelled() {
        return Err(TransferError::Cancelled);
    }
    let info = backend
        .head_source(source)
        .await
        .map_err(|e| TransferError::head(&source.bucket, &source.key, e))?;
    let size = info.object.size.ok_or(TransferError::MissingHeader {
        operation: "HeadObject",
        header: "Content-Length",
    })?;
    let job = CopyJob {
        backend,
        bucket,
        key,
        source,
        options,
        info: &info,
        size,
        what: format!("copy of {}/{}", source.bucket, source.key),
    };
    if size <= options.single_threshold {
        job.single(progress).await
    } else {
        job.multipart(progress, cancel).await
    }
}

/// One copy, once the source is known: its destination, options and source.
struct CopyJob<'a, B> {
    backend: &'a B,
    bucket: &'a BucketName,
    key: &'a ObjectKey,
    source: &'a CopySource,
    options: &'a CopyOptions,
    /// The source's HEAD.
    info: &'a SourceInfo,
    /// The source's size.
    size: u64,
    /// What the CRC-64 checks name.
    what: String,
}

/// Where a multipart copy starts: its upload, the parts already done, the parts to copy.
struct MultipartStart {
    upload_id: String,
    done: BTreeMap<u32, CopiedPart>,
    todo: Vec<Part>,
}

impl<B: CopyBackend> CopyJob<'_, B> {
    /// One PUT Object - Copy, pinned to the source's ETag.
    async fn single(&self, progress: Option<ProgressFn>) -> Result<CopyOutcome, TransferError> {
        let object = &self.info.object;
        let written = self
            .backend
            .copy_object(
                self.bucket,
                self.key,
                self.source,
                self.options.metadata,
                Some(&object.etag),
            )
            .await
            .map_err(|e| TransferError::remote("CopyObject", e))?;
        check(&self.what, object.crc64, written.crc64)?;
        PartProgress::new(progress, 0, self.size).part_done(1, self.size);
        Ok(CopyOutcome {
            etag: written.etag,
            crc64: written.crc64.or(object.crc64),
            size: self.size,
            multipart: false,
            parts: 1,
            parts_reused: 0,
        })
    }

    /// Upload Part - Copy of every part not already done, resumable from the checkpoint.
    async fn multipart(
        &self,
        progress: Option<ProgressFn>,
        cancel: &CancelHandle,
    ) -> Result<CopyOutcome, TransferError> {
        let plan = PartPlan::new(self.size, self.options.part_size)?;
        let remote = RemoteObject {
            etag: self.info.object.etag.clone(),
            size: self.size,
            last_modified: self.info.object.last_modified.clone(),
        };
        let source_id = CopySourceId {
            bucket: self.source.bucket.to_string(),
            key: self.source.key.to_string(),
            region: self.source.region.clone(),
            version_id: self.source.version_id.clone(),
        };
        let cp_path = self.options.checkpoint.as_deref();
        let start = self.start(&plan, cp_path, &source_id, &remote).await?;
        let reused = u32::try_from(start.done.len()).unwrap_or(u32::MAX);
        let mut cp = CopyCheckpoint {
            version: CHECKPOINT_VERSION,
            bucket: self.bucket.to_string(),
            key: self.key.to_string(),
            source: source_id,
            remote,
            upload_id: start.upload_id.clone(),
            part_size: plan.part_size(),
            parts: start.done,
            sse_key_md5: self.backend.write_customer_key().map(|k| k.key_md5()),
        };
        if let Some(path) = cp_path {
            checkpoint::save(path, &cp)?;
        }
        let upload_id = start.upload_id;
        let run = PartRun {
            backend: self.backend,
            bucket: self.bucket,
            key: self.key,
            upload_id: &upload_id,
            source: self.source,
            etag: self.info.object.etag.as_str(),
            total: plan.size(),
            options: self.options,
            checkpoint: cp_path,
        };
        if let Err(e) = run.copy_parts(start.todo, &mut cp, progress, cancel).await {
            match cp_path {
                // Resumable: keep the upload and what is done.
                Some(path) => {
                    checkpoint::save(path, &cp)?;
                }
                None => {
                    let _ = self
                        .backend
                        .abort_multipart_upload(self.bucket, self.key, &upload_id)
                        .await;
                }
            }
            return Err(e);
        }
        let mut outcome = self.complete(&upload_id, cp.parts).await?;
        if let Some(path) = cp_path {
            checkpoint::remove(path)?;
        }
        outcome.parts_reused = reused;
        Ok(outcome)
    }

    /// Decides from the checkpoint (if any) whether to continue its upload (reconciled
    /// with List Parts) or start a new one (aborting an outdated one).
    async fn start(
        &self,
        plan: &PartPlan,
        cp_path: Option<&Path>,
        source_id: &CopySourceId,
        remote: &RemoteObject,
    ) -> Result<MultipartStart, TransferError> {
        let (backend, bucket, key) = (self.backend, self.bucket, self.key);
        let headers = match self.options.metadata {
            MetadataDirective::Copy => Some(self.info.headers.as_slice()),
            MetadataDirective::Replaced => None,
        };
        // An unreadable checkpoint is as good as none: the copy starts afresh.
        let cp = cp_path.and_then(|p| checkpoint::load::<CopyCheckpoint>(p).ok().flatten());
        let start = decide_copy_start(
            cp.as_ref(),
            bucket.as_str(),
            key.as_str(),
            source_id,
            remote,
            plan.part_size(),
        );
        // An upload initiated with another SSE-C key (or none) would refuse the parts.
        let key_md5 = backend.write_customer_key().map(|k| k.key_md5());
        let start = match start {
            CopyStart::Resume { upload_id, .. }
                if cp.as_ref().is_some_and(|c| c.sse_key_md5 != key_md5) =>
            {
                CopyStart::Fresh {
                    stale: Some(upload_id),
                }
            }
            other => other,
        };
        let fresh = |upload_id| MultipartStart {
            upload_id,
            done: BTreeMap::new(),
            todo: plan.parts().collect(),
        };
        match start {
            CopyStart::Resume { upload_id, parts } => {
                match list_all_parts(backend, bucket, key, &upload_id).await? {
                    Some(listed) => {
                        let (done, todo) = reconcile_copy(plan, &parts, &listed);
                        Ok(MultipartStart {
                            upload_id,
                            done,
                            todo,
                        })
                    }
                    // Gone (aborted, completed or expired): start over.
                    None => Ok(fresh(create(backend, bucket, key, headers).await?)),
                }
            }
            CopyStart::Fresh { stale } => {
                if let Some(old) = stale {
                    // The source changed since: that upload can never be completed.
                    let _ = backend.abort_multipart_upload(bucket, key, &old).await;
                }
                Ok(fresh(create(backend, bucket, key, headers).await?))
            }
        }
    }

    /// Checks the combined part CRCs against the source's, completes the upload and
    /// checks the result's CRC (`parts_reused` is left 0 for the caller).
    async fn complete(
        &self,
        upload_id: &str,
        parts: BTreeMap<u32, CopiedPart>,
    ) -> Result<CopyOutcome, TransferError> {
        let expected = self.info.object.crc64;
        let combined = parts
            .values()
            .map(|p| p.crc64.map(|c| (c, p.len)))
            .collect::<Option<Vec<_>>>()
            .map(crc64::combine_all);
        check(&self.what, expected, combined)?;
        let count = u32::try_from(parts.len()).unwrap_or(u32::MAX);
        let list = parts.into_iter().map(|(n, p)| (n, p.etag)).collect();
        let written = self
            .backend
            .complete_multipart_upload(self.bucket, self.key, upload_id, list)
            .await
            .map_err(|e| TransferError::remote("CompleteMultipartUpload", e))?;
        check(&self.what, expected.or(combined), written.crc64)?;
        Ok(CopyOutcome {
            etag: written.etag,
            crc64: written.crc64.or(combined),
            size: self.size,
            multipart: true,
            parts: count,
            parts_reused: 0,
        })
    }
}

/// Initiate Multipart Upload for a copy.
async fn create<B: CopyBackend>(
    backend: &B,
    bucket: &BucketName,
    key: &ObjectKey,
    headers: Option<&[(String, String)]>,
) -> Result<String, TransferError> {
    backend
        .create_copy_upload(bucket, key, headers)
        .await
        .map_err(|e| TransferError::remote("InitiateMultipartUpload", e))
}

/// What the parts of one multipart copy share.
struct PartRun<'a, B> {
    backend: &'a B,
    bucket: &'a BucketName,
    key: &'a ObjectKey,
    upload_id: &'a str,
    source: &'a CopySource,
    etag: &'a str,
    total: u64,
    options: &'a CopyOptions,
    checkpoint: Option<&'a Path>,
}

impl<B: CopyBackend> PartRun<'_, B> {
    /// Copies the `todo` parts with bounded concurrency, recording each in `cp` (and,
    /// throttled, in the checkpoint file).
    async fn copy_parts(
        &self,
        todo: Vec<Part>,
        cp: &mut CopyCheckpoint,
        progress: Option<ProgressFn>,
        cancel: &CancelHandle,
    ) -> Result<(), TransferError> {
        let mut pending = todo.into_iter();
        let mut in_flight = FuturesUnordered::new();
        let done: u64 = cp.parts.values().map(|p| p.len).sum();
        let mut progress = PartProgress::new(progress, done, self.total);
        let mut last_save = Instant::now();
        loop {
            while in_flight.len() < self.options.concurrency {
                if cancel.is_cancelled() {
                    return Err(TransferError::Cancelled);
                }
                let Some(part) = pending.next() else { break };
                in_flight.push(async move {
                    let range = CopyRange {
                        start: part.offset,
                        end: part.end(),
                        if_match: Some(self.etag),
                    };
                    let written = self
                        .backend
                        .upload_part_copy(
                            self.bucket,
                            self.key,
                            self.upload_id,
                            part.number,
                            self.source,
                            range,
                        )
                        .await
                        .map_err(|e| TransferError::remote("UploadPartCopy", e))?;
                    Ok::<_, TransferError>((part, written))
                });
            }
            let Some(result) = in_flight.next().await else {
                return Ok(());
            };
            let (part, written) = result?;
            progress.part_done(part.number, part.len);
            cp.parts.insert(
                part.number,
                CopiedPart {
                    etag: written.etag,
                    crc64: written.crc64,
                    len: part.len,
                },
            );
            if let Some(path) = self.checkpoint
                && last_save.elapsed() >= self.options.checkpoint_interval
            {
                checkpoint::save(path, cp)?;
                last_save = Instant::now();
            }
        }
    }
}

/// The engine behind [`Transfers::move_object`](crate::Transfers::move_object).
pub(crate) async fn move_object<B: CopyBackend>(
    backend: &B,
    bucket: &BucketName,
    key: &ObjectKey,
    source: &CopySource,
    options: &CopyOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<CopyOutcome, TransferError> {
    if source.bucket == *bucket && source.key == *key {
        return Err(TransferError::InvalidOption(
            "cannot move an object onto itself".into(),
        ));
    }
    let out = copy(backend, bucket, key, source, options, progress, cancel).await?;
    backend
        .delete_source(source)
        .await
        .map_err(|e| TransferError::remote("DeleteObject", e))?;
    Ok(out)
}
