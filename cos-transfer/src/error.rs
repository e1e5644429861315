//! [`TransferError`]: everything a transfer can fail with.

use std::path::PathBuf;

use crate::checkpoint::CheckpointError;
use crate::plan::PlanError;

/// An error from the service or transport layer, as reported by a [`Backend`](crate::Backend).
pub type RemoteError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a transfer failed. The checkpoint (if any) is kept, so the transfer can be
/// resumed, unless the variant says otherwise.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// A request failed (after the client's own retries).
    #[error("{operation} failed: {source}")]
    Remote {
        /// The operation, e.g. `UploadPart`.
        operation: &'static str,
        /// The underlying error.
        source: RemoteError,
    },
    /// Reading the source or writing the destination failed.
    #[error("{path}: {source}")]
    Io {
        /// The local file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The data does not have the CRC-64 the service reports.
    #[error("integrity check failed for {what}: local crc64 {local}, service crc64 {remote}")]
    Integrity {
        /// What was checked.
        what: String,
        /// CRC-64 computed locally.
        local: u64,
        /// CRC-64 the service reported.
        remote: u64,
    },
    /// The service returned less or more data than announced.
    #[error("{what}: expected {expected} bytes, got {got}")]
    Length {
        /// What was read.
        what: String,
        /// Announced length.
        expected: u64,
        /// Received length.
        got: u64,
    },
    /// A checkpoint could not be read or written.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The source cannot be uploaded within COS's limits.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The remote object changed during a download (ETag no longer matches).
    #[error("the object changed during the transfer")]
    Changed,
    /// Cancelled through a [`CancelHandle`](crate::CancelHandle).
    #[error("the transfer was cancelled")]
    Cancelled,
    /// A folder download refused a key that would land outside the destination.
    #[error("key {key:?} refused: {reason}")]
    UnsafeKey {
        /// The key.
        key: String,
        /// Why it is unsafe.
        reason: crate::paths::UnsafeKey,
    },
    /// An option is out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

impl TransferError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn remote(operation: &'static str, source: RemoteError) -> Self {
        Self::Remote { operation, source }
    }
}
