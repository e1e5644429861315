//! The small-object path of `download_dir`: one GET per object (no HEAD), the CRC-64
//! checked before anything is written, and no file left at the destination when a
//! small download fails.

use crate::common::emu::{BUCKET, count, random, setup};
use crate::common::{self, Fake, data};
use bytes::Bytes;
use cos_emulator::{FaultAction, FaultRule};
use cos_transfer::{CosBackend, FileStatus, TransferError, Transfers};

/// Every file below `dir`, as paths relative to it, sorted.
fn tree(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

async fn put(backend: &CosBackend, key: &str, body: &[u8]) {
    backend
        .client()
        .put_object(&common::bucket(BUCKET), &common::key(key))
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_objects_come_with_one_get_each_and_no_head() {
    let (emu, backend) = setup().await;
    let mut files = Vec::new();
    for i in 0..12u64 {
        let body = random(8 * 1024 + i as usize, i + 1);
        let rel = format!("d{}/f{i:02}", i % 3);
        put(&backend, &format!("small/{rel}"), &body).await;
        files.push((rel, body));
    }
    // Larger than the small-object size: the general path (HEAD, then GET).
    let big = random(1024 * 1024 + 1, 99);
    put(&backend, "small/big.bin", &big).await;
    put(&backend, "small/empty", b"").await;
    files.push(("big.bin".into(), big));
    files.push(("empty".into(), Vec::new()));
    emu.clear_requests();

    let dir = tempfile::tempdir().unwrap();
    let s = Transfers::with_backend(&backend)
        .download_dir(&common::bucket(BUCKET), "small/", dir.path())
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.failed), (files.len(), 0), "{s:?}");
    assert_eq!(count(&emu, "GetObject", 200), files.len());
    assert_eq!(count(&emu, "HeadObject", 200), 1, "only the large object");
    for (rel, body) in &files {
        assert_eq!(&std::fs::read(dir.path().join(rel)).unwrap(), body, "{rel}");
    }
    let mut expected: Vec<String> = files.iter().map(|(r, _)| r.clone()).collect();
    expected.sort();
    assert_eq!(tree(dir.path()), expected, "no temporary file is left");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_small_download_leaves_no_file() {
    let (emu, backend) = setup().await;
    put(&backend, "p/good", b"good").await;
    put(&backend, "p/bad", b"bad").await;
    emu.add_fault(
        FaultRule::new(FaultAction::status(403))
            .operation("GetObject")
            .key_pattern("p/bad"),
    );
    let dir = tempfile::tempdir().unwrap();
    let s = Transfers::with_backend(&backend)
        .download_dir(&common::bucket(BUCKET), "p/", dir.path())
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.failed), (1, 1), "{s:?}");
    let bad = s.problems().next().unwrap();
    assert_eq!(bad.key, "p/bad");
    assert!(
        matches!(
            bad.error,
            Some(TransferError::Remote {
                operation: "GetObject",
                ..
            })
        ),
        "{bad:?}"
    );
    assert_eq!(tree(dir.path()), vec!["good".to_owned()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_object_whose_stream_breaks_still_arrives_whole() {
    let (emu, backend) = setup().await;
    let body = random(64 * 1024, 5);
    put(&backend, "t/file", &body).await;
    emu.clear_requests();
    // The first GET sends 100 bytes of the body, then ends the connection.
    emu.add_fault(
        FaultRule::new(FaultAction::TruncateResponse(100))
            .operation("GetObject")
            .first(1),
    );
    let dir = tempfile::tempdir().unwrap();
    let s = Transfers::with_backend(&backend)
        .download_dir(&common::bucket(BUCKET), "t/", dir.path())
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.failed), (1, 0), "{s:?}");
    assert_eq!(std::fs::read(dir.path().join("file")).unwrap(), body);
    assert_eq!(tree(dir.path()), vec!["file".to_owned()]);
}

#[tokio::test]
async fn a_small_object_with_a_wrong_crc_is_refused_before_anything_is_written() {
    let fake = Fake::default();
    fake.objects
        .lock()
        .unwrap()
        .insert("w/k".into(), Bytes::from(data(8 * 1024, 3)));
    fake.faults.lock().unwrap().wrong_crc = true;
    let dir = tempfile::tempdir().unwrap();
    let s = Transfers::with_backend(&fake)
        .download_dir(&common::bucket(BUCKET), "w/", dir.path())
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.failed), (0, 1), "{s:?}");
    let f = &s.files[0];
    assert_eq!(f.status, FileStatus::Failed);
    assert!(
        matches!(f.error, Some(TransferError::Integrity { .. })),
        "{f:?}"
    );
    // The body was fetched once and checked in memory: no resumed or ranged GET.
    assert_eq!(fake.get_calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(tree(dir.path()).is_empty(), "{:?}", tree(dir.path()));
}
