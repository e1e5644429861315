//! The bucket configuration operations of issue 16 for `op_table::drive`: each
//! performed through cos-core, its own request last.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cos_core::{BucketName, Client};
use cos_xml::VersioningStatus;
use cos_xml::config::{
    AccelerateConfiguration, BucketLoggingStatus, DomainCertificate, DomainConfiguration,
    DomainRule, HostInfo, IndexDocument, IntelligentTieringConfiguration, InventoryConfiguration,
    ObjectLockConfiguration, OriginCondition, OriginConfiguration, OriginInfo, OriginRule,
    RefererConfiguration, ReplicationConfiguration, ReplicationDestination, ReplicationRule,
    ServerSideEncryptionConfiguration, Tiering, WebsiteConfiguration,
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
        Op::PutBucketObjectLock | Op::GetBucketObjectLock => {
            // On a bucket of its own: a lock would refuse the overwrites driven later.
            let locked = BucketName::new("locked-1250000000").unwrap();
            c.put_bucket(&locked).send().await.ok();
            let lock = ObjectLockConfiguration::new(Some(1));
            if op == Op::PutBucketObjectLock {
                return c
                    .put_bucket_object_lock(&locked, &lock)
                    .send()
                    .await
                    .map(drop);
            }
            c.put_bucket_object_lock(&locked, &lock).send().await?;
            c.get_bucket_object_lock(&locked).send().await.map(drop)
        }
        Op::PutBucketReplication | Op::GetBucketReplication | Op::DeleteBucketReplication => {
            drive_replication(op, c).await
        }
        Op::PutBucketInventory
        | Op::GetBucketInventory
        | Op::DeleteBucketInventory
        | Op::PostBucketInventory => drive_inventory(op, c, b).await,
        Op::PutBucketIntelligentTiering
        | Op::GetBucketIntelligentTiering
        | Op::PutBucketIntelligentTieringV2
        | Op::GetBucketIntelligentTieringV2
        | Op::PutBucketAccelerate
        | Op::GetBucketAccelerate => drive_tiering_accelerate(op, c, b).await,
        Op::PutBucketDomain
        | Op::GetBucketDomain
        | Op::DeleteBucketDomain
        | Op::PutBucketDomainCertificate
        | Op::GetBucketDomainCertificate
        | Op::DeleteBucketDomainCertificate
        | Op::PutBucketOrigin
        | Op::GetBucketOrigin
        | Op::DeleteBucketOrigin => drive_domain_origin(op, c, b).await,
        Op::PutBucketResponseControl => {
            let rc = cos_xml::config::ResponseControlConfiguration::new(["response-expires"]);
            c.put_bucket_response_control(b, &rc).send().await.map(drop)
        }
        Op::GetBucketResponseControl => {
            let rc = cos_xml::config::ResponseControlConfiguration::new(["response-expires"]);
            c.put_bucket_response_control(b, &rc).send().await?;
            c.get_bucket_response_control(b).send().await.map(drop)
        }
        Op::DeleteBucketResponseControl => {
            c.delete_bucket_response_control(b).send().await.map(drop)
        }
        other => unreachable!("{other:?} is routed elsewhere by drive"),
    }
}

/// The inventory operations of [`drive`].
async fn drive_inventory(op: Op, c: &Client, b: &BucketName) -> Result<(), cos_core::Error> {
    let inv = InventoryConfiguration::new(
        "inv1",
        format!("qcs::cos:ap-guangzhou::{}", b.as_str()),
        "inventory",
    );
    match op {
        Op::PutBucketInventory => c.put_bucket_inventory(b, &inv).send().await.map(drop),
        Op::GetBucketInventory => {
            c.put_bucket_inventory(b, &inv).send().await?;
            c.get_bucket_inventory(b, "inv1").send().await.map(drop)
        }
        Op::DeleteBucketInventory => c.delete_bucket_inventory(b, "inv1").send().await.map(drop),
        _ => c.post_bucket_inventory(b, &inv).send().await.map(drop),
    }
}

/// The intelligent tiering and acceleration operations of [`drive`].
async fn drive_tiering_accelerate(
    op: Op,
    c: &Client,
    b: &BucketName,
) -> Result<(), cos_core::Error> {
    let v1 = IntelligentTieringConfiguration::v1(30, 1);
    let mut v2 = IntelligentTieringConfiguration::default();
    v2.id = Some("t1".into());
    v2.status = "Enabled".into();
    v2.tierings = vec![Tiering {
        access_tier: "INFREQUENT".into(),
        days: 30,
        request_frequent: None,
    }];
    let acc = AccelerateConfiguration::new("Enabled");
    match op {
        Op::PutBucketIntelligentTiering => c
            .put_bucket_intelligent_tiering(b, &v1)
            .send()
            .await
            .map(drop),
        Op::GetBucketIntelligentTiering => {
            c.put_bucket_intelligent_tiering(b, &v1).send().await?;
            c.get_bucket_intelligent_tiering(b).send().await.map(drop)
        }
        Op::PutBucketIntelligentTieringV2 => c
            .put_bucket_intelligent_tiering_v2(b, &v2)
            .send()
            .await
            .map(drop),
        Op::GetBucketIntelligentTieringV2 => {
            c.put_bucket_intelligent_tiering_v2(b, &v2).send().await?;
            c.get_bucket_intelligent_tiering_v2(b, "t1")
                .send()
                .await
                .map(drop)
        }
        Op::PutBucketAccelerate => c.put_bucket_accelerate(b, &acc).send().await.map(drop),
        _ => c.get_bucket_accelerate(b).send().await.map(drop),
    }
}

/// The custom domain, certificate and origin operations of [`drive`].
async fn drive_domain_origin(op: Op, c: &Client, b: &BucketName) -> Result<(), cos_core::Error> {
    let domain = DomainConfiguration::new(vec![DomainRule {
        status: "ENABLED".into(),
        name: "cdn.example.com".into(),
        kind: "REST".into(),
        forced_replacement: None,
    }]);
    let cert = DomainCertificate::custom(
        "-----BEGIN CERTIFICATE-----x-----END CERTIFICATE-----",
        "-----BEGIN PRIVATE KEY-----y-----END PRIVATE KEY-----",
        ["cdn.example.com"],
    );
    let origin = OriginConfiguration::new(vec![OriginRule {
        rule_priority: 1,
        origin_type: "Proxy".into(),
        origin_condition: OriginCondition::default(),
        origin_parameter: None,
        origin_info: OriginInfo {
            host_info: HostInfo {
                host_name: "origin.example.com".into(),
            },
        },
    }]);
    match op {
        Op::PutBucketDomain => c.put_bucket_domain(b, &domain).send().await.map(drop),
        Op::GetBucketDomain => {
            c.put_bucket_domain(b, &domain).send().await?;
            c.get_bucket_domain(b).send().await.map(drop)
        }
        Op::DeleteBucketDomain => c.delete_bucket_domain(b).send().await.map(drop),
        Op::PutBucketDomainCertificate | Op::GetBucketDomainCertificate => {
            c.put_bucket_domain(b, &domain).send().await?;
            let put = c.put_bucket_domain_certificate(b, &cert).send().await;
            if op == Op::PutBucketDomainCertificate {
                return put.map(drop);
            }
            put?;
            let get = c.get_bucket_domain_certificate(b, "cdn.example.com");
            get.send().await.map(drop)
        }
        Op::DeleteBucketDomainCertificate => c
            .delete_bucket_domain_certificate(b, "cdn.example.com")
            .send()
            .await
            .map(drop),
        Op::PutBucketOrigin => c.put_bucket_origin(b, &origin).send().await.map(drop),
        Op::GetBucketOrigin => {
            c.put_bucket_origin(b, &origin).send().await?;
            c.get_bucket_origin(b).send().await.map(drop)
        }
        _ => c.delete_bucket_origin(b).send().await.map(drop),
    }
}

/// The replication operations of [`drive`] (on buckets of their own).
async fn drive_replication(op: Op, c: &Client) -> Result<(), cos_core::Error> {
    let (src, dst) = (
        BucketName::new("repl-src-1250000000").unwrap(),
        BucketName::new("repl-dst-1250000000").unwrap(),
    );
    for x in [&src, &dst] {
        c.put_bucket(x).send().await.ok();
        c.put_bucket_versioning(x, VersioningStatus::Enabled)
            .send()
            .await?;
    }
    let rule = ReplicationRule {
        id: None,
        status: "Enabled".into(),
        prefix: String::new(),
        destination: ReplicationDestination {
            bucket: format!("qcs::cos:ap-guangzhou::{}", dst.as_str()),
            storage_class: None,
        },
    };
    let config = ReplicationConfiguration::new("qcs::cam::uin/1:uin/1", vec![rule]);
    match op {
        Op::PutBucketReplication => c
            .put_bucket_replication(&src, &config)
            .send()
            .await
            .map(drop),
        Op::GetBucketReplication => {
            c.put_bucket_replication(&src, &config).send().await?;
            c.get_bucket_replication(&src).send().await.map(drop)
        }
        _ => c.delete_bucket_replication(&src).send().await.map(drop),
    }
}
