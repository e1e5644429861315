//! Resumable, verified, bounded-memory transfers for Tencent Cloud COS.
//!
//! [`upload_file`] and [`download_file`] run against any [`Backend`] (the service
//! operations a transfer needs; `cos-core`'s client provides one). Underneath is a
//! sans-IO core, testable without sockets:
//! - [`crc64`]: COS's `x-cos-hash-crc64ecma` (CRC-64/XZ) and combining part CRCs into
//!   the whole-object CRC without reading the data again;
//! - [`plan`]: choosing single PUT vs multipart and planning parts within COS limits;
//! - [`checkpoint`]: upload and download checkpoints, saved atomically;
//! - [`resume`]: deciding what a restarted transfer may reuse.
#![deny(missing_docs)]

mod backend;
pub mod checkpoint;
mod control;
mod cos;
pub mod crc64;
mod download;
mod error;
mod fileio;
pub mod plan;
pub mod resume;
mod upload;

pub use backend::{Backend, ByteStream, ObjectInfo, RangeRequest, Written};
pub use control::{CancelHandle, Progress, ProgressFn};
pub use cos::{CosBackend, ObjectOptions};
pub use download::{DownloadOptions, DownloadOutcome, download_file, partial_path};
pub use error::{RemoteError, TransferError};
pub use upload::{UploadOptions, UploadOutcome, upload_file};
