//! List Buckets (GET Service).

use cos_xml::op::Op;

use super::{Operation, op_request, xml};
use crate::client::Client;

impl Client {
    /// List Buckets (GET Service): the buckets of the account (`GET /` on
    /// `service.cos.myqcloud.com`).
    ///
    /// Errors: [`Error::Service`](crate::Error::Service) (`AccessDenied`, …) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let result = client.list_buckets().send().await?;
    /// for b in &result.buckets.bucket {
    ///     println!("{} in {}", b.name, b.location);
    /// }
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    #[doc(alias = "get_service")]
    pub fn list_buckets(&self) -> Operation<cos_xml::ListAllMyBucketsResult> {
        let op = Op::ListBuckets;
        Operation::new(self, op, op_request(op, None, None), xml)
    }
}
