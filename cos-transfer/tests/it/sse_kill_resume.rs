//! SSE-C (and SSE-KMS) objects through `upload_file` / `download_file` interrupted by a real process
//! kill (SIGKILL, not an injected error) and resumed by another process from the
//! checkpoint: the object round trips with the same customer key, and the resumed run
//! sends (or fetches) only the parts the checkpoint does not hold, counted on the
//! emulator side.
//!
//! The parent test runs the emulator and re-executes this test binary as the child
//! (`sse_child`, which does nothing unless `COS_TRANSFER_SSE_CHILD_ADDR` is set). The
//! child is killed once its checkpoint records at least one completed part.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cos_core::{BucketName, ObjectKey};
use cos_emulator::{Emulator, EmulatorHandle, FaultAction, FaultRule};
use cos_transfer::checkpoint::{self, DownloadCheckpoint, UploadCheckpoint};
use cos_transfer::{
    CosBackend, DownloadOptions, KmsOptions, ReadOptions, Sse, SseCustomerKey, Transfers,
    UploadOptions, WriteOptions,
};
use futures_util::TryStreamExt;

use crate::common::emu::{
    BUCKET, client_for_addr, count, same_file, setup_with, write_random_file,
};

const MIB: u64 = 1024 * 1024;
const PARTS: u64 = 24;
const SIZE: u64 = PARTS * MIB;
const UP_KEY: &str = "sse-killed/upload.bin";
const DOWN_KEY: &str = "sse-killed/download.bin";
const KMS_KEY: &str = "sse-killed/kms.bin";
const KMS_ID: &str = "cmk-killed";

/// The customer key both processes use (the child derives the same one).
fn customer_key() -> SseCustomerKey {
    SseCustomerKey::new([0x5c; 32])
}

fn names(key: &str) -> (BucketName, ObjectKey) {
    (
        BucketName::new(BUCKET).unwrap(),
        ObjectKey::new(key).unwrap(),
    )
}

/// A backend writing with the customer key.
fn writer(addr: std::net::SocketAddr) -> CosBackend {
    CosBackend::new(client_for_addr(addr, 3))
        .write_options(WriteOptions::new().sse_customer_key(customer_key()))
}

/// A backend writing SSE-KMS objects (key id and encryption context).
fn kms_writer(addr: std::net::SocketAddr) -> CosBackend {
    let kms = KmsOptions::new().key_id(KMS_ID).context("team", "storage");
    CosBackend::new(client_for_addr(addr, 3)).write_options(WriteOptions::new().sse(Sse::Kms(kms)))
}

fn up_options(cp: &Path) -> UploadOptions {
    UploadOptions::default()
        .multipart_threshold(MIB)
        .part_size(MIB)
        .concurrency(2)
        .checkpoint(cp)
        .checkpoint_interval(Duration::ZERO)
}

fn down_options(cp: &Path) -> DownloadOptions {
    DownloadOptions::default()
        .single_threshold(MIB)
        .part_size(MIB)
        .concurrency(2)
        .get(ReadOptions::new().sse_customer_key(customer_key()))
        .checkpoint(cp)
        .checkpoint_interval(Duration::ZERO)
}

/// The child: an SSE-C upload (`COS_TRANSFER_SSE_CHILD_MODE=up`) of `..._PATH` or
/// download into `..._PATH`, until killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_child() {
    let Ok(addr) = std::env::var("COS_TRANSFER_SSE_CHILD_ADDR") else {
        return; // run as a normal test: nothing to do
    };
    let path = PathBuf::from(std::env::var("COS_TRANSFER_SSE_CHILD_PATH").unwrap());
    let cp = PathBuf::from(std::env::var("COS_TRANSFER_SSE_CHILD_CP").unwrap());
    let t = Transfers::with_backend(writer(addr.parse().unwrap()));
    // The parent kills this process long before the transfer can finish.
    let mode = std::env::var("COS_TRANSFER_SSE_CHILD_MODE");
    if mode.as_deref() == Ok("up-kms") {
        let (b, k) = names(KMS_KEY);
        let t = Transfers::with_backend(kms_writer(addr.parse().unwrap()));
        let _ = t
            .upload_file(&b, &k, &path)
            .options(up_options(&cp))
            .send()
            .await;
    } else if mode.as_deref() == Ok("up") {
        let (b, k) = names(UP_KEY);
        let _ = t
            .upload_file(&b, &k, &path)
            .options(up_options(&cp))
            .send()
            .await;
    } else {
        let (b, k) = names(DOWN_KEY);
        let _ = t
            .download_file(&b, &k, &path)
            .options(down_options(&cp))
            .send()
            .await;
    }
}

/// Starts the child in `mode`, waits (bounded) until `parts_done(checkpoint)` is at
/// least 1, kills it with SIGKILL and waits until the emulator has finished the
/// requests already under way.
async fn run_child_and_kill(
    emu: &EmulatorHandle,
    mode: &str,
    path: &Path,
    cp: &Path,
    parts_done: impl Fn(&Path) -> usize,
) {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "sse_kill_resume::sse_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("COS_TRANSFER_SSE_CHILD_ADDR", emu.addr().to_string())
        .env("COS_TRANSFER_SSE_CHILD_MODE", mode)
        .env("COS_TRANSFER_SSE_CHILD_PATH", path)
        .env("COS_TRANSFER_SSE_CHILD_CP", cp)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while parts_done(cp) < 1 {
        if Instant::now() >= deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child ({mode}) exited or recorded no part in time");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    crate::common::emu::wait_until_quiet(emu, Duration::from_millis(200)).await;
}

/// Parts an upload checkpoint records (0 while it does not exist or is mid-write).
fn upload_parts_done(cp: &Path) -> usize {
    checkpoint::load::<UploadCheckpoint>(cp)
        .ok()
        .flatten()
        .map_or(0, |c| c.parts.len())
}

fn download_parts_done(cp: &Path) -> usize {
    checkpoint::load::<DownloadCheckpoint>(cp)
        .ok()
        .flatten()
        .map_or(0, |c| c.done.len())
}

/// Part numbers of the requests of `op` answered with `status`.
fn part_numbers(emu: &EmulatorHandle, op: &str, status: u16) -> BTreeSet<u32> {
    emu.requests()
        .iter()
        .filter(|r| r.operation == op && r.status == status)
        .map(|r| r.query_param("partNumber").unwrap().parse().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_c_upload_killed_mid_way_resumes_in_another_process() {
    let (emu, _) = setup_with(Emulator::builder()).await;
    // Slow parts down so the child is surely mid-upload when it is killed.
    emu.add_fault(
        FaultRule::new(FaultAction::Latency(Duration::from_millis(60))).operation("UploadPart"),
    );
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    let cp = dir.path().join("up.cos-checkpoint");
    write_random_file(&src, SIZE, 21);
    run_child_and_kill(&emu, "up", &src, &cp, upload_parts_done).await;
    emu.clear_faults();

    let saved: UploadCheckpoint = checkpoint::load(&cp).unwrap().unwrap();
    assert_eq!(
        saved.sse_key_md5.as_deref(),
        Some(&*customer_key().key_md5())
    );
    let recorded: BTreeSet<u32> = saved.parts.keys().copied().collect();
    assert!(!recorded.is_empty() && recorded.len() < PARTS as usize);
    // What the service holds: every recorded part, maybe a few more.
    let (b, k) = names(UP_KEY);
    let client = client_for_addr(emu.addr(), 3);
    let listed: BTreeSet<u32> = client
        .list_parts(&b, &k, &saved.upload_id)
        .into_pages()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|p| p.parts)
        .map(|p| p.part_number)
        .collect();
    assert!(recorded.is_subset(&listed), "{recorded:?} {listed:?}");

    emu.clear_requests();
    let t = Transfers::with_backend(writer(emu.addr()));
    let out = t
        .upload_file(&b, &k, &src)
        .options(up_options(&cp))
        .send()
        .await
        .unwrap();
    let sent = part_numbers(&emu, "UploadPart", 200);
    assert!(
        sent.is_disjoint(&recorded),
        "a checkpointed part was sent again"
    );
    assert!(
        sent.is_disjoint(&listed),
        "a part the service held was sent again"
    );
    assert_eq!(sent.len() + listed.len(), PARTS as usize);
    assert_eq!(out.parts_sent as usize, sent.len());
    assert_eq!(out.parts_reused as usize, listed.len());
    assert_eq!(count(&emu, "InitiateMultipartUpload", 200), 0);
    assert!(!cp.exists(), "checkpoint removed after success");

    // The object is SSE-C: read back with the key, it is the source.
    let dest = dir.path().join("back.bin");
    t.download_file(&b, &k, &dest)
        .options(
            DownloadOptions::default()
                .part_size(MIB)
                .get(ReadOptions::new().sse_customer_key(customer_key())),
        )
        .send()
        .await
        .unwrap();
    assert!(same_file(&src, &dest));
    // Without the key the service refuses it.
    let plain = Transfers::with_backend(CosBackend::new(client));
    assert!(
        plain
            .download_file(&b, &k, dir.path().join("nokey.bin"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_c_download_killed_mid_way_resumes_in_another_process() {
    let (emu, _) = setup_with(Emulator::builder()).await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    write_random_file(&src, SIZE, 22);
    let (b, k) = names(DOWN_KEY);
    let t = Transfers::with_backend(writer(emu.addr()));
    t.upload_file(&b, &k, &src)
        .options(UploadOptions::default().part_size(4 * MIB))
        .send()
        .await
        .unwrap();

    emu.add_fault(
        FaultRule::new(FaultAction::Latency(Duration::from_millis(60))).operation("GetObject"),
    );
    let dest = dir.path().join("dest.bin");
    let cp = dir.path().join("down.cos-checkpoint");
    run_child_and_kill(&emu, "down", &dest, &cp, download_parts_done).await;
    emu.clear_faults();
    let saved: DownloadCheckpoint = checkpoint::load(&cp).unwrap().unwrap();
    let recorded = saved.done.len();
    assert!(recorded >= 1 && recorded < PARTS as usize, "{recorded}");

    emu.clear_requests();
    let out = t
        .download_file(&b, &k, &dest)
        .options(down_options(&cp))
        .send()
        .await
        .unwrap();
    assert!(same_file(&src, &dest));
    assert_eq!(out.ranges_reused as usize, recorded);
    assert_eq!(out.ranges_fetched as usize, PARTS as usize - recorded);
    // The ranges fetched again are exactly the parts the checkpoint lacks.
    let starts: BTreeSet<u64> = emu
        .requests()
        .iter()
        .filter(|r| r.operation == "GetObject" && r.status == 206)
        .map(|r| {
            let range = r.header("range").unwrap();
            let first = range.strip_prefix("bytes=").unwrap().split('-').next();
            first.unwrap().parse().unwrap()
        })
        .collect();
    let missing: BTreeSet<u64> = (1..=PARTS as u32)
        .filter(|n| !saved.done.contains_key(n))
        .map(|n| u64::from(n - 1) * MIB)
        .collect();
    assert_eq!(starts, missing);
    assert!(!cp.exists(), "checkpoint removed after success");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_kms_upload_killed_mid_way_resumes_in_another_process() {
    let (emu, _) = setup_with(Emulator::builder()).await;
    emu.add_fault(
        FaultRule::new(FaultAction::Latency(Duration::from_millis(60))).operation("UploadPart"),
    );
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    let cp = dir.path().join("kms.cos-checkpoint");
    write_random_file(&src, SIZE, 23);
    run_child_and_kill(&emu, "up-kms", &src, &cp, upload_parts_done).await;
    emu.clear_faults();
    let saved: UploadCheckpoint = checkpoint::load(&cp).unwrap().unwrap();
    let recorded: BTreeSet<u32> = saved.parts.keys().copied().collect();
    assert!(!recorded.is_empty() && recorded.len() < PARTS as usize);

    emu.clear_requests();
    let (b, k) = names(KMS_KEY);
    let t = Transfers::with_backend(kms_writer(emu.addr()));
    let out = t
        .upload_file(&b, &k, &src)
        .options(up_options(&cp))
        .send()
        .await
        .unwrap();
    let sent = part_numbers(&emu, "UploadPart", 200);
    assert!(
        sent.is_disjoint(&recorded),
        "a checkpointed part was sent again"
    );
    assert_eq!(
        out.parts_sent as usize + out.parts_reused as usize,
        PARTS as usize
    );
    assert_eq!(count(&emu, "InitiateMultipartUpload", 200), 0);
    assert!(!cp.exists(), "checkpoint removed after success");

    // The object the resumed upload completed is SSE-KMS under the key id given at
    // initiation (in the killed process), and reads back as the source.
    let client = client_for_addr(emu.addr(), 3);
    let head = client.head_object(&b, &k).send().await.unwrap();
    let h = |n: &str| head.meta.headers.get(n).and_then(|v| v.to_str().ok());
    assert_eq!(h("x-cos-server-side-encryption"), Some("cos/kms"));
    assert_eq!(
        h("x-cos-server-side-encryption-cos-kms-key-id"),
        Some(KMS_ID)
    );
    let dest = dir.path().join("back.bin");
    Transfers::with_backend(CosBackend::new(client))
        .download_file(&b, &k, &dest)
        .send()
        .await
        .unwrap();
    assert!(same_file(&src, &dest));
}
