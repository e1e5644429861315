//! Static website hosting of a bucket: PUT/GET/DELETE Bucket website.

use cos_xml::config::WebsiteConfiguration;
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::BucketName;

impl Client {
    /// PUT Bucket website: index and error documents, redirect rules, redirect-all.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400), client
    /// errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::{ErrorDocument, IndexDocument, WebsiteConfiguration};
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let mut site = WebsiteConfiguration::default();
    /// site.index_document = Some(IndexDocument::new("index.html"));
    /// site.error_document = Some(ErrorDocument::new("error.html"));
    /// client.put_bucket_website(&bucket, &site).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_website(
        &self,
        bucket: &BucketName,
        website: &WebsiteConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketWebsite;
        Operation::with_xml(self, op, op_request(op, Some(bucket), None), website, meta)
    }

    /// GET Bucket website.
    ///
    /// Errors: `NoSuchWebsiteConfiguration` (404) when none is set, `NoSuchBucket`,
    /// client errors.
    pub fn get_bucket_website(&self, bucket: &BucketName) -> Operation<WebsiteConfiguration> {
        let op = Op::GetBucketWebsite;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }

    /// DELETE Bucket website.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn delete_bucket_website(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        let op = Op::DeleteBucketWebsite;
        Operation::new(self, op, op_request(op, Some(bucket), None), meta)
    }
}
