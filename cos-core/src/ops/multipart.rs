//! Multipart uploads: initiate, upload part, upload part copy, complete, abort.
//! (List Parts and List Multipart Uploads are in [`list`](super::list).)

use cos_xml::op::Op;
use cos_xml::{
    CompleteMultipartUpload as CompleteDoc, CompleteMultipartUploadResult, CompletedPart,
    CopyPartResult, InitiateMultipartUploadResult,
};

use super::{
    Operation, PreparedRequest, acl_setters, common_setters, entity_setters, error_in_200,
    header_setters, in_op, meta, op_request, traffic_limit_setter, upload_request,
};
use crate::body::Body;
use crate::client::{Client, ResponseMeta};
use crate::error::{Error, InvalidInput};
use crate::transport::OpRequest;
use crate::types::{BucketName, ObjectKey, PartNumber};

/// Builder of Initiate Multipart Upload; see [`Client::initiate_multipart_upload`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
#[doc(alias = "CreateMultipartUpload")]
pub struct InitiateMultipartUpload {
    client: Client,
    req: OpRequest,
}

impl InitiateMultipartUpload {
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
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        let sent = async { crate::transport::parse_xml(&self.client.send(req).await?.body) };
        in_op(ctx, sent).await
    }

    /// The request `send` sends; nothing is sent.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        Ok(PreparedRequest::of(Op::InitiateMultipartUpload, &self.req))
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
    part: PartTarget,
    err: Option<InvalidInput>,
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
    pub async fn send(self) -> Result<UploadPartOutput, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        let sent = async {
            let r = self.client.send(req).await?;
            Ok(UploadPartOutput {
                etag: r.header("etag"),
                crc64: r
                    .header("x-cos-hash-crc64ecma")
                    .and_then(|v| v.parse().ok()),
                meta: ResponseMeta::from_raw(&r),
            })
        };
        in_op(ctx, sent).await
    }

    /// The request `send` sends; nothing is sent.
    ///
    /// Errors: [`InvalidInput`] for a part number outside 1..=10000, an empty upload id
    /// or an invalid traffic limit.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut p = PreparedRequest::of(Op::UploadPart, &self.req);
        if let Some(e) = self.part.check().err().or_else(|| self.err.clone()) {
            return Err(Error::from(e).in_op(|| p.context()));
        }
        p.set_verify_upload_crc();
        Ok(p)
    }
}

/// Builder of Upload Part - Copy; see [`Client::upload_part_copy`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct UploadPartCopy {
    client: Client,
    req: OpRequest,
    part: PartTarget,
    err: Option<InvalidInput>,
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
            self.err = Some(InvalidInput::Other(format!(
                "bad source range {start}-{end}"
            )));
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
    pub async fn send(self) -> Result<CopyPartResult, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        let sent = async {
            let r = self.client.send(req).await?;
            if let Some(e) = error_in_200(&r) {
                return Err(e);
            }
            crate::transport::parse_xml(&r.body)
        };
        in_op(ctx, sent).await
    }

    /// The request `send` sends (with `x-cos-copy-source`); nothing is sent.
    ///
    /// Errors: [`InvalidInput`] for a part number outside 1..=10000, an empty upload id
    /// or a source range that ends before it starts.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut p = PreparedRequest::of(Op::UploadPartCopy, &self.req);
        if let Some(e) = self.part.check().err().or_else(|| self.err.clone()) {
            return Err(Error::from(e).in_op(|| p.context()));
        }
        let src = super::object::copy_source(
            &self.client,
            &self.src.0,
            &self.src.1,
            self.src_region.as_deref(),
            self.src_version.as_deref(),
        );
        p.push_header("x-cos-copy-source", src);
        Ok(p)
    }
}

/// Builder of Complete Multipart Upload; see [`Client::complete_multipart_upload`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct CompleteMultipartUpload {
    client: Client,
    req: OpRequest,
    doc: CompleteDoc,
}

impl CompleteMultipartUpload {
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
    pub async fn send(self) -> Result<CompleteMultipartUploadResult, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        let sent = async {
            let r = self.client.send(req).await?;
            if let Some(e) = error_in_200(&r) {
                return Err(e);
            }
            crate::transport::parse_xml(&r.body)
        };
        in_op(ctx, sent).await
    }

    /// The request `send` sends (the parts sorted by number, with `Content-MD5`);
    /// nothing is sent.
    ///
    /// Errors: [`InvalidInput`] for no parts or a part number outside 1..=10000.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut p = PreparedRequest::of(Op::CompleteMultipartUpload, &self.req);
        let invalid = if self.doc.parts.is_empty() {
            let msg = "complete_multipart_upload needs at least one part";
            Some(InvalidInput::Other(msg.into()))
        } else {
            let numbers = self
                .doc
                .parts
                .iter()
                .map(|p| PartNumber::new(p.part_number));
            numbers.filter_map(Result::err).next()
        };
        if let Some(e) = invalid {
            return Err(Error::from(e).in_op(|| p.context()));
        }
        let mut doc = self.doc.clone();
        doc.parts.sort_by_key(|p| p.part_number);
        p.set_xml(&doc).map_err(|e| e.in_op(|| p.context()))?;
        Ok(p)
    }
}

/// The part an Upload Part (Copy) writes, validated by `prepare`.
#[derive(Debug)]
struct PartTarget {
    part_number: u32,
    empty_upload_id: bool,
}

impl PartTarget {
    fn check(&self) -> Result<(), InvalidInput> {
        PartNumber::new(self.part_number)?;
        if self.empty_upload_id {
            return Err(InvalidInput::Other("empty upload id".into()));
        }
        Ok(())
    }
}

fn part_req(
    op: Op,
    bucket: &BucketName,
    key: &ObjectKey,
    upload_id: &str,
    part_number: u32,
) -> (OpRequest, PartTarget) {
    let before = [("partNumber", part_number.to_string())];
    let req = upload_request(op, bucket, key, &before, upload_id);
    let target = PartTarget {
        part_number,
        empty_upload_id: upload_id.is_empty(),
    };
    (req, target)
}

impl Client {
    /// Initiate Multipart Upload (POST `?uploads`): starts a multipart upload.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// let init = client.initiate_multipart_upload(&bucket, &key).content_type("application/octet-stream").send().await?;
    /// println!("{}", init.upload_id);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    #[doc(alias = "create_multipart_upload")]
    pub fn initiate_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> InitiateMultipartUpload {
        InitiateMultipartUpload {
            client: self.clone(),
            req: op_request(Op::InitiateMultipartUpload, Some(bucket), Some(key)),
        }
    }

    /// Upload Part (PUT `?partNumber=N&uploadId=ID`), part numbers 1..=10000.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// let upload = client.initiate_multipart_upload(&bucket, &key).send().await?;
    /// let part = client.upload_part(&bucket, &key, &upload.upload_id, 1).body(vec![0u8; 1 << 20]).send().await?;
    /// println!("{:?}", part.etag);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn upload_part(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        part_number: u32,
    ) -> UploadPart {
        let (req, part) = part_req(Op::UploadPart, bucket, key, upload_id, part_number);
        UploadPart {
            client: self.clone(),
            req,
            part,
            err: None,
        }
    }

    /// Upload Part - Copy: a part copied from another object.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// let src = cos_core::ObjectKey::new("source.bin")?;
    /// # client.put_object(&bucket, &src).body(vec![7u8; 1 << 20]).send().await?;
    /// let upload = client.initiate_multipart_upload(&bucket, &key).send().await?;
    /// let res = client
    ///     .upload_part_copy(&bucket, &key, &upload.upload_id, 1, &bucket, &src)
    ///     .source_range(0, 1_048_575)
    ///     .send()
    ///     .await?;
    /// println!("{}", res.etag);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
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
        let (req, part) = part_req(Op::UploadPartCopy, bucket, key, upload_id, part_number);
        UploadPartCopy {
            client: self.clone(),
            req,
            part,
            err: None,
            src: (src_bucket.clone(), src_key.clone()),
            src_region: None,
            src_version: None,
        }
    }

    /// Complete Multipart Upload (POST `?uploadId=ID`).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// let upload = client.initiate_multipart_upload(&bucket, &key).send().await?;
    /// let part = client.upload_part(&bucket, &key, &upload.upload_id, 1).body("data").send().await?;
    /// let etag = part.etag.unwrap_or_default();
    /// let done = client
    ///     .complete_multipart_upload(&bucket, &key, &upload.upload_id)
    ///     .part(1, &etag)
    ///     .send()
    ///     .await?;
    /// println!("{}", done.location);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn complete_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
    ) -> CompleteMultipartUpload {
        CompleteMultipartUpload {
            client: self.clone(),
            req: upload_request(Op::CompleteMultipartUpload, bucket, key, &[], upload_id),
            doc: CompleteDoc::default(),
        }
    }

    /// Abort Multipart Upload (DELETE `?uploadId=ID`).
    ///
    /// Errors: `NoSuchUpload` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// let upload = client.initiate_multipart_upload(&bucket, &key).send().await?;
    /// client.abort_multipart_upload(&bucket, &key, &upload.upload_id).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn abort_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Operation<ResponseMeta> {
        let op = Op::AbortMultipartUpload;
        let req = upload_request(op, bucket, key, &[], upload_id);
        Operation::new(self, op, req, meta)
    }
}
