//! Cross-bucket replication: PUT/GET/DELETE Bucket replication.

use cos_xml::config::ReplicationConfiguration;
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::BucketName;

impl Client {
    /// PUT Bucket replication: writes and deletes of matching keys are copied to the
    /// destination bucket, asynchronously (`x-cos-replication-status` on the source
    /// goes from `PENDING` to `COMPLETED`, replicas say `REPLICA`). Versioning must be
    /// enabled on the source.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` /
    /// `InvalidRequest` (400), client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::{ReplicationConfiguration, ReplicationDestination, ReplicationRule};
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// # client.put_bucket_versioning(&bucket, cos_xml::VersioningStatus::Enabled).send().await?;
    /// # let backup = cos_core::BucketName::new("backup-1250000000")?;
    /// # client.put_bucket(&backup).send().await?;
    /// # client.put_bucket_versioning(&backup, cos_xml::VersioningStatus::Enabled).send().await?;
    /// let rule = ReplicationRule {
    ///     id: Some("all".into()),
    ///     status: "Enabled".into(),
    ///     prefix: String::new(),
    ///     destination: ReplicationDestination {
    ///         bucket: "qcs::cos:ap-guangzhou::backup-1250000000".into(),
    ///         storage_class: None,
    ///     },
    /// };
    /// let role = "qcs::cam::uin/100000000001:uin/100000000001";
    /// let config = ReplicationConfiguration::new(role, vec![rule]);
    /// client.put_bucket_replication(&bucket, &config).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_replication(
        &self,
        bucket: &BucketName,
        replication: &ReplicationConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketReplication;
        Operation::with_xml(
            self,
            op,
            op_request(op, Some(bucket), None),
            replication,
            meta,
        )
    }

    /// GET Bucket replication.
    ///
    /// Errors: `ReplicationConfigurationnotFoundError` (404, COS's spelling) when none
    /// is set, `NoSuchBucket`, client errors.
    pub fn get_bucket_replication(
        &self,
        bucket: &BucketName,
    ) -> Operation<ReplicationConfiguration> {
        let op = Op::GetBucketReplication;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }

    /// DELETE Bucket replication.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn delete_bucket_replication(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        let op = Op::DeleteBucketReplication;
        Operation::new(self, op, op_request(op, Some(bucket), None), meta)
    }
}
