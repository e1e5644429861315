//! A process killed with SIGKILL in the middle of an upload: the restarted upload sends
//! only the parts the service does not have, counted on the emulator side.
//!
//! The parent test runs the emulator and re-executes this test binary as the child
//! (`child_uploader`, which does nothing unless `COS_TRANSFER_CHILD_ADDR` is set).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common;
use crate::common::emu::{BUCKET, client_for_addr, count, setup_with, write_random_file};
use cos_core::{BucketName, ObjectKey};
use cos_emulator::{Emulator, FaultAction, FaultRule};
use cos_transfer::{CosBackend, Transfers, UploadOptions};
use futures_util::TryStreamExt;

const MIB: u64 = 1024 * 1024;
const KEY: &str = "killed/upload.bin";
const SIZE: u64 = 40 * MIB;

fn options(checkpoint: PathBuf) -> UploadOptions {
    UploadOptions::default()
        .part_size(MIB)
        .concurrency(2)
        .checkpoint(checkpoint)
        .checkpoint_interval(Duration::ZERO)
}

/// The child: uploads `COS_TRANSFER_CHILD_SRC` until killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_uploader() {
    let Ok(addr) = std::env::var("COS_TRANSFER_CHILD_ADDR") else {
        return; // run as a normal test: nothing to do
    };
    let src = PathBuf::from(std::env::var("COS_TRANSFER_CHILD_SRC").unwrap());
    let cp = PathBuf::from(std::env::var("COS_TRANSFER_CHILD_CP").unwrap());
    let backend = CosBackend::new(client_for_addr(addr.parse().unwrap(), 3));
    // The parent kills this process long before the upload can finish.
    let _ = Transfers::with_backend(&backend)
        .upload_file(&common::bucket(BUCKET), &common::key(KEY), &src)
        .options(options(cp))
        .send()
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_upload_resumes_sending_only_missing_parts() {
    let (emu, backend) = setup_with(Emulator::builder()).await;
    // Slow parts down so the child is surely mid-upload when it is killed.
    emu.add_fault(
        FaultRule::new(FaultAction::Latency(Duration::from_millis(40))).operation("UploadPart"),
    );
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    let cp = dir.path().join("src.cos-checkpoint");
    write_random_file(&src, SIZE, 9);

    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "kill_resume::child_uploader",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("COS_TRANSFER_CHILD_ADDR", emu.addr().to_string())
        .env("COS_TRANSFER_CHILD_SRC", &src)
        .env("COS_TRANSFER_CHILD_CP", &cp)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while count(&emu, "UploadPart", 200) < 8 {
        assert!(Instant::now() < deadline, "the child uploaded nothing");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child exited early"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // A part whose body had reached the emulator before the kill is still stored: let
    // those requests finish before looking.
    crate::common::emu::wait_until_quiet(&emu, Duration::from_millis(150)).await;
    let sent_by_child = count(&emu, "UploadPart", 200);
    assert!(
        sent_by_child < 40,
        "the child finished before it was killed"
    );
    assert!(cp.exists(), "the child left its checkpoint");
    emu.clear_faults();

    // What the service has now: the parts the restarted upload may skip.
    let client = client_for_addr(emu.addr(), 3);
    let (b, k) = (
        BucketName::new(BUCKET).unwrap(),
        ObjectKey::new(KEY).unwrap(),
    );
    let uploads = client.list_multipart_uploads(&b).send().await.unwrap();
    assert_eq!(uploads.uploads.len(), 1);
    let upload_id = uploads.uploads[0].upload_id.clone();
    let listed: BTreeSet<u32> = client
        .list_parts(&b, &k, &upload_id)
        .into_pages()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|p| p.parts)
        .map(|p| p.part_number)
        .collect();
    let missing = 40 - listed.len();

    emu.clear_requests();
    let out = Transfers::with_backend(&backend)
        .upload_file(&common::bucket(BUCKET), &common::key(KEY), &src)
        .options(options(cp.clone()))
        .send()
        .await
        .unwrap();
    let sent: BTreeSet<u32> = emu
        .requests()
        .iter()
        .filter(|r| r.operation == "UploadPart" && r.status == 200)
        .map(|r| r.query_param("partNumber").unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        count(&emu, "UploadPart", 200),
        missing,
        "only missing parts"
    );
    assert!(sent.is_disjoint(&listed), "no part sent twice");
    assert_eq!(out.parts_sent as usize, missing);
    assert_eq!(out.parts_reused as usize, listed.len());
    assert_eq!(count(&emu, "InitiateMultipartUpload", 200), 0);
    assert!(!cp.exists(), "checkpoint removed after success");
    eprintln!(
        "child sent {sent_by_child} parts before SIGKILL; the service kept {}; resumed with {missing}",
        listed.len()
    );
}
