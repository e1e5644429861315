//! Interop with the official Python SDK (cos-python-sdk-v5 1.9.44, in the workspace's
//! `target/xtask-python` venv, created when missing): an `upload_file` it started and
//! that was killed is finished by ours, and a file ours uploaded is downloaded by its
//! `download_file(..., EnableCRC=True)`.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common;
use crate::common::emu::{BUCKET, count, setup, write_random_file};
use crate::common::python::python_with_sdk;
use cos_core::{BucketName, ObjectKey};
use cos_emulator::{FaultAction, FaultRule};
use cos_transfer::{Transfers, UploadOptions};
use futures_util::TryStreamExt;
use md5::Digest;

const MIB: u64 = 1024 * 1024;

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/transfer_interop.py")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_upload_is_resumed_and_our_upload_is_downloaded_by_python() {
    let python = tokio::task::spawn_blocking(python_with_sdk).await.unwrap();
    let (emu, backend) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    write_random_file(&src, 12 * MIB, 5);

    // 1. The official SDK's upload_file (1 MB parts, one thread), killed part-way.
    emu.add_fault(
        FaultRule::new(FaultAction::Latency(Duration::from_millis(50))).operation("UploadPart"),
    );
    let mut child = std::process::Command::new(&python)
        .arg(script())
        .arg(emu.addr().port().to_string())
        .args(["upload", BUCKET, "py/started.bin"])
        .arg(&src)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&emu, "UploadPart", 200) < 4 {
        assert!(Instant::now() < deadline, "the Python SDK uploaded nothing");
        assert!(child.try_wait().unwrap().is_none(), "python exited early");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    emu.clear_faults();
    let (b, k) = (
        BucketName::new(BUCKET).unwrap(),
        ObjectKey::new("py/started.bin").unwrap(),
    );
    let uploads = backend
        .client()
        .list_multipart_uploads(&b)
        .send()
        .await
        .unwrap();
    assert_eq!(uploads.uploads.len(), 1, "python left its upload");
    let listed: BTreeSet<u32> = backend
        .client()
        .list_parts(&b, &k, &uploads.uploads[0].upload_id)
        .into_pages()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|p| p.parts)
        .map(|p| p.part_number)
        .collect();
    assert!((4..12).contains(&listed.len()), "{listed:?}");

    // Ours, without a checkpoint but told that the key's unfinished uploads are ours to
    // continue (`resume_existing`, off by default): the newest upload of the key with the
    // same storage class, parts checked by size and MD5 ETag, only the missing ones sent.
    emu.clear_requests();
    // The same settings as the SDK's: multipart above 1 MiB, 1 MiB parts.
    let options = UploadOptions::default()
        .multipart_threshold(MIB)
        .part_size(MIB)
        .resume_existing(true);
    let out = Transfers::with_backend(&backend)
        .upload_file(
            &common::bucket(BUCKET),
            &common::key("py/started.bin"),
            &src,
        )
        .options(options.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(out.parts_reused as usize, listed.len());
    assert_eq!(count(&emu, "UploadPart", 200), 12 - listed.len());
    assert_eq!(count(&emu, "InitiateMultipartUpload", 200), 0);

    // 2. The Python SDK downloads what ours uploaded, checking CRC-64.
    let dest = dir.path().join("by-python.bin");
    let child = tokio::process::Command::new(&python)
        .arg(script())
        .arg(emu.addr().port().to_string())
        .args(["download", BUCKET, "py/started.bin"])
        .arg(&dest)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(60), child)
        .await
        .expect("python download_file took more than a minute")
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "python download failed\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = md5::Md5::digest(std::fs::read(&src).unwrap());
    let want: String = want.iter().map(|b| format!("{b:02x}")).collect();
    assert!(stdout.contains(&format!("OK md5={want}")), "{stdout}");
    assert!(
        emu.requests()
            .iter()
            .any(|r| r.operation == "GetObject" && r.status / 100 == 2)
    );
}
