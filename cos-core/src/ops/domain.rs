//! Custom domains of a bucket and their certificates: PUT/GET/DELETE Bucket domain
//! and Bucket domaincertificate.

use cos_xml::config::{DomainCertificate, DomainCertificateStatus, DomainConfiguration};
use cos_xml::op::Op;

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::types::BucketName;

impl Client {
    /// PUT Bucket domain: the bucket's custom domains.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400), client
    /// errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::config::{DomainConfiguration, DomainRule};
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let rule = DomainRule {
    ///     status: "ENABLED".into(),
    ///     name: "www.example.com".into(),
    ///     kind: "REST".into(),
    ///     forced_replacement: None,
    /// };
    /// client.put_bucket_domain(&bucket, &DomainConfiguration::new(vec![rule])).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_domain(
        &self,
        bucket: &BucketName,
        domains: &DomainConfiguration,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketDomain;
        Operation::with_xml(self, op, op_request(op, Some(bucket), None), domains, meta)
    }

    /// GET Bucket domain.
    ///
    /// Errors: `DomainConfigNotFoundError` (404) when none is set, `NoSuchBucket`,
    /// client errors.
    pub fn get_bucket_domain(&self, bucket: &BucketName) -> Operation<DomainConfiguration> {
        let op = Op::GetBucketDomain;
        Operation::new(self, op, op_request(op, Some(bucket), None), xml)
    }

    /// DELETE Bucket domain.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn delete_bucket_domain(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        let op = Op::DeleteBucketDomain;
        Operation::new(self, op, op_request(op, Some(bucket), None), meta)
    }

    /// PUT Bucket domaincertificate: binds a certificate to custom domains of the
    /// bucket.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400, e.g. a
    /// domain the bucket does not have), client errors.
    pub fn put_bucket_domain_certificate(
        &self,
        bucket: &BucketName,
        certificate: &DomainCertificate,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketDomainCertificate;
        Operation::with_xml(
            self,
            op,
            op_request(op, Some(bucket), None),
            certificate,
            meta,
        )
    }

    /// GET Bucket domaincertificate: the certificate bound to `domain`.
    ///
    /// Errors: `NoSuchCertificate` (404), `NoSuchBucket`, client errors.
    pub fn get_bucket_domain_certificate(
        &self,
        bucket: &BucketName,
        domain: &str,
    ) -> Operation<DomainCertificateStatus> {
        let op = Op::GetBucketDomainCertificate;
        let mut req = op_request(op, Some(bucket), None);
        req.query("domainname", domain);
        Operation::new(self, op, req, xml)
    }

    /// DELETE Bucket domaincertificate: unbinds the certificate of `domain`.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    pub fn delete_bucket_domain_certificate(
        &self,
        bucket: &BucketName,
        domain: &str,
    ) -> Operation<ResponseMeta> {
        let op = Op::DeleteBucketDomainCertificate;
        let mut req = op_request(op, Some(bucket), None);
        req.query("domainname", domain);
        Operation::new(self, op, req, meta)
    }
}
