//! Request body reading (with injected resets) and streaming response bodies.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::sync::mpsc;

use crate::errors::{ApiError, Failure, OpResult};

/// A request body read chunk by chunk; counts bytes and applies an injected reset.
#[derive(Debug)]
pub(crate) struct ReqBody {
    inner: Option<Incoming>,
    read: u64,
    reset_after: Option<u64>,
    /// Longest wait for the next chunk before the request is dropped.
    stall: Option<std::time::Duration>,
}

impl ReqBody {
    pub fn new(inner: Incoming, reset_after: Option<u64>) -> Self {
        ReqBody {
            inner: Some(inner),
            read: 0,
            reset_after,
            stall: None,
        }
    }

    /// Ends the request with [`Failure::Reset`] when no body bytes arrive for `d` (a
    /// client that stalls mid-body must not hold the connection and its temp file).
    pub fn stall_timeout(mut self, d: std::time::Duration) -> Self {
        self.stall = Some(d);
        self
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// The next chunk, `None` at the end. A broken connection or an injected reset
    /// ends the request with [`Failure::Reset`].
    pub async fn chunk(&mut self) -> OpResult<Option<Bytes>> {
        loop {
            let Some(inner) = self.inner.as_mut() else {
                return Ok(None);
            };
            let frame = match self.stall {
                Some(d) => tokio::time::timeout(d, inner.frame())
                    .await
                    .map_err(|_| Failure::Reset)?,
                None => inner.frame().await,
            };
            match frame {
                None => {
                    self.inner = None;
                    return Ok(None);
                }
                Some(Err(_)) => return Err(Failure::Reset),
                Some(Ok(frame)) => {
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    self.read += data.len() as u64;
                    if self.reset_after.is_some_and(|n| self.read > n) {
                        return Err(Failure::Reset);
                    }
                    if !data.is_empty() {
                        return Ok(Some(data));
                    }
                }
            }
        }
    }

    /// The whole body of a small document (XML, JSON), at most `max` bytes.
    pub async fn collect(&mut self, max: usize) -> OpResult<Bytes> {
        let mut out = Vec::new();
        while let Some(c) = self.chunk().await? {
            if out.len() + c.len() > max {
                return Err(ApiError::new(
                    400,
                    "EntityTooLarge",
                    "Your proposed upload exceeds the maximum allowed size.",
                )
                .into());
            }
            out.extend_from_slice(&c);
        }
        Ok(Bytes::from(out))
    }

    /// Body bytes still to come, when known (`Some(0)` once read to the end; `None`
    /// for a chunked body not yet ended).
    pub fn remaining(&self) -> Option<u64> {
        match &self.inner {
            None => Some(0),
            Some(b) if b.is_end_stream() => Some(0),
            Some(b) => b.size_hint().exact(),
        }
    }

    /// Reads and discards the rest of the body.
    pub async fn drain(&mut self) -> OpResult<()> {
        while self.chunk().await?.is_some() {}
        Ok(())
    }
}

/// A response body: nothing, in-memory chunks, or a stream fed by a producer task.
#[derive(Debug)]
pub(crate) struct RespBody {
    kind: Kind,
    remaining: Option<u64>,
    limit: Option<u64>,
    sent: u64,
    /// Lets what was sent reach the client before an injected reset.
    reset_delay: Option<Pin<Box<tokio::time::Sleep>>>,
}

#[derive(Debug)]
enum Kind {
    Chunks(VecDeque<Bytes>),
    Stream(mpsc::Receiver<std::io::Result<Bytes>>),
}

impl RespBody {
    pub fn empty() -> Self {
        Self::chunks(VecDeque::new())
    }

    pub fn full(b: impl Into<Bytes>) -> Self {
        let b = b.into();
        Self::chunks(VecDeque::from([b]))
    }

    pub fn chunks(chunks: VecDeque<Bytes>) -> Self {
        let len = chunks.iter().map(|c| c.len() as u64).sum();
        RespBody {
            kind: Kind::Chunks(chunks),
            remaining: Some(len),
            limit: None,
            sent: 0,
            reset_delay: None,
        }
    }

    /// A body of `len` bytes received from a producer task.
    pub fn stream(rx: mpsc::Receiver<std::io::Result<Bytes>>, len: u64) -> Self {
        RespBody {
            kind: Kind::Stream(rx),
            remaining: Some(len),
            limit: None,
            sent: 0,
            reset_delay: None,
        }
    }

    /// A body of unknown length (sent chunked) received from a producer task: the
    /// event stream of SELECT Object Content.
    pub fn stream_unsized(rx: mpsc::Receiver<std::io::Result<Bytes>>) -> Self {
        RespBody {
            kind: Kind::Stream(rx),
            remaining: None,
            limit: None,
            sent: 0,
            reset_delay: None,
        }
    }

    /// Ends the connection after `limit` bytes were sent (an injected fault).
    pub fn limit(mut self, limit: Option<u64>) -> Self {
        self.limit = limit;
        self
    }
}

fn injected_reset() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected fault")
}

impl Body for RespBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.get_mut();
        if let Some(limit) = this.limit
            && this.sent >= limit
        {
            let delay = this.reset_delay.get_or_insert_with(|| {
                Box::pin(tokio::time::sleep(std::time::Duration::from_millis(50)))
            });
            return match delay.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(()) => Poll::Ready(Some(Err(injected_reset()))),
            };
        }
        let next = match &mut this.kind {
            Kind::Chunks(q) => q.pop_front().map(Ok),
            Kind::Stream(rx) => match rx.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(v) => v,
            },
        };
        match next {
            None => Poll::Ready(None),
            Some(Err(e)) => Poll::Ready(Some(Err(e))),
            Some(Ok(mut data)) => {
                if let Some(limit) = this.limit {
                    let room = limit.saturating_sub(this.sent);
                    if (data.len() as u64) > room {
                        data.truncate(usize::try_from(room).unwrap_or(usize::MAX));
                    }
                }
                this.sent += data.len() as u64;
                if let Some(r) = &mut this.remaining {
                    *r = r.saturating_sub(data.len() as u64);
                }
                Poll::Ready(Some(Ok(Frame::data(data))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.limit.is_none() && self.remaining == Some(0)
    }

    fn size_hint(&self) -> SizeHint {
        match self.remaining {
            Some(n) if self.limit.is_none() => SizeHint::with_exact(n),
            _ => SizeHint::default(),
        }
    }
}
