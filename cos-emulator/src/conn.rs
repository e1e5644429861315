//! One connection: serving it with hyper under the emulator's limits (head read
//! timeout, idle timeout; the connection cap is the accept loop's), so that a client
//! cannot hold a connection, its descriptor and its buffers without sending; over TLS
//! (HTTP/2 or HTTP/1.1 by ALPN) when the listener has a certificate.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Body, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, watch};
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;

/// Largest read buffer per connection. Stored bodies keep the chunks hyper read (no
/// copy), so each read allocates afresh; larger reads mean fewer, bigger chunks.
const READ_BUFFER: usize = 4 << 20;

/// Resolves once the stop flag is set (or its sender is gone).
pub(crate) async fn stopped_signal(rx: &mut watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}

/// Connection limits (see the builder's `header_read_timeout`, `idle_timeout` and
/// `max_connections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // hyper's own default; nginx's `client_header_timeout` is 60 s.
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// What a connection's watchdog needs to know: when bytes last moved, and whether a
/// request is being handled.
#[derive(Debug)]
struct Activity {
    epoch: Instant,
    /// Milliseconds after `epoch` of the last read or written byte.
    last_ms: AtomicU64,
    /// Requests whose handler is running.
    handling: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Activity {
            epoch: Instant::now(),
            last_ms: AtomicU64::new(0),
            handling: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.epoch + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }
}

/// Counts a running handler; marks activity when it ends (the idle clock restarts).
struct Handling(Arc<Activity>);

impl Handling {
    fn start(activity: &Arc<Activity>) -> Self {
        activity.handling.fetch_add(1, Ordering::Relaxed);
        Handling(activity.clone())
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.touch();
        self.0.handling.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A TCP stream that records when bytes move.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// `from + d`, or a year from `from` when that overflows (a timeout "never").
fn deadline(from: Instant, d: Duration) -> Instant {
    from.checked_add(d)
        .unwrap_or_else(|| from + Duration::from_secs(365 * 86_400))
}

/// Waits for `conn` (a hyper connection future) to end, the stop flag (it then
/// finishes its current request), or `idle_timeout` without bytes moving while no
/// handler runs (the connection is then dropped, closing the socket).
macro_rules! drive {
    ($conn:expr, $activity:expr, $limits:expr, $stop:expr) => {{
        let conn = $conn;
        tokio::pin!(conn);
        loop {
            let wake = if $activity.handling.load(Ordering::Relaxed) > 0 {
                deadline(Instant::now(), $limits.idle_timeout)
            } else {
                deadline($activity.last(), $limits.idle_timeout)
            };
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = stopped_signal(&mut $stop) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                    return;
                }
                _ = tokio::time::sleep_until(wake) => {
                    let idle = $activity.handling.load(Ordering::Relaxed) == 0
                        && $activity.last().elapsed() >= $limits.idle_timeout;
                    if idle {
                        return;
                    }
                }
            }
        }
    }};
}

/// Serves one connection with `handle` until it closes, the stop flag is set (it then
/// finishes its current request), or it stays idle for `idle_timeout` while no
/// handler runs. `_permit` is its slot under the connection cap, given back when it
/// ends.
///
/// Plain connections speak HTTP/1.1. With `tls`, the handshake must end within
/// `header_read_timeout`, and the connection then speaks HTTP/2 or HTTP/1.1, whichever
/// the client chose by ALPN (hyper-util's automatic server).
pub(crate) async fn serve<H, F, B, E>(
    stream: TcpStream,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
    tls: Option<TlsAcceptor>,
    handle: H,
) where
    H: Fn(Request<Incoming>) -> F + Send + 'static,
    F: Future<Output = Result<Response<B>, E>> + Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let activity = Arc::new(Activity::new());
    let io = Watched {
        stream,
        activity: activity.clone(),
    };
    let service_activity = activity.clone();
    let service = service_fn(move |req| {
        let handling = Handling::start(&service_activity);
        let answer = handle(req);
        async move {
            let answer = answer.await;
            drop(handling);
            answer
        }
    });
    let Some(acceptor) = tls else {
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .keep_alive(true)
            .max_buf_size(READ_BUFFER)
            .serve_connection(TokioIo::new(io), service);
        drive!(conn, activity, limits, stop)
    };
    let handshake = tokio::time::timeout(limits.header_read_timeout, acceptor.accept(io));
    let Ok(Ok(io)) = handshake.await else {
        // A failed or stalled handshake: drop the connection.
        return;
    };
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true)
        .max_buf_size(READ_BUFFER);
    builder.http2().timer(TokioTimer::new());
    let conn = builder.serve_connection(TokioIo::new(io), service);
    drive!(conn, activity, limits, stop)
}
