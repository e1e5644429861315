//! Global transfer acceleration of a bucket: PUT/GET Bucket accelerate.

use cos_xml::config::AccelerateConfiguration;
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::BucketName;

impl Client {
    /// PUT Bucket accelerate: `Enabled` or `Suspended`.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400), client
    /// errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::AccelerateConfiguration;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.put_bucket_accelerate(&bucket, &AccelerateConfiguration::new("Enabled")).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_accelerate(
        &self,
        bucket: &BucketName,
        accelerate: &AccelerateConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketAccelerate;
        Operation::with_xml(
            self,
            op,
            op_request(op, Some(bucket), None),
            accelerate,
            meta,
        )
    }

    /// GET Bucket accelerate (an empty configuration when never set).
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn get_bucket_accelerate(&self, bucket: &BucketName) -> Operation<AccelerateConfiguration> {
        let op = Op::GetBucketAccelerate;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }
}
