//! upload_file / download_file through cos-core against the in-process emulator, with
//! injected 503s and connection resets, and resume counted on the emulator side.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cos_core::{BucketName, Client, Config, RetryConfig};
use cos_emulator::{Emulator, EmulatorHandle, FaultAction, FaultRule};
use cos_transfer::{
    CancelHandle, CosBackend, DownloadOptions, ObjectOptions, Progress, ProgressFn, TransferError,
    UploadOptions, download_file, upload_file,
};

const MIB: usize = 1024 * 1024;
const BUCKET: &str = "examplebucket-1250000000";

fn client_for(emu: &EmulatorHandle) -> Client {
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
        .connect_to(emu.addr().to_string())
        .read_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(60))
        .retry(
            RetryConfig::default()
                .max_attempts(6)
                .delays(Duration::from_millis(2), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

async fn setup() -> (EmulatorHandle, CosBackend) {
    let emu = Emulator::builder().seed(7).start().await.unwrap();
    let client = client_for(&emu);
    client
        .create_bucket(&BucketName::new(BUCKET).unwrap())
        .send()
        .await
        .unwrap();
    (emu, CosBackend::new(client))
}

fn data(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn count(emu: &EmulatorHandle, op: &str, status: u16) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.operation == op && r.status == status)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_through_503s_and_resets_is_byte_identical() {
    let (emu, backend) = setup().await;
    emu.add_fault(
        FaultRule::new(FaultAction::Status {
            status: 503,
            code: "SlowDown".into(),
        })
        .operation("UploadPart")
        .probability(0.2),
    );
    emu.add_fault(
        FaultRule::new(FaultAction::Status {
            status: 503,
            code: "SlowDown".into(),
        })
        .operation("GetObject")
        .probability(0.2),
    );
    emu.add_fault(
        FaultRule::new(FaultAction::ResetResponseAfter(300_000))
            .operation("GetObject")
            .first(3),
    );
    let dir = tempfile::tempdir().unwrap();
    let body = data(24 * MIB + 123);
    let src = dir.path().join("src.bin");
    std::fs::write(&src, &body).unwrap();
    let options = ObjectOptions::new()
        .content_type("application/x-test")
        .metadata("origin", "cos-rs");
    let backend = backend.object_options(options);
    let up = UploadOptions::default()
        .multipart_threshold(8 * MIB as u64)
        .part_size(4 * MIB as u64)
        .concurrency(4);
    let out = upload_file(
        &backend,
        BUCKET,
        "big/file.bin",
        &src,
        &up,
        None,
        &CancelHandle::new(),
    )
    .await
    .unwrap();
    assert!(out.multipart);
    assert_eq!(out.parts_sent, 7);
    assert_eq!(count(&emu, "UploadPart", 200), 7);
    let init = emu
        .requests()
        .into_iter()
        .find(|r| r.operation == "InitiateMultipartUpload")
        .unwrap();
    assert!(
        init.headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("x-cos-meta-origin") && v == "cos-rs")
    );

    let dest = dir.path().join("dest.bin");
    let down = DownloadOptions::default()
        .single_threshold(8 * MIB as u64)
        .part_size(4 * MIB as u64)
        .concurrency(4);
    let got = download_file(
        &backend,
        BUCKET,
        "big/file.bin",
        &dest,
        &down,
        None,
        &CancelHandle::new(),
    )
    .await
    .unwrap();
    assert_eq!(got.crc64, out.crc64);
    assert!(
        std::fs::read(&dest).unwrap() == body,
        "downloaded bytes differ"
    );
    // The faults really happened and were absorbed.
    assert!(count(&emu, "UploadPart", 503) > 0, "no 503 on UploadPart");
    assert!(count(&emu, "GetObject", 503) > 0, "no 503 on GetObject");
    eprintln!("stream resumes: {}", got.stream_resumes);
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
    let e = upload_file(
        &backend,
        BUCKET,
        "resume.bin",
        &src,
        &up,
        Some(progress),
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, TransferError::Cancelled), "{e}");
    assert!(cp.exists(), "a resumable upload keeps its checkpoint");
    let first_run = count(&emu, "UploadPart", 200);
    assert!((3..10).contains(&first_run), "{first_run}");

    let out = upload_file(
        &backend,
        BUCKET,
        "resume.bin",
        &src,
        &up,
        None,
        &CancelHandle::new(),
    )
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
    download_file(
        &backend,
        BUCKET,
        "resume.bin",
        &dest,
        &DownloadOptions::default(),
        None,
        &CancelHandle::new(),
    )
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
    let e = upload_file(
        &backend,
        BUCKET,
        "gone.bin",
        &src,
        &up,
        Some(progress),
        &cancel,
    )
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
