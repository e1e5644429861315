//! Bucket configuration: CORS, lifecycle, tagging and policy.

use cos_xml::op::Op;
use cos_xml::{CorsConfiguration, LifecycleConfiguration, Tagging};

use super::{Operation, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::error::Error;
use crate::transport::{RawResponse, body_str};
use crate::types::BucketName;

/// An operation of the bucket configuration `op` (no body).
fn config_op<T>(
    client: &Client,
    op: Op,
    bucket: &BucketName,
    parse: fn(RawResponse) -> Result<T, Error>,
) -> Operation<T> {
    Operation::new(client, op, op_request(op, Some(bucket), None), parse)
}

/// An operation sending the configuration document `doc`.
fn put_config<D: serde::Serialize>(
    client: &Client,
    op: Op,
    bucket: &BucketName,
    doc: &D,
) -> Operation<ResponseMeta> {
    Operation::with_xml(client, op, op_request(op, Some(bucket), None), doc, meta)
}

fn text(r: RawResponse) -> Result<String, Error> {
    Ok(body_str(&r.body)?.to_owned())
}

impl Client {
    /// PUT Bucket cors: replaces the CORS rules.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` (400), and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let rule = cos_xml::CorsRule {
    ///     allowed_origins: vec!["https://example.com".into()],
    ///     allowed_methods: vec!["GET".into()],
    ///     ..Default::default()
    /// };
    /// let cors = cos_xml::CorsConfiguration::new(vec![rule]);
    /// client.put_bucket_cors(&bucket, &cors).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_cors(
        &self,
        bucket: &BucketName,
        cors: &CorsConfiguration,
    ) -> Operation<ResponseMeta> {
        put_config(self, Op::PutBucketCors, bucket, cors)
    }

    /// GET Bucket cors.
    ///
    /// Errors: `NoSuchCORSConfiguration` (404) when none is set, `NoSuchBucket`, client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// # let rule = cos_xml::CorsRule {
    /// #     allowed_origins: vec!["https://example.com".into()],
    /// #     allowed_methods: vec!["GET".into()],
    /// #     ..Default::default()
    /// # };
    /// # client.put_bucket_cors(&bucket, &cos_xml::CorsConfiguration::new(vec![rule])).send().await?;
    /// let cors = client.get_bucket_cors(&bucket).send().await?;
    /// println!("{} rules", cors.rules.len());
    /// # assert_eq!(cors.rules.len(), 1);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_bucket_cors(&self, bucket: &BucketName) -> Operation<CorsConfiguration> {
        config_op(self, Op::GetBucketCors, bucket, xml)
    }

    /// DELETE Bucket cors.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.delete_bucket_cors(&bucket).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn delete_bucket_cors(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        config_op(self, Op::DeleteBucketCors, bucket, meta)
    }

    /// PUT Bucket lifecycle: replaces the lifecycle rules.
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedXML` / `InvalidArgument` (400), client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_xml::{Expiration, LifecycleConfiguration, LifecycleFilter, LifecycleRule, RuleStatus};
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let rule = LifecycleRule {
    ///     id: Some("expire-logs".into()),
    ///     filter: Some(LifecycleFilter { prefix: Some("logs/".into()), ..Default::default() }),
    ///     status: RuleStatus::Enabled,
    ///     transitions: vec![],
    ///     expiration: Some(Expiration { days: Some(30), ..Default::default() }),
    ///     noncurrent_version_transitions: vec![],
    ///     noncurrent_version_expiration: None,
    ///     abort_incomplete_multipart_upload: None,
    /// };
    /// let lc = LifecycleConfiguration::new(vec![rule]);
    /// client.put_bucket_lifecycle(&bucket, &lc).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_lifecycle(
        &self,
        bucket: &BucketName,
        lifecycle: &LifecycleConfiguration,
    ) -> Operation<ResponseMeta> {
        put_config(self, Op::PutBucketLifecycle, bucket, lifecycle)
    }

    /// GET Bucket lifecycle.
    ///
    /// Errors: `NoSuchLifecycleConfiguration` (404) when none is set, client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// # let rule = cos_xml::LifecycleRule {
    /// #     id: Some("expire-logs".into()),
    /// #     filter: Some(cos_xml::LifecycleFilter { prefix: Some("logs/".into()), ..Default::default() }),
    /// #     status: cos_xml::RuleStatus::Enabled,
    /// #     transitions: vec![],
    /// #     expiration: Some(cos_xml::Expiration { days: Some(30), ..Default::default() }),
    /// #     noncurrent_version_transitions: vec![],
    /// #     noncurrent_version_expiration: None,
    /// #     abort_incomplete_multipart_upload: None,
    /// # };
    /// # client.put_bucket_lifecycle(&bucket, &cos_xml::LifecycleConfiguration::new(vec![rule])).send().await?;
    /// let lc = client.get_bucket_lifecycle(&bucket).send().await?;
    /// println!("{} rules", lc.rules.len());
    /// # assert_eq!(lc.rules.len(), 1);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_bucket_lifecycle(&self, bucket: &BucketName) -> Operation<LifecycleConfiguration> {
        config_op(self, Op::GetBucketLifecycle, bucket, xml)
    }

    /// DELETE Bucket lifecycle.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.delete_bucket_lifecycle(&bucket).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn delete_bucket_lifecycle(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        config_op(self, Op::DeleteBucketLifecycle, bucket, meta)
    }

    /// PUT Bucket tagging: replaces the bucket's tags.
    ///
    /// Errors: `NoSuchBucket` (404), `InvalidTag` / `MalformedXML` (400), client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let tags = cos_xml::Tagging::new([cos_xml::Tag::new("team", "storage")]);
    /// client.put_bucket_tagging(&bucket, &tags).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_tagging(
        &self,
        bucket: &BucketName,
        tagging: &Tagging,
    ) -> Operation<ResponseMeta> {
        put_config(self, Op::PutBucketTagging, bucket, tagging)
    }

    /// GET Bucket tagging.
    ///
    /// Errors: `NoSuchTagSet` (404) when none is set, client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// # let tags = cos_xml::Tagging::new([cos_xml::Tag::new("team", "storage")]);
    /// # client.put_bucket_tagging(&bucket, &tags).send().await?;
    /// let tags = client.get_bucket_tagging(&bucket).send().await?;
    /// println!("{:?}", tags.tag_set.tags);
    /// # assert_eq!(tags.tag_set.tags.len(), 1);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_bucket_tagging(&self, bucket: &BucketName) -> Operation<Tagging> {
        config_op(self, Op::GetBucketTagging, bucket, xml)
    }

    /// DELETE Bucket tagging.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.delete_bucket_tagging(&bucket).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn delete_bucket_tagging(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        config_op(self, Op::DeleteBucketTagging, bucket, meta)
    }

    /// PUT Bucket policy: sets the bucket policy (a JSON document, sent as is).
    ///
    /// Errors: `NoSuchBucket` (404), `MalformedPolicy` (400), client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let policy = r#"{"Statement":[{"Effect":"Allow","Principal":{"qcs":["qcs::cam::anyone:anyone"]},"Action":["name/cos:GetObject"],"Resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*"]}],"version":"2.0"}"#;
    /// client.put_bucket_policy(&bucket, policy).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_bucket_policy(
        &self,
        bucket: &BucketName,
        policy_json: impl Into<String>,
    ) -> Operation<ResponseMeta> {
        let op = Op::PutBucketPolicy;
        let mut req = op_request(op, Some(bucket), None);
        req.header("Content-Type", "application/json");
        req.body = crate::body::Body::from(policy_json.into());
        Operation::new(self, op, req, meta)
    }

    /// GET Bucket policy: the policy JSON text.
    ///
    /// Errors: `NoSuchBucketPolicy` (404) when none is set, client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// # let policy = r#"{"Statement":[{"Effect":"Allow","Principal":{"qcs":["qcs::cam::anyone:anyone"]},"Action":["name/cos:GetObject"],"Resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*"]}],"version":"2.0"}"#;
    /// # client.put_bucket_policy(&bucket, policy).send().await?;
    /// let json = client.get_bucket_policy(&bucket).send().await?;
    /// println!("{json}");
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_bucket_policy(&self, bucket: &BucketName) -> Operation<String> {
        config_op(self, Op::GetBucketPolicy, bucket, text)
    }

    /// DELETE Bucket policy.
    ///
    /// Errors: `NoSuchBucket` (404) and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// client.delete_bucket_policy(&bucket).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn delete_bucket_policy(&self, bucket: &BucketName) -> Operation<ResponseMeta> {
        config_op(self, Op::DeleteBucketPolicy, bucket, meta)
    }
}
