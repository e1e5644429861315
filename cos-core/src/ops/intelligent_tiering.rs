//! Intelligent tiering of a bucket: the v1 PUT/GET Bucket intelligenttiering and the
//! v2 configurations by id (PUT/GET Bucket intelligent-tiering, and their list).

use cos_xml::config::{IntelligentTieringConfiguration, ListIntelligentTieringConfigurations};
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::error::InvalidInput;
use crate::types::BucketName;

impl Client {
    /// PUT Bucket intelligenttiering (v1): when objects of the
    /// `INTELLIGENT_TIERING` class move to the infrequent tier.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400), client
    /// errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::IntelligentTieringConfiguration;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let tiering = IntelligentTieringConfiguration::v1(30, 1);
    /// client.put_bucket_intelligent_tiering(&bucket, &tiering).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_intelligent_tiering(
        &self,
        bucket: &BucketName,
        tiering: &IntelligentTieringConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketIntelligentTiering;
        Operation::with_xml(self, op, op_request(op, Some(bucket), None), tiering, meta)
    }

    /// GET Bucket intelligenttiering (v1).
    ///
    /// Errors: `NoSuchConfiguration` (404) when none is set, `NoSuchBucket`, client
    /// errors.
    pub fn get_bucket_intelligent_tiering(
        &self,
        bucket: &BucketName,
    ) -> Operation<IntelligentTieringConfiguration> {
        let op = Op::GetBucketIntelligentTiering;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }

    /// PUT Bucket intelligent-tiering (v2): the configuration `tiering.id`.
    ///
    /// Errors: [`InvalidInput`] without an id (before any request); `NoSuchBucket`
    /// (404), `MalformedXML` / `InvalidArgument` (400), client errors.
    pub fn put_bucket_intelligent_tiering_v2(
        &self,
        bucket: &BucketName,
        tiering: &IntelligentTieringConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketIntelligentTieringV2;
        let id = tiering.id.clone().unwrap_or_default();
        let mut req = op_request(op, Some(bucket), None);
        req.query("id", id.as_str());
        let mut o = Operation::with_xml(self, op, req, tiering, meta);
        if id.is_empty() {
            o.err = Some(InvalidInput::Other(
                "a v2 intelligent tiering configuration needs an Id".into(),
            ));
        }
        o
    }

    /// GET Bucket intelligent-tiering (v2): the configuration `id`.
    ///
    /// Errors: `NoSuchConfiguration` (404), `NoSuchBucket`, client errors.
    pub fn get_bucket_intelligent_tiering_v2(
        &self,
        bucket: &BucketName,
        id: &str,
    ) -> Operation<IntelligentTieringConfiguration> {
        let op = Op::GetBucketIntelligentTieringV2;
        let mut req = op_request(op, Some(bucket), None);
        req.query("id", id);
        Operation::new(self, op, req, xml)
    }

    /// List Bucket IntelligentTiering Configurations (v2).
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn list_bucket_intelligent_tiering_configurations(
        &self,
        bucket: &BucketName,
    ) -> Operation<ListIntelligentTieringConfigurations> {
        let op = Op::GetBucketIntelligentTieringV2;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }
}
