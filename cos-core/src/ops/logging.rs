//! Access logging of a bucket: PUT/GET Bucket logging.

use cos_xml::config::BucketLoggingStatus;
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::BucketName;

impl Client {
    /// PUT Bucket logging: access logs of this bucket are written to a target bucket
    /// under a prefix; a status without `LoggingEnabled` turns logging off.
    ///
    /// Errors: `NoSuchBucket` (404), `InvalidTargetBucketForLogging` /
    /// `MalformedXML` (400), client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::BucketLoggingStatus;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// # client.put_bucket(&cos_core::BucketName::new("logs-1250000000")?).send().await?;
    /// let status = BucketLoggingStatus::new("logs-1250000000", "access/");
    /// client.put_bucket_logging(&bucket, &status).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_logging(
        &self,
        bucket: &BucketName,
        status: &BucketLoggingStatus,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketLogging;
        Operation::with_xml(self, op, op_request(op, Some(bucket), None), status, meta)
    }

    /// GET Bucket logging: an empty status when logging is off.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn get_bucket_logging(&self, bucket: &BucketName) -> Operation<BucketLoggingStatus> {
        let op = Op::GetBucketLogging;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }
}
