//! Response control of a bucket: PUT/GET/DELETE Bucket response-control.

use cos_xml::config::ResponseControlConfiguration;
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::BucketName;

impl Client {
    /// PUT Bucket response-control: which `response-*` parameters of GET Object the
    /// bucket controls.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400), client
    /// errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::ResponseControlConfiguration;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let rc = ResponseControlConfiguration::new(["response-content-type"]);
    /// client.put_bucket_response_control(&bucket, &rc).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_response_control(
        &self,
        bucket: &BucketName,
        control: &ResponseControlConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketResponseControl;
        Operation::with_xml(self, op, op_request(op, Some(bucket), None), control, meta)
    }

    /// GET Bucket response-control.
    ///
    /// Errors: `NoSuchResponseControlConfiguration` (404) when none is set,
    /// `NoSuchBucket`, client errors.
    pub fn get_bucket_response_control(
        &self,
        bucket: &BucketName,
    ) -> Operation<ResponseControlConfiguration> {
        let op = Op::GetBucketResponseControl;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }

    /// DELETE Bucket response-control.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn delete_bucket_response_control(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        let op = Op::DeleteBucketResponseControl;
        Operation::new(self, op, op_request(op, Some(bucket), None), meta)
    }
}
