//! Resumable, verified, bounded-memory transfers for Tencent Cloud COS.
//!
//! [`Transfers`] is the entry point: every operation as a builder on validated
//! [`BucketName`](cos_core::BucketName) / [`ObjectKey`](cos_core::ObjectKey) values,
//! finished by `.send().await`, each running against a backend trait (`cos-core`'s
//! client provides all of them through [`CosBackend`]; tests use fakes):
//! - [`Transfers::upload_file`] / [`Transfers::download_file`] ([`Backend`]): single
//!   request or concurrent parts, resumable from checkpoints, CRC-64 verified;
//! - [`Transfers::copy`] / [`Transfers::move_object`] ([`CopyBackend`]): server-side
//!   copies, multipart above 5 GiB, across buckets and regions;
//! - [`Transfers::upload_dir`] / [`Transfers::download_dir`] /
//!   [`Transfers::delete_prefix`] ([`BucketBackend`]): folders, with globs,
//!   skip-unchanged and per-file reports;
//! - [`Transfers::upload_reader`] / [`Transfers::upload_stream`] /
//!   [`Transfers::upload_bytes`] / [`Transfers::download_to`] ([`Backend`]): data of
//!   unknown length from an `AsyncRead` or a `Stream` (bounded memory, aborted on
//!   failure), bytes in memory, and downloads into an `AsyncWrite`.
//!
//! Objects are written with `cos-core`'s [`WriteOptions`] and read with its
//! [`ReadOptions`], the same plain data its own builders take, server-side encryption
//! ([`Sse`]) included: an SSE-C key goes on every request that needs it, and only its
//! MD5 into checkpoints.
//!
//! Progress comes through a callback ([`ProgressFn`]) or a stream ([`progress_stream`]);
//! a [`CancelHandle`] stops any of them.
//!
//! Underneath is a sans-IO core, testable without sockets:
//! - [`plan`]: choosing single PUT vs multipart and planning parts within COS limits;
//! - [`checkpoint`]: upload and download checkpoints, saved atomically;
//! - [`resume`]: deciding what a restarted transfer may reuse;
//! - [`paths`]: keys to local paths (refusing any that would escape) and glob filters.
#![deny(missing_docs)]

mod backend;
mod backend_ref;
pub mod checkpoint;
mod control;
mod copy;
mod cos;
mod dir;
mod download;
mod download_options;
mod error;
mod fileio;
mod listing;
pub mod paths;
#[cfg(target_os = "linux")]
mod pipe;
pub mod plan;
pub mod resume;
mod stream_download;
mod stream_upload;
mod transfers;
mod transfers_stream;
mod transform;
mod unique;
mod upload;

pub use backend::{
    Backend, BucketBackend, ByteStream, CopyBackend, CopyRange, CopySource, DeleteFailure,
    ListedObject, MetadataDirective, ObjectId, ObjectInfo, Page, RangeRequest, SourceInfo,
    UploadMarker, Written,
};
pub use control::{
    CancelHandle, FileStatus, Progress, ProgressFn, ProgressStream, progress_stream,
};
pub use copy::{CopyOptions, CopyOutcome};
pub use cos::CosBackend;
pub use cos_core::{KmsOptions, ReadOptions, Sse, SseCustomerKey, WriteOptions};
pub use dir::{DELETE_BATCH, DeleteOptions, DeleteSummary, DirOptions, DirSummary, FileReport};
pub use download::{DownloadOptions, DownloadOutcome, PARTIAL_SUFFIX};
pub use error::{ListingProblem, RemoteError, TransferError};
#[cfg(target_os = "linux")]
pub use fileio::file_crc64;
pub use pipe::{PIPE_CAPACITY, set_pipe_capacity, stdin_blocking_reader, stdin_reader};
pub use transfers::{
    Copy, DeletePrefix, DownloadDir, DownloadFile, Transfers, UploadDir, UploadFile,
};
pub use transfers_stream::{DownloadTo, UploadBytes, UploadStream};
pub use transform::{BodyTransform, Transform};
pub use upload::{UploadOptions, UploadOutcome};
