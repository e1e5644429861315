//! The official Python SDK (cos-python-sdk-v5 1.9.44) drives every operation against
//! the emulator: `tests/python/interop.py`. Needs `python3` with `venv` and PyPI (or an
//! existing `target/xtask-python` venv, the one `cargo xtask python` prepares, set up by
//! cos-testkit); fails loudly otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_drives_every_operation() {
    let python = tokio::task::spawn_blocking(cos_testkit::python::python_or_panic)
        .await
        .unwrap();
    let emu = cos_emulator::Emulator::builder().start().await.unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/interop.py");
    let child = tokio::process::Command::new(&python)
        .arg(&script)
        .arg(emu.addr().port().to_string())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), child)
        .await
        .expect("the interop script took more than 2 minutes")
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("OK "),
        "interop script failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    // Every request the SDK sent was recorded with its operation.
    let log = emu.requests();
    for op in [
        "ListBuckets",
        "PutBucket",
        "HeadBucket",
        "DeleteBucket",
        "GetBucketLocation",
        "PutBucketAcl",
        "GetBucketAcl",
        "PutBucketCors",
        "GetBucketCors",
        "DeleteBucketCors",
        "OptionsObject",
        "PutBucketLifecycle",
        "GetBucketLifecycle",
        "DeleteBucketLifecycle",
        "PutBucketVersioning",
        "GetBucketVersioning",
        "PutBucketTagging",
        "GetBucketTagging",
        "DeleteBucketTagging",
        "PutBucketPolicy",
        "GetBucketPolicy",
        "DeleteBucketPolicy",
        "ListObjects",
        "ListObjectVersions",
        "ListMultipartUploads",
        "PutObject",
        "GetObject",
        "HeadObject",
        "DeleteObject",
        "DeleteMultipleObjects",
        "CopyObject",
        "RestoreObject",
        "AppendObject",
        "PutObjectAcl",
        "GetObjectAcl",
        "PutObjectTagging",
        "GetObjectTagging",
        "DeleteObjectTagging",
        "InitiateMultipartUpload",
        "UploadPart",
        "UploadPartCopy",
        "ListParts",
        "CompleteMultipartUpload",
        "AbortMultipartUpload",
    ] {
        assert!(
            log.iter().any(|r| r.operation == op),
            "no {op} request was recorded"
        );
    }
    emu.shutdown().await;
}
