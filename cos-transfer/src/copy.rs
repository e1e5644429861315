//! `copy` and `move_object`: server-side copies, one PUT Object - Copy up to a threshold
//! (5 GiB, COS's limit for it), concurrent Upload Part - Copy above, every request pinned
//! to the source's ETag, part CRCs combined and compared with the source's CRC-64.

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use crate::backend::{CopyBackend, CopyRange, CopySource, MetadataDirective};
use crate::control::{CancelHandle, Progress, ProgressFn};
use crate::crc64;
use crate::error::TransferError;
use crate::plan::{MAX_PART_SIZE, PartPlan};

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
}

impl Default for CopyOptions {
    fn default() -> Self {
        Self {
            single_threshold: MAX_PART_SIZE,
            part_size: 64 * 1024 * 1024,
            concurrency: 8,
            metadata: MetadataDirective::Copy,
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
    /// Parts copied (1 for a single copy).
    pub parts: u32,
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

/// Copies `source` to `bucket`/`key` on the service (the data does not pass through this
/// machine); the source may be in another bucket or region.
///
/// Errors: [`TransferError::Remote`] when a request fails (a failed or cancelled
/// multipart copy is aborted, leaving nothing behind), [`TransferError::Integrity`] when
/// the copy's CRC-64 differs from the source's, [`TransferError::Cancelled`],
/// [`TransferError::InvalidOption`] for a zero concurrency or a threshold above 5 GiB.
///
/// ```no_run
/// # async fn run(client: cos_core::Client) -> Result<(), cos_transfer::TransferError> {
/// use cos_transfer::{CancelHandle, CopyOptions, CopySource, CosBackend, copy};
/// let backend = CosBackend::new(client);
/// let source = CopySource::new("sourcebucket-1250000000", "big.iso").region("ap-beijing");
/// let out = copy(&backend, "examplebucket-1250000000", "copies/big.iso", &source,
///                &CopyOptions::default(), None, &CancelHandle::new()).await?;
/// println!("{} bytes, etag {}", out.size, out.etag);
/// # Ok(()) }
/// ```
pub async fn copy<B: CopyBackend>(
    backend: &B,
    bucket: &str,
    key: &str,
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
        .map_err(|e| TransferError::remote("HeadObject", e))?;
    let size = info.object.size;
    let what = format!("copy of {}/{}", source.bucket, source.key);
    if size <= options.single_threshold {
        let written = backend
            .copy_object(
                bucket,
                key,
                source,
                options.metadata,
                Some(&info.object.etag),
            )
            .await
            .map_err(|e| TransferError::remote("CopyObject", e))?;
        check(&what, info.object.crc64, written.crc64)?;
        if let Some(p) = &progress {
            p(Progress::Part {
                number: 1,
                len: size,
            });
            p(Progress::Bytes {
                done: size,
                total: size,
            });
        }
        return Ok(CopyOutcome {
            etag: written.etag,
            crc64: written.crc64.or(info.object.crc64),
            size,
            multipart: false,
            parts: 1,
        });
    }

    let plan = PartPlan::new(size, options.part_size)?;
    let headers = match options.metadata {
        MetadataDirective::Copy => Some(info.headers.as_slice()),
        MetadataDirective::Replaced => None,
    };
    let upload_id = backend
        .create_copy_upload(bucket, key, headers)
        .await
        .map_err(|e| TransferError::remote("InitiateMultipartUpload", e))?;
    let etag = info.object.etag.as_str();
    let copied = copy_parts(
        backend, bucket, key, &upload_id, source, &plan, etag, options, progress, cancel,
    )
    .await;
    let parts = match copied {
        Ok(parts) => parts,
        Err(e) => {
            // Nothing can resume a server-side copy cheaper than redoing it.
            let _ = backend
                .abort_multipart_upload(bucket, key, &upload_id)
                .await;
            return Err(e);
        }
    };
    let combined = parts
        .iter()
        .map(|(_, _, crc, len)| crc.map(|c| (c, *len)))
        .collect::<Option<Vec<_>>>()
        .map(crc64::combine_all);
    check(&what, info.object.crc64, combined)?;
    let count = u32::try_from(parts.len()).unwrap_or(u32::MAX);
    let list = parts.into_iter().map(|(n, etag, _, _)| (n, etag)).collect();
    let written = backend
        .complete_multipart_upload(bucket, key, &upload_id, list)
        .await
        .map_err(|e| TransferError::remote("CompleteMultipartUpload", e))?;
    check(&what, info.object.crc64.or(combined), written.crc64)?;
    Ok(CopyOutcome {
        etag: written.etag,
        crc64: written.crc64.or(combined),
        size,
        multipart: true,
        parts: count,
    })
}

/// Copies every part of `plan` with bounded concurrency; returns `(number, etag, crc64,
/// len)` in part order.
#[allow(clippy::too_many_arguments)]
async fn copy_parts<B: CopyBackend>(
    backend: &B,
    bucket: &str,
    key: &str,
    upload_id: &str,
    source: &CopySource,
    plan: &PartPlan,
    etag: &str,
    options: &CopyOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<Vec<(u32, String, Option<u64>, u64)>, TransferError> {
    let mut pending = plan.parts();
    let mut in_flight = FuturesUnordered::new();
    let mut done = Vec::with_capacity(plan.count() as usize);
    let mut done_bytes = 0u64;
    loop {
        while in_flight.len() < options.concurrency {
            if cancel.is_cancelled() {
                return Err(TransferError::Cancelled);
            }
            let Some(part) = pending.next() else { break };
            in_flight.push(async move {
                let range = CopyRange {
                    start: part.offset,
                    end: part.end(),
                    if_match: Some(etag),
                };
                let written = backend
                    .upload_part_copy(bucket, key, upload_id, part.number, source, range)
                    .await
                    .map_err(|e| TransferError::remote("UploadPartCopy", e))?;
                Ok::<_, TransferError>((part, written))
            });
        }
        let Some(result) = in_flight.next().await else {
            break;
        };
        let (part, written) = result?;
        done_bytes += part.len;
        if let Some(p) = &progress {
            p(Progress::Part {
                number: part.number,
                len: part.len,
            });
            p(Progress::Bytes {
                done: done_bytes,
                total: plan.size(),
            });
        }
        done.push((part.number, written.etag, written.crc64, part.len));
    }
    done.sort_by_key(|(n, ..)| *n);
    Ok(done)
}

/// Moves `source` to `bucket`/`key`: [`copy`], then deletes the source (the given
/// version, when the source names one).
///
/// Errors: as [`copy`] (the source is left in place); [`TransferError::Remote`] with
/// operation `DeleteObject` when the copy succeeded but the source could not be deleted;
/// [`TransferError::InvalidOption`] when source and destination are the same object.
///
/// ```no_run
/// # async fn run(client: cos_core::Client) -> Result<(), cos_transfer::TransferError> {
/// use cos_transfer::{CancelHandle, CopyOptions, CopySource, CosBackend, move_object};
/// let backend = CosBackend::new(client);
/// let source = CopySource::new("examplebucket-1250000000", "inbox/report.pdf");
/// move_object(&backend, "examplebucket-1250000000", "archive/report.pdf", &source,
///             &CopyOptions::default(), None, &CancelHandle::new()).await?;
/// # Ok(()) }
/// ```
pub async fn move_object<B: CopyBackend>(
    backend: &B,
    bucket: &str,
    key: &str,
    source: &CopySource,
    options: &CopyOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<CopyOutcome, TransferError> {
    if source.bucket == bucket && source.key == key {
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
