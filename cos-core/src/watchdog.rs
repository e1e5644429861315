//! What `read_timeout` bounds: stalls, never durations.
//!
//! - Sending the request: every connection counts the writes its socket accepted
//!   ([`ProgressIo`], one relaxed atomic add per write); the request fails when the
//!   connection accepted nothing for `read_timeout` — so a slow but progressing upload
//!   never times out, while a stalled one does. Once the request is fully written, the
//!   same rule bounds the wait for the response head.
//! - Reading a response body: each gap between chunks ([`read_body`], and
//!   [`ByteStream`](crate::ByteStream) for downloads), with one `Sleep` reset per chunk.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::{CaptureConnection, Connected, Connection};
use hyper_util::rt::TokioIo;
use tokio::time::Instant;

/// How many writes a connection's socket accepted (shared with the requests using it
/// through the connection's `Connected` extras).
#[derive(Clone, Default, Debug)]
pub(crate) struct WriteProgress(Arc<AtomicU64>);

impl WriteProgress {
    fn bump(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A TCP connection that counts accepted writes.
#[derive(Debug)]
pub(crate) struct ProgressIo {
    inner: TokioIo<tokio::net::TcpStream>,
    progress: WriteProgress,
}

/// The most not-yet-sent bytes a connection's kernel buffer takes (`TCP_NOTSENT_LOWAT`).
///
/// Without this bound the send buffer (autotuned up to megabytes) would accept a whole
/// upload at once and then drain for seconds on a slow link, invisible to the stall check
/// (and to the response-head wait that follows). With it, a write is accepted only as
/// bytes actually leave, so the accepted writes follow the link and what remains after
/// the last write drains in about `NOT_SENT_LOW_WATER / rate` (0.25 s at 1 MiB/s). The
/// bytes in flight stay bounded by the congestion and receive windows, as before.
const NOT_SENT_LOW_WATER: u32 = 256 * 1024;

impl ProgressIo {
    pub(crate) fn new(inner: TokioIo<tokio::net::TcpStream>) -> Self {
        #[cfg(any(target_os = "android", target_os = "linux"))]
        if let Err(e) =
            socket2::SockRef::from(inner.inner()).set_tcp_notsent_lowat(NOT_SENT_LOW_WATER)
        {
            tracing::debug!(error = %e, "cannot set TCP_NOTSENT_LOWAT");
        }
        ProgressIo {
            inner,
            progress: WriteProgress::default(),
        }
    }

    fn counted(&self, r: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        if let Poll::Ready(Ok(n)) = &r
            && *n > 0
        {
            self.progress.bump();
        }
        r
    }
}

impl Connection for ProgressIo {
    fn connected(&self) -> Connected {
        self.inner.connected().extra(self.progress.clone())
    }
}

impl Read for ProgressIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl Write for ProgressIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.counted(r)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.counted(r)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

fn progress_of(capture: &CaptureConnection) -> Option<WriteProgress> {
    let meta = capture.connection_metadata();
    let mut ext = http::Extensions::new();
    meta.as_ref()?.get_extras(&mut ext);
    ext.get::<WriteProgress>().cloned()
}

/// Awaits `fut` (sending a request and awaiting its response head) until the connection
/// `capture` names has accepted no write for `stall`; `None` then.
///
/// The connection is checked every quarter of `stall`, so a stall is noticed between
/// `stall` and 1.25 × `stall` after the last write.
pub(crate) async fn until_stalled<F: Future>(
    fut: F,
    capture: &CaptureConnection,
    stall: Duration,
) -> Option<F::Output> {
    let tick = (stall / 4).max(Duration::from_millis(1));
    let mut fut = std::pin::pin!(fut);
    let sleep = tokio::time::sleep(tick);
    let mut sleep = std::pin::pin!(sleep);
    let mut progress: Option<WriteProgress> = None;
    let mut seen = 0u64;
    let mut last = Instant::now();
    loop {
        tokio::select! {
            biased;
            out = &mut fut => return Some(out),
            () = &mut sleep => {}
        }
        let now = Instant::now();
        if progress.is_none() {
            progress = progress_of(capture);
        }
        if let Some(p) = &progress {
            let n = p.get();
            if n != seen {
                seen = n;
                last = now;
            }
        }
        let stalled_at = last + stall;
        if now >= stalled_at {
            return None;
        }
        sleep.as_mut().reset(stalled_at.min(now + tick));
    }
}

/// Why reading a body stopped.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// No chunk arrived for the read timeout.
    Stalled,
    /// The connection failed.
    Body(hyper::Error),
}

/// Reads `incoming`, waiting at most `stall` for each chunk, and returns its first `keep`
/// bytes. Past them it reads on, discarding, so that the connection can be reused, but
/// only until `drain` bytes in all have come: then it stops, and dropping the unfinished
/// body closes the connection.
pub(crate) async fn read_body(
    incoming: &mut hyper::body::Incoming,
    stall: Duration,
    keep: usize,
    drain: usize,
) -> Result<Bytes, ReadError> {
    let hint = http_body::Body::size_hint(incoming).lower();
    let hint = usize::try_from(hint).unwrap_or(usize::MAX).min(keep);
    let sleep = tokio::time::sleep(stall);
    let mut sleep = std::pin::pin!(sleep);
    let mut first: Option<Bytes> = None;
    let mut more: Option<BytesMut> = None;
    let mut kept = 0usize;
    let mut total = 0usize;
    loop {
        let frame = tokio::select! {
            biased;
            f = incoming.frame() => f,
            () = &mut sleep => return Err(ReadError::Stalled),
        };
        let data = match frame {
            None => break,
            Some(Err(e)) => return Err(ReadError::Body(e)),
            Some(Ok(f)) => match f.into_data() {
                Ok(d) => d,
                Err(_) => continue,
            },
        };
        total = total.saturating_add(data.len());
        let room = keep - kept;
        if room > 0 {
            let data = if data.len() > room {
                data.slice(..room)
            } else {
                data
            };
            kept += data.len();
            match (&mut first, &mut more) {
                (None, _) => first = Some(data),
                (Some(a), None) => {
                    let mut m = BytesMut::with_capacity((a.len() + data.len()).max(hint));
                    m.extend_from_slice(a);
                    m.extend_from_slice(&data);
                    more = Some(m);
                }
                (Some(_), Some(m)) => m.extend_from_slice(&data),
            }
        }
        if total > drain {
            break;
        }
        sleep.as_mut().reset(Instant::now() + stall);
    }
    Ok(more.map(BytesMut::freeze).or(first).unwrap_or_default())
}
