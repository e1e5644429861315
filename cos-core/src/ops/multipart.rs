//! Multipart uploads: initiate, upload part, upload part copy, complete, abort.
//! (List Parts and List Multipart Uploads are in [`list`](super::list).)

use cos_xml::{
    CompleteMultipartUpload, CompleteMultipartUploadResult, CompletedPart, CopyPartResult,
    InitiateMultipartUploadResult,
};
use http::Method;

use super::{
    Operation, acl_setters, common_setters, entity_setters, error_in_200, header_setters, meta,
    set_xml_body, traffic_limit_setter,
};
use crate::body::Body;
use crate::client::{Client, ResponseMeta};
use crate::error::Error;
use crate::transport::OpRequest;
use crate::types::{BucketName, ObjectKey, PartNumber};

fn obj_req(op: &'static str, method: Method, bucket: &BucketName, key: &ObjectKey) -> OpRequest {
    OpRequest::new(
        op,
        method,
        Some(bucket.clone()),
        Some(key.as_str().to_owned()),
    )
}

/// Builder of Initiate Multipart Upload; see [`Client::create_multipart_upload`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct CreateMultipartUpload {
    client: Client,
    req: OpRequest,
}

impl CreateMultipartUpload {
    acl_setters!();
    entity_setters!();
    common_setters!();
    header_setters! {
        /// Sets object tags (`x-cos-tagging`).
        tagging => "x-cos-tagging",
    }

    /// Starts the upload; the result holds the `UploadId`.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub async fn send(self) -> Result<InitiateMultipartUploadResult, Error> {
        let r = self.client.send(self.req).await?;
        crate::transport::parse_xml(&r.body)
    }
}

/// Result of Upload Part.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UploadPartOutput {
    /// The part's `ETag` (needed to complete the upload).
    pub etag: Option<String>,
    /// `x-cos-hash-crc64ecma` of the part.
    pub crc64: Option<u64>,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
}

/// Builder of Upload Part; see [`Client::upload_part`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct UploadPart {
    client: Client,
    req: OpRequest,
    err: Option<Error>,
}

impl UploadPart {
    common_setters!();
    traffic_limit_setter!();
    header_setters! {
        /// Sets `Content-MD5` (base64).
        content_md5 => "Content-MD5",
    }

    /// Sets the part's bytes.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.req.body = body.into();
        self
    }

    /// Uploads the part; its CRC64 is checked against the bytes sent.
    ///
    /// Errors: invalid part number or traffic limit (before any request),
    /// `NoSuchUpload` (404), [`Error::Integrity`] on a CRC64 mismatch, client errors.
    pub async fn send(mut self) -> Result<UploadPartOutput, Error> {
        if let Some(e) = self.err {
            return Err(e);
        }
        self.req.verify_upload_crc = true;
        let r = self.client.send(self.req).await?;
        Ok(UploadPartOutput {
            etag: r.header("etag"),
            crc64: r
                .header("x-cos-hash-crc64ecma")
                .and_then(|v| v.parse().ok()),
            meta: ResponseMeta::from_raw(&r),
        })
    }
}

/// Builder of Upload Part - Copy; see [`Client::upload_part_copy`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct UploadPartCopy {
    client: Client,
    req: OpRequest,
    err: Option<Error>,
    src: (BucketName, ObjectKey),
    src_region: Option<String>,
    src_version: Option<String>,
}

impl UploadPartCopy {
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
    }

    /// Copies bytes `start..=end` of the source (`x-cos-copy-source-range`).
    pub fn source_range(mut self, start: u64, end: u64) -> Self {
        if end < start {
            self.err =
                Some(crate::InvalidInput::Other(format!("bad source range {start}-{end}")).into());
        }
        self.req
            .header("x-cos-copy-source-range", format!("bytes={start}-{end}"));
        self
    }

    /// Region of the source bucket (default: the client's region).
    pub fn source_region(mut self, region: impl Into<String>) -> Self {
        self.src_region = Some(region.into());
        self
    }

    /// Copies from this version of the source.
    pub fn source_version_id(mut self, version_id: impl Into<String>) -> Self {
        self.src_version = Some(version_id.into());
        self
    }

    /// Copies the part.
    ///
    /// Errors: invalid part number or range (before any request), `NoSuchUpload` /
    /// `NoSuchKey` (404), an `<Error>` inside a `200`, client errors.
    pub async fn send(mut self) -> Result<CopyPartResult, Error> {
        if let Some(e) = self.err {
            return Err(e);
        }
        let src = super::object::copy_source(
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
        crate::transport::parse_xml(&r.body)
    }
}

/// Builder of Complete Multipart Upload; see [`Client::complete_multipart_upload`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct CompleteUpload {
    client: Client,
    req: OpRequest,
    doc: CompleteMultipartUpload,
}

impl CompleteUpload {
    common_setters!();

    /// Adds a part (number and the ETag Upload Part returned).
    pub fn part(mut self, part_number: u32, etag: impl Into<String>) -> Self {
        self.doc.parts.push(CompletedPart::new(part_number, etag));
        self
    }

    /// Adds parts.
    pub fn parts(mut self, parts: impl IntoIterator<Item = CompletedPart>) -> Self {
        self.doc.parts.extend(parts);
        self
    }

    /// Completes the upload (parts are sent sorted by number).
    ///
    /// Errors: no parts or an invalid part number (before any request), `NoSuchUpload`
    /// (404), `InvalidPart` / `InvalidPartOrder` / `EntityTooSmall` (400), an `<Error>`
    /// inside a `200`, client errors.
    pub async fn send(mut self) -> Result<CompleteMultipartUploadResult, Error> {
        if self.doc.parts.is_empty() {
            return Err(crate::InvalidInput::Other(
                "complete_multipart_upload needs at least one part".into(),
            )
            .into());
        }
        for p in &self.doc.parts {
            PartNumber::new(p.part_number)?;
        }
        self.doc.parts.sort_by_key(|p| p.part_number);
        set_xml_body(&mut self.req, &self.doc)?;
        let r = self.client.send(self.req).await?;
        if let Some(e) = error_in_200(&r) {
            return Err(e);
        }
        crate::transport::parse_xml(&r.body)
    }
}

fn part_req(
    op: &'static str,
    bucket: &BucketName,
    key: &ObjectKey,
    upload_id: &str,
    part_number: u32,
) -> (OpRequest, Option<Error>) {
    let mut req = obj_req(op, Method::PUT, bucket, key);
    req.query("partNumber", part_number.to_string());
    req.query("uploadId", upload_id);
    let err = PartNumber::new(part_number).err().map(Error::from);
    let err = err.or_else(|| {
        upload_id
            .is_empty()
            .then(|| crate::InvalidInput::Other("empty upload id".into()).into())
    });
    (req, err)
}

impl Client {
    /// Initiate Multipart Upload (POST `?uploads`).
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// let init = client.create_multipart_upload(&bucket, &key).content_type("application/octet-stream").send().await?;
    /// println!("{}", init.upload_id);
    /// # Ok(()) }
    /// ```
    pub fn create_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> CreateMultipartUpload {
        let mut req = obj_req("InitiateMultipartUpload", Method::POST, bucket, key);
        req.query("uploads", "");
        CreateMultipartUpload {
            client: self.clone(),
            req,
        }
    }

    /// Upload Part (PUT `?partNumber=N&uploadId=ID`), part numbers 1..=10000.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// let part = client.upload_part(&bucket, &key, "upload-id", 1).body(vec![0u8; 1 << 20]).send().await?;
    /// println!("{:?}", part.etag);
    /// # Ok(()) }
    /// ```
    pub fn upload_part(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        part_number: u32,
    ) -> UploadPart {
        let (req, err) = part_req("UploadPart", bucket, key, upload_id, part_number);
        UploadPart {
            client: self.clone(),
            req,
            err,
        }
    }

    /// Upload Part - Copy: a part copied from another object.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// let src = cos_core::ObjectKey::new("source.bin")?;
    /// let res = client
    ///     .upload_part_copy(&bucket, &key, "upload-id", 1, &bucket, &src)
    ///     .source_range(0, 1_048_575)
    ///     .send()
    ///     .await?;
    /// println!("{}", res.etag);
    /// # Ok(()) }
    /// ```
    pub fn upload_part_copy(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        part_number: u32,
        src_bucket: &BucketName,
        src_key: &ObjectKey,
    ) -> UploadPartCopy {
        let (req, err) = part_req("UploadPartCopy", bucket, key, upload_id, part_number);
        UploadPartCopy {
            client: self.clone(),
            req,
            err,
            src: (src_bucket.clone(), src_key.clone()),
            src_region: None,
            src_version: None,
        }
    }

    /// Complete Multipart Upload (POST `?uploadId=ID`).
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// let done = client
    ///     .complete_multipart_upload(&bucket, &key, "upload-id")
    ///     .part(1, "\"etag-1\"")
    ///     .send()
    ///     .await?;
    /// println!("{}", done.location);
    /// # Ok(()) }
    /// ```
    pub fn complete_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
    ) -> CompleteUpload {
        let mut req = obj_req("CompleteMultipartUpload", Method::POST, bucket, key);
        req.query("uploadId", upload_id);
        CompleteUpload {
            client: self.clone(),
            req,
            doc: CompleteMultipartUpload::default(),
        }
    }

    /// Abort Multipart Upload (DELETE `?uploadId=ID`).
    ///
    /// Errors: `NoSuchUpload` (404) and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// client.abort_multipart_upload(&bucket, &key, "upload-id").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn abort_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Operation<ResponseMeta> {
        let mut req = obj_req("AbortMultipartUpload", Method::DELETE, bucket, key);
        req.query("uploadId", upload_id);
        Operation::new(self, req, meta)
    }
}
