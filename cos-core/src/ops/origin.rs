//! Back-to-origin rules of a bucket: PUT/GET/DELETE Bucket origin.

use cos_xml::config::OriginConfiguration;
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::BucketName;

impl Client {
    /// PUT Bucket origin: where COS fetches objects it does not have.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400), client
    /// errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::{HostInfo, OriginCondition, OriginConfiguration, OriginInfo, OriginRule};
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let rule = OriginRule {
    ///     rule_priority: 1,
    ///     origin_type: "Mirror".into(),
    ///     origin_condition: OriginCondition { http_status_code: Some(404), prefix: None },
    ///     origin_parameter: None,
    ///     origin_info: OriginInfo { host_info: HostInfo { host_name: "origin.example.com".into() } },
    /// };
    /// client.put_bucket_origin(&bucket, &OriginConfiguration::new(vec![rule])).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_origin(
        &self,
        bucket: &BucketName,
        origin: &OriginConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketOrigin;
        Operation::with_xml(self, op, op_request(op, Some(bucket), None), origin, meta)
    }

    /// GET Bucket origin.
    ///
    /// Errors: `NoSuchOriginConfiguration` (404) when none is set, `NoSuchBucket`,
    /// client errors.
    pub fn get_bucket_origin(&self, bucket: &BucketName) -> Operation<OriginConfiguration> {
        let op = Op::GetBucketOrigin;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }

    /// DELETE Bucket origin.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn delete_bucket_origin(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        let op = Op::DeleteBucketOrigin;
        Operation::new(self, op, op_request(op, Some(bucket), None), meta)
    }
}
