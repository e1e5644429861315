//! Bucket operations against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use crate::common;

use common::*;
use cos_core::{Acl, BucketName};
use cos_xml::{
    CorsConfiguration, CorsRule, LifecycleConfiguration, LifecycleFilter, LifecycleRule,
    RuleStatus, Tag, Tagging, VersioningStatus,
};

#[tokio::test]
async fn list_buckets_lists_created_bucket() {
    let (emu, client, bucket) = setup().await;
    let res = client.list_buckets().send().await.unwrap();
    assert!(res.buckets.bucket.iter().any(|b| b.name == bucket.as_str()));
    let r = last(&emu);
    assert_eq!(r.operation, "ListBuckets");
    assert_eq!(r.host, "service.cos.myqcloud.com");
}

#[tokio::test]
async fn create_bucket_sends_acl_and_conflicts_when_exists() {
    let emu = emulator().await;
    let client = client_for(&emu, fast_retry());
    let b = BucketName::new("newbucket-1250000000").unwrap();
    client
        .put_bucket(&b)
        .acl(Acl::PublicRead)
        .grant_read("id=\"100000000001\"")
        .send()
        .await
        .unwrap();
    let r = last(&emu);
    assert_eq!(r.operation, "PutBucket");
    assert_eq!(r.host, "newbucket-1250000000.cos.ap-guangzhou.myqcloud.com");
    assert_eq!(r.header("x-cos-acl"), Some("public-read"));
    assert_eq!(r.header("x-cos-grant-read"), Some("id=\"100000000001\""));
    let err = client.put_bucket(&b).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(reqs(&emu, "PutBucket").len(), 2, "409 is not retried");
}

#[tokio::test]
async fn head_bucket_exists_delete_bucket() {
    let (emu, client, bucket) = setup().await;
    client.head_bucket(&bucket).send().await.unwrap();
    assert!(client.bucket_exists(&bucket).await.unwrap());
    let missing = BucketName::new("missing-1250000000").unwrap();
    let err = client.head_bucket(&missing).send().await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("NoSuchResource"));
    assert!(!client.bucket_exists(&missing).await.unwrap());
    client.delete_bucket(&bucket).send().await.unwrap();
    assert!(!client.bucket_exists(&bucket).await.unwrap());
    let err = client.delete_bucket(&bucket).send().await.unwrap_err();
    assert_eq!(err.code(), Some("NoSuchBucket"));
    assert!(
        emu.requests()
            .iter()
            .all(|r| r.status != 401 && r.status != 403)
    );
}

#[tokio::test]
async fn delete_non_empty_bucket_fails() {
    let (_emu, client, bucket) = setup().await;
    client
        .put_object(&bucket, &key("a"))
        .body("x")
        .send()
        .await
        .unwrap();
    let err = client.delete_bucket(&bucket).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
}

#[tokio::test]
async fn bucket_location() {
    let (emu, client, bucket) = setup().await;
    let loc = client.get_bucket_location(&bucket).send().await.unwrap();
    assert_eq!(loc.region, "ap-guangzhou");
    assert_eq!(last(&emu).query_param("location"), Some(""));
    let missing = BucketName::new("missing-1250000000").unwrap();
    assert_eq!(
        client
            .get_bucket_location(&missing)
            .send()
            .await
            .unwrap_err()
            .code(),
        Some("NoSuchBucket")
    );
}

#[tokio::test]
async fn bucket_acl_roundtrip() {
    let (emu, client, bucket) = setup().await;
    client
        .put_bucket_acl(&bucket)
        .acl(Acl::PublicRead)
        .send()
        .await
        .unwrap();
    assert_eq!(last(&emu).header("x-cos-acl"), Some("public-read"));
    let acl = client.get_bucket_acl(&bucket).send().await.unwrap();
    assert!(!acl.access_control_list.grants.is_empty());
    let missing = BucketName::new("missing-1250000000").unwrap();
    assert!(
        client
            .get_bucket_acl(&missing)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn bucket_versioning_roundtrip() {
    let (emu, client, bucket) = setup().await;
    assert_eq!(
        client
            .get_bucket_versioning(&bucket)
            .send()
            .await
            .unwrap()
            .status,
        None
    );
    client
        .put_bucket_versioning(&bucket, VersioningStatus::Enabled)
        .send()
        .await
        .unwrap();
    let r = last(&emu);
    assert_eq!(r.operation, "PutBucketVersioning");
    assert!(r.header("content-md5").is_some());
    let v = client.get_bucket_versioning(&bucket).send().await.unwrap();
    assert_eq!(v.status, Some(VersioningStatus::Enabled));
}

#[tokio::test]
async fn bucket_cors_roundtrip_and_missing() {
    let (emu, client, bucket) = setup().await;
    let err = client.get_bucket_cors(&bucket).send().await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let cors = CorsConfiguration::new(vec![CorsRule {
        allowed_origins: vec!["https://example.com".into()],
        allowed_methods: vec!["GET".into(), "PUT".into()],
        max_age_seconds: Some(600),
        ..Default::default()
    }]);
    client.put_bucket_cors(&bucket, &cors).send().await.unwrap();
    assert_eq!(last(&emu).header("content-type"), Some("application/xml"));
    let got = client.get_bucket_cors(&bucket).send().await.unwrap();
    assert_eq!(
        got.rules[0].allowed_origins,
        vec!["https://example.com".to_string()]
    );
    client.delete_bucket_cors(&bucket).send().await.unwrap();
    assert!(
        client
            .get_bucket_cors(&bucket)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn bucket_lifecycle_roundtrip() {
    let (_emu, client, bucket) = setup().await;
    assert!(
        client
            .get_bucket_lifecycle(&bucket)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    let lc = LifecycleConfiguration::new(vec![LifecycleRule {
        id: Some("r1".into()),
        filter: Some(LifecycleFilter {
            prefix: Some("logs/".into()),
            ..Default::default()
        }),
        status: RuleStatus::Enabled,
        transitions: vec![],
        expiration: Some(cos_xml::Expiration {
            days: Some(30),
            ..Default::default()
        }),
        noncurrent_version_transitions: vec![],
        noncurrent_version_expiration: None,
        abort_incomplete_multipart_upload: None,
    }]);
    client
        .put_bucket_lifecycle(&bucket, &lc)
        .send()
        .await
        .unwrap();
    let got = client.get_bucket_lifecycle(&bucket).send().await.unwrap();
    assert_eq!(got.rules[0].id.as_deref(), Some("r1"));
    client
        .delete_bucket_lifecycle(&bucket)
        .send()
        .await
        .unwrap();
    assert!(
        client
            .get_bucket_lifecycle(&bucket)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn bucket_tagging_roundtrip() {
    let (_emu, client, bucket) = setup().await;
    assert!(
        client
            .get_bucket_tagging(&bucket)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    let tags = Tagging::new([Tag::new("team", "storage")]);
    client
        .put_bucket_tagging(&bucket, &tags)
        .send()
        .await
        .unwrap();
    let got = client.get_bucket_tagging(&bucket).send().await.unwrap();
    assert_eq!(got.tag_set.tags, vec![Tag::new("team", "storage")]);
    client.delete_bucket_tagging(&bucket).send().await.unwrap();
    assert!(
        client
            .get_bucket_tagging(&bucket)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn bucket_policy_roundtrip() {
    let (emu, client, bucket) = setup().await;
    assert!(
        client
            .get_bucket_policy(&bucket)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    let policy = r#"{"Statement":[{"Effect":"Allow","Principal":{"qcs":["qcs::cam::anyone:anyone"]},"Action":["name/cos:GetObject"],"Resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*"]}],"version":"2.0"}"#;
    client
        .put_bucket_policy(&bucket, policy)
        .send()
        .await
        .unwrap();
    assert_eq!(last(&emu).header("content-type"), Some("application/json"));
    let got = client.get_bucket_policy(&bucket).send().await.unwrap();
    assert!(got.contains("cos:GetObject"));
    client.delete_bucket_policy(&bucket).send().await.unwrap();
    assert!(
        client
            .get_bucket_policy(&bucket)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
}
