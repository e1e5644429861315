//! Hotlink protection of a bucket: PUT/GET Bucket referer.

use cos_xml::config::RefererConfiguration;
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::BucketName;

impl Client {
    /// PUT Bucket referer: a `Referer` allow or deny list and the rule for requests
    /// without one.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400), client
    /// errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::RefererConfiguration;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let mut referer = RefererConfiguration::new("White-List", ["*.example.com"]);
    /// referer.empty_refer_configuration = Some("Allow".into());
    /// client.put_bucket_referer(&bucket, &referer).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_referer(
        &self,
        bucket: &BucketName,
        referer: &RefererConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketReferer;
        Operation::with_xml(self, op, op_request(op, Some(bucket), None), referer, meta)
    }

    /// GET Bucket referer.
    ///
    /// Errors: `NoSuchRefererConfiguration` (404) when none is set, `NoSuchBucket`,
    /// client errors.
    pub fn get_bucket_referer(&self, bucket: &BucketName) -> Operation<RefererConfiguration> {
        let op = Op::GetBucketReferer;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }

    /// Removes the referer configuration: a PUT Bucket referer with an empty body, as
    /// the official Python SDK's `delete_bucket_referer` sends (COS has no DELETE
    /// Bucket referer).
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn delete_bucket_referer(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        let op = Op::PutBucketReferer;
        Operation::new(self, op, op_request(op, Some(bucket), None), meta)
    }
}
