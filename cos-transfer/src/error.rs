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
    /// A paged listing went round in circles (a marker repeated or went backwards) or
    /// went on past anything the operation can use.
    #[error("{operation}: {problem}")]
    Listing {
        /// The listing, e.g. `ListObjects`.
        operation: &'static str,
        /// What was wrong with it.
        problem: ListingProblem,
    },
    /// A response lacked a header the transfer cannot do without (e.g. HEAD Object
    /// without `Content-Length`: the size is unknown, so nothing is written).
    #[error("{operation}: the response has no {header}")]
    MissingHeader {
        /// The request, e.g. `HeadObject`.
        operation: &'static str,
        /// The header, e.g. `Content-Length`.
        header: &'static str,
    },
    /// Two keys of a folder download map to the same local file: the second is refused
    /// rather than written over the first.
    #[error("key {key:?} refused: {path} is already the destination of key {other:?}")]
    Collision {
        /// The refused key.
        key: String,
        /// The key that claimed the file first.
        other: String,
        /// The local file.
        path: PathBuf,
    },
    /// An option is out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

/// What was wrong with a paged listing ([`TransferError::Listing`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListingProblem {
    /// The next page would start at a marker already used, or before it (COS lists in
    /// key order, so markers only move forward): the listing would never end.
    #[error("marker {0} does not move past the pages already read")]
    MarkerNotAdvancing(String),
    /// More entries or pages than the operation reads (e.g. more than COS's 10,000
    /// parts of one upload).
    #[error("more than {limit} {unit}")]
    TooLong {
        /// The bound.
        limit: usize,
        /// What was counted (`parts`, `pages`).
        unit: &'static str,
    },
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
