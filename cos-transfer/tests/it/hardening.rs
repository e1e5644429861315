//! Hostile services and hostile local files against the in-memory backend: listings that
//! never end, a HEAD without `Content-Length`, pending uploads of other writers, failed
//! uploads that would leave a multipart upload behind, symlinks planted beside a download
//! and temporary files changed between two attempts.

use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::common;
use crate::common::{Fake, Hostile, data};
use bytes::Bytes;
use cos_transfer::checkpoint::{self, DownloadCheckpoint};
use cos_transfer::{
    CancelHandle, CopyOptions, CopySource, DeleteOptions, DirOptions, DownloadOptions,
    ListingProblem, PARTIAL_SUFFIX, TransferError, Transfers, UploadOptions,
};

const MIB: usize = 1024 * 1024;
const B: &str = "bucket-1250000000";
/// Far longer than any of these tests takes; before the fixes they never ended.
const LIMIT: Duration = Duration::from_secs(120);

fn uopts() -> UploadOptions {
    UploadOptions::default()
        .multipart_threshold(2 * MIB as u64)
        .part_size(MIB as u64)
        .concurrency(3)
}

fn dopts() -> DownloadOptions {
    DownloadOptions::default()
        .single_threshold(2 * MIB as u64)
        .part_size(MIB as u64)
        .concurrency(3)
}

fn partials(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(PARTIAL_SUFFIX))
        .collect()
}

fn assert_listing(e: &TransferError, op: &str, endless: bool) {
    match e {
        TransferError::Listing { operation, problem } => {
            assert_eq!(*operation, op, "{e}");
            match problem {
                ListingProblem::TooLong { .. } => assert!(endless, "{e}"),
                ListingProblem::MarkerNotAdvancing(_) => assert!(!endless, "{e}"),
                other => panic!("{other:?}"),
            }
        }
        other => panic!("expected a listing error of {op}, got {other}"),
    }
}

/// Item 3: resuming an upload reads List Multipart Uploads page by page: a marker that
/// repeats (A, A or A, B, A) is a typed error at once, an endless listing stops after a
/// bounded number of pages; nothing is uploaded.
#[tokio::test]
async fn upload_resume_lookup_stops_on_endless_upload_listings() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("big");
    std::fs::write(&src, data(3 * MIB, 1)).unwrap();
    for (hostile, endless, max_calls) in [
        (Hostile::Repeat, false, 2),
        (Hostile::Cycle, false, 3),
        (Hostile::Endless, true, 100),
    ] {
        let fake = Fake::default();
        fake.faults.lock().unwrap().hostile_lists = Some(hostile);
        let o = uopts().resume_existing(true);
        let (run_bucket, run_key) = (common::bucket(B), common::key("k"));
        let transfers = Transfers::with_backend(&fake);
        let run = transfers
            .upload_file(&run_bucket, &run_key, &src)
            .options(o.clone())
            .cancel(&cancel)
            .send();
        let e = tokio::time::timeout(LIMIT, run).await.unwrap().unwrap_err();
        assert_listing(&e, "ListMultipartUploads", endless);
        let calls = fake.list_upload_calls.load(Ordering::SeqCst);
        assert!(calls <= max_calls, "{hostile:?}: {calls} pages read");
        assert_eq!(fake.part_calls.load(Ordering::SeqCst), 0);
    }
}

/// Item 3: resuming from a checkpoint reads List Parts page by page: repeated markers
/// are a typed error, and a listing past COS's 10,000 parts is not believed.
#[tokio::test]
async fn upload_resume_stops_on_endless_part_listings() {
    let cancel = CancelHandle::new();
    for (hostile, endless) in [
        (Hostile::Repeat, false),
        (Hostile::Cycle, false),
        (Hostile::Endless, true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("big");
        std::fs::write(&src, data(4 * MIB, 2)).unwrap();
        let cp = dir.path().join("big.cp");
        let fake = Fake::default();
        fake.faults.lock().unwrap().fail_parts = vec![3];
        let o = uopts().checkpoint(&cp);
        Transfers::with_backend(&fake)
            .upload_file(&common::bucket(B), &common::key("k"), &src)
            .options(o.clone())
            .cancel(&cancel)
            .send()
            .await
            .unwrap_err();
        {
            let mut f = fake.faults.lock().unwrap();
            f.fail_parts.clear();
            f.hostile_lists = Some(hostile);
        }
        let (run_bucket, run_key) = (common::bucket(B), common::key("k"));
        let transfers = Transfers::with_backend(&fake);
        let run = transfers
            .upload_file(&run_bucket, &run_key, &src)
            .options(o.clone())
            .cancel(&cancel)
            .send();
        let e = tokio::time::timeout(LIMIT, run).await.unwrap().unwrap_err();
        assert_listing(&e, "ListParts", endless);
        assert!(fake.list_part_calls.load(Ordering::SeqCst) <= 10_001);
        assert!(fake.object("k").is_none());
    }
}

/// Item 3: a multipart copy resuming from its checkpoint does the same.
#[tokio::test]
async fn copy_resume_stops_on_a_cycling_part_listing() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::default();
    fake.put("src", &data(3 * MIB, 3));
    fake.faults.lock().unwrap().fail_copy_parts = vec![2];
    let o = CopyOptions::default()
        .single_threshold(MIB as u64)
        .part_size(MIB as u64)
        .checkpoint(dir.path().join("copy.cp"));
    let source = CopySource::new(&common::bucket(B), &common::key("src"));
    Transfers::with_backend(&fake)
        .copy(&common::bucket(B), &common::key("dst"), &source)
        .options(o.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    {
        let mut f = fake.faults.lock().unwrap();
        f.fail_copy_parts.clear();
        f.hostile_lists = Some(Hostile::Cycle);
    }
    let (run_bucket, run_key) = (common::bucket(B), common::key("dst"));
    let transfers = Transfers::with_backend(&fake);
    let run = transfers
        .copy(&run_bucket, &run_key, &source)
        .options(o.clone())
        .cancel(&cancel)
        .send();
    let e = tokio::time::timeout(LIMIT, run).await.unwrap().unwrap_err();
    assert_listing(&e, "ListParts", false);
}

/// Item 3: download_dir and delete_prefix refuse an A/B/A/B listing (they used to catch
/// only a marker repeated twice in a row, and looped forever on this one).
#[tokio::test]
async fn folder_operations_stop_on_cycling_listings() {
    let cancel = CancelHandle::new();
    let dir_options = DirOptions::default();
    for hostile in [Hostile::Repeat, Hostile::Cycle] {
        let fake = Fake::default();
        fake.put("p/a", b"a");
        fake.faults.lock().unwrap().hostile_lists = Some(hostile);
        let dir = tempfile::tempdir().unwrap();
        let run_bucket = common::bucket(B);
        let transfers = Transfers::with_backend(&fake);
        let run = transfers
            .download_dir(&run_bucket, "p/", dir.path())
            .options(dir_options.clone())
            .cancel(&cancel)
            .send();
        let e = tokio::time::timeout(LIMIT, run).await.unwrap().unwrap_err();
        assert_listing(&e, "ListObjects", false);

        for all_versions in [false, true] {
            let o = DeleteOptions::default().all_versions(all_versions);
            let run_bucket = common::bucket(B);
            let transfers = Transfers::with_backend(&fake);
            let run = transfers
                .delete_prefix(&run_bucket, "p/")
                .options(o.clone())
                .cancel(&cancel)
                .send();
            let e = tokio::time::timeout(LIMIT, run).await.unwrap().unwrap_err();
            let op = if all_versions {
                "ListObjectVersions"
            } else {
                "ListObjects"
            };
            assert_listing(&e, op, false);
        }
        assert_eq!(fake.object("p/a").as_deref(), Some(&b"a"[..]));
    }
}

/// Item 5: a HEAD without `Content-Length` is a typed error, not a 0-byte "download";
/// nothing is written. A copy refuses it too.
#[tokio::test]
async fn a_head_without_content_length_is_a_typed_error() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::default();
    fake.put("k", &data(1000, 4));
    fake.faults.lock().unwrap().no_content_length = true;
    let dest = dir.path().join("out.bin");
    let e = Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(dopts())
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            TransferError::MissingHeader {
                operation: "HeadObject",
                header: "Content-Length"
            }
        ),
        "{e}"
    );
    assert!(!dest.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    assert_eq!(fake.get_calls.load(Ordering::SeqCst), 0);

    let e = Transfers::with_backend(&fake)
        .copy(
            &common::bucket(B),
            &common::key("dst"),
            &CopySource::new(&common::bucket(B), &common::key("k")),
        )
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::MissingHeader { .. }), "{e}");
    assert!(fake.object("dst").is_none());
}

/// Item 7: by default an upload does not adopt another writer's pending upload of the
/// same key (its ACL and headers would come with it): it starts its own, and leaves the
/// other alone.
#[tokio::test]
async fn by_default_another_writers_pending_upload_is_not_adopted() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let body = data(3 * MIB, 5);
    let src = dir.path().join("big");
    std::fs::write(&src, &body).unwrap();
    let fake = Fake::default();
    let theirs = fake.start_upload("k", "2026-01-01T00:00:00.000Z");
    fake.uploads
        .lock()
        .unwrap()
        .get_mut(&theirs)
        .unwrap()
        .parts
        .insert(1, Bytes::copy_from_slice(&body[..MIB]));
    let out = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(uopts())
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!((out.parts_reused, out.parts_sent), (0, 3));
    assert_eq!(fake.list_upload_calls.load(Ordering::SeqCst), 0);
    assert_eq!(fake.object("k").unwrap(), Bytes::from(body.clone()));
    let ups = fake.uploads.lock().unwrap();
    assert_eq!(ups.len(), 1);
    assert_eq!(ups[&theirs].parts.len(), 1, "the other upload is untouched");
}

/// Item 7: when asked to resume existing uploads, one listed with another storage class
/// is not adopted; one with the same class is.
#[tokio::test]
async fn resume_existing_adopts_only_uploads_with_the_same_storage_class() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let body = data(3 * MIB, 6);
    let src = dir.path().join("big");
    std::fs::write(&src, &body).unwrap();
    let fake = Fake::default();
    let archive = fake.start_upload_in("k", "2026-03-01T00:00:00.000Z", "ARCHIVE");
    let standard = fake.start_upload("k", "2026-01-01T00:00:00.000Z");
    for id in [&archive, &standard] {
        fake.uploads
            .lock()
            .unwrap()
            .get_mut(id)
            .unwrap()
            .parts
            .insert(1, Bytes::copy_from_slice(&body[..MIB]));
    }
    let o = uopts().resume_existing(true);
    let out = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(o.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!((out.parts_reused, out.parts_sent), (1, 2));
    let ups = fake.uploads.lock().unwrap();
    assert!(ups.contains_key(&archive) && !ups.contains_key(&standard));
}

/// Item 7: a checkpoint records the storage class its upload was initiated with; an
/// upload now configured with another class starts afresh (and aborts the old upload)
/// instead of completing the old one with the old class.
#[tokio::test]
async fn a_checkpointed_upload_with_another_storage_class_starts_afresh() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let body = data(4 * MIB, 10);
    let src = dir.path().join("big");
    std::fs::write(&src, &body).unwrap();
    let fake = Fake::default();
    fake.faults.lock().unwrap().fail_parts = vec![4];
    let o = uopts().checkpoint(dir.path().join("big.cp"));
    Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(o.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    let old: Vec<String> = fake.uploads.lock().unwrap().keys().cloned().collect();
    assert_eq!(old.len(), 1);
    fake.faults.lock().unwrap().fail_parts.clear();
    fake.storage_class.set("ARCHIVE".into()).unwrap();
    let out = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(o.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!((out.parts_reused, out.parts_sent), (0, 4));
    assert!(
        fake.uploads.lock().unwrap().is_empty(),
        "old upload aborted"
    );
    assert_eq!(fake.object("k").unwrap(), Bytes::from(body));
}

/// Item 7: a failed upload without a checkpoint aborts its multipart upload (nothing
/// could resume it); the caller gets the upload's own error.
#[tokio::test]
async fn a_failed_non_resumable_upload_aborts_its_multipart_upload() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("big");
    std::fs::write(&src, data(4 * MIB, 7)).unwrap();
    let fake = Fake::default();
    fake.faults.lock().unwrap().fail_parts = vec![3];
    let e = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(uopts())
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            TransferError::Remote {
                operation: "UploadPart",
                ..
            }
        ),
        "{e}"
    );
    assert!(fake.uploads.lock().unwrap().is_empty(), "upload aborted");
    assert!(fake.object("k").is_none());
}

/// Item 2: a symlink planted at the temporary name a download used to use is never
/// followed: its target is untouched and the destination is a regular file with the
/// object.
#[cfg(unix)]
#[tokio::test]
async fn a_symlink_at_the_old_temporary_name_is_not_followed() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    let dest = dir.path().join("out.bin");
    std::os::unix::fs::symlink(&victim, dir.path().join(".out.bin.cos-partial")).unwrap();
    let fake = Fake::default();
    for (key, len) in [("small", 1000), ("big", 3 * MIB + 5)] {
        let body = data(len, 8);
        fake.put(key, &body);
        Transfers::with_backend(&fake)
            .download_file(&common::bucket(B), &common::key(key), &dest)
            .options(dopts())
            .cancel(&cancel)
            .send()
            .await
            .unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(std::fs::symlink_metadata(&dest).unwrap().is_file());
        assert_eq!(std::fs::read(&dest).unwrap(), body);
    }
}

/// Item 1: a resumed download checks what is in its temporary file before the rename:
/// a file changed between the two attempts is an integrity error, and nothing is left.
#[tokio::test]
async fn a_temporary_file_changed_between_attempts_is_caught_before_the_rename() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let body = data(6 * MIB, 9);
    let fake = Fake::default();
    fake.put("k", &body);
    fake.faults.lock().unwrap().fail_ranges_at = vec![5 * MIB as u64];
    let dest = dir.path().join("out.bin");
    let cp_path = dir.path().join("out.cp");
    let o = dopts()
        .checkpoint(&cp_path)
        .checkpoint_interval(Duration::ZERO);
    Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(o.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    // The checkpoint names the temporary file of this download.
    let cp: DownloadCheckpoint = checkpoint::load(&cp_path).unwrap().unwrap();
    let temp = dir.path().join(cp.partial.unwrap());
    assert_eq!(partials(dir.path()), vec![temp.clone()]);
    assert!(cp.done.contains_key(&1));
    // Someone scribbles over a range the checkpoint says is done.
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(&temp).unwrap();
        f.seek(SeekFrom::Start(10)).unwrap();
        f.write_all(b"scribble").unwrap();
    }
    fake.faults.lock().unwrap().fail_ranges_at.clear();
    let e = Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(o.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::Integrity { .. }), "{e}");
    assert!(!dest.exists());
    assert!(partials(dir.path()).is_empty() && !cp_path.exists());

    // The next attempt starts afresh and succeeds.
    Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(o.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body);
}

/// Item 1: the temporary file's name stays within file name limits for a destination
/// whose name is near the 255-byte limit (multi-byte characters included).
#[tokio::test]
async fn a_destination_with_a_long_name_downloads() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::default();
    let body = data(3 * MIB, 11);
    fake.put("k", &body);
    let dest = dir.path().join("文".repeat(80)); // 240 bytes
    Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(dopts())
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body);
}

/// Items 1 and 2: a symlink put in place of the temporary file a checkpoint names is not
/// followed on resume: the download starts a new file of its own, the link's target is
/// untouched.
#[cfg(unix)]
#[tokio::test]
async fn a_symlink_in_place_of_the_recorded_temporary_file_is_not_followed() {
    let cancel = CancelHandle::new();
    let dir = tempfile::tempdir().unwrap();
    let body = data(6 * MIB, 12);
    let fake = Fake::default();
    fake.put("k", &body);
    fake.faults.lock().unwrap().fail_ranges_at = vec![5 * MIB as u64];
    let dest = dir.path().join("out.bin");
    let cp_path = dir.path().join("out.cp");
    let o = dopts()
        .checkpoint(&cp_path)
        .checkpoint_interval(Duration::ZERO);
    Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(o.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    let cp: DownloadCheckpoint = checkpoint::load(&cp_path).unwrap().unwrap();
    let temp = dir.path().join(cp.partial.unwrap());
    let victim = dir.path().join("victim");
    std::fs::write(&victim, vec![7u8; 6 * MIB]).unwrap();
    std::fs::remove_file(&temp).unwrap();
    std::os::unix::fs::symlink(&victim, &temp).unwrap();
    fake.faults.lock().unwrap().fail_ranges_at.clear();
    let out = Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(o.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(out.ranges_reused, 0);
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert_eq!(std::fs::read(&victim).unwrap(), vec![7u8; 6 * MIB]);
    assert!(
        std::fs::symlink_metadata(&temp).is_err(),
        "the link was removed"
    );
    assert!(partials(dir.path()).is_empty());
}
