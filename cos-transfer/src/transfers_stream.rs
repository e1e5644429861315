//! The stream operations of [`Transfers`]: uploads from an `AsyncRead`, a `Stream` of
//! `Bytes` or bytes in memory, and downloads into an `AsyncWrite`, as builders finished
//! by `.send().await` like the file operations.

use std::fmt;

use bytes::Bytes;
use cos_core::{BucketName, ObjectKey, ReadOptions};
use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::backend::Backend;
use crate::control::{CancelHandle, ProgressFn};
use crate::download::{DownloadOptions, DownloadOutcome};
use crate::error::TransferError;
use crate::stream_upload::Source;
use crate::transfers::Transfers;
use crate::upload::{UploadOptions, UploadOutcome};

/// The setters every stream builder has: options, progress callback, cancel handle.
macro_rules! stream_setters {
    ($options:ty) => {
        /// Replaces the options.
        pub fn options(mut self, options: $options) -> Self {
            self.options = options;
            self
        }

        /// Reports progress to `progress`.
        pub fn progress(mut self, progress: ProgressFn) -> Self {
            self.progress = Some(progress);
            self
        }

        /// Stops when `cancel` is cancelled.
        pub fn cancel(mut self, cancel: &CancelHandle) -> Self {
            self.cancel = cancel.clone();
            self
        }
    };
}

/// Uploads from an `AsyncRead` or a `Stream` of unknown length; see
/// [`Transfers::upload_reader`] and [`Transfers::upload_stream`].
#[must_use = "call .send().await to run the transfer"]
pub struct UploadStream<'a, B: Backend> {
    backend: &'a B,
    bucket: &'a BucketName,
    key: &'a ObjectKey,
    source: Source<'a>,
    options: UploadOptions,
    progress: Option<ProgressFn>,
    cancel: CancelHandle,
}

/// Uploads bytes in memory; see [`Transfers::upload_bytes`].
#[must_use = "call .send().await to run the transfer"]
pub struct UploadBytes<'a, B: Backend> {
    backend: &'a B,
    bucket: &'a BucketName,
    key: &'a ObjectKey,
    data: Bytes,
    options: UploadOptions,
    progress: Option<ProgressFn>,
    cancel: CancelHandle,
}

/// Downloads into an `AsyncWrite`; see [`Transfers::download_to`].
#[must_use = "call .send().await to run the transfer"]
pub struct DownloadTo<'a, B: Backend, W: ?Sized> {
    backend: &'a B,
    bucket: &'a BucketName,
    key: &'a ObjectKey,
    sink: &'a mut W,
    options: DownloadOptions,
    progress: Option<ProgressFn>,
    cancel: CancelHandle,
}

impl<B: Backend> fmt::Debug for UploadStream<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadStream")
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<B: Backend> fmt::Debug for UploadBytes<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadBytes")
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("len", &self.data.len())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<B: Backend, W: ?Sized> fmt::Debug for DownloadTo<'_, B, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DownloadTo")
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<B: Backend> Transfers<B> {
    /// Uploads everything `reader` yields, of a length not known in advance, to
    /// `bucket`/`key`: one PUT Object when it ends within the first part, otherwise a
    /// multipart upload whose parts are read into a fixed pool of reused buffers
    /// ([`UploadOptions::concurrency`] of [`UploadOptions::part_size`] bytes: the memory
    /// bound of `upload_file`) and sent concurrently while the next ones are read.
    /// A part's request is retried (by the client) from its buffer, never by reading
    /// the source again. The object's CRC-64 is checked as `upload_file` does.
    ///
    /// The task running the upload only reads: the parts' checksums are computed on the
    /// blocking pool and their bodies written by the client's connection tasks. For a
    /// pipe or standard input, [`upload_blocking_reader`](Self::upload_blocking_reader)
    /// is faster (no reactor round trip per read, one copy).
    ///
    /// Not resumable (a reader cannot be read twice): when the source fails, a part
    /// fails for good or the upload is cancelled, the multipart upload is aborted on the
    /// service. At most 10,000 parts: the part size bounds the object (16 MiB parts:
    /// 156 GiB).
    ///
    /// Errors: [`TransferError::StreamIo`] when reading the source fails,
    /// [`TransferError::Remote`], [`TransferError::Integrity`],
    /// [`TransferError::Cancelled`], [`TransferError::InvalidOption`] for a zero
    /// concurrency, a part size outside COS's 1 MiB..=5 GiB, a checkpoint, or a source
    /// longer than 10,000 parts.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use cos_core::{BucketName, ObjectKey};
    /// use cos_transfer::Transfers;
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let addr = listener.local_addr()?;
    /// # tokio::spawn(async move {
    /// #     use tokio::io::AsyncWriteExt;
    /// #     let (mut peer, _) = listener.accept().await?;
    /// #     peer.write_all(&vec![7u8; 3 << 20]).await
    /// # });
    /// let transfers = Transfers::new(client);
    /// let (bucket, key) = (BucketName::new("examplebucket-1250000000")?, ObjectKey::new("backup.tar")?);
    /// // Whatever a peer sends, of a length nobody announced.
    /// let socket = tokio::net::TcpStream::connect(addr).await?;
    /// let out = transfers.upload_reader(&bucket, &key, socket).send().await?;
    /// println!("{} bytes, multipart: {}", out.size, out.multipart);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn upload_reader<'a>(
        &'a self,
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        reader: impl AsyncRead + Send + 'a,
    ) -> UploadStream<'a, B> {
        self.stream_builder(bucket, key, Source::Read(Box::pin(reader)))
    }

    /// Uploads everything the blocking `reader` yields (a pipe, standard input, a
    /// child's stdout, a FIFO…), of a length not known in advance, as
    /// [`upload_reader`](Self::upload_reader) does (same part pool, memory bound, retries,
    /// checks and errors), but read on the blocking pool straight into each part's
    /// buffer, a whole part per read task.
    ///
    /// For a pipe this is the faster way: the reading thread sleeps in `read(2)` and is
    /// woken by the kernel as soon as the producer writes, with no reactor round trip,
    /// so the pipe is drained as fast as it fills and its producer is rarely stopped;
    /// and the bytes are copied once, from the pipe into the part. With
    /// [`stdin_blocking_reader`](crate::stdin_blocking_reader) for standard input (Linux:
    /// its pipe raised to 1 MiB first). `cargo xtask bench transfer` measures it against
    /// `upload_file`.
    ///
    /// A read in progress when the upload fails or is cancelled finishes on its blocking
    /// thread (a blocking read cannot be interrupted) and its bytes are dropped.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use cos_core::{BucketName, ObjectKey};
    /// use cos_transfer::Transfers;
    /// let transfers = Transfers::new(client);
    /// let (bucket, key) = (BucketName::new("examplebucket-1250000000")?, ObjectKey::new("dump.sql")?);
    /// // `cos_transfer::stdin_blocking_reader()` for `pg_dump | my-uploader`; here, a
    /// // child's output of a length nobody announced.
    /// let mut child = std::process::Command::new("head")
    ///     .args(["-c", "3000000", "/dev/zero"])
    ///     .stdout(std::process::Stdio::piped())
    ///     .spawn()?;
    /// let stdout = child.stdout.take().ok_or("no stdout")?;
    /// let out = transfers.upload_blocking_reader(&bucket, &key, stdout).send().await?;
    /// assert_eq!(out.size, 3_000_000);
    /// child.wait()?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn upload_blocking_reader<'a>(
        &'a self,
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        reader: impl std::io::Read + Send + 'static,
    ) -> UploadStream<'a, B> {
        self.stream_builder(bucket, key, Source::Blocking(Some(Box::new(reader)), None))
    }

    /// Uploads the chunks of `stream` (of unknown total length) to `bucket`/`key`, as
    /// [`upload_reader`](Self::upload_reader) does; a stream item's error is the
    /// source's error ([`TransferError::StreamIo`]).
    pub fn upload_stream<'a, E>(
        &'a self,
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        stream: impl Stream<Item = Result<Bytes, E>> + Send + 'a,
    ) -> UploadStream<'a, B>
    where
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let stream = stream.map(|r| r.map_err(std::io::Error::other));
        self.stream_builder(bucket, key, Source::Stream(Box::pin(stream), Bytes::new()))
    }

    fn stream_builder<'a>(
        &'a self,
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        source: Source<'a>,
    ) -> UploadStream<'a, B> {
        UploadStream {
            backend: self.backend(),
            bucket,
            key,
            source,
            options: UploadOptions::default(),
            progress: None,
            cancel: CancelHandle::new(),
        }
    }

    /// Uploads `data` (bytes in memory) to `bucket`/`key`: one PUT up to the multipart
    /// threshold, concurrent parts above it (slices of `data`, not copies). Not
    /// resumable; a failed or cancelled multipart upload is aborted.
    ///
    /// Errors: as [`upload_reader`](Self::upload_reader), and [`TransferError::Plan`]
    /// beyond COS's size limits.
    pub fn upload_bytes<'a>(
        &'a self,
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        data: impl Into<Bytes>,
    ) -> UploadBytes<'a, B> {
        UploadBytes {
            backend: self.backend(),
            bucket,
            key,
            data: data.into(),
            options: UploadOptions::default(),
            progress: None,
            cancel: CancelHandle::new(),
        }
    }

    /// Downloads `bucket`/`key` into `sink`: HEAD, then a GET pinned to the ETag
    /// (`If-Match`) written to `sink` as it arrives (memory: one chunk). A broken stream
    /// resumes with a ranged GET from the first byte not yet written, pinned to the same
    /// ETag (up to [`DownloadOptions::max_stream_resumes`] in a row without progress);
    /// the CRC-64 of the bytes written is compared with the service's. `sink` is
    /// flushed at the end, not shut down.
    ///
    /// Of [`DownloadOptions`], this uses the read options ([`DownloadOptions::get`]:
    /// version, SSE-C key, …) and `max_stream_resumes`.
    ///
    /// Errors: [`TransferError::Changed`] when the object changed (the GET's
    /// `If-Match` failed), [`TransferError::NoSuchKey`], [`TransferError::Remote`],
    /// [`TransferError::Integrity`], [`TransferError::Length`],
    /// [`TransferError::StreamIo`] when writing to `sink` fails,
    /// [`TransferError::MissingHeader`], [`TransferError::Cancelled`]. Bytes already
    /// written to `sink` stay written.
    pub fn download_to<'a, W: AsyncWrite + Unpin + Send + ?Sized>(
        &'a self,
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        sink: &'a mut W,
    ) -> DownloadTo<'a, B, W> {
        DownloadTo {
            backend: self.backend(),
            bucket,
            key,
            sink,
            options: DownloadOptions::default(),
            progress: None,
            cancel: CancelHandle::new(),
        }
    }
}

impl<B: Backend> UploadStream<'_, B> {
    stream_setters!(UploadOptions);

    /// Runs the upload.
    pub async fn send(self) -> Result<UploadOutcome, TransferError> {
        crate::stream_upload::upload_source(
            self.backend,
            (self.bucket, self.key),
            self.source,
            &self.options,
            self.progress,
            &self.cancel,
        )
        .await
    }
}

impl<B: Backend> UploadBytes<'_, B> {
    stream_setters!(UploadOptions);

    /// Runs the upload.
    pub async fn send(self) -> Result<UploadOutcome, TransferError> {
        crate::stream_upload::upload_bytes(
            self.backend,
            (self.bucket, self.key),
            self.data,
            &self.options,
            self.progress,
            &self.cancel,
        )
        .await
    }
}

impl<B: Backend, W: AsyncWrite + Unpin + Send + ?Sized> DownloadTo<'_, B, W> {
    stream_setters!(DownloadOptions);

    /// Reads with `read` (version, `response-*` overrides, SSE-C key).
    pub fn read_options(mut self, read: ReadOptions) -> Self {
        self.options = self.options.get(read);
        self
    }

    /// Runs the download.
    pub async fn send(self) -> Result<DownloadOutcome, TransferError> {
        crate::stream_download::download_to(
            self.backend,
            (self.bucket, self.key),
            self.sink,
            &self.options,
            self.progress,
            &self.cancel,
        )
        .await
    }
}
