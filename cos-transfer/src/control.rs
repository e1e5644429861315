//! Progress events (through a callback or a stream) and cancellation.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::mpsc;

/// A progress event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// Bytes done so far out of the total (parts resumed from a checkpoint count as done).
    /// In folder operations, the bytes of all files together.
    Bytes {
        /// Bytes done.
        done: u64,
        /// Total bytes.
        total: u64,
    },
    /// A part (or download range, or copied part) finished.
    Part {
        /// Its 1-based number.
        number: u32,
        /// Its length.
        len: u64,
    },
    /// A folder operation started on one file.
    FileStarted {
        /// The object key.
        key: String,
        /// The file's size.
        size: u64,
    },
    /// A folder operation finished with one file.
    FileFinished {
        /// The object key.
        key: String,
        /// What happened to it.
        status: FileStatus,
    },
}

/// What a folder operation did with one file, as reported in [`Progress::FileFinished`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileStatus {
    /// Transferred (or deleted).
    Done,
    /// Left alone: the destination already has the same size and CRC-64.
    Unchanged,
    /// Refused without any request (e.g. a key that would escape the destination).
    Refused,
    /// Failed; the summary carries the error.
    Failed,
}

/// A callback receiving progress events; called from the transfer's tasks.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// Progress events as a [`Stream`]; see [`progress_stream`]. The stream ends when every
/// clone of its [`ProgressFn`] is dropped (i.e. when the transfer finished and the
/// caller dropped its copy).
#[derive(Debug)]
pub struct ProgressStream {
    rx: mpsc::UnboundedReceiver<Progress>,
}

impl ProgressStream {
    /// The next event, or `None` once the transfer dropped its sender.
    pub async fn recv(&mut self) -> Option<Progress> {
        self.rx.recv().await
    }
}

impl Stream for ProgressStream {
    type Item = Progress;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Progress>> {
        self.rx.poll_recv(cx)
    }
}

/// A progress callback that forwards every event into a [`ProgressStream`].
///
/// Events are small and queued without bound (at most a few per part), so a slow reader
/// never slows the transfer down.
///
/// ```
/// # async fn run() {
/// use futures_util::StreamExt;
/// let (progress, mut events) = cos_transfer::progress_stream();
/// progress(cos_transfer::Progress::Bytes { done: 1, total: 2 });
/// drop(progress); // normally: pass it to a transfer, which drops it when done
/// while let Some(event) = events.next().await {
///     println!("{event:?}");
/// }
/// # }
/// ```
pub fn progress_stream() -> (ProgressFn, ProgressStream) {
    let (tx, rx) = mpsc::unbounded_channel();
    let f: ProgressFn = Arc::new(move |p| {
        // The reader may have gone away; the transfer goes on regardless.
        let _ = tx.send(p);
    });
    (f, ProgressStream { rx })
}

/// Counts the bytes of one transfer's finished parts and reports each part and the new
/// total to the callback, if any.
pub(crate) struct PartProgress {
    progress: Option<ProgressFn>,
    done: u64,
    total: u64,
}

impl PartProgress {
    /// A transfer of `total` bytes, `done` of which are already done (resumed).
    pub(crate) fn new(progress: Option<ProgressFn>, done: u64, total: u64) -> Self {
        Self {
            progress,
            done,
            total,
        }
    }

    /// Restarts the count at `done` bytes, reported when there are any.
    pub(crate) fn resume_at(&mut self, done: u64) {
        self.done = done;
        if let (Some(p), true) = (&self.progress, done > 0) {
            p(Progress::Bytes {
                done,
                total: self.total,
            });
        }
    }

    /// Part `number` of `len` bytes is done.
    pub(crate) fn part_done(&mut self, number: u32, len: u64) {
        self.done += len;
        if let Some(p) = &self.progress {
            p(Progress::Part { number, len });
            p(Progress::Bytes {
                done: self.done,
                total: self.total,
            });
        }
    }
}

/// Cancels a running transfer from anywhere. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct CancelHandle {
    flag: Arc<AtomicBool>,
}

impl CancelHandle {
    /// A handle that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation: no new part (or file) starts; the transfer returns
    /// [`TransferError::Cancelled`](crate::TransferError::Cancelled).
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}
