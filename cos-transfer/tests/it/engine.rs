//! The upload and download engines against an in-memory backend with scripted faults:
//! resume, integrity, cancellation and broken streams, deterministically.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::common;
use crate::common::{Fake, data, etag_of};
use bytes::Bytes;
use cos_transfer::checkpoint::{self, UploadCheckpoint};
use cos_transfer::{
    CancelHandle, DownloadOptions, PARTIAL_SUFFIX, Progress, TransferError, Transfers,
    UploadOptions,
};

const MIB: usize = 1024 * 1024;
const B: &str = "bucket-1250000000";

fn opts() -> UploadOptions {
    UploadOptions::default()
        .multipart_threshold(2 * MIB as u64)
        .part_size(MIB as u64)
        .concurrency(3)
}

/// The temporary files of downloads left in `dir`.
fn partials(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(PARTIAL_SUFFIX))
        .collect()
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[tokio::test]
async fn small_files_use_one_put() {
    let dir = tempfile::tempdir().unwrap();
    let body = data(1000, 1);
    let src = write(&dir, "small", &body);
    let fake = Fake::default();
    let out = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(opts())
        .send()
        .await
        .unwrap();
    assert!(!out.multipart);
    assert_eq!(out.etag, etag_of(&body));
    assert_eq!(fake.put_calls.load(Ordering::SeqCst), 1);
    assert_eq!(fake.object("k").unwrap(), Bytes::from(body));
}

#[tokio::test]
async fn multipart_upload_combines_part_crcs_and_reports_progress() {
    let dir = tempfile::tempdir().unwrap();
    let body = data(5 * MIB + 12345, 2);
    let src = write(&dir, "big", &body);
    let fake = Fake::default();
    let seen = Arc::new(AtomicU64::new(0));
    let s = seen.clone();
    let progress = Arc::new(move |p: Progress| {
        if let Progress::Bytes { done, total } = p {
            assert!(done <= total);
            s.store(done, Ordering::SeqCst);
        }
    });
    let out = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(opts())
        .progress(progress)
        .send()
        .await
        .unwrap();
    assert!(out.multipart);
    assert_eq!((out.parts_sent, out.parts_reused), (6, 0));
    assert_eq!(out.crc64, cos_crc64::checksum(&body));
    assert_eq!(seen.load(Ordering::SeqCst), body.len() as u64);
    assert_eq!(fake.object("k").unwrap(), Bytes::from(body));
    assert!(fake.uploads.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_failed_upload_resumes_from_its_checkpoint_sending_only_missing_parts() {
    let dir = tempfile::tempdir().unwrap();
    let body = data(8 * MIB, 3);
    let src = write(&dir, "big", &body);
    let cp_path = dir.path().join("big.cp");
    let fake = Fake::default();
    fake.faults.lock().unwrap().fail_parts = vec![5];
    let o = opts().checkpoint(&cp_path);
    let e = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(o.clone())
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
    let cp: UploadCheckpoint = checkpoint::load(&cp_path).unwrap().unwrap();
    let recorded = cp.parts.len();
    assert!((1..8).contains(&recorded), "{recorded}");
    assert!(!cp.parts.contains_key(&5));

    fake.faults.lock().unwrap().fail_parts.clear();
    fake.part_calls.store(0, Ordering::SeqCst);
    let out = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(o.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(out.parts_reused as usize, recorded);
    assert_eq!(out.parts_sent as usize, 8 - recorded);
    assert_eq!(fake.part_calls.load(Ordering::SeqCst), 8 - recorded);
    assert_eq!(fake.object("k").unwrap(), Bytes::from(body));
    assert!(!cp_path.exists(), "checkpoint removed after success");
}

#[tokio::test]
async fn without_a_checkpoint_an_existing_upload_is_continued_after_md5_checks() {
    let dir = tempfile::tempdir().unwrap();
    let body = data(4 * MIB + 10, 4);
    let src = write(&dir, "big", &body);
    let fake = Fake::default();
    let old = fake.start_upload("k", "2026-01-01T00:00:00.000Z");
    let id = fake.start_upload("k", "2026-02-01T00:00:00.000Z");
    {
        let mut ups = fake.uploads.lock().unwrap();
        let up = ups.get_mut(&id).unwrap();
        up.parts.insert(1, Bytes::copy_from_slice(&body[..MIB]));
        up.parts
            .insert(2, Bytes::copy_from_slice(&body[MIB..2 * MIB]));
        up.parts.insert(3, Bytes::from(vec![0u8; MIB])); // same size, wrong content
    }
    let o = opts().resume_existing(true);
    let out = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(o.clone())
        .send()
        .await
        .unwrap();
    assert_eq!((out.parts_reused, out.parts_sent), (2, 3));
    assert_eq!(fake.object("k").unwrap(), Bytes::from(body));
    let ups = fake.uploads.lock().unwrap();
    assert!(
        ups.contains_key(&old) && !ups.contains_key(&id),
        "the newest upload was the one completed"
    );
}

#[tokio::test]
async fn cancelling_a_non_resumable_upload_aborts_it() {
    let dir = tempfile::tempdir().unwrap();
    let src = write(&dir, "big", &data(6 * MIB, 5));
    let fake = Fake::default();
    let cancel = CancelHandle::new();
    let c = cancel.clone();
    let progress = Arc::new(move |p: Progress| {
        if matches!(p, Progress::Part { .. }) {
            c.cancel();
        }
    });
    let o = opts().concurrency(1).resume_existing(false);
    let e = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(o.clone())
        .progress(progress)
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::Cancelled));
    assert!(
        fake.uploads.lock().unwrap().is_empty(),
        "no multipart upload left behind"
    );
    assert!(fake.object("k").is_none());
}

#[tokio::test]
async fn a_crc_mismatch_after_complete_is_an_integrity_error() {
    let dir = tempfile::tempdir().unwrap();
    let src = write(&dir, "big", &data(3 * MIB, 6));
    let fake = Fake::default();
    fake.faults.lock().unwrap().wrong_crc = true;
    let e = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("k"), &src)
        .options(opts())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::Integrity { .. }), "{e}");
}

fn dopts() -> DownloadOptions {
    DownloadOptions::default()
        .single_threshold(2 * MIB as u64)
        .part_size(MIB as u64)
        .concurrency(3)
}

#[tokio::test]
async fn downloads_resume_broken_streams_with_ranged_gets() {
    let dir = tempfile::tempdir().unwrap();
    let body = data(5 * MIB + 7, 7);
    let fake = Fake::default();
    fake.objects
        .lock()
        .unwrap()
        .insert("k".into(), Bytes::from(body.clone()));
    fake.faults.lock().unwrap().break_gets = Some((4, 200_000));
    let dest = dir.path().join("out.bin");
    let out = Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(dopts())
        .send()
        .await
        .unwrap();
    assert_eq!(out.stream_resumes, 4);
    assert_eq!(out.ranges_fetched, 6);
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert!(partials(dir.path()).is_empty());

    // A small object: one plain GET, resumed by a ranged GET when it breaks.
    let small = data(300_000, 8);
    fake.objects
        .lock()
        .unwrap()
        .insert("s".into(), Bytes::from(small.clone()));
    fake.faults.lock().unwrap().break_gets = Some((1, 100_000));
    let dest = dir.path().join("small.bin");
    let out = Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("s"), &dest)
        .options(dopts())
        .send()
        .await
        .unwrap();
    assert_eq!(out.stream_resumes, 1);
    assert_eq!(std::fs::read(&dest).unwrap(), small);
}

#[tokio::test]
async fn a_download_with_a_wrong_crc_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::default();
    fake.objects
        .lock()
        .unwrap()
        .insert("k".into(), Bytes::from(data(3 * MIB, 9)));
    fake.faults.lock().unwrap().wrong_crc = true;
    let dest = dir.path().join("out.bin");
    let e = Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(dopts())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::Integrity { .. }), "{e}");
    assert!(!dest.exists());
    assert!(partials(dir.path()).is_empty());
}

#[tokio::test]
async fn a_failed_download_resumes_from_its_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let body = data(6 * MIB, 10);
    let fake = Fake::default();
    fake.objects
        .lock()
        .unwrap()
        .insert("k".into(), Bytes::from(body.clone()));
    fake.faults.lock().unwrap().fail_ranges_at = vec![4 * MIB as u64];
    let dest = dir.path().join("out.bin");
    let o = dopts().checkpoint(dir.path().join("out.cp"));
    let e = Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(o.clone())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            TransferError::Remote {
                operation: "GetObject",
                ..
            }
        ),
        "{e}"
    );
    assert!(partials(dir.path()).len() == 1 && !dest.exists());

    fake.faults.lock().unwrap().fail_ranges_at.clear();
    fake.get_calls.store(0, Ordering::SeqCst);
    let out = Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(o.clone())
        .send()
        .await
        .unwrap();
    assert!(out.ranges_reused >= 1);
    assert_eq!(out.ranges_reused + out.ranges_fetched, 6);
    assert_eq!(
        fake.get_calls.load(Ordering::SeqCst) as u32,
        out.ranges_fetched
    );
    assert_eq!(std::fs::read(&dest).unwrap(), body);

    // If the object changes between attempts, nothing is reused.
    let changed = data(6 * MIB, 11);
    fake.objects
        .lock()
        .unwrap()
        .insert("k".into(), Bytes::from(changed.clone()));
    fake.faults.lock().unwrap().fail_ranges_at = vec![5 * MIB as u64];
    assert!(
        Transfers::with_backend(&fake)
            .download_file(&common::bucket(B), &common::key("k"), &dest)
            .options(o.clone())
            .send()
            .await
            .is_err()
    );
    fake.objects
        .lock()
        .unwrap()
        .insert("k".into(), Bytes::from(body.clone()));
    fake.faults.lock().unwrap().fail_ranges_at.clear();
    let out = Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("k"), &dest)
        .options(o.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(out.ranges_reused, 0);
    assert_eq!(std::fs::read(&dest).unwrap(), body);
}

#[tokio::test]
async fn empty_objects_and_files_work() {
    let dir = tempfile::tempdir().unwrap();
    let src = write(&dir, "empty", b"");
    let fake = Fake::default();
    let out = Transfers::with_backend(&fake)
        .upload_file(&common::bucket(B), &common::key("e"), &src)
        .options(opts())
        .send()
        .await
        .unwrap();
    assert_eq!(out.crc64, 0);
    let dest = dir.path().join("e.out");
    let out = Transfers::with_backend(&fake)
        .download_file(&common::bucket(B), &common::key("e"), &dest)
        .options(dopts())
        .send()
        .await
        .unwrap();
    assert_eq!(out.size, 0);
    assert_eq!(std::fs::read(&dest).unwrap(), b"");
}
