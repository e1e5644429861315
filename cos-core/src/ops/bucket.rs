//! Bucket operations: create, delete, head, exists, location, ACL, versioning.

use cos_xml::op::Op;
use cos_xml::{
    AccessControlPolicy, CreateBucketConfiguration, LocationConstraint, VersioningConfiguration,
    VersioningStatus,
};

use super::{
    Operation, PreparedRequest, acl_setters, common_setters, in_op, meta, op_request, xml,
};
use crate::client::{Client, ResponseMeta};
use crate::error::Error;
use crate::transport::OpRequest;
use crate::types::BucketName;

fn bucket_op(op: Op, bucket: &BucketName) -> OpRequest {
    op_request(op, Some(bucket), None)
}

/// Builder of PUT Bucket; see [`Client::put_bucket`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
#[doc(alias = "CreateBucket")]
pub struct PutBucket {
    client: Client,
    req: OpRequest,
    config: Option<CreateBucketConfiguration>,
}

impl PutBucket {
    acl_setters!();
    common_setters!();

    /// Sends a `<CreateBucketConfiguration>` body (multi-AZ, OFS buckets).
    pub fn configuration(mut self, config: CreateBucketConfiguration) -> Self {
        self.config = Some(config);
        self
    }

    /// The request `send` sends; nothing is sent.
    ///
    /// Errors: [`Error::Decode`] when the configuration cannot be serialized.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut p = PreparedRequest::of(Op::PutBucket, &self.req);
        if let Some(c) = &self.config {
            p.set_xml(c).map_err(|e| e.in_op(|| p.context()))?;
        }
        Ok(p)
    }

    /// Creates the bucket.
    ///
    /// Errors: `BucketAlreadyExists` / `BucketAlreadyOwnedByYou` (409) service errors,
    /// `InvalidBucketName`, and client errors.
    pub async fn send(self) -> Result<ResponseMeta, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        in_op(ctx, async { meta(self.client.send(req).await?) }).await
    }
}

/// Builder of PUT Bucket acl; see [`Client::put_bucket_acl`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct PutBucketAcl {
    pub(crate) client: Client,
    pub(crate) req: OpRequest,
    pub(crate) policy: Option<AccessControlPolicy>,
}

/// The body of a PUT acl: the policy document, when one was given.
pub(crate) fn prepare_acl(
    op: Op,
    req: &OpRequest,
    policy: Option<&AccessControlPolicy>,
) -> Result<PreparedRequest, Error> {
    let mut p = PreparedRequest::of(op, req);
    if let Some(doc) = policy {
        p.set_xml(doc).map_err(|e| e.in_op(|| p.context()))?;
    }
    Ok(p)
}

/// Sends a prepared PUT acl.
pub(crate) async fn send_acl(
    client: Client,
    p: PreparedRequest,
    req: OpRequest,
) -> Result<ResponseMeta, Error> {
    let ctx = p.context();
    let req = p.into_request(req);
    in_op(ctx, async { meta(client.send(req).await?) }).await
}

impl PutBucketAcl {
    acl_setters!();
    common_setters!();

    /// Sends a full `<AccessControlPolicy>` body instead of (or besides) headers.
    pub fn policy(mut self, policy: AccessControlPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The request `send` sends; nothing is sent.
    ///
    /// Errors: [`Error::Decode`] when the policy cannot be serialized.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        prepare_acl(Op::PutBucketAcl, &self.req, self.policy.as_ref())
    }

    /// Sets the ACL.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` (400), and client errors.
    pub async fn send(self) -> Result<ResponseMeta, Error> {
        let p = self.prepare()?;
        send_acl(self.client, p, self.req).await
    }
}

impl Client {
    /// PUT Bucket: creates a bucket.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.put_bucket(&bucket).acl(cos_core::Acl::Private).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run_bare(run) }
    /// ```
    #[doc(alias = "create_bucket")]
    pub fn put_bucket(&self, bucket: &BucketName) -> PutBucket {
        PutBucket {
            client: self.clone(),
            req: bucket_op(Op::PutBucket, bucket),
            config: None,
        }
    }

    /// Deletes an empty bucket (DELETE Bucket).
    ///
    /// Errors: `NoSuchBucket` (404), `BucketNotEmpty` (409), and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// # for key in ["docs/hello.txt", "a.txt"] {
    /// #     client.delete_object(&bucket, &cos_core::ObjectKey::new(key)?).send().await?;
    /// # }
    /// client.delete_bucket(&bucket).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn delete_bucket(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        let op = Op::DeleteBucket;
        Operation::new(self, op, bucket_op(op, bucket), meta)
    }

    /// HEAD Bucket: checks that the bucket exists and is accessible; the response
    /// carries `x-cos-bucket-region`.
    ///
    /// Errors: a 404 service error (`NoSuchResource`, [`Error::is_not_found`]), 403
    /// `AccessDenied`, and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let meta = client.head_bucket(&bucket).send().await?;
    /// println!("{:?}", meta.header("x-cos-bucket-region"));
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn head_bucket(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        let op = Op::HeadBucket;
        Operation::new(self, op, bucket_op(op, bucket), meta)
    }

    /// True when the bucket exists (HEAD Bucket answered 2xx), false on 404.
    ///
    /// Errors: any other failure (403, connection errors…).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// if !client.bucket_exists(&bucket).await? { println!("absent"); }
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub async fn bucket_exists(&self, bucket: &BucketName) -> Result<bool, Error> {
        match self.head_bucket(bucket).send().await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// GET Bucket location: the bucket's region.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let loc = client.get_bucket_location(&bucket).send().await?;
    /// println!("{}", loc.region);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_bucket_location(&self, bucket: &BucketName) -> Operation<LocationConstraint> {
        let op = Op::GetBucketLocation;
        Operation::new(self, op, bucket_op(op, bucket), xml)
    }

    /// PUT Bucket acl: by canned ACL / grant headers, or a full policy body.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.put_bucket_acl(&bucket).acl(cos_core::Acl::PublicRead).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_acl(&self, bucket: &BucketName) -> PutBucketAcl {
        PutBucketAcl {
            client: self.clone(),
            req: bucket_op(Op::PutBucketAcl, bucket),
            policy: None,
        }
    }

    /// GET Bucket acl.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let acl = client.get_bucket_acl(&bucket).send().await?;
    /// println!("owner {}", acl.owner.id);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_bucket_acl(&self, bucket: &BucketName) -> Operation<AccessControlPolicy> {
        let op = Op::GetBucketAcl;
        Operation::new(self, op, bucket_op(op, bucket), xml)
    }

    /// PUT Bucket versioning: enables or suspends versioning.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` (400), and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.put_bucket_versioning(&bucket, cos_xml::VersioningStatus::Enabled).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_versioning(
        &self,
        bucket: &BucketName,
        status: VersioningStatus,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketVersioning;
        let doc = VersioningConfiguration::new(status);
        Operation::with_xml(self, op, bucket_op(op, bucket), &doc, meta)
    }

    /// GET Bucket versioning (`status` is `None` when never configured).
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let v = client.get_bucket_versioning(&bucket).send().await?;
    /// println!("{:?}", v.status);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_bucket_versioning(&self, bucket: &BucketName) -> Operation<VersioningConfiguration> {
        let op = Op::GetBucketVersioning;
        Operation::new(self, op, bucket_op(op, bucket), xml)
    }
}
