//! Part planning, checkpoints and resume decisions (sans-IO).

use std::collections::BTreeMap;

use cos_transfer::checkpoint::{
    self, CHECKPOINT_VERSION, CheckpointError, CopiedPart, CopyCheckpoint, CopySourceId, DonePart,
    DownloadCheckpoint, RemoteObject, SourceFingerprint, UploadCheckpoint,
};
use cos_transfer::plan::{MAX_PARTS, MIN_PART_SIZE, PartPlan, PlanError, UploadPlan, UploadSizing};
use cos_transfer::resume::{
    CopyStart, DownloadStart, FreshReason, ListedPart, ListedUpload, UploadStart,
    choose_existing_upload, decide_copy_start, decide_download_start, decide_upload_start,
    etag_is_md5, reconcile, reconcile_copy,
};
use proptest::prelude::*;

const MIB: u64 = 1024 * 1024;

proptest! {
    #[test]
    fn parts_cover_the_source_exactly(size in 0u64..(20_000 * MIB * 2), req in 1u64..64) {
        let plan = PartPlan::new(size, req * MIB).unwrap();
        prop_assert!(plan.count() <= MAX_PARTS);
        prop_assert!(plan.part_size() >= req * MIB);
        prop_assert_eq!(plan.part_size() % MIB, 0);
        let mut next = 0;
        for (i, p) in plan.parts().enumerate() {
            prop_assert_eq!(p.number as usize, i + 1);
            prop_assert_eq!(p.offset, next);
            if p.number < plan.count() {
                prop_assert_eq!(p.len, plan.part_size());
                prop_assert!(p.len >= MIN_PART_SIZE);
            }
            next = p.end();
        }
        prop_assert_eq!(next, size);
    }
}

#[test]
fn part_size_grows_to_stay_within_ten_thousand_parts() {
    let plan = PartPlan::new(100_000 * MIB, 8 * MIB).unwrap();
    assert_eq!(plan.part_size(), 10 * MIB);
    assert_eq!(plan.count(), 10_000);
    let odd = PartPlan::new(80_000 * MIB + 1, 8 * MIB).unwrap();
    assert_eq!(odd.part_size(), 9 * MIB);
    assert!(odd.count() <= MAX_PARTS);
    assert_eq!(
        PartPlan::new(10, MIB - 1),
        Err(PlanError::PartSize(MIB - 1))
    );
    assert!(matches!(
        PartPlan::new(u64::MAX, 8 * MIB),
        Err(PlanError::TooLarge(_))
    ));
    let empty = PartPlan::new(0, 8 * MIB).unwrap();
    assert_eq!(empty.count(), 1);
    assert_eq!(empty.part(1).unwrap().len, 0);
    assert_eq!(empty.part(2), None);
}

#[test]
fn sizing_picks_single_or_multipart() {
    let s = UploadSizing::default();
    assert_eq!(s.plan(20 * MIB).unwrap(), UploadPlan::Single);
    assert!(
        matches!(s.plan(20 * MIB + 1).unwrap(), UploadPlan::Multipart(p) if p.part_size() == 16 * MIB)
    );
}

fn fp(size: u64) -> SourceFingerprint {
    SourceFingerprint { size, mtime_ns: 42 }
}

fn upload_cp(size: u64) -> UploadCheckpoint {
    UploadCheckpoint {
        version: CHECKPOINT_VERSION,
        bucket: "b-1250000000".into(),
        key: "k".into(),
        upload_id: "u1".into(),
        part_size: 8 * MIB,
        source: fp(size),
        parts: BTreeMap::new(),
        storage_class: None,
        sse_key_md5: None,
        transform: None,
    }
}

#[test]
fn upload_start_decisions() {
    let size = 30 * MIB;
    let cp = upload_cp(size);
    assert_eq!(
        decide_upload_start(None, "b-1250000000", "k", &fp(size)),
        UploadStart::Fresh(FreshReason::NoCheckpoint)
    );
    assert_eq!(
        decide_upload_start(Some(&cp), "b-1250000000", "other", &fp(size)),
        UploadStart::Fresh(FreshReason::OtherObject)
    );
    assert_eq!(
        decide_upload_start(Some(&cp), "b-1250000000", "k", &fp(size + 1)),
        UploadStart::Fresh(FreshReason::SourceChanged)
    );
    let touched = SourceFingerprint { size, mtime_ns: 43 };
    assert_eq!(
        decide_upload_start(Some(&cp), "b-1250000000", "k", &touched),
        UploadStart::Fresh(FreshReason::SourceChanged)
    );
    match decide_upload_start(Some(&cp), "b-1250000000", "k", &fp(size)) {
        UploadStart::Resume { upload_id, plan } => {
            assert_eq!(upload_id, "u1");
            assert_eq!((plan.part_size(), plan.count()), (8 * MIB, 4));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn reconcile_trusts_only_matching_parts() {
    let plan = PartPlan::new(30 * MIB, 8 * MIB).unwrap(); // 8, 8, 8, 6 MiB
    let mut recorded = BTreeMap::new();
    recorded.insert(
        1,
        DonePart {
            etag: "\"aaa\"".into(),
            crc64: 1,
            len: 8 * MIB,
        },
    );
    recorded.insert(
        2,
        DonePart {
            etag: "\"bbb\"".into(),
            crc64: 2,
            len: 8 * MIB,
        },
    );
    let listed = vec![
        ListedPart {
            number: 1,
            etag: "AAA".into(),
            size: 8 * MIB,
        }, // matches checkpoint
        ListedPart {
            number: 2,
            etag: "\"ccc\"".into(),
            size: 8 * MIB,
        }, // server has another ETag
        ListedPart {
            number: 4,
            etag: "\"ddd\"".into(),
            size: 5 * MIB,
        }, // wrong size
        ListedPart {
            number: 9,
            etag: "\"zzz\"".into(),
            size: MIB,
        }, // not in the plan
    ];
    let r = reconcile(&plan, &recorded, &listed);
    assert_eq!(r.done.keys().copied().collect::<Vec<_>>(), vec![1]);
    assert_eq!(
        r.verify
            .iter()
            .map(|(p, e)| (p.number, e.as_str()))
            .collect::<Vec<_>>(),
        vec![(2, "\"ccc\"")]
    );
    assert_eq!(
        r.todo.iter().map(|p| p.number).collect::<Vec<_>>(),
        vec![3, 4]
    );
}

#[test]
fn resume_picks_newest_upload_of_the_key_with_the_same_storage_class() {
    let up = |id: &str, key: &str, at: &str, class: &str| ListedUpload {
        upload_id: id.into(),
        key: key.into(),
        initiated: at.into(),
        storage_class: class.into(),
    };
    let uploads = vec![
        up("old", "k", "2026-01-01T00:00:00.000Z", "STANDARD"),
        up("new", "k", "2026-02-01T00:00:00.000Z", "STANDARD"),
        up("ia", "k", "2026-03-01T00:00:00.000Z", "STANDARD_IA"),
        up("unknown", "k", "2026-04-01T00:00:00.000Z", ""),
        up("other", "k2", "2027-01-01T00:00:00.000Z", "STANDARD"),
    ];
    assert_eq!(
        choose_existing_upload(&uploads, "k", None)
            .unwrap()
            .upload_id,
        "new"
    );
    assert_eq!(
        choose_existing_upload(&uploads, "k", Some("STANDARD_IA"))
            .unwrap()
            .upload_id,
        "ia"
    );
    // A class that cannot be seen is never matched.
    assert!(choose_existing_upload(&uploads, "k", Some("ARCHIVE")).is_none());
    assert!(choose_existing_upload(&uploads, "none", None).is_none());
    let md5 = [
        0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04, 0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42,
        0x7e,
    ];
    assert!(etag_is_md5("\"D41D8CD98F00B204E9800998ECF8427E\"", &md5));
    assert!(!etag_is_md5("\"d41d8cd98f00b204e9800998ecf8427f\"", &md5));
}

fn remote() -> RemoteObject {
    RemoteObject {
        etag: "\"e1\"".into(),
        size: 100,
        last_modified: "Sat, 21 Nov 2026 10:00:00 GMT".into(),
    }
}

#[test]
fn download_resume_is_pinned_to_etag_size_and_date() {
    let mut done = BTreeMap::new();
    done.insert(
        1,
        DonePart {
            etag: String::new(),
            crc64: 7,
            len: 50,
        },
    );
    let cp = DownloadCheckpoint {
        version: CHECKPOINT_VERSION,
        bucket: "b".into(),
        key: "k".into(),
        version_id: None,
        remote: remote(),
        part_size: 50,
        done: done.clone(),
        partial: None,
        transform: None,
    };
    assert_eq!(
        decide_download_start(Some(&cp), "b", "k", None, &remote(), 50),
        DownloadStart::Resume { done }
    );
    assert_eq!(
        decide_download_start(None, "b", "k", None, &remote(), 50),
        DownloadStart::Fresh
    );
    for changed in [
        RemoteObject {
            etag: "\"e2\"".into(),
            ..remote()
        },
        RemoteObject {
            size: 101,
            ..remote()
        },
        RemoteObject {
            last_modified: "Sun, 22 Nov 2026 10:00:00 GMT".into(),
            ..remote()
        },
    ] {
        assert_eq!(
            decide_download_start(Some(&cp), "b", "k", None, &changed, 50),
            DownloadStart::Fresh
        );
    }
    assert_eq!(
        decide_download_start(Some(&cp), "b", "k", Some("v1"), &remote(), 50),
        DownloadStart::Fresh
    );
    assert_eq!(
        decide_download_start(Some(&cp), "b", "k", None, &remote(), 64),
        DownloadStart::Fresh
    );
}

#[test]
fn checkpoints_save_atomically_and_reject_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.cp");
    assert!(
        checkpoint::load::<UploadCheckpoint>(&path)
            .unwrap()
            .is_none()
    );
    let mut cp = upload_cp(30 * MIB);
    cp.parts.insert(
        3,
        DonePart {
            etag: "\"x\"".into(),
            crc64: u64::MAX,
            len: 8 * MIB,
        },
    );
    checkpoint::save(&path, &cp).unwrap();
    assert_eq!(
        checkpoint::load::<UploadCheckpoint>(&path).unwrap(),
        Some(cp.clone())
    );
    // Only the checkpoint itself remains: no temporary files.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    std::fs::write(&path, b"{ torn").unwrap();
    assert!(matches!(
        checkpoint::load::<UploadCheckpoint>(&path),
        Err(CheckpointError::Corrupt { .. })
    ));
    let mut future = serde_json::to_value(&cp).unwrap();
    future["version"] = 99.into();
    std::fs::write(&path, future.to_string()).unwrap();
    assert!(matches!(
        checkpoint::load::<UploadCheckpoint>(&path),
        Err(CheckpointError::Corrupt { .. })
    ));
    checkpoint::remove(&path).unwrap();
    checkpoint::remove(&path).unwrap();
}

fn source_id() -> CopySourceId {
    CopySourceId {
        bucket: "src-1250000000".into(),
        key: "a/b.bin".into(),
        region: Some("ap-beijing".into()),
        version_id: None,
    }
}

fn copied(etag: &str, len: u64) -> CopiedPart {
    CopiedPart {
        etag: etag.into(),
        crc64: Some(1),
        len,
    }
}

#[test]
fn copy_resume_needs_the_same_source_destination_and_part_size() {
    let parts: BTreeMap<u32, CopiedPart> = [(1, copied("\"p1\"", 40))].into();
    let cp = CopyCheckpoint {
        version: CHECKPOINT_VERSION,
        bucket: "b".into(),
        key: "k".into(),
        source: source_id(),
        remote: remote(),
        upload_id: "u1".into(),
        part_size: 40,
        parts: parts.clone(),
        sse_key_md5: None,
    };
    let resume = CopyStart::Resume {
        upload_id: "u1".into(),
        parts,
    };
    assert_eq!(
        decide_copy_start(Some(&cp), "b", "k", &source_id(), &remote(), 40),
        resume
    );
    assert_eq!(
        decide_copy_start(None, "b", "k", &source_id(), &remote(), 40),
        CopyStart::Fresh { stale: None }
    );
    // Another destination: not ours to abort.
    assert_eq!(
        decide_copy_start(Some(&cp), "b", "other", &source_id(), &remote(), 40),
        CopyStart::Fresh { stale: None }
    );
    // Same destination, but the source or the plan changed: the upload is stale.
    let stale = CopyStart::Fresh {
        stale: Some("u1".into()),
    };
    let other_version = CopySourceId {
        version_id: Some("v2".into()),
        ..source_id()
    };
    let other_region = CopySourceId {
        region: None,
        ..source_id()
    };
    for source in [other_version, other_region] {
        assert_eq!(
            decide_copy_start(Some(&cp), "b", "k", &source, &remote(), 40),
            stale
        );
    }
    let rewritten = RemoteObject {
        last_modified: "Sun, 22 Nov 2026 10:00:00 GMT".into(),
        ..remote()
    };
    assert_eq!(
        decide_copy_start(Some(&cp), "b", "k", &source_id(), &rewritten, 40),
        stale
    );
    assert_eq!(
        decide_copy_start(Some(&cp), "b", "k", &source_id(), &remote(), 50),
        stale
    );
    // The ETag is compared without quotes and case.
    let requoted = RemoteObject {
        etag: "E1".into(),
        ..remote()
    };
    assert!(matches!(
        decide_copy_start(Some(&cp), "b", "k", &source_id(), &requoted, 40),
        CopyStart::Resume { .. }
    ));
}

#[test]
fn copy_reconcile_keeps_only_parts_listed_with_the_recorded_etag() {
    let plan = PartPlan::with_part_size(100, 40).unwrap(); // 40 + 40 + 20
    let recorded: BTreeMap<u32, CopiedPart> = [
        (1, copied("\"p1\"", 40)),
        (2, copied("\"p2\"", 40)),
        (3, copied("\"p3\"", 20)),
    ]
    .into();
    let listed = [
        ListedPart {
            number: 1,
            etag: "P1".into(),
            size: 40,
        },
        // Overwritten by someone else: copied again.
        ListedPart {
            number: 2,
            etag: "\"other\"".into(),
            size: 40,
        },
        // Part 3 is not listed (lost): copied again.
    ];
    let (done, todo) = reconcile_copy(&plan, &recorded, &listed);
    assert_eq!(done.keys().copied().collect::<Vec<_>>(), vec![1]);
    assert_eq!(
        todo.iter().map(|p| p.number).collect::<Vec<_>>(),
        vec![2, 3]
    );
    // A listed part the checkpoint never recorded is not trusted either.
    let (done, todo) = reconcile_copy(&plan, &BTreeMap::new(), &listed);
    assert!(done.is_empty());
    assert_eq!(todo.len(), 3);
}
