//! `upload_file`: single PUT up to a threshold, resumable multipart above, with part
//! CRCs combined into the whole-object CRC-64 and compared with the service's.

use cos_core::{BucketName, ObjectKey};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use crate::backend::{Backend, Written};
use crate::checkpoint::{self, CHECKPOINT_VERSION, DonePart, SourceFingerprint, UploadCheckpoint};
use crate::control::{CancelHandle, PartProgress, ProgressFn};
use crate::error::TransferError;
use crate::listing::{find_upload, list_all_parts};
use crate::plan::{Part, PartPlan, UploadPlan, UploadSizing};
use crate::resume::{self, UploadStart, etag_is_md5, reconcile};
use crate::transform;
use cos_crc64 as crc64;

/// How an upload runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UploadOptions {
    /// Threshold and part size.
    pub sizing: UploadSizing,
    /// Parts in flight at once (default 8; measured with `cargo xtask bench transfer`).
    /// Peak memory is about part size × concurrency (one reused buffer per part in
    /// flight), independent of the file size.
    pub concurrency: usize,
    /// Where to keep the checkpoint; `None` makes the upload non-resumable (when it
    /// fails or is cancelled, its multipart upload is aborted on the service).
    pub checkpoint: Option<PathBuf>,
    /// Without a usable checkpoint, continue an unfinished upload of the same key found
    /// with List Multipart Uploads, reusing parts whose size and MD5 ETag match
    /// (default **false**).
    ///
    /// The rule: only an upload of exactly this key whose listed storage class is the
    /// one this upload would use (see
    /// [`choose_existing_upload`](crate::resume::choose_existing_upload)); the newest of
    /// them. The listing cannot show an upload's ACL, grants, metadata or content
    /// headers, and the object gets the adopted upload's, not this upload's: turn this
    /// on only when every unfinished upload of the key is this application's own (the
    /// official Python SDK adopts the newest upload of the key whatever its settings;
    /// this crate does not by default). A checkpoint records the upload this crate
    /// started, so resuming from one is always safe.
    pub resume_existing: bool,
    /// Minimum time between checkpoint writes (default 1 s; always written at the end of
    /// an interrupted upload).
    pub checkpoint_interval: Duration,
    /// Send `Content-MD5` with the object or every part (default false; CRC-64 is
    /// always checked).
    pub content_md5: bool,
    /// A body transform applied to every part before it is sent (default none; see
    /// [`UploadOptions::transform`]).
    pub transform: crate::transform::Transform,
}

impl Default for UploadOptions {
    fn default() -> Self {
        Self {
            sizing: UploadSizing::default(),
            concurrency: 8,
            checkpoint: None,
            resume_existing: false,
            checkpoint_interval: Duration::from_secs(1),
            content_md5: false,
            transform: Default::default(),
        }
    }
}

impl UploadOptions {
    /// Sets the threshold above which multipart is used.
    pub fn multipart_threshold(mut self, bytes: u64) -> Self {
        self.sizing.multipart_threshold = bytes;
        self
    }
    /// Sets the requested part size.
    pub fn part_size(mut self, bytes: u64) -> Self {
        self.sizing.part_size = bytes;
        self
    }
    /// Sets the number of parts in flight.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }
    /// Keeps a checkpoint at `path`, making the upload resumable.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.checkpoint = Some(path.into());
        self
    }
    /// Sends `Content-MD5` with the object or every part.
    pub fn content_md5(mut self, yes: bool) -> Self {
        self.content_md5 = yes;
        self
    }
    /// Sets the minimum time between checkpoint writes (zero: after every part).
    pub fn checkpoint_interval(mut self, interval: Duration) -> Self {
        self.checkpoint_interval = interval;
        self
    }
    /// Transforms every part (by its object offset) before it is sent (see
    /// [`BodyTransform`](crate::BodyTransform)).
    pub fn transform(mut self, transform: Arc<dyn crate::BodyTransform>) -> Self {
        self.transform = crate::transform::Transform::new(transform);
        self
    }
    /// Sets whether an unfinished upload found by listing may be continued (see
    /// [`UploadOptions::resume_existing`]).
    pub fn resume_existing(mut self, yes: bool) -> Self {
        self.resume_existing = yes;
        self
    }
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadOutcome {
    /// ETag of the new object.
    pub etag: String,
    /// CRC-64 of the uploaded data (verified against the service's when it sent one).
    pub crc64: u64,
    /// Bytes in the object.
    pub size: u64,
    /// Whether multipart was used.
    pub multipart: bool,
    /// Parts sent by this call.
    pub parts_sent: u32,
    /// Parts reused from an earlier attempt.
    pub parts_reused: u32,
}

struct Ctx<'a, B> {
    backend: &'a B,
    bucket: &'a BucketName,
    key: &'a ObjectKey,
    path: &'a Path,
    file: Arc<File>,
    progress: PartProgress,
    total: u64,
    transform: crate::transform::Transform,
}

impl<B> Ctx<'_, B> {
    fn report(&mut self, number: u32, len: u64) {
        self.progress.part_done(number, len);
    }
}

fn check_crc(what: String, local: u64, remote: Option<u64>) -> Result<(), TransferError> {
    match remote {
        Some(remote) if remote != local => Err(TransferError::Integrity {
            what,
            local,
            remote,
        }),
        _ => Ok(()),
    }
}

/// The engine behind [`Transfers::upload_file`](crate::Transfers::upload_file).
pub(crate) async fn upload_file<B: Backend>(
    backend: &B,
    bucket: &BucketName,
    key: &ObjectKey,
    source: &Path,
    options: &UploadOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<UploadOutcome, TransferError> {
    if options.concurrency == 0 {
        return Err(TransferError::InvalidOption(
            "concurrency must be at least 1".into(),
        ));
    }
    let file = File::open(source).map_err(|e| TransferError::io(source, e))?;
    let meta = file.metadata().map_err(|e| TransferError::io(source, e))?;
    let fingerprint = SourceFingerprint::from_metadata(&meta);
    let mut ctx = Ctx {
        backend,
        bucket,
        key,
        path: source,
        file: Arc::new(file),
        progress: PartProgress::new(progress, 0, fingerprint.size),
        total: fingerprint.size,
        transform: options.transform.clone(),
    };
    match options.sizing.plan(fingerprint.size)? {
        UploadPlan::Single => upload_single(&mut ctx, options.content_md5, cancel).await,
        UploadPlan::Multipart(plan) => {
            upload_multipart(&mut ctx, plan, fingerprint, options, cancel).await
        }
    }
}

async fn upload_single<B: Backend>(
    ctx: &mut Ctx<'_, B>,
    md5: bool,
    cancel: &CancelHandle,
) -> Result<UploadOutcome, TransferError> {
    if cancel.is_cancelled() {
        return Err(TransferError::Cancelled);
    }
    let read = transform::read_part(
        &ctx.transform,
        ctx.file.clone(),
        ctx.path,
        BytesMut::new(),
        0,
        ctx.total,
        md5,
    )
    .await?;
    let written = ctx
        .backend
        .put_object(ctx.bucket, ctx.key, read.buf.freeze(), read.md5)
        .await
        .map_err(|e| TransferError::remote("PutObject", e))?;
    check_crc(
        format!("{}/{}", ctx.bucket, ctx.key),
        read.crc64,
        written.crc64,
    )?;
    ctx.report(1, ctx.total);
    Ok(UploadOutcome {
        etag: written.etag,
        crc64: read.crc64,
        size: ctx.total,
        multipart: false,
        parts_sent: 1,
        parts_reused: 0,
    })
}

/// Where a multipart upload starts: its id, plan, and the parts already there.
struct Start {
    upload_id: String,
    plan: PartPlan,
    done: BTreeMap<u32, DonePart>,
    todo: Vec<Part>,
}

async fn find_start<B: Backend>(
    ctx: &mut Ctx<'_, B>,
    plan: PartPlan,
    fingerprint: SourceFingerprint,
    options: &UploadOptions,
) -> Result<Start, TransferError> {
    let cp = match &options.checkpoint {
        // A corrupt checkpoint is ignored (and overwritten): it cannot vouch for anything.
        Some(path) => checkpoint::load::<UploadCheckpoint>(path).unwrap_or(None),
        None => None,
    };
    let class = ctx.backend.upload_storage_class();
    let key_md5 = ctx.backend.write_customer_key().map(|k| k.key_md5());
    let candidate = match resume::decide_upload_start(
        cp.as_ref(),
        ctx.bucket.as_str(),
        ctx.key.as_str(),
        &fingerprint,
    ) {
        UploadStart::Resume { upload_id, .. }
            if cp.as_ref().is_some_and(|c| {
                c.storage_class.as_deref() != class
                    || c.sse_key_md5 != key_md5
                    || c.transform != options.transform.tag()
            }) =>
        {
            // Initiated with another storage class or SSE-C key (or its parts
            // transformed otherwise): completing it would give the object that one (or
            // the service refuses its parts). It is this crate's own (recorded), and
            // nothing else can use it.
            tracing::debug!(
                upload_id,
                "storage class, SSE-C key or transform changed: starting afresh"
            );
            let _ = ctx
                .backend
                .abort_multipart_upload(ctx.bucket, ctx.key, &upload_id)
                .await;
            None
        }
        UploadStart::Resume { upload_id, plan } => {
            let recorded = cp.map(|c| c.parts).unwrap_or_default();
            Some((upload_id, plan, recorded))
        }
        UploadStart::Fresh(reason) => {
            tracing::debug!(?reason, "no usable checkpoint");
            if options.resume_existing {
                find_upload(ctx.backend, ctx.bucket, ctx.key)
                    .await?
                    .map(|u| (u.upload_id, plan, BTreeMap::new()))
            } else {
                None
            }
        }
    };
    if let Some((upload_id, plan, recorded)) = candidate {
        // The upload may have been completed or aborted since: then start afresh.
        if let Some(listed) = list_all_parts(ctx.backend, ctx.bucket, ctx.key, &upload_id).await? {
            let r = reconcile(&plan, &recorded, &listed);
            let mut done = r.done;
            let mut todo = r.todo;
            for (part, etag) in r.verify {
                let read = transform::read_part(
                    &ctx.transform,
                    ctx.file.clone(),
                    ctx.path,
                    BytesMut::new(),
                    part.offset,
                    part.len,
                    true,
                )
                .await?;
                match read.md5 {
                    Some(md5) if etag_is_md5(&etag, &md5) => {
                        done.insert(
                            part.number,
                            DonePart {
                                etag,
                                crc64: read.crc64,
                                len: part.len,
                            },
                        );
                    }
                    _ => todo.push(part),
                }
            }
            todo.sort();
            return Ok(Start {
                upload_id,
                plan,
                done,
                todo,
            });
        }
    }
    let upload_id = ctx
        .backend
        .create_multipart_upload(ctx.bucket, ctx.key)
        .await
        .map_err(|e| TransferError::remote("InitiateMultipartUpload", e))?;
    Ok(Start {
        upload_id,
        todo: plan.parts().collect(),
        plan,
        done: BTreeMap::new(),
    })
}

async fn upload_multipart<B: Backend>(
    ctx: &mut Ctx<'_, B>,
    plan: PartPlan,
    fingerprint: SourceFingerprint,
    options: &UploadOptions,
    cancel: &CancelHandle,
) -> Result<UploadOutcome, TransferError> {
    let Start {
        upload_id,
        plan,
        mut done,
        todo,
    } = find_start(ctx, plan, fingerprint, options).await?;
    let parts_reused = u32::try_from(done.len()).unwrap_or(u32::MAX);
    let mut cp = UploadCheckpoint {
        version: CHECKPOINT_VERSION,
        bucket: ctx.bucket.to_string(),
        key: ctx.key.to_string(),
        upload_id: upload_id.clone(),
        part_size: plan.part_size(),
        source: fingerprint,
        parts: done.clone(),
        storage_class: ctx.backend.upload_storage_class().map(str::to_owned),
        sse_key_md5: ctx.backend.write_customer_key().map(|k| k.key_md5()),
        transform: options.transform.tag(),
    };
    if let Some(path) = &options.checkpoint {
        checkpoint::save(path, &cp)?;
    }
    ctx.progress.resume_at(done.values().map(|p| p.len).sum());

    let result = send_parts(ctx, &upload_id, todo, &mut done, &mut cp, options, cancel).await;
    let parts_sent = match result {
        Ok(n) => n,
        Err(e) => {
            if let Some(path) = &options.checkpoint {
                cp.parts = done.clone();
                checkpoint::save(path, &cp)?;
            } else {
                abort_orphan(ctx, &upload_id, options).await;
            }
            return Err(e);
        }
    };

    let parts: Vec<(u32, String)> = done.iter().map(|(n, p)| (*n, p.etag.clone())).collect();
    let written: Written = match ctx
        .backend
        .complete_multipart_upload(ctx.bucket, ctx.key, &upload_id, parts)
        .await
    {
        Ok(w) => w,
        Err(e) => {
            if options.checkpoint.is_none() {
                abort_orphan(ctx, &upload_id, options).await;
            }
            return Err(TransferError::remote("CompleteMultipartUpload", e));
        }
    };
    let combined = crc64::combine_all(done.values().map(|p| (p.crc64, p.len)));
    if let Some(path) = &options.checkpoint {
        checkpoint::remove(path)?;
    }
    check_crc(
        format!("{}/{}", ctx.bucket, ctx.key),
        combined,
        written.crc64,
    )?;
    Ok(UploadOutcome {
        etag: written.etag,
        crc64: combined,
        size: plan.size(),
        multipart: true,
        parts_sent,
        parts_reused,
    })
}

/// Aborts the multipart upload of a failed upload that has no checkpoint, unless a later
/// call may continue it (`resume_existing`): nothing else could ever complete it, and
/// its parts would be billed until a lifecycle rule removes them. Best effort: the
/// upload's own error is what the caller gets.
async fn abort_orphan<B: Backend>(ctx: &Ctx<'_, B>, upload_id: &str, options: &UploadOptions) {
    if options.resume_existing {
        return;
    }
    if let Err(e) = ctx
        .backend
        .abort_multipart_upload(ctx.bucket, ctx.key, upload_id)
        .await
    {
        tracing::debug!(error = %e, upload_id, "could not abort the failed upload");
    }
}

/// Sends `todo` with bounded concurrency, reusing part buffers, recording each
/// acknowledged part in `done` and (throttled) in the checkpoint.
async fn send_parts<B: Backend>(
    ctx: &mut Ctx<'_, B>,
    upload_id: &str,
    todo: Vec<Part>,
    done: &mut BTreeMap<u32, DonePart>,
    cp: &mut UploadCheckpoint,
    options: &UploadOptions,
    cancel: &CancelHandle,
) -> Result<u32, TransferError> {
    let mut pending = todo.into_iter();
    let mut in_flight = FuturesUnordered::new();
    let mut pool: Vec<BytesMut> = Vec::with_capacity(options.concurrency);
    let mut first_error: Option<TransferError> = None;
    let mut sent = 0u32;
    let mut last_save = Instant::now();
    let (backend, bucket, key, path) = (ctx.backend, ctx.bucket, ctx.key, ctx.path);
    let md5 = options.content_md5;
    let tx = &options.transform;
    loop {
        while first_error.is_none() && in_flight.len() < options.concurrency {
            if cancel.is_cancelled() {
                first_error = Some(TransferError::Cancelled);
                break;
            }
            let Some(part) = pending.next() else { break };
            let buf = pool.pop().unwrap_or_default();
            let file = ctx.file.clone();
            in_flight.push(async move {
                let read =
                    transform::read_part(tx, file, path, buf, part.offset, part.len, md5).await?;
                let body: Bytes = read.buf.freeze();
                let written = backend
                    .upload_part(bucket, key, upload_id, part.number, body.clone(), read.md5)
                    .await
                    .map_err(|e| TransferError::remote("UploadPart", e))?;
                check_crc(format!("part {}", part.number), read.crc64, written.crc64)?;
                let reusable = body.try_into_mut().ok();
                Ok::<_, TransferError>((part, written.etag, read.crc64, reusable))
            });
        }
        let Some(result) = in_flight.next().await else {
            break;
        };
        match result {
            Ok((part, etag, crc64, reusable)) => {
                sent += 1;
                if let Some(buf) = reusable {
                    pool.push(buf);
                }
                done.insert(
                    part.number,
                    DonePart {
                        etag,
                        crc64,
                        len: part.len,
                    },
                );
                ctx.report(part.number, part.len);
                if let Some(path) = &options.checkpoint
                    && last_save.elapsed() >= options.checkpoint_interval
                {
                    cp.parts = done.clone();
                    checkpoint::save(path, cp)?;
                    last_save = Instant::now();
                }
            }
            Err(e) => {
                if first_error.is_none() {
                    first_error = Some(e);
                }
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(sent),
    }
}
