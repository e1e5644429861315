//! The requests a transfer needs, as traits: [`Backend`] for one object's upload and
//! download, [`CopyBackend`] for server-side copies and moves, [`BucketBackend`] for the
//! folder operations (listing and batch deletes). `cos-core`'s client implements all
//! three ([`CosBackend`](crate::CosBackend)); tests implement them with a fake to drive
//! every failure deterministically.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::Stream;

pub use cos_core::MetadataDirective;
use cos_core::{BucketName, ObjectKey, ReadOptions, SseCustomerKey};

use crate::error::RemoteError;
use crate::resume::{ListedPart, ListedUpload};

/// A stream of body chunks.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, RemoteError>> + Send>>;

/// What HEAD Object says about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Content length (`None` when the response had no `Content-Length`: the transfers
    /// refuse such an object rather than guess its size).
    pub size: Option<u64>,
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
    /// HEAD Object, of `get`'s version and with its conditions.
    fn head(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        get: &ReadOptions,
    ) -> impl Future<Output = Result<ObjectInfo, RemoteError>> + Send;
    /// PUT Object with the whole body (`md5`: send it as `Content-MD5`).
    fn put_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> impl Future<Output = Result<Written, RemoteError>> + Send;
    /// Initiate Multipart Upload; returns the upload id.
    fn create_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> impl Future<Output = Result<String, RemoteError>> + Send;
    /// Upload Part (`md5`: send it as `Content-MD5`).
    fn upload_part(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        number: u32,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> impl Future<Output = Result<Written, RemoteError>> + Send;
    /// One page of List Parts, starting after part number `marker`. The engines follow
    /// the pages themselves, refusing a marker that does not advance.
    fn list_parts(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        marker: Option<u32>,
    ) -> impl Future<Output = Result<Page<ListedPart, u32>, RemoteError>> + Send;
    /// One page of List Multipart Uploads whose key starts with `key`, starting after
    /// `marker`. The engines follow the pages themselves, refusing a marker that does
    /// not advance.
    fn list_multipart_uploads(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        marker: Option<&UploadMarker>,
    ) -> impl Future<Output = Result<Page<ListedUpload, UploadMarker>, RemoteError>> + Send;
    /// The storage class of the multipart uploads this backend initiates (`None`: the
    /// service's default, `STANDARD`). An unfinished upload listed with another class is
    /// never continued.
    fn upload_storage_class(&self) -> Option<&str> {
        None
    }
    /// The SSE-C key the objects and uploads of this backend are written with (`None`:
    /// no SSE-C). The engines read back what they wrote with it (HEAD to skip unchanged
    /// files) and record its MD5, never the key, in checkpoints.
    fn write_customer_key(&self) -> Option<&SseCustomerKey> {
        None
    }
    /// Complete Multipart Upload with `(number, etag)` in order.
    fn complete_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        parts: Vec<(u32, String)>,
    ) -> impl Future<Output = Result<Written, RemoteError>> + Send;
    /// Abort Multipart Upload.
    fn abort_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
    ) -> impl Future<Output = Result<(), RemoteError>> + Send;
    /// GET Object, whole (`range == None`) or a range, of `get`'s version and with its
    /// `response-*` overrides (its conditions are HEAD's business).
    fn get(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        range: Option<RangeRequest<'_>>,
        get: &ReadOptions,
    ) -> impl Future<Output = Result<ByteStream, RemoteError>> + Send;
    /// GET Object of the whole object, of `get`'s version, with its conditions and
    /// `response-*` overrides, together with what the response says about the object
    /// (size, ETag, Last-Modified, CRC-64): one request where [`head`](Self::head) then
    /// [`get`](Self::get) would be two. Folder downloads fetch small objects with it. The
    /// default makes exactly those two requests.
    fn get_with_info(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        get: &ReadOptions,
    ) -> impl Future<Output = Result<(ObjectInfo, ByteStream), RemoteError>> + Send {
        async move {
            let info = self.head(bucket, key, get).await?;
            let body = self.get(bucket, key, None, get).await?;
            Ok((info, body))
        }
    }
}

/// The source object of a server-side copy: bucket and key, optionally in another region
/// or a specific version.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CopySource {
    /// Source bucket.
    pub bucket: BucketName,
    /// Source key.
    pub key: ObjectKey,
    /// Region of the source bucket (`None`: the client's region).
    pub region: Option<String>,
    /// Copy this version (`None`: the current one).
    pub version_id: Option<String>,
    /// The SSE-C key the source was written with (sent as
    /// `x-cos-copy-source-server-side-encryption-customer-*`; never shown by `Debug`).
    pub sse_customer_key: Option<SseCustomerKey>,
}

impl CopySource {
    /// The current version of `bucket`/`key` in the client's region.
    pub fn new(bucket: &BucketName, key: &ObjectKey) -> Self {
        Self {
            bucket: bucket.clone(),
            key: key.clone(),
            region: None,
            version_id: None,
            sse_customer_key: None,
        }
    }

    /// The source bucket is in `region` (a cross-region copy).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The source is an SSE-C object written with `key`.
    pub fn sse_customer_key(mut self, key: SseCustomerKey) -> Self {
        self.sse_customer_key = Some(key);
        self
    }

    /// Copies version `id` of the source.
    pub fn version_id(mut self, id: impl Into<String>) -> Self {
        self.version_id = Some(id.into());
        self
    }
}

/// What HEAD says about a copy source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// Size, ETag, Last-Modified, CRC-64.
    pub object: ObjectInfo,
    /// The headers that describe the object (`Content-Type` and the other entity headers,
    /// `x-cos-meta-*`), which a multipart copy with [`MetadataDirective::Copy`] carries
    /// over to the new object.
    pub headers: Vec<(String, String)>,
}

/// One byte range of a copy source: bytes `start..end` (end exclusive), pinned to the
/// source's ETag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyRange<'a> {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// `x-cos-copy-source-If-Match`: the copy fails if the source changed.
    pub if_match: Option<&'a str>,
}

/// The service operations of server-side copies and moves, on top of [`Backend`].
///
/// Implementations retry transient failures themselves; an error returned here ends the
/// operation.
pub trait CopyBackend: Backend {
    /// HEAD Object on the copy source.
    fn head_source(
        &self,
        source: &CopySource,
    ) -> impl Future<Output = Result<SourceInfo, RemoteError>> + Send;
    /// PUT Object - Copy of the whole source. With [`MetadataDirective::Replaced`] the new
    /// object gets the backend's own object options instead of the source's metadata.
    fn copy_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        source: &CopySource,
        directive: MetadataDirective,
        if_match: Option<&str>,
    ) -> impl Future<Output = Result<Written, RemoteError>> + Send;
    /// Initiate Multipart Upload for a copy: with `source_headers` (a copy keeping the
    /// source's metadata) the upload carries exactly those headers, without them the
    /// backend's own object options.
    fn create_copy_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        source_headers: Option<&[(String, String)]>,
    ) -> impl Future<Output = Result<String, RemoteError>> + Send;
    /// Upload Part - Copy of `range` of the source.
    fn upload_part_copy(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        number: u32,
        source: &CopySource,
        range: CopyRange<'_>,
    ) -> impl Future<Output = Result<Written, RemoteError>> + Send;
    /// DELETE Object of the source (of its version when it names one, in its region):
    /// the second half of a move.
    fn delete_source(
        &self,
        source: &CopySource,
    ) -> impl Future<Output = Result<(), RemoteError>> + Send;
}

/// An object as listed by List Objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedObject {
    /// The key (decoded).
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// ETag as listed.
    pub etag: String,
}

/// An object or one of its versions, for deletion.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    /// The key.
    pub key: String,
    /// The version (`None`: the current object).
    pub version_id: Option<String>,
}

/// An object a batch delete could not remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteFailure {
    /// What was to be deleted.
    pub id: ObjectId,
    /// COS error code, e.g. `AccessDenied`.
    pub code: String,
    /// COS error message.
    pub message: String,
}

/// Where a page of List Multipart Uploads starts: after this key and upload id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UploadMarker {
    /// `key-marker`.
    pub key: String,
    /// `upload-id-marker`.
    pub upload_id: String,
}

/// One page of a listing and where the next one starts (`None`: this was the last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, M> {
    /// The entries of this page.
    pub items: Vec<T>,
    /// The marker of the next page.
    pub next: Option<M>,
}

/// The service operations of the folder operations (listing, batch deletes), on top of
/// [`Backend`].
pub trait BucketBackend: Backend {
    /// One page of List Objects under `prefix`, starting after `marker`.
    fn list_objects(
        &self,
        bucket: &BucketName,
        prefix: &str,
        marker: Option<&str>,
    ) -> impl Future<Output = Result<Page<ListedObject, String>, RemoteError>> + Send;
    /// One page of List Object Versions under `prefix` (versions and delete markers),
    /// starting after `marker` (a key and version id).
    fn list_versions(
        &self,
        bucket: &BucketName,
        prefix: &str,
        marker: Option<&ObjectId>,
    ) -> impl Future<Output = Result<Page<ObjectId, ObjectId>, RemoteError>> + Send;
    /// Delete Multiple Objects (1 to 1000 ids); returns the ids that were not deleted.
    fn delete_objects(
        &self,
        bucket: &BucketName,
        ids: Vec<ObjectId>,
    ) -> impl Future<Output = Result<Vec<DeleteFailure>, RemoteError>> + Send;
}
