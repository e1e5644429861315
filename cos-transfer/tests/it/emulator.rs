//! upload_file / download_file through cos-core against the in-process emulator, with
//! injected 503s and connection resets, and resume counted on the emulator side.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::common;
use crate::common::emu::{
    BUCKET, client_for_addr, count, random as data_seeded, same_file, setup, setup_with,
    write_random_file,
};
use cos_core::BucketName;
use cos_emulator::{Emulator, FaultAction, FaultRule};
use cos_transfer::{
    CancelHandle, CosBackend, DownloadOptions, Progress, ProgressFn, TransferError, Transfers,
    UploadOptions, WriteOptions,
};

const MIB: usize = 1024 * 1024;

fn data(len: usize) -> Vec<u8> {
    data_seeded(len, 0x1234_5678)
}

/// 20 % 503s and connection resets mid-body on Upload Part and GET Object: a 256 MiB
/// file (`COS_TRANSFER_BIG_MIB` to change) goes up and comes back byte-identical.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_through_503s_and_resets_is_byte_identical() {
    let mib: u64 = std::env::var("COS_TRANSFER_BIG_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    // Bench mode: no MD5 ETags, which a debug build computes slowly; CRC-64 still checks.
    let (emu, _) = setup_with(Emulator::builder().bench_mode(true)).await;
    // Enough attempts that a part fails all of them with negligible probability.
    let backend = CosBackend::new(client_for_addr(emu.addr(), 12)).write_options(
        WriteOptions::new()
            .content_type("application/x-test")
            .metadata("origin", "cos-rs"),
    );
    for op in ["UploadPart", "GetObject"] {
        emu.add_fault(
            FaultRule::new(FaultAction::status(503))
                .operation(op)
                .probability(0.2),
        );
    }
    emu.add_fault(
        FaultRule::new(FaultAction::ResetRequestAfter(1_000_000))
            .operation("UploadPart")
            .probability(0.1),
    );
    emu.add_fault(
        FaultRule::new(FaultAction::ResetResponseAfter(3_000_000))
            .operation("GetObject")
            .probability(0.1),
    );
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    let t = Instant::now();
    write_random_file(&src, mib << 20, 42);
    let generated = t.elapsed();
    let up = UploadOptions::default()
        .part_size(8 * MIB as u64)
        .concurrency(4);
    let t = Instant::now();
    let out = Transfers::with_backend(&backend)
        .upload_file(&common::bucket(BUCKET), &common::key("big/file.bin"), &src)
        .options(up.clone())
        .send()
        .await
        .unwrap();
    let uploaded = t.elapsed();
    assert!(out.multipart);
    let parts = (mib as usize).div_ceil(8);
    assert_eq!(out.parts_sent as usize, parts);
    assert_eq!(count(&emu, "UploadPart", 200), parts);
    let head = backend
        .client()
        .head_object(
            &BucketName::new(BUCKET).unwrap(),
            &cos_core::ObjectKey::new("big/file.bin").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(head.metadata.contains(&("origin".into(), "cos-rs".into())));
    assert_eq!(head.content_type.as_deref(), Some("application/x-test"));

    let dest = dir.path().join("dest.bin");
    let down = DownloadOptions::default()
        .part_size(8 * MIB as u64)
        .concurrency(4);
    let t = Instant::now();
    let got = Transfers::with_backend(&backend)
        .download_file(&common::bucket(BUCKET), &common::key("big/file.bin"), &dest)
        .options(down.clone())
        .send()
        .await
        .unwrap();
    let downloaded = t.elapsed();
    assert_eq!(got.crc64, out.crc64);
    assert!(same_file(&src, &dest), "downloaded bytes differ");
    // The faults really happened and were absorbed.
    let resets = |op: &str| count(&emu, op, 0);
    assert!(count(&emu, "UploadPart", 503) > 0, "no 503 on UploadPart");
    assert!(count(&emu, "GetObject", 503) > 0, "no 503 on GetObject");
    eprintln!(
        "{mib} MiB: generated {generated:?}, up {uploaded:?} (503s {}, resets {}), down {downloaded:?} (503s {}, resets {}, stream resumes {})",
        count(&emu, "UploadPart", 503),
        resets("UploadPart"),
        count(&emu, "GetObject", 503),
        resets("GetObject"),
        got.stream_resumes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_upload_resumes_sending_only_missing_parts() {
    let (emu, backend) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let body = data(10 * MIB);
    let src = dir.path().join("src.bin");
    std::fs::write(&src, &body).unwrap();
    let cp = dir.path().join("src.cp");
    let up = UploadOptions::default()
        .multipart_threshold(2 * MIB as u64)
        .part_size(MIB as u64)
        .concurrency(2)
        .checkpoint(&cp);

    // Interrupt after three parts.
    let cancel = CancelHandle::new();
    let parts = Arc::new(AtomicUsize::new(0));
    let (c, n) = (cancel.clone(), parts.clone());
    let progress: ProgressFn = Arc::new(move |p| {
        if matches!(p, Progress::Part { .. }) && n.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
            c.cancel();
        }
    });
    let e = Transfers::with_backend(&backend)
        .upload_file(&common::bucket(BUCKET), &common::key("resume.bin"), &src)
        .options(up.clone())
        .progress(progress)
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::Cancelled), "{e}");
    assert!(cp.exists(), "a resumable upload keeps its checkpoint");
    let first_run = count(&emu, "UploadPart", 200);
    assert!((3..10).contains(&first_run), "{first_run}");

    let out = Transfers::with_backend(&backend)
        .upload_file(&common::bucket(BUCKET), &common::key("resume.bin"), &src)
        .options(up.clone())
        .send()
        .await
        .unwrap();
    let second_run = count(&emu, "UploadPart", 200) - first_run;
    assert_eq!(out.parts_reused as usize, first_run);
    assert_eq!(out.parts_sent as usize, second_run);
    assert_eq!(
        first_run + second_run,
        10,
        "every part was sent exactly once"
    );
    assert!(!cp.exists());
    let dest = dir.path().join("dest.bin");
    Transfers::with_backend(&backend)
        .download_file(&common::bucket(BUCKET), &common::key("resume.bin"), &dest)
        .send()
        .await
        .unwrap();
    assert!(std::fs::read(&dest).unwrap() == body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_non_resumable_upload_leaves_no_multipart_upload() {
    let (emu, backend) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    std::fs::write(&src, data(6 * MIB)).unwrap();
    let cancel = CancelHandle::new();
    let c = cancel.clone();
    let progress: ProgressFn = Arc::new(move |p| {
        if matches!(p, Progress::Part { .. }) {
            c.cancel();
        }
    });
    let up = UploadOptions::default()
        .multipart_threshold(2 * MIB as u64)
        .part_size(MIB as u64)
        .resume_existing(false);
    let e = Transfers::with_backend(&backend)
        .upload_file(&common::bucket(BUCKET), &common::key("gone.bin"), &src)
        .options(up.clone())
        .progress(progress)
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::Cancelled));
    assert_eq!(
        count(&emu, "AbortMultipartUpload", 204) + count(&emu, "AbortMultipartUpload", 200),
        1
    );
    let uploads = backend
        .client()
        .list_multipart_uploads(&BucketName::new(BUCKET).unwrap())
        .send()
        .await
        .unwrap();
    assert!(uploads.uploads.is_empty());
}
