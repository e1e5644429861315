//! Request bodies ([`Body`]: bytes, a file region, or a one-shot stream) and response
//! bodies ([`ByteStream`]: a checked byte stream with `collect` / `write_to_file`).

use std::fmt;
use std::future::Future as _;
use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{BoxStream, Stream, StreamExt};
use http_body::Body as _;
use http_body_util::{BodyExt, Empty, Full, StreamBody, combinators::UnsyncBoxBody};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::error::{Error, IntegrityError};
use cos_crc64::Crc64;

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub(crate) type HyperBody = UnsyncBoxBody<Bytes, BoxError>;

const CHUNK: usize = 64 * 1024;

/// A request body.
///
/// Bytes and file regions can be sent again, so requests carrying them are retried;
/// a stream is sent once and never retried.
///
/// ```
/// use cos_core::Body;
/// let b = Body::from("hello");
/// assert_eq!(b.content_length(), Some(5));
/// assert!(b.is_replayable());
/// ```
pub struct Body {
    inner: Inner,
}

enum Inner {
    Empty,
    Bytes(Bytes),
    File {
        path: PathBuf,
        offset: u64,
        len: u64,
    },
    Stream {
        stream: Mutex<Option<BoxStream<'static, std::io::Result<Bytes>>>>,
        len: Option<u64>,
    },
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Empty => f.write_str("Body::Empty"),
            Inner::Bytes(b) => write!(f, "Body::Bytes({} bytes)", b.len()),
            Inner::File { path, offset, len } => {
                write!(f, "Body::File({}, {offset}+{len})", path.display())
            }
            Inner::Stream { len, .. } => write!(f, "Body::Stream({len:?})"),
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl Body {
    /// An empty body.
    pub fn empty() -> Self {
        Body {
            inner: Inner::Empty,
        }
    }

    /// A body of `bytes`.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Body {
            inner: Inner::Bytes(bytes.into()),
        }
    }

    /// The whole file at `path`.
    ///
    /// Errors: [`Error::Io`] when the file cannot be inspected.
    pub async fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let len = tokio::fs::metadata(&path).await?.len();
        Ok(Self::from_file_region(path, 0, len))
    }

    /// `len` bytes of the file at `path` starting at `offset` (read when sent; a file
    /// that is shorter when read makes the request fail with an I/O error).
    pub fn from_file_region(path: impl Into<PathBuf>, offset: u64, len: u64) -> Self {
        Body {
            inner: Inner::File {
                path: path.into(),
                offset,
                len,
            },
        }
    }

    /// A one-shot stream of chunks; `len` is sent as `Content-Length` when known
    /// (chunked transfer encoding otherwise). Never retried.
    pub fn from_stream<S>(stream: S, len: Option<u64>) -> Self
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        Body {
            inner: Inner::Stream {
                stream: Mutex::new(Some(stream.boxed())),
                len,
            },
        }
    }

    /// The length, when known.
    pub fn content_length(&self) -> Option<u64> {
        match &self.inner {
            Inner::Empty => Some(0),
            Inner::Bytes(b) => Some(b.len() as u64),
            Inner::File { len, .. } => Some(*len),
            Inner::Stream { len, .. } => *len,
        }
    }

    /// True when the body can be sent more than once (everything but streams).
    pub fn is_replayable(&self) -> bool {
        !matches!(self.inner, Inner::Stream { .. })
    }

    /// The bytes, when the body is held in memory.
    pub(crate) fn as_bytes(&self) -> Option<&Bytes> {
        match &self.inner {
            Inner::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The hyper body for one attempt, with a CRC tap. `None` when a stream body was
    /// already consumed.
    pub(crate) fn for_attempt(&self, tap: Option<CrcTap>) -> Option<HyperBody> {
        match &self.inner {
            Inner::Empty => Some(Empty::new().map_err(|n| match n {}).boxed_unsync()),
            Inner::Bytes(b) => {
                if let Some(t) = &tap {
                    t.update(b);
                }
                Some(Full::new(b.clone()).map_err(|n| match n {}).boxed_unsync())
            }
            Inner::File { path, offset, len } => {
                let s = file_stream(path.clone(), *offset, *len);
                Some(tapped(s, tap))
            }
            Inner::Stream { stream, .. } => {
                let s = stream.lock().ok()?.take()?;
                Some(tapped(s, tap))
            }
        }
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Self {
        Body::from_bytes(b)
    }
}
impl From<Vec<u8>> for Body {
    fn from(b: Vec<u8>) -> Self {
        Body::from_bytes(b)
    }
}
impl From<String> for Body {
    fn from(b: String) -> Self {
        Body::from_bytes(b)
    }
}
impl From<&'static str> for Body {
    fn from(b: &'static str) -> Self {
        Body::from_bytes(b)
    }
}
impl From<&'static [u8]> for Body {
    fn from(b: &'static [u8]) -> Self {
        Body::from_bytes(b)
    }
}

/// Shared CRC64 + byte count of what was actually sent.
#[derive(Clone, Default)]
pub(crate) struct CrcTap(Arc<Mutex<(Crc64, u64)>>);

impl CrcTap {
    pub(crate) fn update(&self, data: &[u8]) {
        if let Ok(mut g) = self.0.lock() {
            g.0.update(data);
            g.1 += data.len() as u64;
        }
    }
    pub(crate) fn value(&self) -> Option<(u64, u64)> {
        self.0.lock().ok().map(|g| (g.0.value(), g.1))
    }
}

fn tapped(s: BoxStream<'static, std::io::Result<Bytes>>, tap: Option<CrcTap>) -> HyperBody {
    let s = s.map(move |r| {
        let b = r.map_err(|e| Box::new(e) as BoxError)?;
        if let Some(t) = &tap {
            t.update(&b);
        }
        Ok(http_body::Frame::data(b))
    });
    BodyExt::boxed_unsync(StreamBody::new(s))
}

fn file_stream(path: PathBuf, offset: u64, len: u64) -> BoxStream<'static, std::io::Result<Bytes>> {
    struct St {
        path: PathBuf,
        file: Option<tokio::fs::File>,
        offset: u64,
        remaining: u64,
    }
    let st = St {
        path,
        file: None,
        offset,
        remaining: len,
    };
    futures_util::stream::try_unfold(st, |mut st| async move {
        if st.remaining == 0 {
            return Ok(None);
        }
        let file = match st.file.as_mut() {
            Some(f) => f,
            None => {
                let mut f = tokio::fs::File::open(&st.path).await?;
                f.seek(SeekFrom::Start(st.offset)).await?;
                st.file.insert(f)
            }
        };
        let want = (st.remaining.min(CHUNK as u64)) as usize;
        let mut buf = BytesMut::zeroed(want);
        let n = file.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "file is shorter than the region to upload",
            ));
        }
        buf.truncate(n);
        st.remaining -= n as u64;
        Ok(Some((buf.freeze(), st)))
    })
    .boxed()
}

/// The body of a GET Object response: a stream of byte chunks, checked as it goes.
///
/// When the stream ends, the byte count is compared with `Content-Length` and, for a
/// full (non-range) download with CRC verification on, the CRC64 with
/// `x-cos-hash-crc64ecma`; a mismatch is yielded as [`Error::Integrity`].
pub struct ByteStream {
    inner: BoxStream<'static, Result<Bytes, Error>>,
    expected_len: Option<u64>,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ByteStream(expected_len: {:?})", self.expected_len)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

/// The checked body of a response: length and CRC64 at the end, `read_timeout` between
/// chunks and the operation deadline throughout, with one timer reset per chunk.
struct Checked {
    incoming: hyper::body::Incoming,
    read_timeout: Duration,
    /// The operation timeout's end, and its length (for the message).
    deadline: Option<(tokio::time::Instant, Duration)>,
    timer: Pin<Box<tokio::time::Sleep>>,
    received: u64,
    expected_len: Option<u64>,
    crc: Option<(Crc64, u64)>,
    done: bool,
}

impl Checked {
    fn next_deadline(&self) -> tokio::time::Instant {
        let stall = tokio::time::Instant::now() + self.read_timeout;
        match self.deadline {
            Some((d, _)) => stall.min(d),
            None => stall,
        }
    }

    fn timed_out(&self) -> Error {
        match self.deadline {
            Some((d, t)) if tokio::time::Instant::now() >= d => {
                Error::Timeout(crate::error::TimeoutError::Operation {
                    limit: t,
                    reading_body: true,
                })
            }
            _ => Error::Timeout(crate::error::TimeoutError::BodyStalled(self.read_timeout)),
        }
    }

    fn finish(&self) -> Option<Error> {
        if let Some(exp) = self.expected_len
            && exp != self.received
        {
            let e = IntegrityError::LengthMismatch {
                expected: exp,
                received: self.received,
            };
            return Some(Error::integrity(e));
        }
        if let Some((c, remote)) = &self.crc
            && c.value() != *remote
        {
            let e = IntegrityError::Crc64Mismatch {
                local: c.value(),
                remote: *remote,
            };
            return Some(Error::integrity(e));
        }
        None
    }
}

fn body_error(e: hyper::Error) -> Error {
    let eof = std::error::Error::source(&e)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(|io| io.kind() == std::io::ErrorKind::UnexpectedEof);
    if e.is_incomplete_message() || eof {
        Error::integrity(IntegrityError::Truncated(e.to_string()))
    } else {
        Error::Connection(Box::new(e))
    }
}

impl Stream for Checked {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        loop {
            match Pin::new(&mut this.incoming).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    if data.is_empty() {
                        continue;
                    }
                    this.received += data.len() as u64;
                    if let Some((c, _)) = this.crc.as_mut() {
                        c.update(&data);
                    }
                    let next = this.next_deadline();
                    this.timer.as_mut().reset(next);
                    return Poll::Ready(Some(Ok(data)));
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(body_error(e))));
                }
                Poll::Ready(None) => {
                    this.done = true;
                    return Poll::Ready(this.finish().map(Err));
                }
                Poll::Pending => {
                    if this.timer.as_mut().poll(cx).is_ready() {
                        this.done = true;
                        return Poll::Ready(Some(Err(this.timed_out())));
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

impl ByteStream {
    /// A checked stream over `incoming`: `read_timeout` bounds each wait for a chunk and
    /// `deadline` (the operation timeout's end, and its length) the whole read.
    pub(crate) fn from_incoming(
        incoming: hyper::body::Incoming,
        read_timeout: Duration,
        deadline: Option<(tokio::time::Instant, Duration)>,
        expected_len: Option<u64>,
        expected_crc: Option<u64>,
    ) -> Self {
        let mut st = Checked {
            incoming,
            read_timeout,
            deadline,
            timer: Box::pin(tokio::time::sleep(Duration::ZERO)),
            received: 0,
            expected_len,
            crc: expected_crc.map(|c| (Crc64::new(), c)),
            done: false,
        };
        let first = st.next_deadline();
        st.timer.as_mut().reset(first);
        ByteStream {
            inner: st.boxed(),
            expected_len,
        }
    }

    /// A stream over bytes already in memory (no checks).
    pub fn from_bytes(bytes: Bytes) -> Self {
        let len = bytes.len() as u64;
        ByteStream {
            inner: futures_util::stream::iter([Ok(bytes)]).boxed(),
            expected_len: Some(len),
        }
    }

    /// The announced length (`Content-Length`), when known.
    pub fn expected_len(&self) -> Option<u64> {
        self.expected_len
    }

    /// Reads the whole body into memory.
    ///
    /// Errors: [`Error::Integrity`] for a truncated body or CRC64 mismatch,
    /// [`Error::Timeout`] / [`Error::Connection`] while reading.
    pub async fn collect(mut self) -> Result<Bytes, Error> {
        let mut buf =
            BytesMut::with_capacity(self.expected_len.unwrap_or(0).min(64 << 20) as usize);
        while let Some(chunk) = self.inner.next().await {
            buf.extend_from_slice(&chunk?);
        }
        Ok(buf.freeze())
    }

    /// Writes the body to `path` atomically: into a temporary file next to it, checked
    /// (length and CRC64), synced, then renamed over `path`. On any failure the
    /// temporary file is removed and `path` is left untouched. Returns the byte count.
    ///
    /// Errors: [`Error::Io`] for file-system failures, [`Error::Integrity`] for a short
    /// body or CRC64 mismatch, and read errors as for [`collect`](Self::collect).
    pub async fn write_to_file(mut self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "download".into());
        let tmp = dir.join(format!(
            ".{name}.cos-partial-{}-{}",
            std::process::id(),
            crate::retry::random_u64()
        ));
        let result = async {
            let mut file = tokio::fs::File::create(&tmp).await?;
            let mut written = 0u64;
            while let Some(chunk) = self.inner.next().await {
                let chunk = chunk?;
                file.write_all(&chunk).await?;
                written += chunk.len() as u64;
            }
            if let Some(exp) = self.expected_len
                && exp != written
            {
                return Err(Error::integrity(IntegrityError::LengthMismatch {
                    expected: exp,
                    received: written,
                }));
            }
            file.flush().await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&tmp, path).await?;
            Ok(written)
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }
}
