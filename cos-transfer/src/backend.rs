//! The requests a transfer needs, as a trait. `cos-core`'s client implements it; tests
//! can implement it with a fake to drive every failure deterministically.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::Stream;

use crate::error::RemoteError;
use crate::resume::{ListedPart, ListedUpload};

/// A stream of body chunks.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, RemoteError>> + Send>>;

/// What HEAD Object says about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Content length.
    pub size: u64,
    /// ETag as sent (with quotes).
    pub etag: String,
    /// Last-Modified as sent.
    pub last_modified: String,
    /// `x-cos-hash-crc64ecma`, when sent.
    pub crc64: Option<u64>,
}

/// The result of PUT Object, Upload Part or Complete Multipart Upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The ETag the service returned.
    pub etag: String,
    /// `x-cos-hash-crc64ecma`, when sent.
    pub crc64: Option<u64>,
}

/// A ranged GET: bytes `start..end` (end exclusive), pinned to an ETag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeRequest<'a> {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// `If-Match` value: the download fails with a precondition error if the object changed.
    pub if_match: Option<&'a str>,
}

/// The service operations a transfer uses, for one object `key` in `bucket`.
///
/// Implementations retry transient failures themselves; an error returned here ends
/// the transfer (its checkpoint is kept).
pub trait Backend: Send + Sync {
    /// HEAD Object.
    fn head(
        &self,
        bucket: &str,
        key: &str,
    ) -> impl Future<Output = Result<ObjectInfo, RemoteError>> + Send;
    /// PUT Object with the whole body (`md5`: send it as `Content-MD5`).
    fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> impl Future<Output = Result<Written, RemoteError>> + Send;
    /// Initiate Multipart Upload; returns the upload id.
    fn create_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
    ) -> impl Future<Output = Result<String, RemoteError>> + Send;
    /// Upload Part (`md5`: send it as `Content-MD5`).
    fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        number: u32,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> impl Future<Output = Result<Written, RemoteError>> + Send;
    /// List Parts (all pages).
    fn list_parts(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> impl Future<Output = Result<Vec<ListedPart>, RemoteError>> + Send;
    /// List Multipart Uploads whose key starts with `key` (all pages).
    fn list_multipart_uploads(
        &self,
        bucket: &str,
        key: &str,
    ) -> impl Future<Output = Result<Vec<ListedUpload>, RemoteError>> + Send;
    /// Complete Multipart Upload with `(number, etag)` in order.
    fn complete_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: Vec<(u32, String)>,
    ) -> impl Future<Output = Result<Written, RemoteError>> + Send;
    /// Abort Multipart Upload.
    fn abort_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> impl Future<Output = Result<(), RemoteError>> + Send;
    /// GET Object, whole (`range == None`) or a range.
    fn get(
        &self,
        bucket: &str,
        key: &str,
        range: Option<RangeRequest<'_>>,
    ) -> impl Future<Output = Result<ByteStream, RemoteError>> + Send;
}
