//! Downloads into any `AsyncWrite` (a socket, a pipe, a compressor, …): HEAD, then a
//! GET of the whole object pinned to its ETag (`If-Match`), written chunk by chunk as it
//! arrives (memory: one chunk). A broken stream resumes with a ranged GET from the first
//! byte not yet written, pinned to the same ETag, so the sink never receives a byte of
//! another version: a changed object fails with [`TransferError::Changed`]. The CRC-64
//! of the bytes written is compared with the service's.

use cos_core::{BucketName, ObjectKey};
use futures_util::StreamExt;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::backend::{Backend, RangeRequest};
use crate::control::{CancelHandle, Progress, ProgressFn};
use crate::download::{DownloadOptions, DownloadOutcome};
use crate::error::TransferError;
use cos_crc64::Crc64;

fn sink_error(e: std::io::Error) -> TransferError {
    TransferError::StreamIo {
        what: "writing the download sink",
        source: e,
    }
}

/// The engine behind [`Transfers::download_to`](crate::Transfers::download_to).
pub(crate) async fn download_to<B: Backend, W: AsyncWrite + Unpin + Send + ?Sized>(
    backend: &B,
    (bucket, key): (&BucketName, &ObjectKey),
    sink: &mut W,
    options: &DownloadOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<DownloadOutcome, TransferError> {
    let info = backend
        .head(bucket, key, &options.get)
        .await
        .map_err(|e| TransferError::head(bucket, key, e))?;
    let size = info.size.ok_or(TransferError::MissingHeader {
        operation: "HeadObject",
        header: "Content-Length",
    })?;
    // The GETs are pinned to the ETag HEAD saw; its own conditions were HEAD's business.
    let get = options.get.without_conditions();
    let (mut pos, mut crc) = (0u64, Crc64::new());
    let (mut fetched, mut resumes, mut stalled) = (0u32, 0u32, 0u32);
    while pos < size {
        if cancel.is_cancelled() {
            return Err(TransferError::Cancelled);
        }
        let range = RangeRequest {
            start: pos,
            end: size,
            if_match: Some(info.etag.as_str()),
        };
        let mut stream = backend
            .get(bucket, key, Some(range), &get)
            .await
            .map_err(|e| {
                if e.status().map(|s| s.as_u16()) == Some(412) {
                    TransferError::Changed
                } else {
                    TransferError::remote("GetObject", e)
                }
            })?;
        fetched += 1;
        let before = pos;
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    tracing::debug!(error = %e, pos, "stream broke; resuming with a ranged GET");
                    break;
                }
            };
            let len = chunk.len() as u64;
            if pos + len > size {
                return Err(TransferError::Length {
                    what: format!("{bucket}/{key}"),
                    expected: size,
                    got: pos + len,
                });
            }
            sink.write_all(&chunk).await.map_err(sink_error)?;
            crc.update(&chunk);
            pos += len;
            if let Some(p) = &progress {
                p(Progress::Bytes {
                    done: pos,
                    total: size,
                });
            }
        }
        if pos == size {
            break;
        }
        // A stream that ended early is as broken as one that errored. Each resume must
        // make progress, or at most `max_stream_resumes` of them in a row may fail.
        stalled = if pos == before { stalled + 1 } else { 0 };
        if stalled > options.max_stream_resumes {
            return Err(TransferError::Length {
                what: format!("{bucket}/{key}"),
                expected: size,
                got: pos,
            });
        }
        resumes += 1;
    }
    sink.flush().await.map_err(sink_error)?;
    let crc = crc.value();
    if let Some(remote) = info.crc64
        && remote != crc
    {
        return Err(TransferError::Integrity {
            what: format!("{bucket}/{key}"),
            local: crc,
            remote,
        });
    }
    Ok(DownloadOutcome {
        size,
        crc64: crc,
        etag: info.etag,
        ranges_fetched: fetched,
        ranges_reused: 0,
        stream_resumes: resumes,
    })
}
