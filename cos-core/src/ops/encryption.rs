//! Default server-side encryption of a bucket: PUT/GET/DELETE Bucket encryption.

use cos_xml::config::ServerSideEncryptionConfiguration;
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::BucketName;

impl Client {
    /// PUT Bucket encryption: new objects stored without their own
    /// `x-cos-server-side-encryption` get this one (SSE-COS `AES256`, SSE-KMS `KMS`).
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400), client
    /// errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::ServerSideEncryptionConfiguration;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let sse = ServerSideEncryptionConfiguration::new("AES256", None);
    /// client.put_bucket_encryption(&bucket, &sse).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_encryption(
        &self,
        bucket: &BucketName,
        encryption: &ServerSideEncryptionConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketEncryption;
        Operation::with_xml(
            self,
            op,
            op_request(op, Some(bucket), None),
            encryption,
            meta,
        )
    }

    /// GET Bucket encryption.
    ///
    /// Errors: `NoSuchEncryptionConfiguration` (404) when none is set, `NoSuchBucket`,
    /// client errors.
    pub fn get_bucket_encryption(
        &self,
        bucket: &BucketName,
    ) -> Operation<ServerSideEncryptionConfiguration> {
        let op = Op::GetBucketEncryption;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }

    /// DELETE Bucket encryption.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn delete_bucket_encryption(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        let op = Op::DeleteBucketEncryption;
        Operation::new(self, op, op_request(op, Some(bucket), None), meta)
    }
}
