//! Inventory reports of a bucket: PUT/GET/DELETE Bucket inventory, List Inventory
//! Configurations and the one-off POST Bucket inventory.

use cos_xml::config::{InventoryConfiguration, ListInventoryConfigurationResult};
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::error::InvalidInput;
use crate::request::OpRequest;
use crate::types::BucketName;

/// The request of `op` on the inventory `id` (`?inventory&id=<id>`).
fn with_id(op: Op, bucket: &BucketName, id: &str) -> OpRequest {
    let mut req = op_request(op, Some(bucket), None);
    req.query("id", id);
    req
}

/// An id COS accepts: 1..=64 characters of `[A-Za-z0-9._-]`.
fn check_id(id: &str) -> Option<InvalidInput> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    (!ok).then(|| {
        InvalidInput::Other(format!(
            "invalid inventory id {id:?}: 1 to 64 characters of letters, digits, '.', '_', '-'"
        ))
    })
}

impl Client {
    /// PUT Bucket inventory: a scheduled report (CSV, gzip) of the bucket's objects
    /// into a destination bucket, named by `inventory.id`.
    ///
    /// Errors: [`InvalidInput`] for an invalid id (before any request); `NoSuchBucket`
    /// (404), `MalformedXML` / `InvalidArgument` (400), client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::InventoryConfiguration;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// # client.put_bucket(&cos_core::BucketName::new("reports-1250000000")?).send().await?;
    /// let inv = InventoryConfiguration::new("daily", "qcs::cos:ap-guangzhou::reports-1250000000", "inv");
    /// client.put_bucket_inventory(&bucket, &inv).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_inventory(
        &self,
        bucket: &BucketName,
        inventory: &InventoryConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketInventory;
        let mut o = Operation::with_xml(
            self,
            op,
            with_id(op, bucket, &inventory.id),
            inventory,
            meta,
        );
        o.err = o.err.or_else(|| check_id(&inventory.id));
        o
    }

    /// POST Bucket inventory: a one-off report now, with `inventory`'s settings
    /// (its schedule is ignored).
    ///
    /// Errors: as [`put_bucket_inventory`](Self::put_bucket_inventory).
    pub fn post_bucket_inventory(
        &self,
        bucket: &BucketName,
        inventory: &InventoryConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PostBucketInventory;
        let mut o = Operation::with_xml(
            self,
            op,
            with_id(op, bucket, &inventory.id),
            inventory,
            meta,
        );
        o.err = o.err.or_else(|| check_id(&inventory.id));
        o
    }

    /// GET Bucket inventory: the configuration `id`.
    ///
    /// Errors: `NoSuchInventoryConfiguration` (404), `NoSuchBucket`, client errors.
    pub fn get_bucket_inventory(
        &self,
        bucket: &BucketName,
        id: &str,
    ) -> Operation<InventoryConfiguration> {
        let op = Op::GetBucketInventory;
        let mut o = Operation::new(self, op, with_id(op, bucket, id), xml);
        o.err = check_id(id);
        o
    }

    /// List Inventory Configurations (GET Bucket inventory without `id`); pass the
    /// previous page's `next_continuation_token` with `.query_param("continuation-token", ..)`.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn list_bucket_inventory_configurations(
        &self,
        bucket: &BucketName,
    ) -> Operation<ListInventoryConfigurationResult> {
        let op = Op::GetBucketInventory;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }

    /// DELETE Bucket inventory: removes the configuration `id`.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn delete_bucket_inventory(
        &self,
        bucket: &BucketName,
        id: &str,
    ) -> Operation<ResponseMeta> {
        let op = Op::DeleteBucketInventory;
        let mut o = Operation::new(self, op, with_id(op, bucket, id), meta);
        o.err = check_id(id);
        o
    }
}
