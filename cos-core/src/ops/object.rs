//! Object operations: put, get, head and exists. Deleting, copying, restoring and
//! appending are in [`object_manage`](super::object_manage), ACL and tagging in
//! [`object_acl`](super::object_acl).

use cos_xml::op::Op;
use http::StatusCode;

use super::{
    PreparedRequest, acl_setters, common_setters, entity_setters, header_setters, in_op,
    op_request, query_setters, traffic_limit_setter,
};
use crate::body::{Body, ByteStream};
use crate::client::{Client, ResponseMeta};
use crate::error::{Error, InvalidInput};
use crate::transport::{OpRequest, RawResponse};
use crate::types::{BucketName, ObjectKey};

pub(crate) fn crc_header(r: &RawResponse) -> Option<u64> {
    r.header("x-cos-hash-crc64ecma")
        .and_then(|v| v.trim().parse().ok())
}

/// The `x-cos-copy-source` value for an object: `<bucket>.cos.<region>.<domain>/<key>`,
/// the domain following the configured endpoint (see `Config::copy_source_host`).
pub(crate) fn copy_source(
    client: &Client,
    bucket: &BucketName,
    key: &ObjectKey,
    region: Option<&str>,
    version_id: Option<&str>,
) -> String {
    let region = region.unwrap_or(client.config().region.as_str());
    let mut s = format!(
        "{}{}",
        client.config().copy_source_host(bucket, region),
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
    err: Option<InvalidInput>,
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
    pub async fn send(self) -> Result<PutObjectOutput, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        let sent = async { Ok(PutObjectOutput::from_raw(self.client.send(req).await?)) };
        in_op(ctx, sent).await
    }

    /// The request `send` sends (with `Content-MD5` when asked); nothing is sent.
    ///
    /// Errors: an invalid traffic limit ([`InvalidInput::TrafficLimit`]).
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut p = PreparedRequest::of(Op::PutObject, &self.req);
        if let Some(e) = &self.err {
            return Err(Error::from(e.clone()).in_op(|| p.context()));
        }
        if self.md5
            && let Some(b) = self.req.body.as_bytes()
        {
            p.push_header("Content-MD5", super::content_md5(b));
        }
        p.set_verify_upload_crc();
        Ok(p)
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
    err: Option<InvalidInput>,
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
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        in_op(ctx, get_output(self.client, req, self.ranged)).await
    }

    /// The request `send` sends; nothing is sent.
    ///
    /// Errors: an invalid traffic limit ([`InvalidInput::TrafficLimit`]).
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let p = PreparedRequest::of(Op::GetObject, &self.req);
        match &self.err {
            Some(e) => Err(Error::from(e.clone()).in_op(|| p.context())),
            None => Ok(p),
        }
    }
}

/// Sends a GET Object and wraps its body in a checked stream.
async fn get_output(
    client: Client,
    req: OpRequest,
    ranged: bool,
) -> Result<GetObjectOutput, Error> {
    let verify = req.verify_crc64.unwrap_or(client.config().verify_crc64);
    let read_timeout = client.config().read_timeout;
    let mut r = client.send_streaming(req).await?;
    let content_length = r.header("content-length").and_then(|v| v.parse().ok());
    let crc64 = crc_header(&r);
    let full = !ranged && r.status == StatusCode::OK && r.header("content-encoding").is_none();
    let expected_crc = if verify && full { crc64 } else { None };
    let body = match r.stream.take() {
        Some(s) => {
            let deadline = r.deadline.zip(client.config().operation_timeout);
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
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        in_op(ctx, async { head_output(self.client.send(req).await?) }).await
    }

    /// The request `send` sends; nothing is sent.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        Ok(PreparedRequest::of(Op::HeadObject, &self.req))
    }
}

impl Client {
    /// PUT Object: uploads an object in one request (up to 5 GB).
    ///
    /// ```
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
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_object(&self, bucket: &BucketName, key: &ObjectKey) -> PutObject {
        PutObject {
            client: self.clone(),
            req: op_request(Op::PutObject, Some(bucket), Some(key)),
            err: None,
            md5: false,
        }
    }

    /// GET Object: downloads an object as a checked byte stream.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// let out = client.get_object(&bucket, &key).send().await?;
    /// let bytes = out.body.collect().await?;
    /// let out = client.get_object(&bucket, &key).range(0, Some(1)).send().await?;
    /// assert_eq!(out.body.collect().await?, "he"); // or `.write_to_file(path)`
    /// # assert_eq!(bytes, "hello"); Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_object(&self, bucket: &BucketName, key: &ObjectKey) -> GetObject {
        GetObject {
            client: self.clone(),
            req: op_request(Op::GetObject, Some(bucket), Some(key)),
            err: None,
            ranged: false,
        }
    }

    /// HEAD Object: the object's metadata.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// let head = client.head_object(&bucket, &key).send().await?;
    /// println!("{:?} bytes", head.content_length);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn head_object(&self, bucket: &BucketName, key: &ObjectKey) -> HeadObject {
        HeadObject {
            client: self.clone(),
            req: op_request(Op::HeadObject, Some(bucket), Some(key)),
        }
    }

    /// True when the object exists (HEAD Object 2xx), false on 404.
    ///
    /// Errors: any other failure (403, connection…).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// println!("{}", client.object_exists(&bucket, &key).await?);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub async fn object_exists(&self, bucket: &BucketName, key: &ObjectKey) -> Result<bool, Error> {
        match self.head_object(bucket, key).send().await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }
}
