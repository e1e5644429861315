//! The bucket configuration operations of issue 16 for `op_table::drive`: each
//! performed through cos-core, its own request last.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cos_core::{BucketName, Client};
use cos_xml::config::{
    BucketLoggingStatus, IndexDocument, RefererConfiguration, ServerSideEncryptionConfiguration,
    WebsiteConfiguration,
};
use cos_xml::op::Op;

fn website() -> WebsiteConfiguration {
    let mut site = WebsiteConfiguration::default();
    site.index_document = Some(IndexDocument::new("index.html"));
    site
}

/// Performs `op`, one of the configuration-family operations.
pub async fn drive(op: Op, c: &Client, b: &BucketName) -> Result<(), cos_core::Error> {
    let sse = ServerSideEncryptionConfiguration::new("AES256", None);
    let logging = BucketLoggingStatus::new(b.as_str(), "logs/");
    match op {
        Op::PutBucketWebsite => c.put_bucket_website(b, &website()).send().await.map(drop),
        Op::GetBucketWebsite => {
            c.put_bucket_website(b, &website()).send().await?;
            c.get_bucket_website(b).send().await.map(drop)
        }
        Op::DeleteBucketWebsite => c.delete_bucket_website(b).send().await.map(drop),
        Op::PutBucketReferer => {
            // Disabled, so that the object operations driven later are not refused.
            let mut referer = RefererConfiguration::new("White-List", ["*.example.com"]);
            referer.status = "Disabled".into();
            c.put_bucket_referer(b, &referer).send().await.map(drop)
        }
        Op::GetBucketReferer => {
            let mut referer = RefererConfiguration::new("Black-List", ["evil.com"]);
            referer.status = "Disabled".into();
            c.put_bucket_referer(b, &referer).send().await?;
            c.get_bucket_referer(b).send().await.map(drop)
        }
        Op::PutBucketEncryption => c.put_bucket_encryption(b, &sse).send().await.map(drop),
        Op::GetBucketEncryption => {
            c.put_bucket_encryption(b, &sse).send().await?;
            c.get_bucket_encryption(b).send().await.map(drop)
        }
        Op::DeleteBucketEncryption => c.delete_bucket_encryption(b).send().await.map(drop),
        Op::PutBucketLogging => c.put_bucket_logging(b, &logging).send().await.map(drop),
        Op::GetBucketLogging => c.get_bucket_logging(b).send().await.map(drop),
        other => unreachable!("{other:?} is routed elsewhere by drive"),
    }
}
