//! List Buckets (GET Service).

use http::Method;

use super::{Operation, xml};
use crate::client::Client;
use crate::transport::OpRequest;

impl Client {
    /// Lists the buckets of the account (`GET /` on `service.cos.myqcloud.com`).
    ///
    /// Errors: [`Error::Service`](crate::Error::Service) (`AccessDenied`, …) and client errors.
    ///
    /// ```no_run
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let result = client.list_buckets().send().await?;
    /// for b in &result.buckets.bucket {
    ///     println!("{} in {}", b.name, b.location);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_buckets(&self) -> Operation<cos_xml::ListAllMyBucketsResult> {
        Operation::new(
            self,
            OpRequest::new("ListBuckets", Method::GET, None, None),
            xml,
        )
    }
}
