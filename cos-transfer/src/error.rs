//! [`TransferError`]: everything a transfer can fail with.

use std::path::PathBuf;

use crate::checkpoint::CheckpointError;
use crate::plan::PlanError;

/// An error from the service or transport layer, as reported by a [`Backend`](crate::Backend):
/// `cos-core`'s typed error, never boxed.
pub type RemoteError = cos_core::Error;

/// Why a transfer failed. The checkpoint (if any) is kept, so the transfer can be
/// resumed, unless the variant says otherwise.
///
/// A variant with a cause either prints it in its message (`#[error(transparent)]`) or
/// returns it from [`source`](std::error::Error::source), never both, so a reporter
/// walking the chain prints each cause once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// A request failed (after the client's own retries).
    #[error("{operation} failed")]
    Remote {
        /// The operation, e.g. `UploadPart`.
        operation: &'static str,
        /// The underlying error (also the [`source`](std::error::Error::source)).
        source: RemoteError,
    },
    /// The object to download or copy does not exist. HEAD answers a missing key with
    /// a bodiless 404 that `cos-core` reports as a synthetic `NoSuchResource`; this
    /// names what was missing instead.
    #[error("no such key {key:?} in bucket {bucket}")]
    NoSuchKey {
        /// The bucket.
        bucket: String,
        /// The missing key.
        key: String,
        /// The HEAD's 404 (also the [`source`](std::error::Error::source)).
        source: RemoteError,
    },
    /// Reading the source or writing the destination failed.
    #[error("I/O error on {path}")]
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
    /// Reading the source of a stream upload or writing the sink of a stream download
    /// failed (a stream upload's multipart upload is then aborted).
    #[error("{what} failed")]
    StreamIo {
        /// `reading the upload source` or `writing the download sink`.
        what: &'static str,
        /// The I/O error (also the [`source`](std::error::Error::source)).
        source: std::io::Error,
    },
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

    /// A failed HEAD of `bucket`/`key`: [`NoSuchKey`](Self::NoSuchKey) for a 404.
    pub(crate) fn head(
        bucket: &cos_core::BucketName,
        key: &cos_core::ObjectKey,
        source: RemoteError,
    ) -> Self {
        if source.is_not_found() {
            Self::NoSuchKey {
                bucket: bucket.to_string(),
                key: key.to_string(),
                source,
            }
        } else {
            Self::remote("HeadObject", source)
        }
    }

    /// The `cos-core` error behind this one, when a request failed.
    pub fn cos_error(&self) -> Option<&cos_core::Error> {
        match self {
            Self::Remote { source, .. } | Self::NoSuchKey { source, .. } => Some(source),
            _ => None,
        }
    }

    /// True when the object (or bucket) was not found: [`NoSuchKey`](Self::NoSuchKey)
    /// or any request answered with 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NoSuchKey { .. }) || self.cos_error().is_some_and(|e| e.is_not_found())
    }

    /// True when trying again may succeed: a request failed with a timeout, a broken
    /// connection, a 5xx or a 429 (`cos-core`'s retry rule), or the transfer stopped on
    /// a data error that a fresh attempt re-reads (integrity, length, object changed).
    /// Resuming from the checkpoint is then the way to try again.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Integrity { .. } | Self::Length { .. } | Self::Changed => true,
            _ => self.cos_error().is_some_and(cos_core::Error::is_retryable),
        }
    }

    /// The COS error code (`NoSuchKey`, `AccessDenied`, …) when the service answered
    /// with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::NoSuchKey { .. } => Some("NoSuchKey"),
            _ => self.cos_error().and_then(cos_core::Error::code),
        }
    }
}
