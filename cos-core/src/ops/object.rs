//! Object operations: put, get, head, exists, delete, delete many, copy, restore,
//! append, object ACL and object tagging.

use cos_xml::{
    AccessControlPolicy, CopyObjectResult, Delete, DeleteResult, ObjectIdentifier, Tagging,
};
use http::{Method, StatusCode};

use super::{
    Operation, acl_setters, common_setters, entity_setters, error_in_200, header_setters, meta,
    query_setters, set_xml_body, traffic_limit_setter, xml,
};
use crate::body::{Body, ByteStream};
use crate::client::{Client, ResponseMeta};
use crate::error::Error;
use crate::ops::bucket::PutAcl;
use crate::transport::{OpRequest, RawResponse};
use crate::types::{BucketName, MetadataDirective, ObjectKey};

fn obj_req(op: &'static str, method: Method, bucket: &BucketName, key: &ObjectKey) -> OpRequest {
    OpRequest::new(
        op,
        method,
        Some(bucket.clone()),
        Some(key.as_str().to_owned()),
    )
}

fn crc_header(r: &RawResponse) -> Option<u64> {
    r.header("x-cos-hash-crc64ecma")
        .and_then(|v| v.trim().parse().ok())
}

/// The `x-cos-copy-source` value for an object: `<bucket>.cos.<region>.myqcloud.com/<key>`.
pub(crate) fn copy_source(
    client: &Client,
    bucket: &BucketName,
    key: &ObjectKey,
    region: Option<&str>,
    version_id: Option<&str>,
) -> String {
    let region = region.unwrap_or(client.config().region.as_str());
    let mut s = format!(
        "{bucket}.cos.{region}.myqcloud.com{}",
        cos_auth::encode::url_path(key.as_str())
    );
    if let Some(v) = version_id {
        s.push_str("?versionId=");
        s.push_str(v);
    }
    s
}

/// Result of PUT Object.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PutObjectOutput {
    /// `ETag` (quoted, as COS sends it).
    pub etag: Option<String>,
    /// `x-cos-version-id`, when versioning is on.
    pub version_id: Option<String>,
    /// `x-cos-hash-crc64ecma`.
    pub crc64: Option<u64>,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
}

impl PutObjectOutput {
    fn from_raw(r: RawResponse) -> Self {
        PutObjectOutput {
            etag: r.header("etag"),
            version_id: r.header("x-cos-version-id"),
            crc64: crc_header(&r),
            meta: ResponseMeta::from_raw(&r),
        }
    }
}

/// Builder of PUT Object; see [`Client::put_object`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct PutObject {
    client: Client,
    req: OpRequest,
    err: Option<Error>,
    md5: bool,
}

impl PutObject {
    acl_setters!();
    entity_setters!();
    common_setters!();
    traffic_limit_setter!();
    header_setters! {
        /// Sets a `Content-MD5` value you computed (base64 of the MD5).
        content_md5 => "Content-MD5",
        /// Sets object tags (`x-cos-tagging`, e.g. `a=1&b=2`).
        tagging => "x-cos-tagging",
        /// Sets server-side encryption (`x-cos-server-side-encryption`, e.g. `AES256`).
        server_side_encryption => "x-cos-server-side-encryption",
    }

    /// Sets the body (bytes, a file region or a stream; see [`Body`]).
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.req.body = body.into();
        self
    }

    /// Computes and sends `Content-MD5` (in-memory bodies only; ignored otherwise).
    pub fn compute_content_md5(mut self) -> Self {
        self.md5 = true;
        self
    }

    /// Uploads the object. The response's CRC64 is checked against the bytes sent.
    ///
    /// Errors: `NoSuchBucket` (404), `BadDigest` / `EntityTooLarge` (400), invalid
    /// traffic limit (before any request), [`Error::Integrity`] on a CRC64 mismatch,
    /// [`Error::Io`] when a file body cannot be read, and client errors.
    pub async fn send(mut self) -> Result<PutObjectOutput, Error> {
        if let Some(e) = self.err {
            return Err(e);
        }
        if self.md5
            && let Some(b) = self.req.body.as_bytes()
        {
            let v = super::content_md5(b);
            self.req.header("Content-MD5", v);
        }
        self.req.verify_upload_crc = true;
        Ok(PutObjectOutput::from_raw(self.client.send(self.req).await?))
    }
}

/// Result of GET Object: the headers and the body stream.
#[derive(Debug)]
#[non_exhaustive]
pub struct GetObjectOutput {
    /// `Content-Length`.
    pub content_length: Option<u64>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Content-Range` (ranged downloads).
    pub content_range: Option<String>,
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
    /// `x-cos-hash-crc64ecma` (of the whole object).
    pub crc64: Option<u64>,
    /// `x-cos-version-id`.
    pub version_id: Option<String>,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
    /// The body.
    pub body: ByteStream,
}

/// Builder of GET Object; see [`Client::get_object`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct GetObject {
    client: Client,
    req: OpRequest,
    err: Option<Error>,
    ranged: bool,
}

impl GetObject {
    common_setters!();
    traffic_limit_setter!();
    header_setters! {
        /// `If-Match`: only when the ETag matches (412 otherwise).
        if_match => "If-Match",
        /// `If-None-Match`: only when the ETag differs (304 otherwise).
        if_none_match => "If-None-Match",
        /// `If-Modified-Since` (HTTP date).
        if_modified_since => "If-Modified-Since",
        /// `If-Unmodified-Since` (HTTP date).
        if_unmodified_since => "If-Unmodified-Since",
    }
    query_setters! {
        /// Overrides the response `Cache-Control`.
        response_cache_control => "response-cache-control",
        /// Overrides the response `Content-Disposition`.
        response_content_disposition => "response-content-disposition",
        /// Overrides the response `Content-Encoding`.
        response_content_encoding => "response-content-encoding",
        /// Overrides the response `Content-Language`.
        response_content_language => "response-content-language",
        /// Overrides the response `Content-Type`.
        response_content_type => "response-content-type",
        /// Overrides the response `Expires`.
        response_expires => "response-expires",
        /// Reads this version.
        version_id => "versionId",
    }

    /// Downloads bytes `start..=end` (`Range: bytes=start-end`); `end` `None` reads to
    /// the end. Ranged downloads are length-checked but not CRC-checked.
    pub fn range(mut self, start: u64, end: Option<u64>) -> Self {
        let v = match end {
            Some(e) => format!("bytes={start}-{e}"),
            None => format!("bytes={start}-"),
        };
        self.req.header("Range", v);
        self.ranged = true;
        self
    }

    /// Sets a raw `Range` header value (e.g. `bytes=-100`).
    pub fn range_header(mut self, value: impl Into<String>) -> Self {
        self.req.header("Range", value);
        self.ranged = true;
        self
    }

    /// Sends the request; the body is streamed.
    ///
    /// Errors: `NoSuchKey` (404), 304 / 412 for failed conditions, `InvalidRange` (416),
    /// invalid traffic limit (before any request), and client errors. Integrity errors
    /// (truncated body, CRC64 mismatch) surface while reading the body.
    pub async fn send(self) -> Result<GetObjectOutput, Error> {
        if let Some(e) = self.err {
            return Err(e);
        }
        let verify = self.client.config().verify_crc64;
        let read_timeout = self.client.config().read_timeout;
        let mut r = self.client.send_streaming(self.req).await?;
        let content_length = r.header("content-length").and_then(|v| v.parse().ok());
        let crc64 = crc_header(&r);
        let full =
            !self.ranged && r.status == StatusCode::OK && r.header("content-encoding").is_none();
        let expected_crc = if verify && full { crc64 } else { None };
        let body = match r.stream.take() {
            Some(s) => {
                let deadline = r.deadline.zip(self.client.config().operation_timeout);
                ByteStream::from_incoming(s, read_timeout, deadline, content_length, expected_crc)
            }
            None => ByteStream::from_bytes(r.body.clone()),
        };
        Ok(GetObjectOutput {
            content_length,
            content_type: r.header("content-type"),
            content_range: r.header("content-range"),
            etag: r.header("etag"),
            last_modified: r.header("last-modified"),
            crc64,
            version_id: r.header("x-cos-version-id"),
            meta: ResponseMeta::from_raw(&r),
            body,
        })
    }
}

/// Result of HEAD Object.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HeadObjectOutput {
    /// `Content-Length`.
    pub content_length: Option<u64>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
    /// `x-cos-hash-crc64ecma`.
    pub crc64: Option<u64>,
    /// `x-cos-version-id`.
    pub version_id: Option<String>,
    /// `x-cos-storage-class` (absent means STANDARD).
    pub storage_class: Option<String>,
    /// User metadata: `(name without x-cos-meta-, value)`.
    pub metadata: Vec<(String, String)>,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
}

fn head_output(r: RawResponse) -> Result<HeadObjectOutput, Error> {
    let metadata = r
        .headers
        .iter()
        .filter_map(|(k, v)| {
            let name = k.as_str().strip_prefix("x-cos-meta-")?;
            Some((name.to_owned(), v.to_str().ok()?.to_owned()))
        })
        .collect();
    Ok(HeadObjectOutput {
        content_length: r.header("content-length").and_then(|v| v.parse().ok()),
        content_type: r.header("content-type"),
        etag: r.header("etag"),
        last_modified: r.header("last-modified"),
        crc64: crc_header(&r),
        version_id: r.header("x-cos-version-id"),
        storage_class: r.header("x-cos-storage-class"),
        metadata,
        meta: ResponseMeta::from_raw(&r),
    })
}

/// Builder of HEAD Object; see [`Client::head_object`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct HeadObject {
    client: Client,
    req: OpRequest,
}

impl HeadObject {
    common_setters!();
    header_setters! {
        /// `If-Match`.
        if_match => "If-Match",
        /// `If-None-Match`.
        if_none_match => "If-None-Match",
        /// `If-Modified-Since` (HTTP date).
        if_modified_since => "If-Modified-Since",
        /// `If-Unmodified-Since` (HTTP date).
        if_unmodified_since => "If-Unmodified-Since",
    }
    query_setters! {
        /// Inspects this version.
        version_id => "versionId",
    }

    /// Sends the request.
    ///
    /// Errors: a 404 service error with code `NoSuchResource` (HEAD has no body;
    /// [`Error::is_not_found`] is true), 304 / 412 for failed conditions, client errors.
    pub async fn send(self) -> Result<HeadObjectOutput, Error> {
        head_output(self.client.send(self.req).await?)
    }
}

/// Result of DELETE Object.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeleteObjectOutput {
    /// `x-cos-version-id`: the version deleted or the delete marker created.
    pub version_id: Option<String>,
    /// `x-cos-delete-marker: true` when a delete marker was involved.
    pub delete_marker: bool,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
}

fn delete_output(r: RawResponse) -> Result<DeleteObjectOutput, Error> {
    Ok(DeleteObjectOutput {
        version_id: r.header("x-cos-version-id"),
        delete_marker: r.header("x-cos-delete-marker").as_deref() == Some("true"),
        meta: ResponseMeta::from_raw(&r),
    })
}

/// Builder of DELETE Multiple Objects; see [`Client::delete_objects`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct DeleteObjects {
    client: Client,
    req: OpRequest,
    doc: Delete,
    err: Option<Error>,
}

impl DeleteObjects {
    common_setters!();

    /// Adds a key to delete.
    pub fn key(mut self, key: &ObjectKey) -> Self {
        self.doc.objects.push(ObjectIdentifier::new(key.as_str()));
        self
    }

    /// Adds a specific version of a key to delete.
    pub fn key_version(mut self, key: &ObjectKey, version_id: impl Into<String>) -> Self {
        let mut id = ObjectIdentifier::new(key.as_str());
        id.version_id = Some(version_id.into());
        self.doc.objects.push(id);
        self
    }

    /// Adds several keys.
    pub fn keys<'k>(mut self, keys: impl IntoIterator<Item = &'k ObjectKey>) -> Self {
        for k in keys {
            self.doc.objects.push(ObjectIdentifier::new(k.as_str()));
        }
        self
    }

    /// Quiet mode: the result lists only failures.
    pub fn quiet(mut self, yes: bool) -> Self {
        self.doc.quiet = Some(yes);
        self
    }

    /// Deletes the objects (at most 1000 per request).
    ///
    /// Errors: [`InvalidInput`](crate::InvalidInput) for an empty list or more than 1000
    /// keys (before any request), `MalformedXML` (400), `NoSuchBucket`, client errors.
    /// Per-key failures are in [`DeleteResult::errors`].
    pub async fn send(mut self) -> Result<DeleteResult, Error> {
        if let Some(e) = self.err {
            return Err(e);
        }
        let n = self.doc.objects.len();
        if n == 0 || n > 1000 {
            return Err(crate::InvalidInput::Other(format!(
                "delete_objects takes 1..=1000 keys, got {n}"
            ))
            .into());
        }
        set_xml_body(&mut self.req, &self.doc)?;
        let r = self.client.send(self.req).await?;
        if r.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(DeleteResult::default());
        }
        xml(r)
    }
}

/// Result of PUT Object - Copy.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CopyObjectOutput {
    /// The `<CopyObjectResult>` document.
    pub result: CopyObjectResult,
    /// `x-cos-version-id` of the new object.
    pub version_id: Option<String>,
    /// `x-cos-hash-crc64ecma` of the new object.
    pub crc64: Option<u64>,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
}

/// Builder of PUT Object - Copy; see [`Client::copy_object`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct CopyObject {
    client: Client,
    req: OpRequest,
    src: (BucketName, ObjectKey),
    src_region: Option<String>,
    src_version: Option<String>,
}

impl CopyObject {
    acl_setters!();
    entity_setters!();
    common_setters!();
    header_setters! {
        /// `x-cos-copy-source-If-Match`.
        copy_source_if_match => "x-cos-copy-source-If-Match",
        /// `x-cos-copy-source-If-None-Match`.
        copy_source_if_none_match => "x-cos-copy-source-If-None-Match",
        /// `x-cos-copy-source-If-Modified-Since`.
        copy_source_if_modified_since => "x-cos-copy-source-If-Modified-Since",
        /// `x-cos-copy-source-If-Unmodified-Since`.
        copy_source_if_unmodified_since => "x-cos-copy-source-If-Unmodified-Since",
        /// Sets object tags (`x-cos-tagging`).
        tagging => "x-cos-tagging",
    }

    /// Region of the source bucket (default: the client's region).
    pub fn source_region(mut self, region: impl Into<String>) -> Self {
        self.src_region = Some(region.into());
        self
    }

    /// Copies this version of the source.
    pub fn source_version_id(mut self, version_id: impl Into<String>) -> Self {
        self.src_version = Some(version_id.into());
        self
    }

    /// `Copy` (keep the source metadata, default) or `Replaced` (use the metadata
    /// given here; required when copying an object onto itself).
    pub fn metadata_directive(mut self, d: MetadataDirective) -> Self {
        self.req.header("x-cos-metadata-directive", d.as_str());
        self
    }

    /// Copies the object.
    ///
    /// Errors: `NoSuchKey` (404) for a missing source, 412 for failed conditions,
    /// `InvalidRequest` (400) when copying onto itself with `Copy`, an `<Error>` inside a
    /// `200` as a service error with status 200, and client errors.
    pub async fn send(mut self) -> Result<CopyObjectOutput, Error> {
        let src = copy_source(
            &self.client,
            &self.src.0,
            &self.src.1,
            self.src_region.as_deref(),
            self.src_version.as_deref(),
        );
        self.req.header("x-cos-copy-source", src);
        let r = self.client.send(self.req).await?;
        if let Some(e) = error_in_200(&r) {
            return Err(e);
        }
        Ok(CopyObjectOutput {
            result: crate::transport::parse_xml(&r.body)?,
            version_id: r.header("x-cos-version-id"),
            crc64: crc_header(&r),
            meta: ResponseMeta::from_raw(&r),
        })
    }
}

/// Builder of POST Object restore; see [`Client::restore_object`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct RestoreObject {
    client: Client,
    req: OpRequest,
    doc: cos_xml::RestoreRequest,
}

impl RestoreObject {
    common_setters!();
    query_setters! {
        /// Restores this version.
        version_id => "versionId",
    }

    /// Days the restored copy stays readable (default 1).
    pub fn days(mut self, days: u32) -> Self {
        self.doc.days = days;
        self
    }

    /// Restore speed (`Expedited`, `Standard`, `Bulk`).
    pub fn tier(mut self, tier: cos_xml::Tier) -> Self {
        self.doc.cas_job_parameters = Some(cos_xml::CasJobParameters { tier });
        self
    }

    /// Starts the restore.
    ///
    /// Errors: `NoSuchKey` (404), `InvalidObjectState` (403) for objects that are not
    /// archived, `RestoreAlreadyInProgress` (409), client errors.
    pub async fn send(mut self) -> Result<ResponseMeta, Error> {
        set_xml_body(&mut self.req, &self.doc)?;
        meta(self.client.send(self.req).await?)
    }
}

/// Result of APPEND Object.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AppendObjectOutput {
    /// `x-cos-next-append-position`: where the next append must start.
    pub next_append_position: Option<u64>,
    /// `ETag`.
    pub etag: Option<String>,
    /// `x-cos-hash-crc64ecma` of the whole object so far.
    pub crc64: Option<u64>,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
}

/// Builder of APPEND Object; see [`Client::append_object`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct AppendObject {
    client: Client,
    req: OpRequest,
    err: Option<Error>,
}

impl AppendObject {
    acl_setters!();
    entity_setters!();
    common_setters!();
    traffic_limit_setter!();
    header_setters! {
        /// Sets `Content-MD5` (base64) for the appended bytes.
        content_md5 => "Content-MD5",
    }

    /// Sets the bytes to append.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.req.body = body.into();
        self
    }

    /// Appends.
    ///
    /// Errors: `PositionNotEqualToLength` (409) when `position` is not the current
    /// length, `ObjectNotAppendable` (409), invalid traffic limit, client errors.
    pub async fn send(self) -> Result<AppendObjectOutput, Error> {
        if let Some(e) = self.err {
            return Err(e);
        }
        let r = self.client.send(self.req).await?;
        Ok(AppendObjectOutput {
            next_append_position: r
                .header("x-cos-next-append-position")
                .and_then(|v| v.parse().ok()),
            etag: r.header("etag"),
            crc64: crc_header(&r),
            meta: ResponseMeta::from_raw(&r),
        })
    }
}

impl Client {
    /// PUT Object: uploads an object in one request (up to 5 GB).
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// let out = client
    ///     .put_object(&bucket, &key)
    ///     .body("hello")
    ///     .content_type("text/plain")
    ///     .metadata("author", "zhang san")
    ///     .send()
    ///     .await?;
    /// println!("{:?}", out.etag);
    /// # Ok(()) }
    /// ```
    pub fn put_object(&self, bucket: &BucketName, key: &ObjectKey) -> PutObject {
        PutObject {
            client: self.clone(),
            req: obj_req("PutObject", Method::PUT, bucket, key),
            err: None,
            md5: false,
        }
    }

    /// GET Object: downloads an object as a checked byte stream.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// let out = client.get_object(&bucket, &key).send().await?;
    /// let bytes = out.body.collect().await?;
    /// let out = client.get_object(&bucket, &key).range(0, Some(1)).send().await?;
    /// out.body.write_to_file("/tmp/hello.txt").await?;
    /// # let _ = bytes; Ok(()) }
    /// ```
    pub fn get_object(&self, bucket: &BucketName, key: &ObjectKey) -> GetObject {
        GetObject {
            client: self.clone(),
            req: obj_req("GetObject", Method::GET, bucket, key),
            err: None,
            ranged: false,
        }
    }

    /// HEAD Object: the object's metadata.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// let head = client.head_object(&bucket, &key).send().await?;
    /// println!("{:?} bytes", head.content_length);
    /// # Ok(()) }
    /// ```
    pub fn head_object(&self, bucket: &BucketName, key: &ObjectKey) -> HeadObject {
        HeadObject {
            client: self.clone(),
            req: obj_req("HeadObject", Method::HEAD, bucket, key),
        }
    }

    /// True when the object exists (HEAD Object 2xx), false on 404.
    ///
    /// Errors: any other failure (403, connection…).
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// println!("{}", client.object_exists(&bucket, &key).await?);
    /// # Ok(()) }
    /// ```
    pub async fn object_exists(&self, bucket: &BucketName, key: &ObjectKey) -> Result<bool, Error> {
        match self.head_object(bucket, key).send().await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// DELETE Object (optionally one version: `.query_param("versionId", ..)` or
    /// [`delete_object_version`](Self::delete_object_version)). Deleting a missing key succeeds.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// client.delete_object(&bucket, &key).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> Operation<DeleteObjectOutput> {
        Operation::new(
            self,
            obj_req("DeleteObject", Method::DELETE, bucket, key),
            delete_output,
        )
    }

    /// DELETE Object of one version (`versionId`).
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// client.delete_object_version(&bucket, &key, "MTg0NDUxNTc1NjIzMTQ1MDAwODg").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_object_version(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        version_id: impl Into<String>,
    ) -> Operation<DeleteObjectOutput> {
        let mut req = obj_req("DeleteObject", Method::DELETE, bucket, key);
        req.query("versionId", version_id);
        Operation::new(self, req, delete_output)
    }

    /// DELETE Multiple Objects (POST `?delete`).
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let a = cos_core::ObjectKey::new("a.txt")?;
    /// let b = cos_core::ObjectKey::new("b.txt")?;
    /// let res = client.delete_objects(&bucket).key(&a).key(&b).quiet(true).send().await?;
    /// assert!(res.errors.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn delete_objects(&self, bucket: &BucketName) -> DeleteObjects {
        let mut req = OpRequest::new(
            "DeleteMultipleObjects",
            Method::POST,
            Some(bucket.clone()),
            None,
        );
        req.query("delete", "");
        DeleteObjects {
            client: self.clone(),
            req,
            doc: Delete::default(),
            err: None,
        }
    }

    /// PUT Object - Copy: copies `src_bucket/src_key` to `bucket/key` (up to 5 GB).
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let src = cos_core::ObjectKey::new("a.txt")?;
    /// let dst = cos_core::ObjectKey::new("b.txt")?;
    /// let out = client
    ///     .copy_object(&bucket, &dst, &bucket, &src)
    ///     .metadata_directive(cos_core::MetadataDirective::Replaced)
    ///     .content_type("text/plain")
    ///     .send()
    ///     .await?;
    /// println!("{}", out.result.etag);
    /// # Ok(()) }
    /// ```
    pub fn copy_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        src_bucket: &BucketName,
        src_key: &ObjectKey,
    ) -> CopyObject {
        CopyObject {
            client: self.clone(),
            req: obj_req("CopyObject", Method::PUT, bucket, key),
            src: (src_bucket.clone(), src_key.clone()),
            src_region: None,
            src_version: None,
        }
    }

    /// POST Object restore: restores an archived object for some days.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("archive.bin")?;
    /// client.restore_object(&bucket, &key).days(3).tier(cos_xml::Tier::Bulk).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn restore_object(&self, bucket: &BucketName, key: &ObjectKey) -> RestoreObject {
        let mut req = obj_req("RestoreObject", Method::POST, bucket, key);
        req.query("restore", "");
        RestoreObject {
            client: self.clone(),
            req,
            doc: cos_xml::RestoreRequest {
                days: 1,
                cas_job_parameters: None,
            },
        }
    }

    /// APPEND Object: appends to an appendable object at `position` (0 creates it).
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("log.txt")?;
    /// let out = client.append_object(&bucket, &key, 0).body("line 1\n").send().await?;
    /// let next = out.next_append_position.unwrap_or(0);
    /// client.append_object(&bucket, &key, next).body("line 2\n").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn append_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        position: u64,
    ) -> AppendObject {
        let mut req = obj_req("AppendObject", Method::POST, bucket, key);
        req.query("append", "");
        req.query("position", position.to_string());
        AppendObject {
            client: self.clone(),
            req,
            err: None,
        }
    }

    /// PUT Object acl.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// client.put_object_acl(&bucket, &key).acl(cos_core::Acl::PublicRead).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn put_object_acl(&self, bucket: &BucketName, key: &ObjectKey) -> PutAcl {
        let mut req = obj_req("PutObjectAcl", Method::PUT, bucket, key);
        req.query("acl", "");
        PutAcl {
            client: self.clone(),
            req,
            policy: None,
        }
    }

    /// GET Object acl.
    ///
    /// Errors: `NoSuchKey` (404) and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// let acl = client.get_object_acl(&bucket, &key).send().await?;
    /// println!("{} grants", acl.access_control_list.grants.len());
    /// # Ok(()) }
    /// ```
    pub fn get_object_acl(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> Operation<AccessControlPolicy> {
        let mut req = obj_req("GetObjectAcl", Method::GET, bucket, key);
        req.query("acl", "");
        Operation::new(self, req, xml)
    }

    /// PUT Object tagging (add `.query_param("versionId", ..)` for one version).
    ///
    /// Errors: `NoSuchKey` (404), `InvalidTag` (400), and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// let tags = cos_xml::Tagging::new([cos_xml::Tag::new("k", "v")]);
    /// client.put_object_tagging(&bucket, &key, &tags).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn put_object_tagging(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        tagging: &Tagging,
    ) -> Operation<ResponseMeta> {
        let mut req = obj_req("PutObjectTagging", Method::PUT, bucket, key);
        req.query("tagging", "");
        let req = set_xml_body(&mut req, tagging).map(|_| req);
        Operation::checked(self, req, meta, "PutObjectTagging")
    }

    /// GET Object tagging.
    ///
    /// Errors: `NoSuchKey` (404) and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// let tags = client.get_object_tagging(&bucket, &key).send().await?;
    /// println!("{:?}", tags.tag_set.tags);
    /// # Ok(()) }
    /// ```
    pub fn get_object_tagging(&self, bucket: &BucketName, key: &ObjectKey) -> Operation<Tagging> {
        let mut req = obj_req("GetObjectTagging", Method::GET, bucket, key);
        req.query("tagging", "");
        Operation::new(self, req, xml)
    }

    /// DELETE Object tagging.
    ///
    /// Errors: `NoSuchKey` (404) and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// client.delete_object_tagging(&bucket, &key).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_object_tagging(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> Operation<ResponseMeta> {
        let mut req = obj_req("DeleteObjectTagging", Method::DELETE, bucket, key);
        req.query("tagging", "");
        Operation::new(self, req, meta)
    }
}
