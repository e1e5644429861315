//! Progress events and cancellation.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A progress event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// Bytes done so far out of the total (parts resumed from a checkpoint count as done).
    Bytes {
        /// Bytes done.
        done: u64,
        /// Total bytes.
        total: u64,
    },
    /// A part (or download range) finished.
    Part {
        /// Its 1-based number.
        number: u32,
        /// Its length.
        len: u64,
    },
}

/// A callback receiving progress events; called from the transfer's tasks.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

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

    /// Requests cancellation: no new part starts; the transfer returns
    /// [`TransferError::Cancelled`](crate::TransferError::Cancelled).
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}
