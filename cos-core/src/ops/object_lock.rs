//! Object lock of a bucket: PUT/GET Bucket ObjectLockConfiguration.

use cos_xml::config::ObjectLockConfiguration;
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::BucketName;

impl Client {
    /// PUT Bucket ObjectLockConfiguration: enables object lock (it cannot be turned
    /// off) with an optional default retention; objects within their retention
    /// cannot be deleted or overwritten.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400), client
    /// errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::ObjectLockConfiguration;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.put_bucket_object_lock(&bucket, &ObjectLockConfiguration::new(Some(30))).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_object_lock(
        &self,
        bucket: &BucketName,
        lock: &ObjectLockConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketObjectLock;
        Operation::with_xml(self, op, op_request(op, Some(bucket), None), lock, meta)
    }

    /// GET Bucket ObjectLockConfiguration.
    ///
    /// Errors: `ObjectLockConfigurationNotFoundError` (404) when object lock is off,
    /// `NoSuchBucket`, client errors.
    pub fn get_bucket_object_lock(
        &self,
        bucket: &BucketName,
    ) -> Operation<ObjectLockConfiguration> {
        let op = Op::GetBucketObjectLock;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }
}
