//! Lifecycle rules take effect when the emulator's clock advances
//! (`advance_clock` + `run_due_work`, no sleeps): expiration, transitions,
//! noncurrent-version expiration, expired delete markers and the abort of incomplete
//! multipart uploads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use crate::common::{client_for, key};
use cos_core::{BucketName, Client};
use cos_emulator::{Emulator, EmulatorHandle};
use cos_xml::{
    AbortIncompleteMultipartUpload, Expiration, LifecycleConfiguration, LifecycleFilter,
    LifecycleRule, NoncurrentVersionExpiration, RuleStatus, Tag, Transition, VersionEntry,
    VersioningStatus,
};

const DAY: Duration = Duration::from_secs(86_400);

fn rule(prefix: &str) -> LifecycleRule {
    LifecycleRule {
        id: Some(format!("rule-{prefix}")),
        filter: Some(LifecycleFilter {
            prefix: Some(prefix.into()),
            ..Default::default()
        }),
        status: RuleStatus::Enabled,
        transitions: vec![],
        expiration: None,
        noncurrent_version_transitions: vec![],
        noncurrent_version_expiration: None,
        abort_incomplete_multipart_upload: None,
    }
}

async fn exists(c: &Client, b: &BucketName, k: &str) -> bool {
    c.head_object(b, &key(k)).send().await.is_ok()
}

async fn storage_class(c: &Client, b: &BucketName, k: &str) -> String {
    let h = c.head_object(b, &key(k)).send().await.unwrap();
    h.storage_class.unwrap_or_else(|| "STANDARD".into())
}

async fn advance(emu: &EmulatorHandle, days: u32) {
    emu.advance_clock(DAY * days);
    emu.run_due_work().await.unwrap();
}

#[tokio::test]
async fn expiration_transition_and_abort_follow_the_clock() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let b = BucketName::new("lifecycle-1250000000").unwrap();
    c.put_bucket(&b).send().await.unwrap();
    for k in ["logs/a", "keep/b", "tagged/c", "tagged/d"] {
        c.put_object(&b, &key(k)).body("x").send().await.unwrap();
    }
    c.put_object_tagging(
        &b,
        &key("tagged/c"),
        &cos_xml::Tagging::new([Tag::new("t", "1")]),
    )
    .send()
    .await
    .unwrap();
    let up = c
        .initiate_multipart_upload(&b, &key("big"))
        .send()
        .await
        .unwrap();
    let mut expire = rule("logs/");
    expire.expiration = Some(Expiration {
        days: Some(30),
        ..Default::default()
    });
    let mut transition = rule("keep/");
    transition.transitions = vec![Transition {
        days: Some(10),
        date: None,
        storage_class: "STANDARD_IA".into(),
    }];
    let mut abort = rule("");
    abort.abort_incomplete_multipart_upload = Some(AbortIncompleteMultipartUpload {
        days_after_initiation: Some(7),
    });
    let mut by_tag = rule("tagged/");
    by_tag.filter.as_mut().unwrap().tags = vec![Tag::new("t", "1")];
    by_tag.expiration = Some(Expiration {
        days: Some(1),
        ..Default::default()
    });
    let mut disabled = rule("keep/");
    disabled.status = RuleStatus::Disabled;
    disabled.expiration = Some(Expiration {
        days: Some(1),
        ..Default::default()
    });
    let lc = LifecycleConfiguration::new(vec![expire, transition, abort, by_tag, disabled]);
    c.put_bucket_lifecycle(&b, &lc).send().await.unwrap();

    // Nothing is due yet.
    emu.run_due_work().await.unwrap();
    assert!(exists(&c, &b, "tagged/c").await);
    assert_eq!(
        c.list_multipart_uploads(&b)
            .send()
            .await
            .unwrap()
            .uploads
            .len(),
        1
    );

    advance(&emu, 2).await;
    // Only the tagged object matched its rule's tag filter.
    assert!(!exists(&c, &b, "tagged/c").await);
    assert!(exists(&c, &b, "tagged/d").await);
    assert!(
        exists(&c, &b, "keep/b").await,
        "a disabled rule expired keep/b"
    );

    advance(&emu, 6).await; // day 8
    let uploads = c.list_multipart_uploads(&b).send().await.unwrap().uploads;
    assert!(uploads.is_empty(), "upload {} not aborted", up.upload_id);
    assert_eq!(storage_class(&c, &b, "keep/b").await, "STANDARD");

    advance(&emu, 3).await; // day 11
    assert_eq!(storage_class(&c, &b, "keep/b").await, "STANDARD_IA");
    assert!(exists(&c, &b, "logs/a").await);

    advance(&emu, 20).await; // day 31
    assert!(!exists(&c, &b, "logs/a").await);
    assert!(exists(&c, &b, "keep/b").await);
}

#[tokio::test]
async fn versioned_buckets_get_delete_markers_and_lose_noncurrent_versions() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let b = BucketName::new("versioned-lc-1250000000").unwrap();
    c.put_bucket(&b).send().await.unwrap();
    c.put_bucket_versioning(&b, VersioningStatus::Enabled)
        .send()
        .await
        .unwrap();
    c.put_object(&b, &key("doc"))
        .body("v1")
        .send()
        .await
        .unwrap();
    advance(&emu, 1).await;
    c.put_object(&b, &key("doc"))
        .body("v2")
        .send()
        .await
        .unwrap();
    let mut r = rule("");
    r.expiration = Some(Expiration {
        days: Some(10),
        ..Default::default()
    });
    r.noncurrent_version_expiration = Some(NoncurrentVersionExpiration {
        noncurrent_days: Some(5),
    });
    c.put_bucket_lifecycle(&b, &LifecycleConfiguration::new(vec![r]))
        .send()
        .await
        .unwrap();
    let versions = |c: Client, b: BucketName| async move {
        let l = c.list_object_versions(&b).send().await.unwrap();
        l.entries
            .iter()
            .map(|e| match e {
                VersionEntry::Version(_) => "version",
                VersionEntry::DeleteMarker(_) => "marker",
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(versions(c.clone(), b.clone()).await, ["version", "version"]);
    advance(&emu, 6).await;
    // v1 has been noncurrent for 6 days: gone; v2 (current, 6 days old) stays.
    assert_eq!(versions(c.clone(), b.clone()).await, ["version"]);
    advance(&emu, 5).await;
    // v2 expired: a delete marker hides it, v2 becomes noncurrent.
    let now = versions(c.clone(), b.clone()).await;
    assert!(
        now.contains(&"marker") && now.contains(&"version"),
        "{now:?}"
    );
    assert!(!exists(&c, &b, "doc").await);
    // An expired-object-delete-marker rule removes the marker once v2 is gone.
    let mut cleanup = rule("");
    cleanup.expiration = Some(Expiration {
        expired_object_delete_marker: Some(true),
        ..Default::default()
    });
    cleanup.noncurrent_version_expiration = Some(NoncurrentVersionExpiration {
        noncurrent_days: Some(1),
    });
    c.put_bucket_lifecycle(&b, &LifecycleConfiguration::new(vec![cleanup]))
        .send()
        .await
        .unwrap();
    advance(&emu, 2).await;
    advance(&emu, 0).await;
    assert_eq!(versions(c.clone(), b.clone()).await, Vec::<&str>::new());
}
