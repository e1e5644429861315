//! Object operations that delete, copy, restore, append and preflight: DELETE Object,
//! DELETE Multiple Objects, PUT Object - Copy, POST Object restore, APPEND Object,
//! OPTIONS Object.

use cos_xml::op::Op;
use cos_xml::{CopyObjectResult, Delete, DeleteResult, ObjectIdentifier};

use super::object::{copy_source, crc_header};
use super::{
    Operation, PreparedRequest, acl_setters, common_setters, entity_setters, error_in_200,
    header_setters, in_op, meta, op_request, query_setters, traffic_limit_setter, xml,
};
use crate::body::Body;
use crate::client::{Client, ResponseMeta};
use crate::error::{Error, InvalidInput};
use crate::transport::{OpRequest, RawResponse};
use crate::types::{BucketName, MetadataDirective, ObjectKey};

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

/// Builder of DELETE Multiple Objects; see [`Client::delete_multiple_objects`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
#[doc(alias = "DeleteObjects")]
pub struct DeleteMultipleObjects {
    client: Client,
    req: OpRequest,
    doc: Delete,
}

impl DeleteMultipleObjects {
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
    /// Errors: [`InvalidInput`] for an empty list or more than 1000
    /// keys (before any request), `MalformedXML` (400), `NoSuchBucket`, client errors.
    /// Per-key failures are in [`DeleteResult::errors`].
    pub async fn send(self) -> Result<DeleteResult, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        let sent = async {
            let r = self.client.send(req).await?;
            if r.body.iter().all(u8::is_ascii_whitespace) {
                return Ok(DeleteResult::default());
            }
            xml(r)
        };
        in_op(ctx, sent).await
    }

    /// The request `send` sends (the `<Delete>` document with its `Content-MD5`);
    /// nothing is sent.
    ///
    /// Errors: [`InvalidInput`] for an empty list or more than 1000 keys.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut p = PreparedRequest::of(Op::DeleteMultipleObjects, &self.req);
        let n = self.doc.objects.len();
        if n == 0 || n > 1000 {
            let e = InvalidInput::Other(format!(
                "delete_multiple_objects takes 1..=1000 keys, got {n}"
            ));
            return Err(Error::from(e).in_op(|| p.context()));
        }
        p.set_xml(&self.doc).map_err(|e| e.in_op(|| p.context()))?;
        Ok(p)
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
    pub async fn send(self) -> Result<CopyObjectOutput, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        let sent = async {
            let r = self.client.send(req).await?;
            if let Some(e) = error_in_200(&r) {
                return Err(e);
            }
            Ok(CopyObjectOutput {
                result: crate::transport::parse_xml(&r.body)?,
                version_id: r.header("x-cos-version-id"),
                crc64: crc_header(&r),
                meta: ResponseMeta::from_raw(&r),
            })
        };
        in_op(ctx, sent).await
    }

    /// The request `send` sends (with `x-cos-copy-source`); nothing is sent.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut p = PreparedRequest::of(Op::CopyObject, &self.req);
        let src = copy_source(
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
    pub async fn send(self) -> Result<ResponseMeta, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        in_op(ctx, async { meta(self.client.send(req).await?) }).await
    }

    /// The request `send` sends (the `<RestoreRequest>` document); nothing is sent.
    ///
    /// Errors: [`Error::Decode`] when the document cannot be serialized.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut p = PreparedRequest::of(Op::RestoreObject, &self.req);
        p.set_xml(&self.doc).map_err(|e| e.in_op(|| p.context()))?;
        Ok(p)
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
    err: Option<InvalidInput>,
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
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        let sent = async {
            let r = self.client.send(req).await?;
            Ok(AppendObjectOutput {
                next_append_position: r
                    .header("x-cos-next-append-position")
                    .and_then(|v| v.parse().ok()),
                etag: r.header("etag"),
                crc64: crc_header(&r),
                meta: ResponseMeta::from_raw(&r),
            })
        };
        in_op(ctx, sent).await
    }

    /// The request `send` sends; nothing is sent.
    ///
    /// Errors: an invalid traffic limit ([`InvalidInput::TrafficLimit`]).
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let p = PreparedRequest::of(Op::AppendObject, &self.req);
        match &self.err {
            Some(e) => Err(Error::from(e.clone()).in_op(|| p.context())),
            None => Ok(p),
        }
    }
}

impl Client {
    /// DELETE Object (optionally one version: `.query_param("versionId", ..)` or
    /// [`delete_object_version`](Self::delete_object_version)). Deleting a missing key succeeds.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// client.delete_object(&bucket, &key).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn delete_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> Operation<DeleteObjectOutput> {
        let op = Op::DeleteObject;
        Operation::new(
            self,
            op,
            op_request(op, Some(bucket), Some(key)),
            delete_output,
        )
    }

    /// DELETE Object of one version (`versionId`).
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("docs/hello.txt")?;
    /// client.delete_object_version(&bucket, &key, "MTg0NDUxNTc1NjIzMTQ1MDAwODg").send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn delete_object_version(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        version_id: impl Into<String>,
    ) -> Operation<DeleteObjectOutput> {
        let op = Op::DeleteObject;
        let mut req = op_request(op, Some(bucket), Some(key));
        req.query("versionId", version_id);
        Operation::new(self, op, req, delete_output)
    }

    /// DELETE Multiple Objects (POST `?delete`).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let a = cos_core::ObjectKey::new("a.txt")?;
    /// let b = cos_core::ObjectKey::new("b.txt")?;
    /// let res = client.delete_multiple_objects(&bucket).key(&a).key(&b).quiet(true).send().await?;
    /// assert!(res.errors.is_empty());
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    #[doc(alias = "delete_objects")]
    pub fn delete_multiple_objects(&self, bucket: &BucketName) -> DeleteMultipleObjects {
        DeleteMultipleObjects {
            client: self.clone(),
            req: op_request(Op::DeleteMultipleObjects, Some(bucket), None),
            doc: Delete::default(),
        }
    }

    /// PUT Object - Copy: copies `src_bucket/src_key` to `bucket/key` (up to 5 GB).
    ///
    /// ```
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
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
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
            req: op_request(Op::CopyObject, Some(bucket), Some(key)),
            src: (src_bucket.clone(), src_key.clone()),
            src_region: None,
            src_version: None,
        }
    }

    /// POST Object restore: restores an archived object for some days.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("archive.bin")?;
    /// # client.put_object(&bucket, &key).body("data").storage_class(cos_core::StorageClass::Archive).send().await?;
    /// client.restore_object(&bucket, &key).days(3).tier(cos_xml::Tier::Bulk).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn restore_object(&self, bucket: &BucketName, key: &ObjectKey) -> RestoreObject {
        RestoreObject {
            client: self.clone(),
            req: op_request(Op::RestoreObject, Some(bucket), Some(key)),
            doc: cos_xml::RestoreRequest {
                days: 1,
                cas_job_parameters: None,
            },
        }
    }

    /// APPEND Object: appends to an appendable object at `position` (0 creates it).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("log.txt")?;
    /// let out = client.append_object(&bucket, &key, 0).body("line 1\n").send().await?;
    /// let next = out.next_append_position.unwrap_or(0);
    /// client.append_object(&bucket, &key, next).body("line 2\n").send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn append_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        position: u64,
    ) -> AppendObject {
        let mut req = op_request(Op::AppendObject, Some(bucket), Some(key));
        req.query("position", position.to_string());
        AppendObject {
            client: self.clone(),
            req,
            err: None,
        }
    }

    /// OPTIONS Object: a CORS preflight, as a browser sends it before a cross-origin
    /// request of `method` from `origin`; the answer's `Access-Control-Allow-*` headers
    /// are in [`ResponseMeta::headers`].
    ///
    /// Errors: 403 when no CORS rule of the bucket allows the request, client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// # let rule = cos_xml::CorsRule {
    /// #     allowed_origins: vec!["https://example.com".into()],
    /// #     allowed_methods: vec!["GET".into()],
    /// #     ..Default::default()
    /// # };
    /// # client.put_bucket_cors(&bucket, &cos_xml::CorsConfiguration::new(vec![rule])).send().await?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// let answer = client.options_object(&bucket, &key, "https://example.com", "GET").send().await?;
    /// println!("{:?}", answer.header("access-control-allow-origin"));
    /// # assert_eq!(answer.header("access-control-allow-origin").as_deref(), Some("https://example.com"));
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    #[doc(alias = "preflight")]
    pub fn options_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        origin: impl Into<String>,
        method: impl Into<String>,
    ) -> Operation<ResponseMeta> {
        let op = Op::OptionsObject;
        let mut req = op_request(op, Some(bucket), Some(key));
        req.header("Origin", origin);
        req.header("Access-Control-Request-Method", method);
        Operation::new(self, op, req, meta)
    }
}
