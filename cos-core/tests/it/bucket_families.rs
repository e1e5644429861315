//! Bucket configuration families of issue 16 through cos-core against the emulator:
//! put / get / delete round trips, the family's 404 code once deleted, and
//! validation errors with COS's codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{key, setup};

use cos_xml::VersioningStatus;
use cos_xml::config::{
    BucketLoggingStatus, ErrorDocument, IndexDocument, ObjectLockConfiguration,
    RefererConfiguration, ReplicationConfiguration, ReplicationDestination, ReplicationRule,
    RoutingCondition, RoutingRedirect, RoutingRule, RoutingRules,
    ServerSideEncryptionConfiguration, WebsiteConfiguration,
};

fn code(e: &cos_core::Error) -> (u16, String) {
    (
        e.status().map_or(0, |s| s.as_u16()),
        e.code().unwrap_or("").to_owned(),
    )
}

#[tokio::test]
async fn website_round_trip_and_no_such_website_after_delete() {
    let (_emu, c, b) = setup().await;
    let err = c.get_bucket_website(&b).send().await.unwrap_err();
    assert_eq!(code(&err), (404, "NoSuchWebsiteConfiguration".into()));
    let mut site = WebsiteConfiguration::default();
    site.index_document = Some(IndexDocument::new("index.html"));
    site.error_document = Some(ErrorDocument::new("error.html"));
    site.routing_rules = Some(RoutingRules {
        rules: vec![RoutingRule {
            condition: RoutingCondition {
                key_prefix_equals: Some("docs/".into()),
                ..Default::default()
            },
            redirect: RoutingRedirect {
                protocol: Some("https".into()),
                replace_key_prefix_with: Some("documents/".into()),
                ..Default::default()
            },
        }],
    });
    c.put_bucket_website(&b, &site).send().await.unwrap();
    assert_eq!(c.get_bucket_website(&b).send().await.unwrap(), site);
    c.delete_bucket_website(&b).send().await.unwrap();
    let err = c.get_bucket_website(&b).send().await.unwrap_err();
    assert_eq!(code(&err), (404, "NoSuchWebsiteConfiguration".into()));
    // Neither an index document nor redirect-all: refused before storing.
    let mut bad = WebsiteConfiguration::default();
    bad.error_document = Some(ErrorDocument::new("e.html"));
    let err = c.put_bucket_website(&b, &bad).send().await.unwrap_err();
    assert_eq!(code(&err), (400, "MalformedXML".into()));
}

#[tokio::test]
async fn referer_round_trip_delete_and_validation() {
    let (_emu, c, b) = setup().await;
    let mut referer = RefererConfiguration::new("Black-List", ["*.bad.com"]);
    referer.empty_refer_configuration = Some("Allow".into());
    c.put_bucket_referer(&b, &referer).send().await.unwrap();
    assert_eq!(c.get_bucket_referer(&b).send().await.unwrap(), referer);
    c.delete_bucket_referer(&b).send().await.unwrap();
    let err = c.get_bucket_referer(&b).send().await.unwrap_err();
    assert_eq!(code(&err), (404, "NoSuchRefererConfiguration".into()));
    let bad = RefererConfiguration::new("Grey-List", ["x.com"]);
    let err = c.put_bucket_referer(&b, &bad).send().await.unwrap_err();
    assert_eq!(code(&err), (400, "InvalidArgument".into()));
}

#[tokio::test]
async fn encryption_round_trip_default_applies_and_delete() {
    let (_emu, c, b) = setup().await;
    let sse = ServerSideEncryptionConfiguration::new("KMS", Some("kms-key-1".into()));
    c.put_bucket_encryption(&b, &sse).send().await.unwrap();
    assert_eq!(c.get_bucket_encryption(&b).send().await.unwrap(), sse);
    c.put_object(&b, &key("k")).body("x").send().await.unwrap();
    let head = c.head_object(&b, &key("k")).send().await.unwrap();
    let h = |n: &str| {
        head.meta
            .headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(
        h("x-cos-server-side-encryption").as_deref(),
        Some("cos/kms")
    );
    assert_eq!(
        h("x-cos-server-side-encryption-cos-kms-key-id").as_deref(),
        Some("kms-key-1")
    );
    c.delete_bucket_encryption(&b).send().await.unwrap();
    let err = c.get_bucket_encryption(&b).send().await.unwrap_err();
    assert_eq!(code(&err), (404, "NoSuchEncryptionConfiguration".into()));
    // A key id without KMS is refused.
    let bad = ServerSideEncryptionConfiguration::new("AES256", Some("k".into()));
    let err = c.put_bucket_encryption(&b, &bad).send().await.unwrap_err();
    assert_eq!(code(&err), (400, "InvalidArgument".into()));
}

#[tokio::test]
async fn logging_round_trip_off_and_missing_target() {
    let (_emu, c, b) = setup().await;
    assert_eq!(
        c.get_bucket_logging(&b).send().await.unwrap(),
        BucketLoggingStatus::default()
    );
    let on = BucketLoggingStatus::new(b.as_str(), "self-logs/");
    c.put_bucket_logging(&b, &on).send().await.unwrap();
    assert_eq!(c.get_bucket_logging(&b).send().await.unwrap(), on);
    c.put_bucket_logging(&b, &BucketLoggingStatus::default())
        .send()
        .await
        .unwrap();
    assert_eq!(
        c.get_bucket_logging(&b).send().await.unwrap(),
        BucketLoggingStatus::default()
    );
    let missing = BucketLoggingStatus::new("none-1250000000", "x/");
    let err = c.put_bucket_logging(&b, &missing).send().await.unwrap_err();
    assert_eq!(code(&err), (400, "InvalidTargetBucketForLogging".into()));
}

#[tokio::test]
async fn object_lock_round_trip_and_validation() {
    let (_emu, c, b) = setup().await;
    let err = c.get_bucket_object_lock(&b).send().await.unwrap_err();
    assert_eq!(
        code(&err),
        (404, "ObjectLockConfigurationNotFoundError".into())
    );
    let lock = ObjectLockConfiguration::new(Some(7));
    c.put_bucket_object_lock(&b, &lock).send().await.unwrap();
    assert_eq!(c.get_bucket_object_lock(&b).send().await.unwrap(), lock);
    let err = c
        .put_bucket_object_lock(&b, &ObjectLockConfiguration::new(Some(0)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (400, "InvalidArgument".into()));
}

#[tokio::test]
async fn replication_round_trip_needs_versioning_and_a_destination() {
    let (_emu, c, b) = setup().await;
    let dst = cos_core::BucketName::new("backup-1250000000").unwrap();
    c.put_bucket(&dst).send().await.unwrap();
    let rule = |bucket: &str| ReplicationRule {
        id: Some("all".into()),
        status: "Enabled".into(),
        prefix: String::new(),
        destination: ReplicationDestination {
            bucket: format!("qcs::cos:ap-guangzhou::{bucket}"),
            storage_class: None,
        },
    };
    let role = "qcs::cam::uin/100000000001:uin/100000000001";
    let config = ReplicationConfiguration::new(role, vec![rule(dst.as_str())]);
    let err = c
        .put_bucket_replication(&b, &config)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (400, "InvalidRequest".into()));
    for x in [&b, &dst] {
        c.put_bucket_versioning(x, VersioningStatus::Enabled)
            .send()
            .await
            .unwrap();
    }
    c.put_bucket_replication(&b, &config).send().await.unwrap();
    assert_eq!(c.get_bucket_replication(&b).send().await.unwrap(), config);
    let missing = ReplicationConfiguration::new(role, vec![rule("none-1250000000")]);
    let err = c
        .put_bucket_replication(&b, &missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (400, "InvalidArgument".into()));
    c.delete_bucket_replication(&b).send().await.unwrap();
    let err = c.get_bucket_replication(&b).send().await.unwrap_err();
    assert_eq!(
        code(&err),
        (404, "ReplicationConfigurationnotFoundError".into())
    );
}

#[tokio::test]
async fn inventory_round_trip_list_and_validation() {
    let (_emu, c, b) = setup().await;
    let dest = format!("qcs::cos:ap-guangzhou::{}", b.as_str());
    let inv = cos_xml::config::InventoryConfiguration::new("weekly-1", dest.as_str(), "inv");
    c.put_bucket_inventory(&b, &inv).send().await.unwrap();
    assert_eq!(
        c.get_bucket_inventory(&b, "weekly-1").send().await.unwrap(),
        inv
    );
    let list = c
        .list_bucket_inventory_configurations(&b)
        .send()
        .await
        .unwrap();
    assert_eq!(list.configurations, vec![inv.clone()]);
    // An id COS refuses fails before any request.
    let err = c
        .get_bucket_inventory(&b, "no spaces")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
    let mut bad = inv.clone();
    bad.destination.cos_bucket_destination.bucket = "qcs::cos:ap-guangzhou::none-1250000000".into();
    let err = c.put_bucket_inventory(&b, &bad).send().await.unwrap_err();
    assert_eq!(code(&err), (400, "InvalidArgument".into()));
    c.delete_bucket_inventory(&b, "weekly-1")
        .send()
        .await
        .unwrap();
    let err = c
        .get_bucket_inventory(&b, "weekly-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (404, "NoSuchInventoryConfiguration".into()));
}

#[tokio::test]
async fn intelligent_tiering_and_accelerate_round_trips() {
    use cos_xml::config::{AccelerateConfiguration, IntelligentTieringConfiguration, Tiering};
    let (_emu, c, b) = setup().await;
    let err = c
        .get_bucket_intelligent_tiering(&b)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (404, "NoSuchConfiguration".into()));
    let v1 = IntelligentTieringConfiguration::v1(60, 1);
    c.put_bucket_intelligent_tiering(&b, &v1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        c.get_bucket_intelligent_tiering(&b).send().await.unwrap(),
        v1
    );
    let bad = IntelligentTieringConfiguration::v1(45, 1);
    let err = c
        .put_bucket_intelligent_tiering(&b, &bad)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (400, "InvalidArgument".into()));
    let mut v2 = IntelligentTieringConfiguration::default();
    v2.id = Some("archive".into());
    v2.status = "Enabled".into();
    v2.tierings = vec![Tiering {
        access_tier: "ARCHIVE_ACCESS".into(),
        days: 91,
        request_frequent: None,
    }];
    c.put_bucket_intelligent_tiering_v2(&b, &v2)
        .send()
        .await
        .unwrap();
    assert_eq!(
        c.get_bucket_intelligent_tiering_v2(&b, "archive")
            .send()
            .await
            .unwrap(),
        v2
    );
    let list = c
        .list_bucket_intelligent_tiering_configurations(&b)
        .send()
        .await
        .unwrap();
    assert_eq!(list.configurations, vec![v2]);
    // Acceleration: empty until set.
    assert_eq!(
        c.get_bucket_accelerate(&b).send().await.unwrap(),
        AccelerateConfiguration::default()
    );
    let on = AccelerateConfiguration::new("Enabled");
    c.put_bucket_accelerate(&b, &on).send().await.unwrap();
    assert_eq!(c.get_bucket_accelerate(&b).send().await.unwrap(), on);
    let err = c
        .put_bucket_accelerate(&b, &AccelerateConfiguration::new("On"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (400, "InvalidArgument".into()));
}

#[tokio::test]
async fn domains_certificates_and_origin_round_trips() {
    use cos_xml::config::{
        DomainCertificate, DomainConfiguration, DomainRule, HostInfo, OriginCondition,
        OriginConfiguration, OriginInfo, OriginRule,
    };
    let (_emu, c, b) = setup().await;
    let err = c.get_bucket_domain(&b).send().await.unwrap_err();
    assert_eq!(code(&err), (404, "DomainConfigNotFoundError".into()));
    let domains = DomainConfiguration::new(vec![DomainRule {
        status: "ENABLED".into(),
        name: "img.example.com".into(),
        kind: "WEBSITE".into(),
        forced_replacement: Some("CNAME".into()),
    }]);
    c.put_bucket_domain(&b, &domains).send().await.unwrap();
    assert_eq!(c.get_bucket_domain(&b).send().await.unwrap(), domains);
    let cert = DomainCertificate::custom(
        "-----BEGIN CERTIFICATE-----a-----END CERTIFICATE-----",
        "-----BEGIN PRIVATE KEY-----b-----END PRIVATE KEY-----",
        ["img.example.com"],
    );
    c.put_bucket_domain_certificate(&b, &cert)
        .send()
        .await
        .unwrap();
    let bound = c
        .get_bucket_domain_certificate(&b, "img.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(bound.status, "Enabled");
    assert!(bound.cert_id.is_some());
    c.delete_bucket_domain_certificate(&b, "img.example.com")
        .send()
        .await
        .unwrap();
    let err = c
        .get_bucket_domain_certificate(&b, "img.example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (404, "NoSuchCertificate".into()));
    c.delete_bucket_domain(&b).send().await.unwrap();
    let err = c.get_bucket_domain(&b).send().await.unwrap_err();
    assert_eq!(code(&err), (404, "DomainConfigNotFoundError".into()));
    let origin = OriginConfiguration::new(vec![OriginRule {
        rule_priority: 1,
        origin_type: "Mirror".into(),
        origin_condition: OriginCondition {
            http_status_code: Some(404),
            prefix: None,
        },
        origin_parameter: None,
        origin_info: OriginInfo {
            host_info: HostInfo {
                host_name: "origin.example.com".into(),
            },
        },
    }]);
    c.put_bucket_origin(&b, &origin).send().await.unwrap();
    assert_eq!(c.get_bucket_origin(&b).send().await.unwrap(), origin);
    let mut bad = origin.clone();
    bad.rules[0].origin_type = "Teleport".into();
    let err = c.put_bucket_origin(&b, &bad).send().await.unwrap_err();
    assert_eq!(code(&err), (400, "InvalidArgument".into()));
    c.delete_bucket_origin(&b).send().await.unwrap();
    let err = c.get_bucket_origin(&b).send().await.unwrap_err();
    assert_eq!(code(&err), (404, "NoSuchOriginConfiguration".into()));
}

#[tokio::test]
async fn list_buckets_filters_and_pages() {
    use cos_core::ops::bucket_meta::{CreateTimeRange, ListBucketsFilter};
    let (_emu, c, b) = setup().await;
    for name in ["alpha-1250000000", "beta-1250000000"] {
        c.put_bucket(&cos_core::BucketName::new(name).unwrap())
            .send()
            .await
            .unwrap();
    }
    let tags = cos_xml::Tagging::new([cos_xml::Tag::new("team", "storage")]);
    c.put_bucket_tagging(&b, &tags).send().await.unwrap();
    let names = |r: cos_xml::ListAllMyBucketsResult| {
        r.buckets
            .bucket
            .into_iter()
            .map(|b| b.name)
            .collect::<Vec<_>>()
    };
    let tagged = ListBucketsFilter::new().tag("team", "storage");
    let got = c.list_buckets_filtered(&tagged).send().await.unwrap();
    assert_eq!(names(got), [b.as_str()]);
    let elsewhere = ListBucketsFilter::new().region("ap-beijing");
    assert!(names(c.list_buckets_filtered(&elsewhere).send().await.unwrap()).is_empty());
    let future = ListBucketsFilter::new().created(u64::MAX / 2, CreateTimeRange::Gt);
    assert!(names(c.list_buckets_filtered(&future).send().await.unwrap()).is_empty());
    let page = c
        .list_buckets_filtered(&ListBucketsFilter::new().max_keys(2))
        .send()
        .await
        .unwrap();
    assert_eq!(page.is_truncated, Some(true));
    let next = page.next_marker.clone().unwrap();
    assert_eq!(names(page), ["alpha-1250000000", "beta-1250000000"]);
    let rest = c
        .list_buckets_filtered(&ListBucketsFilter::new().marker(next))
        .send()
        .await
        .unwrap();
    assert_eq!(names(rest), [b.as_str()]);
    let err = c
        .list_buckets_filtered(&ListBucketsFilter::new().max_keys(0))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
}

#[tokio::test]
async fn get_bucket_meta_gathers_the_settings_and_none_for_missing_ones() {
    let (_emu, c, b) = setup().await;
    let sse = ServerSideEncryptionConfiguration::new("AES256", None);
    c.put_bucket_encryption(&b, &sse).send().await.unwrap();
    let meta = c.get_bucket_meta(&b).await.unwrap();
    assert_eq!(meta.region.as_deref(), Some("ap-guangzhou"));
    assert_eq!(meta.encryption, Some(sse));
    assert!(meta.acl.is_some());
    assert!(meta.website.is_none() && meta.replication.is_none() && meta.cors.is_none());
    let missing = cos_core::BucketName::new("missing-1250000000").unwrap();
    let err = c.get_bucket_meta(&missing).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn response_control_round_trip_and_validation() {
    use cos_xml::config::ResponseControlConfiguration;
    let (_emu, c, b) = setup().await;
    let rc = ResponseControlConfiguration::new(["response-content-disposition"]);
    c.put_bucket_response_control(&b, &rc).send().await.unwrap();
    assert_eq!(c.get_bucket_response_control(&b).send().await.unwrap(), rc);
    let bad = ResponseControlConfiguration::new(["x-cos-meta-a"]);
    let err = c
        .put_bucket_response_control(&b, &bad)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (400, "InvalidArgument".into()));
    c.delete_bucket_response_control(&b).send().await.unwrap();
    let err = c.get_bucket_response_control(&b).send().await.unwrap_err();
    assert_eq!(
        code(&err),
        (404, "NoSuchResponseControlConfiguration".into())
    );
}
