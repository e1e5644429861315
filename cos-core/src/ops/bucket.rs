//! Bucket operations: create, delete, head, exists, location, ACL, versioning.

use cos_xml::{
    AccessControlPolicy, CreateBucketConfiguration, LocationConstraint, VersioningConfiguration,
    VersioningStatus,
};
use http::Method;

use super::{Operation, acl_setters, common_setters, meta, set_xml_body, xml};
use crate::client::{Client, ResponseMeta};
use crate::error::Error;
use crate::transport::OpRequest;
use crate::types::BucketName;

fn bucket_req(op: &'static str, method: Method, bucket: &BucketName) -> OpRequest {
    OpRequest::new(op, method, Some(bucket.clone()), None)
}

/// Builder of PUT Bucket; see [`Client::create_bucket`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct CreateBucket {
    client: Client,
    req: OpRequest,
    config: Option<CreateBucketConfiguration>,
}

impl CreateBucket {
    acl_setters!();
    common_setters!();

    /// Sends a `<CreateBucketConfiguration>` body (multi-AZ, OFS buckets).
    pub fn configuration(mut self, config: CreateBucketConfiguration) -> Self {
        self.config = Some(config);
        self
    }

    /// Creates the bucket.
    ///
    /// Errors: `BucketAlreadyExists` / `BucketAlreadyOwnedByYou` (409) service errors,
    /// `InvalidBucketName`, and client errors.
    pub async fn send(mut self) -> Result<ResponseMeta, Error> {
        if let Some(c) = &self.config {
            set_xml_body(&mut self.req, c)?;
        }
        meta(self.client.send(self.req).await?)
    }
}

/// Builder of PUT Bucket acl; see [`Client::put_bucket_acl`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct PutAcl {
    pub(crate) client: Client,
    pub(crate) req: OpRequest,
    pub(crate) policy: Option<AccessControlPolicy>,
}

impl PutAcl {
    acl_setters!();
    common_setters!();

    /// Sends a full `<AccessControlPolicy>` body instead of (or besides) headers.
    pub fn policy(mut self, policy: AccessControlPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Sets the ACL.
    ///
    /// Errors: `NoSuchBucket`/`NoSuchKey` (404), `MalformedXML` (400), and client errors.
    pub async fn send(mut self) -> Result<ResponseMeta, Error> {
        if let Some(p) = &self.policy {
            set_xml_body(&mut self.req, p)?;
        }
        meta(self.client.send(self.req).await?)
    }
}

impl Client {
    /// Creates a bucket (PUT Bucket).
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.create_bucket(&bucket).acl(cos_core::Acl::Private).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create_bucket(&self, bucket: &BucketName) -> CreateBucket {
        CreateBucket {
            client: self.clone(),
            req: bucket_req("PutBucket", Method::PUT, bucket),
            config: None,
        }
    }

    /// Deletes an empty bucket (DELETE Bucket).
    ///
    /// Errors: `NoSuchBucket` (404), `BucketNotEmpty` (409), and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.delete_bucket(&bucket).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_bucket(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        Operation::new(
            self,
            bucket_req("DeleteBucket", Method::DELETE, bucket),
            meta,
        )
    }

    /// HEAD Bucket: checks that the bucket exists and is accessible; the response
    /// carries `x-cos-bucket-region`.
    ///
    /// Errors: a 404 service error (`NoSuchResource`, [`Error::is_not_found`]), 403
    /// `AccessDenied`, and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let meta = client.head_bucket(&bucket).send().await?;
    /// println!("{:?}", meta.header("x-cos-bucket-region"));
    /// # Ok(()) }
    /// ```
    pub fn head_bucket(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        Operation::new(self, bucket_req("HeadBucket", Method::HEAD, bucket), meta)
    }

    /// True when the bucket exists (HEAD Bucket answered 2xx), false on 404.
    ///
    /// Errors: any other failure (403, connection errors…).
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// if !client.bucket_exists(&bucket).await? { println!("absent"); }
    /// # Ok(()) }
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
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let loc = client.get_bucket_location(&bucket).send().await?;
    /// println!("{}", loc.region);
    /// # Ok(()) }
    /// ```
    pub fn get_bucket_location(&self, bucket: &BucketName) -> Operation<LocationConstraint> {
        let mut req = bucket_req("GetBucketLocation", Method::GET, bucket);
        req.query("location", "");
        Operation::new(self, req, xml)
    }

    /// PUT Bucket acl: by canned ACL / grant headers, or a full policy body.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.put_bucket_acl(&bucket).acl(cos_core::Acl::PublicRead).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn put_bucket_acl(&self, bucket: &BucketName) -> PutAcl {
        let mut req = bucket_req("PutBucketAcl", Method::PUT, bucket);
        req.query("acl", "");
        PutAcl {
            client: self.clone(),
            req,
            policy: None,
        }
    }

    /// GET Bucket acl.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let acl = client.get_bucket_acl(&bucket).send().await?;
    /// println!("owner {}", acl.owner.id);
    /// # Ok(()) }
    /// ```
    pub fn get_bucket_acl(&self, bucket: &BucketName) -> Operation<AccessControlPolicy> {
        let mut req = bucket_req("GetBucketAcl", Method::GET, bucket);
        req.query("acl", "");
        Operation::new(self, req, xml)
    }

    /// PUT Bucket versioning: enables or suspends versioning.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` (400), and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.put_bucket_versioning(&bucket, cos_xml::VersioningStatus::Enabled).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn put_bucket_versioning(
        &self,
        bucket: &BucketName,
        status: VersioningStatus,
    ) -> Operation<ResponseMeta> {
        let mut req = bucket_req("PutBucketVersioning", Method::PUT, bucket);
        req.query("versioning", "");
        let doc = VersioningConfiguration::new(status);
        // Serializing this fixed document cannot fail; fall back to the literal text.
        if set_xml_body(&mut req, &doc).is_err() {
            let s = match status {
                VersioningStatus::Suspended => "Suspended",
                _ => "Enabled",
            };
            req.body = crate::body::Body::from(format!(
                "<VersioningConfiguration><Status>{s}</Status></VersioningConfiguration>"
            ));
        }
        Operation::new(self, req, meta)
    }

    /// GET Bucket versioning (`status` is `None` when never configured).
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let v = client.get_bucket_versioning(&bucket).send().await?;
    /// println!("{:?}", v.status);
    /// # Ok(()) }
    /// ```
    pub fn get_bucket_versioning(&self, bucket: &BucketName) -> Operation<VersioningConfiguration> {
        let mut req = bucket_req("GetBucketVersioning", Method::GET, bucket);
        req.query("versioning", "");
        Operation::new(self, req, xml)
    }
}
