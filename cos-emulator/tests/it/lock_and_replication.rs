//! Object lock and replication in the emulator: a locked version cannot be deleted
//! or overwritten before its retention date (by the emulator's clock), and writes and
//! deletes of a replicated bucket reach the destination bucket when the due work
//! runs, with `x-cos-replication-status` on both sides.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use crate::common::{client_for, key};
use cos_core::BucketName;
use cos_emulator::Emulator;
use cos_xml::VersioningStatus;
use cos_xml::config::{
    ObjectLockConfiguration, ReplicationConfiguration, ReplicationDestination, ReplicationRule,
};

fn code(e: &cos_core::Error) -> (u16, &str) {
    (e.status().map_or(0, |s| s.as_u16()), e.code().unwrap_or(""))
}

#[tokio::test]
async fn locked_objects_are_kept_until_their_retention_date() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let b = BucketName::new("locked-1250000000").unwrap();
    c.put_bucket(&b).send().await.unwrap();
    c.put_object(&b, &key("before"))
        .body("x")
        .send()
        .await
        .unwrap();
    c.put_bucket_object_lock(&b, &ObjectLockConfiguration::new(Some(10)))
        .send()
        .await
        .unwrap();
    c.put_object(&b, &key("deed"))
        .body("v1")
        .send()
        .await
        .unwrap();
    let head = c.head_object(&b, &key("deed")).send().await.unwrap();
    let until = head.meta.headers.get("x-cos-object-lock-retain-until-date");
    assert!(until.is_some(), "{:?}", head.meta.headers);
    let e = c.delete_object(&b, &key("deed")).send().await.unwrap_err();
    assert_eq!(code(&e), (403, "AccessDenied"));
    let e = c
        .put_object(&b, &key("deed"))
        .body("v2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), (403, "AccessDenied"));
    // A batch delete keeps it too, reporting the key as an error.
    let batch = c
        .delete_multiple_objects(&b)
        .key(&key("deed"))
        .send()
        .await
        .unwrap();
    assert_eq!(batch.errors.len(), 1, "{batch:?}");
    assert_eq!(batch.errors[0].code, "AccessDenied");
    // Still the first version.
    let got = c.get_object(&b, &key("deed")).send().await.unwrap();
    assert_eq!(&got.body.collect().await.unwrap()[..], b"v1");
    // Objects written before the lock carry no retention.
    c.delete_object(&b, &key("before")).send().await.unwrap();
    // A lifecycle expiration waits for the retention to end.
    let mut expire = cos_xml::LifecycleRule {
        id: Some("expire".into()),
        filter: None,
        status: cos_xml::RuleStatus::Enabled,
        transitions: vec![],
        expiration: Some(cos_xml::Expiration {
            days: Some(2),
            ..Default::default()
        }),
        noncurrent_version_transitions: vec![],
        noncurrent_version_expiration: None,
        abort_incomplete_multipart_upload: None,
    };
    expire.id = Some("expire-after-2-days".into());
    c.put_bucket_lifecycle(&b, &cos_xml::LifecycleConfiguration::new(vec![expire]))
        .send()
        .await
        .unwrap();
    emu.advance_clock(Duration::from_secs(5 * 86_400));
    emu.run_due_work().await.unwrap();
    assert!(c.head_object(&b, &key("deed")).send().await.is_ok());
    // Past the retention date the object can go.
    emu.advance_clock(Duration::from_secs(6 * 86_400));
    c.delete_object(&b, &key("deed")).send().await.unwrap();
    assert!(c.head_object(&b, &key("deed")).send().await.is_err());
}

#[tokio::test]
async fn replicated_writes_and_deletes_reach_the_destination_asynchronously() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let src = BucketName::new("source-1250000000").unwrap();
    let dst = BucketName::new("replica-1250000000").unwrap();
    for b in [&src, &dst] {
        c.put_bucket(b).send().await.unwrap();
        c.put_bucket_versioning(b, VersioningStatus::Enabled)
            .send()
            .await
            .unwrap();
    }
    let rule = ReplicationRule {
        id: Some("docs".into()),
        status: "Enabled".into(),
        prefix: "docs/".into(),
        destination: ReplicationDestination {
            bucket: format!("qcs::cos:ap-guangzhou::{}", dst.as_str()),
            storage_class: Some("STANDARD_IA".into()),
        },
    };
    let config =
        ReplicationConfiguration::new("qcs::cam::uin/100000000001:uin/100000000001", vec![rule]);
    c.put_bucket_replication(&src, &config)
        .send()
        .await
        .unwrap();
    c.put_object(&src, &key("docs/a.txt"))
        .body("alpha")
        .send()
        .await
        .unwrap();
    c.put_object(&src, &key("other.txt"))
        .body("x")
        .send()
        .await
        .unwrap();
    let status = |h: &http::HeaderMap| {
        h.get("x-cos-replication-status")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let head = c
        .head_object(&src, &key("docs/a.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(status(&head.meta.headers).as_deref(), Some("PENDING"));
    // Not there until the due work runs.
    assert!(
        c.head_object(&dst, &key("docs/a.txt"))
            .send()
            .await
            .is_err()
    );
    emu.run_due_work().await.unwrap();
    let replica = c
        .head_object(&dst, &key("docs/a.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(status(&replica.meta.headers).as_deref(), Some("REPLICA"));
    assert_eq!(replica.storage_class.as_deref(), Some("STANDARD_IA"));
    let body = c.get_object(&dst, &key("docs/a.txt")).send().await.unwrap();
    assert_eq!(&body.body.collect().await.unwrap()[..], b"alpha");
    let head = c
        .head_object(&src, &key("docs/a.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(status(&head.meta.headers).as_deref(), Some("COMPLETED"));
    // Keys outside the rule's prefix stay put.
    assert!(c.head_object(&dst, &key("other.txt")).send().await.is_err());
    // A delete reaches the replica too.
    c.delete_object(&src, &key("docs/a.txt"))
        .send()
        .await
        .unwrap();
    assert!(c.head_object(&dst, &key("docs/a.txt")).send().await.is_ok());
    emu.run_due_work().await.unwrap();
    assert!(
        c.head_object(&dst, &key("docs/a.txt"))
            .send()
            .await
            .is_err()
    );
}
