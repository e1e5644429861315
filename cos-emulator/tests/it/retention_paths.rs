//! Retention on every write path: the bucket's default object lock and PUT Object
//! `?retention` set the same date, and one check refuses any write that would replace
//! or remove a retained version — copy, complete multipart and append included —
//! while a versioned bucket still takes new versions. Time is stamped by the
//! emulator's clock; DELETE Multiple is replicated like DELETE Object.

use std::time::Duration;

use crate::common::{client_for, key};
use cos_core::{BucketName, Client};
use cos_emulator::Emulator;
use cos_xml::config::{
    ObjectLockConfiguration, ReplicationConfiguration, ReplicationDestination, ReplicationRule,
};
use cos_xml::{VersionEntry, VersioningStatus};

fn code(e: &cos_core::Error) -> (u16, &str) {
    (e.status().map_or(0, |s| s.as_u16()), e.code().unwrap_or(""))
}

pub(crate) async fn body(c: &Client, b: &BucketName, k: &str) -> Vec<u8> {
    let got = c.get_object(b, &key(k)).send().await.unwrap();
    got.body.collect().await.unwrap().to_vec()
}

/// A non-versioned bucket whose object lock retains new objects for 10 days, holding
/// `locked` ("v1", retained), and `appendable` ("ab") and `src` ("source"), written
/// before the lock (unretained).
async fn locked_bucket(c: &Client) -> BucketName {
    let b = BucketName::new("paths-1250000000").unwrap();
    c.put_bucket(&b).send().await.unwrap();
    c.put_object(&b, &key("src"))
        .body("source")
        .send()
        .await
        .unwrap();
    c.append_object(&b, &key("appendable"), 0)
        .body("ab")
        .send()
        .await
        .unwrap();
    c.put_bucket_object_lock(&b, &ObjectLockConfiguration::new(Some(10)))
        .send()
        .await
        .unwrap();
    c.put_object(&b, &key("locked"))
        .body("v1")
        .send()
        .await
        .unwrap();
    b
}

#[tokio::test]
async fn copy_complete_multipart_and_append_cannot_replace_a_retained_object() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let b = locked_bucket(&c).await;
    // Copy onto the locked key (these writes were refused only by a per-operation
    // guard before; now by the one check every write passes).
    let e = c
        .copy_object(&b, &key("locked"), &b, &key("src"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), (403, "AccessDenied"), "{e:?}");
    // Complete multipart onto it: the upload itself may start and take parts.
    let up = c
        .initiate_multipart_upload(&b, &key("locked"))
        .send()
        .await
        .unwrap();
    let part = c
        .upload_part(&b, &key("locked"), &up.upload_id, 1)
        .body("part")
        .send()
        .await
        .unwrap();
    let e = c
        .complete_multipart_upload(&b, &key("locked"), &up.upload_id)
        .part(1, part.etag.unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), (403, "AccessDenied"), "{e:?}");
    assert_eq!(body(&c, &b, "locked").await, b"v1");
    // Append: an appendable object written before the lock has no retention and
    // takes the append, which (like any upload to the bucket) gives the new state the
    // bucket's default retention; from then on it cannot be appended to.
    c.append_object(&b, &key("appendable"), 2)
        .body("cd")
        .send()
        .await
        .unwrap();
    let e = c
        .append_object(&b, &key("appendable"), 4)
        .body("ef")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), (403, "AccessDenied"), "{e:?}");
    assert_eq!(body(&c, &b, "appendable").await, b"abcd");
    // A copy to a new key gets the bucket's default retention (not the source's
    // headers): it is rendered from the new record.
    c.copy_object(&b, &key("copy"), &b, &key("src"))
        .send()
        .await
        .unwrap();
    let head = c.head_object(&b, &key("copy")).send().await.unwrap();
    let h = |n: &str| {
        head.meta
            .headers
            .get(n)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(h("x-cos-object-lock-mode").as_deref(), Some("COMPLIANCE"));
    let until = h("x-cos-object-lock-retain-until-date").unwrap();
    let until = cos_xml::time::parse_time(&until).unwrap();
    let expected = emu.now() + Duration::from_secs(10 * 86_400);
    let off = until
        .duration_since(expected)
        .unwrap_or_else(|e| e.duration());
    assert!(off < Duration::from_secs(120), "{until:?} vs {expected:?}");
    // A retention set by PUT ?retention (on an object written before the lock) is
    // rendered the same way on HEAD, and refuses the same writes.
    let until = emu.now() + Duration::from_secs(86_400);
    c.put_object_retention(&b, &key("src"), until)
        .send()
        .await
        .unwrap();
    let explicit = c.head_object(&b, &key("src")).send().await.unwrap();
    assert!(
        explicit
            .meta
            .headers
            .contains_key("x-cos-object-lock-retain-until-date")
    );
    let e = c
        .put_object(&b, &key("src"))
        .body("other")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), (403, "AccessDenied"), "{e:?}");
    // Past the retention dates every one of those writes goes through.
    emu.advance_clock(Duration::from_secs(11 * 86_400));
    c.copy_object(&b, &key("locked"), &b, &key("src"))
        .send()
        .await
        .unwrap();
    assert_eq!(body(&c, &b, "locked").await, b"source");
    c.append_object(&b, &key("appendable"), 4)
        .body("ef")
        .send()
        .await
        .unwrap();
    assert_eq!(body(&c, &b, "appendable").await, b"abcdef");
}

#[tokio::test]
async fn a_versioned_bucket_keeps_the_retained_version_but_takes_new_ones() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let b = BucketName::new("versioned-lock-1250000000").unwrap();
    c.put_bucket(&b).send().await.unwrap();
    c.put_bucket_versioning(&b, VersioningStatus::Enabled)
        .send()
        .await
        .unwrap();
    c.put_bucket_object_lock(&b, &ObjectLockConfiguration::new(Some(10)))
        .send()
        .await
        .unwrap();
    let v1 = c.put_object(&b, &key("k")).body("v1").send().await.unwrap();
    let v1 = v1.version_id.unwrap();
    // A copy and a delete marker are new versions: allowed.
    c.put_object(&b, &key("src"))
        .body("s")
        .send()
        .await
        .unwrap();
    c.copy_object(&b, &key("k"), &b, &key("src"))
        .send()
        .await
        .unwrap();
    c.delete_object(&b, &key("k")).send().await.unwrap();
    // The retained version itself cannot go, by DELETE or DELETE Multiple.
    let e = c
        .delete_object_version(&b, &key("k"), &v1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), (403, "AccessDenied"));
    let batch = c
        .delete_multiple_objects(&b)
        .key_version(&key("k"), &v1)
        .send()
        .await
        .unwrap();
    assert_eq!(batch.errors.len(), 1, "{batch:?}");
    assert_eq!(batch.errors[0].code, "AccessDenied");
    let listed = c.list_object_versions(&b).prefix("k").send().await.unwrap();
    assert_eq!(listed.entries.len(), 3, "{listed:?}");
}

#[tokio::test]
async fn delete_markers_and_versions_are_stamped_by_the_emulator_clock() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let b = BucketName::new("stamped-1250000000").unwrap();
    c.put_bucket(&b).send().await.unwrap();
    c.put_bucket_versioning(&b, VersioningStatus::Enabled)
        .send()
        .await
        .unwrap();
    c.put_object(&b, &key("k")).body("x").send().await.unwrap();
    emu.advance_clock(Duration::from_secs(30 * 86_400));
    c.delete_object(&b, &key("k")).send().await.unwrap();
    let listed = c.list_object_versions(&b).send().await.unwrap();
    let marker = listed
        .entries
        .iter()
        .find_map(|e| match e {
            VersionEntry::DeleteMarker(m) => Some(m),
            VersionEntry::Version(_) => None,
        })
        .unwrap();
    let stamped = cos_xml::time::parse_time(&marker.last_modified).unwrap();
    // By the emulator's clock (30 days ahead), not the real one.
    let real = std::time::SystemTime::now();
    assert!(
        stamped > real + Duration::from_secs(29 * 86_400),
        "{stamped:?} vs real {real:?}"
    );
    assert!(stamped <= emu.now(), "{stamped:?} vs {:?}", emu.now());
}

pub(crate) async fn replicated_pair(c: &Client) -> (BucketName, BucketName) {
    let src = BucketName::new("src-multi-1250000000").unwrap();
    let dst = BucketName::new("dst-multi-1250000000").unwrap();
    for b in [&src, &dst] {
        c.put_bucket(b).send().await.unwrap();
        c.put_bucket_versioning(b, VersioningStatus::Enabled)
            .send()
            .await
            .unwrap();
    }
    let rule = ReplicationRule {
        id: Some("all".into()),
        status: "Enabled".into(),
        prefix: String::new(),
        destination: ReplicationDestination {
            bucket: format!("qcs::cos:ap-guangzhou::{}", dst.as_str()),
            storage_class: None,
        },
    };
    let config =
        ReplicationConfiguration::new("qcs::cam::uin/100000000001:uin/100000000001", vec![rule]);
    c.put_bucket_replication(&src, &config)
        .send()
        .await
        .unwrap();
    (src, dst)
}

#[tokio::test]
async fn delete_multiple_is_replicated() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let (src, dst) = replicated_pair(&c).await;
    for k in ["a", "b", "c"] {
        c.put_object(&src, &key(k)).body(k).send().await.unwrap();
    }
    emu.run_due_work().await.unwrap();
    for k in ["a", "b", "c"] {
        assert!(c.head_object(&dst, &key(k)).send().await.is_ok(), "{k}");
    }
    let batch = c
        .delete_multiple_objects(&src)
        .key(&key("a"))
        .key(&key("b"))
        .send()
        .await
        .unwrap();
    assert!(batch.errors.is_empty(), "{batch:?}");
    // Asynchronously, as DELETE Object: the replicas stay until the due work runs.
    assert!(c.head_object(&dst, &key("a")).send().await.is_ok());
    emu.run_due_work().await.unwrap();
    for k in ["a", "b"] {
        let e = c.head_object(&dst, &key(k)).send().await.unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(404), "{k}");
    }
    assert!(c.head_object(&dst, &key("c")).send().await.is_ok());
}

#[tokio::test]
async fn a_replica_that_would_replace_a_retained_version_fails() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let (src, dst) = replicated_pair(&c).await;
    // The destination stops versioning and retains its own "d".
    c.put_bucket_versioning(&dst, VersioningStatus::Suspended)
        .send()
        .await
        .unwrap();
    c.put_bucket_object_lock(&dst, &ObjectLockConfiguration::new(Some(10)))
        .send()
        .await
        .unwrap();
    c.put_object(&dst, &key("d"))
        .body("kept")
        .send()
        .await
        .unwrap();
    c.put_object(&src, &key("d"))
        .body("new")
        .send()
        .await
        .unwrap();
    emu.run_due_work().await.unwrap();
    assert_eq!(body(&c, &dst, "d").await, b"kept");
    let head = c.head_object(&src, &key("d")).send().await.unwrap();
    let status = head.meta.headers.get("x-cos-replication-status").unwrap();
    assert_eq!(status.to_str().unwrap(), "FAILED");
}

#[tokio::test]
async fn lifecycle_transitions_wait_for_the_end_of_the_retention() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let b = locked_bucket(&c).await;
    let rule = cos_xml::LifecycleRule {
        id: Some("ia-after-2-days".into()),
        filter: None,
        status: cos_xml::RuleStatus::Enabled,
        transitions: vec![cos_xml::Transition {
            days: Some(2),
            date: None,
            storage_class: "STANDARD_IA".into(),
        }],
        expiration: None,
        noncurrent_version_transitions: vec![],
        noncurrent_version_expiration: None,
        abort_incomplete_multipart_upload: None,
    };
    c.put_bucket_lifecycle(&b, &cos_xml::LifecycleConfiguration::new(vec![rule]))
        .send()
        .await
        .unwrap();
    let class = |c: Client, k: &'static str| {
        let b = b.clone();
        async move {
            let h = c.head_object(&b, &key(k)).send().await.unwrap();
            h.storage_class.unwrap_or_else(|| "STANDARD".into())
        }
    };
    emu.advance_clock(Duration::from_secs(5 * 86_400));
    emu.run_due_work().await.unwrap();
    // Unretained: transitioned. Retained (10 days): not yet.
    assert_eq!(class(c.clone(), "src").await, "STANDARD_IA");
    assert_eq!(class(c.clone(), "locked").await, "STANDARD");
    emu.advance_clock(Duration::from_secs(6 * 86_400));
    emu.run_due_work().await.unwrap();
    assert_eq!(class(c.clone(), "locked").await, "STANDARD_IA");
}

#[tokio::test]
async fn form_uploads_are_replicated() {
    use cos_core::ops::post_object::PostPolicy;
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let (src, dst) = replicated_pair(&c).await;
    let form = c
        .sign_post_policy(&PostPolicy::new(&src).key(&key("posted")))
        .await
        .unwrap();
    c.post_object(&form).body("form").send().await.unwrap();
    let head = c.head_object(&src, &key("posted")).send().await.unwrap();
    let status = |h: &http::HeaderMap| {
        h.get("x-cos-replication-status")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(status(&head.meta.headers).as_deref(), Some("PENDING"));
    emu.run_due_work().await.unwrap();
    assert_eq!(body(&c, &dst, "posted").await, b"form");
    let head = c.head_object(&src, &key("posted")).send().await.unwrap();
    assert_eq!(status(&head.meta.headers).as_deref(), Some("COMPLETED"));
}
