//! copy / move and the folder operations against the in-memory backend: part counts,
//! aborts, metadata modes, globs, skip-unchanged, refused keys, batching by 1000, and
//! progress as a stream.

use std::sync::atomic::Ordering;

use crate::common;
use crate::common::{Fake, data};
use bytes::Bytes;
use cos_transfer::paths::UnsafeKey;
use cos_transfer::{
    CancelHandle, CopyOptions, CopySource, DeleteOptions, DirOptions, DirSummary, FileStatus,
    MetadataDirective, Progress, TransferError, Transfers, UploadOptions, progress_stream,
};
use futures_util::StreamExt;

const MIB: usize = 1024 * 1024;
const B: &str = "bucket-1250000000";

#[tokio::test]
async fn small_copies_use_one_copy_object() {
    let fake = Fake::default();
    fake.put("src", &data(1000, 1));
    let out = Transfers::with_backend(&fake)
        .copy(
            &common::bucket(B),
            &common::key("dst"),
            &CopySource::new(&common::bucket(B), &common::key("src")),
        )
        .send()
        .await
        .unwrap();
    assert!(!out.multipart);
    assert_eq!(fake.copy_calls.load(Ordering::SeqCst), 1);
    assert_eq!(fake.object("dst"), fake.object("src"));
}

#[tokio::test]
async fn large_copies_use_concurrent_part_copies_and_keep_metadata() {
    let fake = Fake::default();
    let body = data(5 * MIB + 7, 2);
    fake.put("src", &body);
    let (progress, mut events) = progress_stream();
    let options = CopyOptions::default()
        .single_threshold(MIB as u64)
        .part_size(MIB as u64)
        .concurrency(3);
    let out = Transfers::with_backend(&fake)
        .copy(
            &common::bucket(B),
            &common::key("dst"),
            &CopySource::new(&common::bucket(B), &common::key("src")),
        )
        .options(options.clone())
        .progress(progress)
        .send()
        .await
        .unwrap();
    assert!(out.multipart);
    assert_eq!(out.parts, 6);
    assert_eq!(out.crc64, Some(cos_crc64::checksum(&body)));
    assert_eq!(fake.copy_part_calls.load(Ordering::SeqCst), 6);
    assert_eq!(fake.object("dst").unwrap(), Bytes::from(body));
    // Copy keeps the source's headers on the new upload.
    let headers = fake.copy_upload_headers.lock().unwrap().clone();
    assert_eq!(
        headers,
        vec![Some(vec![(
            "content-type".to_owned(),
            "application/x-fake".to_owned()
        )])]
    );
    // The stream ends once the transfer dropped its sender.
    let mut parts = 0;
    let mut last = None;
    while let Some(e) = events.next().await {
        match e {
            Progress::Part { .. } => parts += 1,
            Progress::Bytes { done, total } => last = Some((done, total)),
            _ => {}
        }
    }
    assert_eq!(parts, 6);
    assert_eq!(last, Some((5 * MIB as u64 + 7, 5 * MIB as u64 + 7)));
}

#[tokio::test]
async fn replaced_metadata_uses_the_backends_options() {
    let fake = Fake::default();
    fake.put("src", &data(3 * MIB, 3));
    let options = CopyOptions::default()
        .single_threshold(MIB as u64)
        .part_size(MIB as u64)
        .metadata(MetadataDirective::Replaced);
    Transfers::with_backend(&fake)
        .copy(
            &common::bucket(B),
            &common::key("dst"),
            &CopySource::new(&common::bucket(B), &common::key("src")),
        )
        .options(options.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(*fake.copy_upload_headers.lock().unwrap(), vec![None]);
}

#[tokio::test]
async fn a_failed_part_copy_aborts_the_upload() {
    let fake = Fake::default();
    fake.put("src", &data(4 * MIB, 4));
    fake.faults.lock().unwrap().fail_copy_parts = vec![3];
    let options = CopyOptions::default()
        .single_threshold(MIB as u64)
        .part_size(MIB as u64);
    let e = Transfers::with_backend(&fake)
        .copy(
            &common::bucket(B),
            &common::key("dst"),
            &CopySource::new(&common::bucket(B), &common::key("src")),
        )
        .options(options.clone())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            TransferError::Remote {
                operation: "UploadPartCopy",
                ..
            }
        ),
        "{e}"
    );
    assert!(fake.uploads.lock().unwrap().is_empty(), "upload aborted");
    assert!(fake.object("dst").is_none());
}

#[tokio::test]
async fn move_copies_then_deletes_the_source() {
    let fake = Fake::default();
    let body = data(2 * MIB, 5);
    fake.put("a", &body);
    Transfers::with_backend(&fake)
        .move_object(
            &common::bucket(B),
            &common::key("b"),
            &CopySource::new(&common::bucket(B), &common::key("a")),
        )
        .send()
        .await
        .unwrap();
    assert!(fake.object("a").is_none());
    assert_eq!(fake.object("b").unwrap(), Bytes::from(body));
    let e = Transfers::with_backend(&fake)
        .move_object(
            &common::bucket(B),
            &common::key("b"),
            &CopySource::new(&common::bucket(B), &common::key("b")),
        )
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::InvalidOption(_)));
    assert!(fake.object("b").is_some());
}

fn tree(dir: &std::path::Path) {
    for (rel, len, seed) in [
        ("a.txt", 10, 1),
        ("sub/b.txt", 3 * MIB, 2),
        ("sub/deep/c.log", 100, 3),
        ("sub/deep/d.txt", 0, 4),
        ("tmp/e.txt", 5, 5),
    ] {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data(len, seed)).unwrap();
    }
}

fn dir_options() -> DirOptions {
    DirOptions::default().file_concurrency(3).upload(
        UploadOptions::default()
            .multipart_threshold(2 * MIB as u64)
            .part_size(MIB as u64),
    )
}

#[tokio::test]
async fn upload_dir_filters_reports_and_skips_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let fake = Fake::default();
    let options = dir_options().exclude("tmp/**").exclude("*.log");
    let (progress, mut events) = progress_stream();
    let s = Transfers::with_backend(&fake)
        .upload_dir(&common::bucket(B), "backup", dir.path())
        .options(options.clone())
        .progress(progress)
        .send()
        .await
        .unwrap();
    assert!(s.is_success());
    assert_eq!((s.done, s.unchanged, s.failed), (3, 0, 0));
    assert_eq!(
        fake.keys(),
        ["backup/a.txt", "backup/sub/b.txt", "backup/sub/deep/d.txt"]
    );
    assert_eq!(
        fake.object("backup/sub/b.txt").unwrap(),
        Bytes::from(data(3 * MIB, 2))
    );
    let mut started = 0;
    let mut finished = 0;
    let mut last = (0, 0);
    while let Some(e) = events.next().await {
        match e {
            Progress::FileStarted { .. } => started += 1,
            Progress::FileFinished { status, .. } => {
                assert_eq!(status, FileStatus::Done);
                finished += 1;
            }
            Progress::Bytes { done, total } => last = (done, total),
            _ => {}
        }
    }
    assert_eq!((started, finished), (3, 3));
    assert_eq!(last, (3 * MIB as u64 + 10, 3 * MIB as u64 + 10));

    // Second run: everything unchanged, nothing uploaded.
    let parts = fake.part_calls.load(Ordering::SeqCst);
    let puts = fake.put_calls.load(Ordering::SeqCst);
    let s = Transfers::with_backend(&fake)
        .upload_dir(&common::bucket(B), "backup", dir.path())
        .options(options.clone().skip_unchanged(true))
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.unchanged), (0, 3));
    assert_eq!(fake.part_calls.load(Ordering::SeqCst), parts);
    assert_eq!(fake.put_calls.load(Ordering::SeqCst), puts);
}

#[tokio::test]
async fn one_failing_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let fake = Fake::default();
    fake.faults.lock().unwrap().fail_keys_containing = Some("a.txt".into());
    let s = Transfers::with_backend(&fake)
        .upload_dir(&common::bucket(B), "", dir.path())
        .options(dir_options())
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.failed), (4, 1));
    let bad: Vec<_> = s.problems().map(|f| f.key.as_str()).collect();
    assert_eq!(bad, ["a.txt"]);
    assert!(!s.is_success());
}

#[tokio::test]
async fn download_dir_refuses_keys_escaping_the_destination() {
    let fake = Fake::default();
    for (key, seed) in [
        ("p/ok.txt", 1),
        ("p/sub/ok2.txt", 2),
        ("p/../escape.txt", 3),
        ("p//etc/passwd", 4),
        ("p/C:/windows.txt", 5),
        ("p/a\\..\\..\\b.txt", 6),
        ("p/./dot.txt", 7),
        ("p/folder/", 8),
    ] {
        fake.put(key, &data(100, seed));
    }
    let outer = tempfile::tempdir().unwrap();
    let dest = outer.path().join("dest");
    let s = Transfers::with_backend(&fake)
        .download_dir(&common::bucket(B), "p/", &dest)
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.refused), (2, 5));
    let reasons: Vec<_> = s
        .problems()
        .map(|f| match &f.error {
            Some(TransferError::UnsafeKey { reason, .. }) => *reason,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        reasons,
        [
            UnsafeKey::ParentDir,
            UnsafeKey::OddSegment,
            UnsafeKey::Absolute,
            UnsafeKey::Colon,
            UnsafeKey::Backslash,
        ]
    );
    assert_eq!(std::fs::read(dest.join("ok.txt")).unwrap(), data(100, 1));
    assert_eq!(
        std::fs::read(dest.join("sub/ok2.txt")).unwrap(),
        data(100, 2)
    );
    // Nothing but the two files (and their folder) was written anywhere.
    let mut names: Vec<_> = walk(outer.path());
    names.sort();
    assert_eq!(names, ["dest/ok.txt", "dest/sub/ok2.txt"]);
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(
                    p.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out
}

#[tokio::test]
async fn download_dir_skips_unchanged_files() {
    let fake = Fake::default();
    fake.put("p/a.bin", &data(3 * MIB, 1));
    fake.put("p/b.bin", &data(10, 2));
    let dest = tempfile::tempdir().unwrap();
    let options = DirOptions::default().skip_unchanged(true);
    let s = Transfers::with_backend(&fake)
        .download_dir(&common::bucket(B), "p", dest.path())
        .options(options.clone())
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.unchanged), (2, 0));
    std::fs::write(dest.path().join("b.bin"), data(10, 9)).unwrap();
    let gets = fake.get_calls.load(Ordering::SeqCst);
    let s = Transfers::with_backend(&fake)
        .download_dir(&common::bucket(B), "p", dest.path())
        .options(options.clone())
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.unchanged), (1, 1), "only the changed file");
    assert_eq!(fake.get_calls.load(Ordering::SeqCst), gets + 1);
    assert_eq!(
        std::fs::read(dest.path().join("b.bin")).unwrap(),
        data(10, 2)
    );
}

/// Ten objects under `d/`, listed three per page; List Objects fails from call
/// `fail_from` on, if given.
fn ten_objects(fail_from: Option<usize>) -> Fake {
    let fake = Fake::default();
    *fake.page_size.lock().unwrap() = Some(3);
    for i in 0..10 {
        fake.put(&format!("d/{i:02}.bin"), &data(100 + i, i as u8));
    }
    fake.faults.lock().unwrap().fail_lists_from = fail_from;
    fake
}

async fn download_d(fake: &Fake, dest: &std::path::Path) -> Result<DirSummary, TransferError> {
    Transfers::with_backend(fake)
        .download_dir(&common::bucket(B), "d/", dest)
        .options(DirOptions::default().file_concurrency(2))
        .send()
        .await
}

#[tokio::test]
async fn download_dir_starts_before_the_listing_ends_and_reports_a_broken_listing() {
    let fake = ten_objects(None);
    let dest = tempfile::tempdir().unwrap();
    let s = download_d(&fake, dest.path()).await.unwrap();
    assert_eq!(s.done, 10);
    assert_eq!(fake.list_calls.load(Ordering::SeqCst), 4);
    let lists = fake.lists_before_first_get.lock().unwrap().unwrap();
    assert!(lists < 4, "the first GET came after {lists} of 4 pages");

    // The third page fails: the files of the first two are downloaded, then the error.
    let fake = ten_objects(Some(2));
    let dest = tempfile::tempdir().unwrap();
    let e = download_d(&fake, dest.path()).await.unwrap_err();
    assert!(
        matches!(
            e,
            TransferError::Remote {
                operation: "ListObjects",
                ..
            }
        ),
        "{e}"
    );
    for i in 0..6 {
        let got = std::fs::read(dest.path().join(format!("{i:02}.bin"))).unwrap();
        assert_eq!(got, data(100 + i, i as u8));
    }
    assert!(!dest.path().join("06.bin").exists());
}

#[tokio::test]
async fn delete_prefix_batches_by_1000_across_pages() {
    let fake = Fake::default();
    *fake.page_size.lock().unwrap() = Some(700);
    for i in 0..2500 {
        fake.put(&format!("logs/{i:05}"), b"x");
    }
    fake.put("logs/keep.me", b"x");
    fake.put("other/1", b"x");
    fake.faults.lock().unwrap().undeletable = vec!["logs/00007".into()];
    let s = Transfers::with_backend(&fake)
        .delete_prefix(&common::bucket(B), "logs/")
        .options(DeleteOptions::default().exclude("*.me"))
        .send()
        .await
        .unwrap();
    assert_eq!(*fake.delete_batches.lock().unwrap(), [1000, 1000, 500]);
    assert_eq!(s.batches, 3);
    assert_eq!(s.deleted, 2499);
    assert_eq!(s.failures.len(), 1);
    assert_eq!(s.failures[0].id.key, "logs/00007");
    assert_eq!(fake.keys(), ["logs/00007", "logs/keep.me", "other/1"]);

    // All versions: the fake lists each object with version "v1".
    let s = Transfers::with_backend(&fake)
        .delete_prefix(&common::bucket(B), "other")
        .options(DeleteOptions::default().all_versions(true))
        .send()
        .await
        .unwrap();
    assert_eq!(s.deleted, 1);
}

#[tokio::test]
async fn cancelled_dir_upload_reports_unstarted_files_as_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let fake = Fake::default();
    let cancel = CancelHandle::new();
    cancel.cancel();
    let s = Transfers::with_backend(&fake)
        .upload_dir(&common::bucket(B), "", dir.path())
        .options(dir_options())
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(s.failed, 5);
    assert!(
        s.files
            .iter()
            .all(|f| matches!(f.error, Some(TransferError::Cancelled)))
    );
    assert!(fake.keys().is_empty());
}

#[tokio::test]
async fn upload_dir_resumes_unfinished_files_from_its_checkpoint_dir() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let checkpoints = dir.path().join("checkpoints");
    let fake = Fake::default();
    // Part 2 of every multipart file fails in the first run: only sub/b.txt (3 MiB) is one.
    fake.faults.lock().unwrap().fail_parts = vec![2];
    let options = dir_options()
        .exclude("checkpoints/**")
        .checkpoint_dir(&checkpoints);
    let s = Transfers::with_backend(&fake)
        .upload_dir(&common::bucket(B), "", dir.path())
        .options(options.clone())
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.failed), (4, 1));
    assert_eq!(std::fs::read_dir(&checkpoints).unwrap().count(), 1);

    fake.faults.lock().unwrap().fail_parts.clear();
    fake.part_calls.store(0, Ordering::SeqCst);
    let s = Transfers::with_backend(&fake)
        .upload_dir(&common::bucket(B), "", dir.path())
        .options(options.skip_unchanged(true))
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.unchanged, s.failed), (1, 4, 0));
    // Part 1 and 3 were kept: only part 2 went up again.
    assert_eq!(fake.part_calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        fake.object("sub/b.txt").unwrap(),
        Bytes::from(data(3 * MIB, 2))
    );
    assert_eq!(std::fs::read_dir(&checkpoints).unwrap().count(), 0);
}
