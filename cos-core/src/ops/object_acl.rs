//! Object ACL and tagging: PUT/GET Object acl, PUT/GET/DELETE Object tagging.

use cos_xml::op::Op;
use cos_xml::{AccessControlPolicy, Tagging};

use super::bucket::{prepare_acl, send_acl};
use super::{Operation, PreparedRequest, acl_setters, common_setters, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::error::Error;
use crate::transport::OpRequest;
use crate::types::{BucketName, ObjectKey};

/// Builder of PUT Object acl; see [`Client::put_object_acl`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct PutObjectAcl {
    client: Client,
    req: OpRequest,
    policy: Option<AccessControlPolicy>,
}

impl PutObjectAcl {
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
        prepare_acl(Op::PutObjectAcl, &self.req, self.policy.as_ref())
    }

    /// Sets the object's ACL.
    ///
    /// Errors: `NoSuchKey` (404), `MalformedXML` (400), and client errors.
    pub async fn send(self) -> Result<ResponseMeta, Error> {
        let p = self.prepare()?;
        send_acl(self.client, p, self.req).await
    }
}

impl Client {
    /// PUT Object acl.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// client.put_object_acl(&bucket, &key).acl(cos_core::Acl::PublicRead).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_object_acl(&self, bucket: &BucketName, key: &ObjectKey) -> PutObjectAcl {
        PutObjectAcl {
            client: self.clone(),
            req: op_request(Op::PutObjectAcl, Some(bucket), Some(key)),
            policy: None,
        }
    }

    /// GET Object acl.
    ///
    /// Errors: `NoSuchKey` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// let acl = client.get_object_acl(&bucket, &key).send().await?;
    /// println!("{} grants", acl.access_control_list.grants.len());
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_object_acl(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> Operation<AccessControlPolicy> {
        let op = Op::GetObjectAcl;
        Operation::new(self, op, op_request(op, Some(bucket), Some(key)), xml)
    }

    /// PUT Object tagging (add `.query_param("versionId", ..)` for one version).
    ///
    /// Errors: `NoSuchKey` (404), `InvalidTag` (400), and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// let tags = cos_xml::Tagging::new([cos_xml::Tag::new("k", "v")]);
    /// client.put_object_tagging(&bucket, &key, &tags).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_object_tagging(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        tagging: &Tagging,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutObjectTagging;
        let req = op_request(op, Some(bucket), Some(key));
        Operation::with_xml(self, op, req, tagging, meta)
    }

    /// GET Object tagging.
    ///
    /// Errors: `NoSuchKey` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// let tags = client.get_object_tagging(&bucket, &key).send().await?;
    /// println!("{:?}", tags.tag_set.tags);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_object_tagging(&self, bucket: &BucketName, key: &ObjectKey) -> Operation<Tagging> {
        let op = Op::GetObjectTagging;
        Operation::new(self, op, op_request(op, Some(bucket), Some(key)), xml)
    }

    /// DELETE Object tagging.
    ///
    /// Errors: `NoSuchKey` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// client.delete_object_tagging(&bucket, &key).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn delete_object_tagging(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> Operation<ResponseMeta> {
        let op = Op::DeleteObjectTagging;
        Operation::new(self, op, op_request(op, Some(bucket), Some(key)), meta)
    }
}
