//! Uploads of data that is not in a file: from an `AsyncRead` or a `Stream` of `Bytes`
//! whose length is unknown ([`upload_source`]), and from bytes in memory
//! ([`upload_bytes`]).
//!
//! A source is read into part buffers from a fixed pool (as many as
//! [`UploadOptions::concurrency`], each of the part size: the same bound as
//! `upload_file`), while the parts already read are sent concurrently. A source that
//! ends within the first buffer is sent with one PUT Object. Each part's body is its
//! buffer, frozen: the client's retries resend it without reading the source again, and
//! once acknowledged the buffer is reused for the next part. When the source fails, the
//! upload is cancelled or a part fails for good, the multipart upload is aborted on the
//! service: a stream cannot be read again, so nothing could ever resume it.
//!
//! The task that runs the upload reads the source and nothing else of weight: each
//! part's CRC-64 (and MD5) is computed on the blocking pool (the CRC while the part is
//! already on its way), and the requests' bodies are written by the HTTP client's
//! connection tasks. Reading is then never held up by sending, nor sending by reading.

use std::collections::BTreeMap;
use std::io;
use std::pin::Pin;

use bytes::{BufMut, Bytes, BytesMut};
use cos_core::{BucketName, ObjectKey};
use futures_util::stream::FuturesUnordered;
use futures_util::{Stream, StreamExt};
use md5::{Digest, Md5};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::backend::Backend;
use crate::control::{CancelHandle, Progress, ProgressFn};
use crate::error::TransferError;
use crate::plan::{MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE, UploadPlan};
use crate::upload::{UploadOptions, UploadOutcome};
use cos_crc64 as crc64;

/// A boxed `AsyncRead` source.
pub(crate) type BoxRead<'a> = Pin<Box<dyn AsyncRead + Send + 'a>>;
/// A boxed `Stream` source.
pub(crate) type BoxStream<'a> = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send + 'a>>;
/// A boxed blocking `std::io::Read` source.
pub(crate) type BoxBlockingRead = Box<dyn io::Read + Send + 'static>;
/// A fill of a part buffer from a blocking source, running on the blocking pool: it gives
/// back the reader, the buffer and how many bytes it added.
type FillTask = tokio::task::JoinHandle<(BoxBlockingRead, Vec<u8>, io::Result<usize>)>;

/// Where a stream upload reads its data.
pub(crate) enum Source<'a> {
    /// An `AsyncRead`.
    Read(BoxRead<'a>),
    /// A `Stream` of chunks, with what is left of the last chunk.
    Stream(BoxStream<'a>, Bytes),
    /// A blocking reader (a pipe, standard input), read on the blocking pool straight
    /// into the part buffer, a whole part per task: no copy through another buffer, and
    /// the reading thread wakes as soon as the producer writes (no reactor round trip),
    /// so that a pipe is drained as fast as its producer fills it. While a fill runs,
    /// the reader and the buffer are the task's.
    Blocking(Option<BoxBlockingRead>, Option<FillTask>),
}

impl Source<'_> {
    /// One read into `buf`, up to `limit` bytes in all: the bytes added, 0 at the end of
    /// the source. Cancel-safe: dropped before it completes, it has added nothing and
    /// lost nothing.
    async fn read_some(&mut self, buf: &mut BytesMut, limit: usize) -> io::Result<usize> {
        let room = limit.saturating_sub(buf.len());
        if room == 0 {
            return Ok(0);
        }
        match self {
            Source::Read(r) => {
                let mut limited = (&mut *buf).limit(room);
                r.read_buf(&mut limited).await
            }
            Source::Stream(stream, leftover) => {
                while leftover.is_empty() {
                    match stream.next().await {
                        None => return Ok(0),
                        Some(chunk) => *leftover = chunk?,
                    }
                }
                let n = room.min(leftover.len());
                buf.extend_from_slice(&leftover.split_to(n));
                Ok(n)
            }
            Source::Blocking(reader, task) => fill_blocking(reader, task, buf, room).await,
        }
    }
}

/// [`Source::read_some`] of a blocking source: up to `room` bytes (the rest of the part)
/// read into `buf` on the blocking pool, until the part is full or the source ends.
/// Cancel-safe: the running fill is kept in `task` (it holds `buf`'s allocation, `buf`
/// is left empty meanwhile), and the next call waits for it and gives the buffer back.
async fn fill_blocking(
    reader: &mut Option<BoxBlockingRead>,
    task: &mut Option<FillTask>,
    buf: &mut BytesMut,
    room: usize,
) -> io::Result<usize> {
    if task.is_none() {
        let Some(mut r) = reader.take() else {
            return Err(io::Error::other(
                "the source was lost by an earlier failed read",
            ));
        };
        // Zero-copy: the buffer's allocation moves into the task and back.
        let mut v: Vec<u8> = std::mem::take(buf).into();
        *task = Some(tokio::task::spawn_blocking(move || {
            let before = v.len();
            // `read_to_end` reads into the spare capacity without zeroing it first, and
            // `take` stops it at the part's end (the buffer never grows).
            let added = io::Read::read_to_end(&mut io::Read::take(&mut r, room as u64), &mut v)
                .map(|_| v.len() - before);
            (r, v, added)
        }));
    }
    let Some(running) = task.as_mut() else {
        return Ok(0);
    };
    let joined = running.await;
    *task = None;
    match joined {
        Ok((r, v, added)) => {
            *reader = Some(r);
            *buf = BytesMut::from(Bytes::from(v));
            added
        }
        // The reader panicked: it and the buffer are gone, and so is the upload.
        Err(e) => Err(io::Error::other(e)),
    }
}

/// The CRC-64 of `body`, and its MD5 when `md5`, computed on the blocking pool so that
/// the task reading the source is not held up (16 MiB of CRC is milliseconds of CPU).
async fn sums(body: Bytes, md5: bool) -> Result<(u64, Option<[u8; 16]>), TransferError> {
    tokio::task::spawn_blocking(move || {
        let crc = crc64::checksum(&body);
        (crc, md5.then(|| Md5::digest(&body).into()))
    })
    .await
    .map_err(|e| TransferError::StreamIo {
        what: "computing a part's checksums",
        source: io::Error::other(e),
    })
}

fn source_error(e: io::Error) -> TransferError {
    TransferError::StreamIo {
        what: "reading the upload source",
        source: e,
    }
}

/// The part size of a stream upload, checked: within COS's part limits and memory.
fn part_size(options: &UploadOptions) -> Result<usize, TransferError> {
    if options.concurrency == 0 {
        return Err(TransferError::InvalidOption(
            "concurrency must be at least 1".into(),
        ));
    }
    if options.checkpoint.is_some() {
        return Err(TransferError::InvalidOption(
            "a stream upload cannot be resumed: it takes no checkpoint".into(),
        ));
    }
    let size = options.sizing.part_size;
    if !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&size) {
        return Err(TransferError::InvalidOption(format!(
            "part size {size}: COS parts are {MIN_PART_SIZE}..={MAX_PART_SIZE} bytes"
        )));
    }
    usize::try_from(size)
        .map_err(|_| TransferError::InvalidOption(format!("part size {size}: too large here")))
}

/// Where the upload goes and how it reports.
struct Target<'a, B> {
    backend: &'a B,
    bucket: &'a BucketName,
    key: &'a ObjectKey,
    progress: Option<ProgressFn>,
    md5: bool,
}

impl<B: Backend> Target<'_, B> {
    /// One PUT Object of `data`.
    async fn single(&self, data: Bytes) -> Result<UploadOutcome, TransferError> {
        let size = data.len() as u64;
        let (crc, md5) = sums(data.clone(), self.md5).await?;
        let w = self
            .backend
            .put_object(self.bucket, self.key, data, md5)
            .await
            .map_err(|e| TransferError::remote("PutObject", e))?;
        check_crc(format!("{}/{}", self.bucket, self.key), crc, w.crc64)?;
        if let Some(p) = &self.progress {
            p(Progress::Bytes {
                done: size,
                total: size,
            });
        }
        Ok(UploadOutcome {
            etag: w.etag,
            crc64: crc,
            size,
            multipart: false,
            parts_sent: 1,
            parts_reused: 0,
        })
    }

    /// Completes `upload_id` with `done` (`(etag, crc64, len)` by number) and checks the
    /// combined CRC-64.
    async fn complete(
        &self,
        upload_id: &str,
        done: BTreeMap<u32, (String, u64, u64)>,
    ) -> Result<UploadOutcome, TransferError> {
        let parts = done.iter().map(|(n, p)| (*n, p.0.clone())).collect();
        let w = self
            .backend
            .complete_multipart_upload(self.bucket, self.key, upload_id, parts)
            .await
            .map_err(|e| TransferError::remote("CompleteMultipartUpload", e))?;
        let combined = crc64::combine_all(done.values().map(|p| (p.1, p.2)));
        check_crc(format!("{}/{}", self.bucket, self.key), combined, w.crc64)?;
        Ok(UploadOutcome {
            etag: w.etag,
            crc64: combined,
            size: done.values().map(|p| p.2).sum(),
            multipart: true,
            parts_sent: u32::try_from(done.len()).unwrap_or(u32::MAX),
            parts_reused: 0,
        })
    }

    /// Aborts `upload_id` (best effort: the caller returns the error that led here).
    async fn abort(&self, upload_id: &str) {
        if let Err(e) = self
            .backend
            .abort_multipart_upload(self.bucket, self.key, upload_id)
            .await
        {
            tracing::debug!(error = %e, upload_id, "could not abort the failed stream upload");
        }
    }

    /// Upload Part of `body`: the acknowledged part and its buffer for reuse. Without
    /// MD5 the part's CRC-64 is computed while it is sent (its request does not carry
    /// it); with MD5, before.
    async fn part(
        &self,
        upload_id: &str,
        number: u32,
        body: Bytes,
    ) -> Result<(u32, String, u64, u64, Option<BytesMut>), TransferError> {
        let len = body.len() as u64;
        let to_sum = body.clone();
        let send = move |md5| async move {
            self.backend
                .upload_part(self.bucket, self.key, upload_id, number, body.clone(), md5)
                .await
                .map_err(|e| TransferError::remote("UploadPart", e))
                .map(|w| (w, body))
        };
        let (crc, (w, body)) = if self.md5 {
            let (crc, md5) = sums(to_sum, true).await?;
            (crc, send(md5).await?)
        } else {
            let (sum, sent) = tokio::join!(sums(to_sum, false), send(None));
            (sum?.0, sent?)
        };
        check_crc(format!("part {number}"), crc, w.crc64)?;
        Ok((number, w.etag, crc, len, body.try_into_mut().ok()))
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

/// Fills `buf` up to `limit` bytes or the end of the source; true at the end.
async fn fill(source: &mut Source<'_>, buf: &mut BytesMut, limit: usize) -> io::Result<bool> {
    while buf.len() < limit {
        if source.read_some(buf, limit).await? == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The engine behind [`Transfers::upload_reader`](crate::Transfers::upload_reader) and
/// [`Transfers::upload_stream`](crate::Transfers::upload_stream).
pub(crate) async fn upload_source<B: Backend>(
    backend: &B,
    (bucket, key): (&BucketName, &ObjectKey),
    mut source: Source<'_>,
    options: &UploadOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<UploadOutcome, TransferError> {
    let part_size = part_size(options)?;
    let target = Target {
        backend,
        bucket,
        key,
        progress,
        md5: options.content_md5,
    };
    let mut first = BytesMut::with_capacity(part_size);
    let ended = fill(&mut source, &mut first, part_size)
        .await
        .map_err(source_error)?;
    if cancel.is_cancelled() {
        return Err(TransferError::Cancelled);
    }
    if ended {
        return target.single(first.freeze()).await;
    }
    let upload_id = backend
        .create_multipart_upload(bucket, key)
        .await
        .map_err(|e| TransferError::remote("InitiateMultipartUpload", e))?;
    let sent = send_stream(&target, &upload_id, first, &mut source, options, cancel).await;
    let result = match sent {
        Ok(done) => target.complete(&upload_id, done).await,
        Err(e) => Err(e),
    };
    if result.is_err() {
        target.abort(&upload_id).await;
    }
    result
}

/// Reads the rest of the source into pooled buffers and sends each full one as a part
/// (`first` is part 1), at most `concurrency` buffers in all.
async fn send_stream<B: Backend>(
    target: &Target<'_, B>,
    upload_id: &str,
    first: BytesMut,
    source: &mut Source<'_>,
    options: &UploadOptions,
    cancel: &CancelHandle,
) -> Result<BTreeMap<u32, (String, u64, u64)>, TransferError> {
    let part_size = first.len();
    let mut in_flight = FuturesUnordered::new();
    let mut pool: Vec<BytesMut> = Vec::new();
    let mut buffers = 1usize; // allocated so far: `first`
    let mut done = BTreeMap::new();
    let (mut read, mut sent_bytes) = (first.len() as u64, 0u64);
    in_flight.push(target.part(upload_id, 1, first.freeze()));
    let mut next = 2u32;
    // The buffer being filled, kept across loop turns so a read cut short by `select!`
    // loses nothing.
    let mut filling: Option<BytesMut> = None;
    let mut ended = false;
    loop {
        if filling.is_none() && !ended && (pool.len() + (options.concurrency - buffers)) > 0 {
            filling = Some(pool.pop().unwrap_or_else(|| {
                buffers += 1;
                BytesMut::with_capacity(part_size)
            }));
        }
        if filling.is_none() && in_flight.is_empty() {
            break;
        }
        // Checked between reads and acknowledgements: no new part starts once cancelled.
        if cancel.is_cancelled() {
            return Err(TransferError::Cancelled);
        }
        tokio::select! {
            r = async {
                let buf = filling.as_mut()?;
                Some(source.read_some(buf, part_size).await)
            }, if filling.is_some() => {
                let n = match r {
                    Some(r) => r.map_err(source_error)?,
                    None => 0,
                };
                let full = filling.as_ref().is_some_and(|b| b.len() >= part_size);
                if n == 0 || full {
                    ended |= n == 0;
                    let Some(buf) = filling.take() else { continue };
                    if buf.is_empty() {
                        pool.push(buf);
                        continue;
                    }
                    if next > MAX_PARTS {
                        return Err(TransferError::InvalidOption(format!(
                            "the source is larger than {MAX_PARTS} parts of {part_size} bytes: use a larger part size"
                        )));
                    }
                    read += buf.len() as u64;
                    in_flight.push(target.part(upload_id, next, buf.freeze()));
                    next += 1;
                }
            }
            r = in_flight.next(), if !in_flight.is_empty() => {
                let Some(r) = r else { continue };
                let (number, etag, crc, len, buf) = r?;
                sent_bytes += len;
                if let Some(p) = &target.progress {
                    p(Progress::Part { number, len });
                    p(Progress::Bytes { done: sent_bytes, total: read });
                }
                done.insert(number, (etag, crc, len));
                match buf {
                    Some(mut b) => {
                        b.clear();
                        pool.push(b);
                    }
                    // Still shared (cannot happen once the request is done): let it go.
                    None => buffers -= 1,
                }
            }
        }
    }
    Ok(done)
}

/// The engine behind [`Transfers::upload_bytes`](crate::Transfers::upload_bytes): one PUT
/// up to the multipart threshold, concurrent parts (slices of `data`, no copies) above.
pub(crate) async fn upload_bytes<B: Backend>(
    backend: &B,
    (bucket, key): (&BucketName, &ObjectKey),
    data: Bytes,
    options: &UploadOptions,
    progress: Option<ProgressFn>,
    cancel: &CancelHandle,
) -> Result<UploadOutcome, TransferError> {
    if options.concurrency == 0 {
        return Err(TransferError::InvalidOption(
            "concurrency must be at least 1".into(),
        ));
    }
    let target = Target {
        backend,
        bucket,
        key,
        progress,
        md5: options.content_md5,
    };
    let plan = match options.sizing.plan(data.len() as u64)? {
        UploadPlan::Single => return target.single(data).await,
        UploadPlan::Multipart(plan) => plan,
    };
    if cancel.is_cancelled() {
        return Err(TransferError::Cancelled);
    }
    let upload_id = backend
        .create_multipart_upload(bucket, key)
        .await
        .map_err(|e| TransferError::remote("InitiateMultipartUpload", e))?;
    let total = data.len() as u64;
    let send = async {
        let mut parts = plan.parts();
        let mut in_flight = FuturesUnordered::new();
        let mut done = BTreeMap::new();
        let mut sent = 0u64;
        loop {
            while in_flight.len() < options.concurrency {
                let Some(p) = parts.next() else { break };
                if cancel.is_cancelled() {
                    return Err(TransferError::Cancelled);
                }
                // Offsets come from a plan of `data.len()`: they fit in usize.
                let (start, end) = (p.offset as usize, (p.offset + p.len) as usize);
                in_flight.push(target.part(&upload_id, p.number, data.slice(start..end)));
            }
            let Some(r) = in_flight.next().await else {
                break;
            };
            let (number, etag, crc, len, _) = r?;
            sent += len;
            if let Some(p) = &target.progress {
                p(Progress::Part { number, len });
                p(Progress::Bytes { done: sent, total });
            }
            done.insert(number, (etag, crc, len));
        }
        Ok(done)
    };
    let result = match send.await {
        Ok(done) => target.complete(&upload_id, done).await,
        Err(e) => Err(e),
    };
    if result.is_err() {
        target.abort(&upload_id).await;
    }
    result
}
