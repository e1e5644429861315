//! Loading corrupted, torn or crafted data directories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::*;
use crate::storage::{Acl, Bucket, ObjectRecord, Version};

fn object(file: &str) -> ObjectRecord {
    ObjectRecord {
        size: 3,
        etag: "\"e\"".into(),
        crc64: 0,
        segments: vec![Segment {
            len: 3,
            data: SegmentData::File(file.into()),
        }],
        headers: Vec::new(),
        meta: Vec::new(),
        storage_class: "STANDARD".into(),
        acl: Acl::default(),
        tags: Vec::new(),
        restored_until: None,
        restore_ready_at: None,
        retain_until: None,
        appendable: false,
        last_modified: 1,
    }
}

fn bucket_change() -> Change {
    Change::Bucket {
        name: "b".into(),
        config: Some(Bucket {
            name: "b".into(),
            ..Default::default()
        }),
    }
}

fn key_change(i: u64) -> Change {
    Change::Key {
        bucket: "b".into(),
        key: format!("k{i}"),
        versions: Some(vec![Version {
            id: "null".into(),
            last_modified: 1,
            object: Some(object(&format!("1-2-{i:x}"))),
        }]),
    }
}

/// A journal of `n` records after sequence number 0: a bucket, then keys `k1..`.
fn journal_bytes(n: u64) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::new();
    let mut ends = Vec::new();
    for seq in 1..=n {
        let changes = if seq == 1 {
            vec![bucket_change()]
        } else {
            vec![key_change(seq), Change::Counter(seq)]
        };
        out.extend(journal::encode(seq, &changes).unwrap());
        ends.push(out.len());
    }
    (out, ends)
}

fn keys(state: &State) -> usize {
    state.buckets.get("b").map_or(0, |b| b.objects.len())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes: an error or some records, never a panic.
    #[test]
    fn random_journal_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut state = State::default();
        let _ = journal::replay(&bytes, 0, &mut state);
    }

    /// A journal cut anywhere (a crash mid-write) loads the records before the cut.
    #[test]
    fn a_torn_tail_is_ignored(n in 1u64..6, cut_frac in 0.0f64..1.0) {
        let (bytes, ends) = journal_bytes(n);
        let cut = (bytes.len() as f64 * cut_frac) as usize;
        let mut state = State::default();
        let r = journal::replay(&bytes[..cut], 0, &mut state).unwrap();
        let whole = ends.iter().filter(|&&e| e <= cut).count();
        prop_assert_eq!(r.last_seq, whole as u64);
        prop_assert_eq!(r.valid_len as usize, if whole == 0 { 0 } else { ends[whole - 1] });
        prop_assert_eq!(keys(&state), whole.saturating_sub(1));
    }

    /// A changed byte is corruption (refused) unless it is in the last record.
    #[test]
    fn a_flipped_byte_is_detected(n in 2u64..6, at_frac in 0.0f64..1.0, bit in 0u8..8) {
        let (mut bytes, ends) = journal_bytes(n);
        let at = ((bytes.len() as f64 * at_frac) as usize).min(bytes.len() - 1);
        bytes[at] ^= 1 << bit;
        let mut state = State::default();
        let r = journal::replay(&bytes, 0, &mut state);
        let last_start = ends[ends.len() - 2];
        match r {
            Ok(r) => {
                prop_assert!(at >= last_start, "corruption at {at} accepted");
                prop_assert_eq!(r.last_seq, n - 1);
            }
            Err(e) => prop_assert!(e.to_string().contains("journal")),
        }
    }

    /// Arbitrary snapshot bytes, and valid ones with a changed byte: an error or a
    /// state whose names are checked, never a panic.
    #[test]
    fn random_snapshots_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        if let Ok(s) = parse_snapshot(&bytes) {
            let _ = check_blob_names(&State { buckets: s.buckets, counter: 0, saved_counter: 0 });
        }
        let mut state = State::default();
        journal::apply(&mut state, vec![bucket_change(), key_change(7)]).unwrap();
        let mut json = snapshot_json(&state, 3).unwrap();
        let i = at.index(json.len());
        json[i] = byte;
        if let Ok(s) = parse_snapshot(&json) {
            let _ = check_blob_names(&State { buckets: s.buckets, counter: 0, saved_counter: 0 });
        }
    }
}

#[test]
fn records_already_in_the_snapshot_are_skipped_and_gaps_refused() {
    let (bytes, _) = journal_bytes(4);
    let mut state = State::default();
    journal::apply(&mut state, vec![bucket_change(), key_change(2)]).unwrap();
    let r = journal::replay(&bytes, 2, &mut state).unwrap();
    assert_eq!(r.last_seq, 4);
    assert_eq!(keys(&state), 3);
    let gap = journal::encode(9, &[Change::Counter(1)]).unwrap();
    let mut with_gap = bytes.clone();
    with_gap.extend(&gap);
    with_gap.extend(&gap);
    let e = journal::replay(&with_gap, 0, &mut State::default()).unwrap_err();
    assert!(e.to_string().contains("follows 4"), "{e}");
}

fn write_legacy(dir: &Path, blob: &str) {
    let mut state = State::default();
    journal::apply(&mut state, vec![bucket_change(), key_change(1)]).unwrap();
    if let Some(b) = state.buckets.get_untracked("b") {
        b.objects.set_untracked(
            "k1".into(),
            Some(vec![Version {
                id: "null".into(),
                last_modified: 1,
                object: Some(object(blob)),
            }]),
        );
    }
    // The format of earlier versions: no seq, no marker, no journal.
    let json = serde_json::json!({
        "buckets": &state.buckets,
        "counter": 5,
    });
    std::fs::create_dir_all(dir.join("blobs")).unwrap();
    std::fs::write(dir.join("meta.json"), json.to_string()).unwrap();
}

#[tokio::test]
async fn an_old_data_dir_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    write_legacy(dir.path(), "abc-12-0");
    std::fs::write(dir.path().join("blobs/abc-12-0"), b"old").unwrap();
    std::fs::write(dir.path().join("blobs/abc-12-1"), b"orphan").unwrap();
    let (d, state) = Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap();
    assert_eq!(state.counter, 5);
    assert_eq!(keys(&state), 1);
    assert!(dir.path().join(MARKER).exists());
    assert!(dir.path().join("blobs/abc-12-0").exists());
    assert!(
        !dir.path().join("blobs/abc-12-1").exists(),
        "orphans are removed"
    );
    drop(d);
    let (_d, again) = Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap();
    assert_eq!(keys(&again), 1);
}

#[tokio::test]
async fn crafted_blob_names_are_refused_and_nothing_is_deleted() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, b"keep").unwrap();
    let dir = outside.path().join("data");
    write_legacy(&dir, "../victim");
    let e = Dir::open(&dir, StorageFaults::default()).await.unwrap_err();
    assert!(e.to_string().contains("invalid body file name"), "{e}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
    for bad in [
        "",
        "a-1",
        "a-1-2-3",
        "g-1-2",
        "1-x-2",
        "1-2-3/",
        "/etc/passwd",
    ] {
        assert!(!valid_blob_name(bad), "{bad}");
    }
    assert!(valid_blob_name("187a2b3c4d5e6f70-4242-1f"));
}

#[tokio::test]
async fn a_foreign_directory_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    std::fs::create_dir_all(dir.path().join("blobs")).unwrap();
    std::fs::write(dir.path().join("tmp/mine"), b"x").unwrap();
    std::fs::write(dir.path().join("blobs/1-2-3"), b"x").unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
    let e = Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("not an emulator data directory"),
        "{e}"
    );
    assert!(dir.path().join("tmp/mine").exists());
    assert!(dir.path().join("blobs/1-2-3").exists());
    assert!(!dir.path().join(MARKER).exists());
}

#[tokio::test]
async fn one_emulator_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let (first, _) = Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap();
    let e = Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("in use"), "{e}");
    drop(first);
    Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_corrupt_journal_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(
        Dir::open(dir.path(), StorageFaults::default())
            .await
            .unwrap(),
    );
    let (mut bytes, _) = journal_bytes(3);
    bytes[30] ^= 0xff;
    std::fs::write(dir.path().join(JOURNAL), &bytes).unwrap();
    let e = Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("journal corrupt at byte 0"), "{e}");
}

#[tokio::test]
async fn the_journal_is_compacted_and_reloads() {
    use crate::storage::{Backend, Store};
    let dir = tempfile::tempdir().unwrap();
    let (d, state) = Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap();
    d.journal().compact_min = 0;
    let store = Store {
        state: std::sync::Mutex::new(state).into(),
        backend: Backend::Disk(d),
        save_lock: tokio::sync::Mutex::new(()).into(),
        bench_mode: false,
    };
    store
        .update(|st| {
            st.buckets.insert(
                "b".into(),
                Bucket {
                    name: "b".into(),
                    ..Default::default()
                },
            );
            Ok(())
        })
        .await
        .unwrap();
    for i in 0..20 {
        let mut w = store.writer(false).await.unwrap();
        w.write(bytes::Bytes::from(format!("body{i}")))
            .await
            .unwrap();
        let (segments, digests) = w.finish().await.unwrap();
        let mut o = object("unused");
        o.segments = segments;
        o.size = digests.len;
        let key = format!("k{}", i % 5);
        store
            .update(|st| st.put_version("b", &key, Some(o), 0))
            .await
            .unwrap();
    }
    let journal_len = std::fs::metadata(dir.path().join(JOURNAL)).unwrap().len();
    let snapshot_len = std::fs::metadata(dir.path().join(SNAPSHOT)).unwrap().len();
    assert!(
        journal_len <= snapshot_len,
        "{journal_len} > {snapshot_len}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("blobs")).unwrap().count(),
        5
    );
    drop(store);
    let (_d, state) = Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap();
    for j in 0..5 {
        let v = &state.buckets["b"].objects[&format!("k{j}")];
        let Some(SegmentData::File(name)) = v[0].object.as_ref().map(|o| &o.segments[0].data)
        else {
            panic!("k{j} has no file");
        };
        let got = std::fs::read(dir.path().join("blobs").join(name)).unwrap();
        assert_eq!(got, format!("body{}", 15 + j).into_bytes());
    }
}

/// A request dropped while its transaction is being saved (the client went away)
/// still applies it: the state never lags what the journal holds.
#[tokio::test]
async fn a_cancelled_update_is_saved_and_applied_or_not_at_all() {
    use crate::storage::{Backend, Store};
    let dir = tempfile::tempdir().unwrap();
    let (d, state) = Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap();
    let store = Store {
        state: std::sync::Mutex::new(state).into(),
        backend: Backend::Disk(d),
        save_lock: tokio::sync::Mutex::new(()).into(),
        bench_mode: false,
    };
    let create = store.update(|st| {
        st.buckets.insert(
            "b".into(),
            Bucket {
                name: "b".into(),
                ..Default::default()
            },
        );
        Ok(())
    });
    // Polled once (the save is under way), then dropped.
    let mut create = Box::pin(create);
    let first =
        std::future::poll_fn(|cx| std::task::Poll::Ready(create.as_mut().poll(cx).is_pending()))
            .await;
    assert!(first, "the save finished at the first poll");
    drop(create);
    // Wait for the save to end.
    drop(store.save_lock.lock().await);
    assert!(store.lock().buckets.contains_key("b"));
    drop(store);
    let (_d, state) = Dir::open(dir.path(), StorageFaults::default())
        .await
        .unwrap();
    assert!(state.buckets.contains_key("b"));
}
