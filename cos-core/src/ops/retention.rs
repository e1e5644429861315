//! Object retention: PUT and GET Object retention (`?retention`), as the official Go
//! SDK sends them (`tencentyun/cos-go-sdk-v5` `bucket_object_lock.go`, `PutRetention`,
//! `GetRetention`). A retained object can be neither deleted nor overwritten before
//! its date; the bucket-wide default (`?object-lock`) is a bucket configuration.

use std::time::SystemTime;

use cos_xml::Retention;
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::{BucketName, ObjectKey};

impl Client {
    /// PUT Object retention: keeps `key` from deletion and overwriting until `until`
    /// (mode `COMPLIANCE`: it can be extended, not shortened).
    ///
    /// Errors: 400 for a date in the past, 403 `AccessDenied` for a shorter retention
    /// than the current one, `NoSuchKey` (404), client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use std::time::{Duration, SystemTime};
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("ledger/2024.csv")?;
    /// # client.put_object(&bucket, &key).body("data").send().await?;
    /// let until = SystemTime::now() + Duration::from_secs(365 * 86_400);
    /// client.put_object_retention(&bucket, &key, until).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_object_retention(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        until: SystemTime,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutObjectRetention;
        let doc = Retention {
            retain_until_date: Some(super::post_object::iso8601(until)),
            mode: Some("COMPLIANCE".to_owned()),
        };
        Operation::with_xml(
            self,
            op,
            op_request(op, Some(bucket), Some(key)),
            &doc,
            meta,
        )
    }

    /// GET Object retention: the `<Retention>` of `key`.
    ///
    /// Errors: 404 (`NoSuchKey`, or `NoSuchObjectLockConfiguration` without a
    /// retention), client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("ledger/2024.csv")?;
    /// # client.put_object(&bucket, &key).body("data").send().await?;
    /// # let until = std::time::SystemTime::now() + std::time::Duration::from_secs(86_400);
    /// # client.put_object_retention(&bucket, &key, until).send().await?;
    /// let r = client.get_object_retention(&bucket, &key).send().await?;
    /// println!("{:?}", r.retain_until_date);
    /// # assert!(r.retain_until_date.is_some());
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_object_retention(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> Operation<Retention> {
        let op = Op::GetObjectRetention;
        Operation::new(self, op, op_request(op, Some(bucket), Some(key)), xml)
    }
}
