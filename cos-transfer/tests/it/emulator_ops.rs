//! copy / move, upload_dir / download_dir and delete_prefix through cos-core against the
//! in-process emulator.

use crate::common;
use crate::common::emu::{BUCKET, count, create_bucket, random, setup};
use cos_core::{BucketName, ObjectKey};
use cos_emulator::{EmulatorHandle, FaultAction, FaultRule};
use cos_transfer::paths::UnsafeKey;
use cos_transfer::{
    CancelHandle, CopyOptions, CopyOutcome, CopySource, CosBackend, DeleteOptions, DirOptions,
    DownloadOptions, FileStatus, MetadataDirective, ReadOptions, TransferError, Transfers,
    UploadOptions, WriteOptions,
};
use futures_util::TryStreamExt;

const MIB: usize = 1024 * 1024;
const OTHER: &str = "otherbucket-1250000000";

fn b(name: &str) -> BucketName {
    BucketName::new(name).unwrap()
}
fn k(key: &str) -> ObjectKey {
    ObjectKey::new(key).unwrap()
}

async fn put(backend: &CosBackend, bucket: &str, key: &str, body: Vec<u8>) {
    backend
        .client()
        .put_object(&b(bucket), &k(key))
        .body(body)
        .content_type("text/x-source")
        .metadata("color", "blue")
        .send()
        .await
        .unwrap();
}

async fn get(backend: &CosBackend, bucket: &str, key: &str) -> Vec<u8> {
    backend
        .client()
        .get_object(&b(bucket), &k(key))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .to_vec()
}

/// An emulator with the second bucket and `src.bin` (5 MiB + 3, with a content type and
/// metadata) in the first.
async fn copy_setup() -> (EmulatorHandle, CosBackend, Vec<u8>) {
    let (emu, backend) = setup().await;
    create_bucket(backend.client(), OTHER).await;
    let body = random(5 * MIB + 3, 1);
    put(&backend, BUCKET, "src.bin", body.clone()).await;
    (emu, backend, body)
}

/// Multipart for anything over 2 MiB, in 1 MiB parts.
fn multipart() -> CopyOptions {
    CopyOptions::default()
        .single_threshold(2 * MIB as u64)
        .part_size(MIB as u64)
        .concurrency(4)
}

fn src() -> CopySource {
    CopySource::new(&common::bucket(BUCKET), &common::key("src.bin"))
}

/// Copies `source` to `key` in the second bucket.
async fn copy_to(
    backend: &CosBackend,
    key: &str,
    source: &CopySource,
    options: &CopyOptions,
) -> CopyOutcome {
    let cancel = CancelHandle::new();
    let to = (common::bucket(OTHER), common::key(key));
    Transfers::with_backend(backend)
        .copy(&to.0, &to.1, source)
        .options(options.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap()
}

/// The content type and whether the `color` metadata equals `color`, for `key` in the second bucket.
async fn type_and_color(backend: &CosBackend, key: &str, color: &str) -> (Option<String>, bool) {
    let head = backend
        .client()
        .head_object(&b(OTHER), &k(key))
        .send()
        .await
        .unwrap();
    let has = head.metadata.contains(&("color".into(), color.into()));
    (head.content_type, has)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_single_across_buckets_keeps_metadata() {
    let (_emu, backend, body) = copy_setup().await;
    // Small: one PUT Object - Copy, metadata kept.
    let out = copy_to(&backend, "copied.bin", &src(), &CopyOptions::default()).await;
    assert!(!out.multipart);
    assert_eq!(out.crc64, Some(cos_crc64::checksum(&body)));
    let (content_type, blue) = type_and_color(&backend, "copied.bin", "blue").await;
    assert_eq!(content_type.as_deref(), Some("text/x-source"));
    assert!(blue);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_multipart_with_a_region_keeps_metadata() {
    let (emu, backend, body) = copy_setup().await;
    // Multipart, source named with its region, metadata kept from the source.
    let source = src().region("ap-guangzhou");
    let out = copy_to(&backend, "parts.bin", &source, &multipart()).await;
    assert!(out.multipart);
    assert_eq!(out.parts, 6);
    assert_eq!(count(&emu, "UploadPartCopy", 200), 6);
    assert_eq!(get(&backend, OTHER, "parts.bin").await, body);
    let (content_type, blue) = type_and_color(&backend, "parts.bin", "blue").await;
    assert_eq!(content_type.as_deref(), Some("text/x-source"));
    assert!(blue);
    let head = backend
        .client()
        .head_object(&b(OTHER), &k("parts.bin"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.crc64, out.crc64);
    assert!(open_uploads(&backend, OTHER).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_across_regions_names_the_source_region() {
    let (emu, backend, body) = copy_setup().await;
    // Cross-region: the copy source header names the other region.
    copy_to(
        &backend,
        "far.bin",
        &src().region("ap-beijing"),
        &multipart(),
    )
    .await;
    assert!(emu.requests().iter().any(|r| {
        r.operation == "UploadPartCopy"
            && r.header("x-cos-copy-source")
                .is_some_and(|v| v.contains(".cos.ap-beijing."))
    }));
    assert_eq!(get(&backend, OTHER, "far.bin").await, body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_with_replaced_metadata_takes_the_backends_write_options() {
    let (_emu, backend, _body) = copy_setup().await;
    // Replaced: the backend's object options become the metadata.
    let replacing = backend.clone().write_options(
        WriteOptions::new()
            .content_type("application/x-new")
            .metadata("color", "red"),
    );
    for (key, options) in [
        ("replaced-small.bin", CopyOptions::default()),
        ("replaced-parts.bin", multipart()),
    ] {
        let options = options.metadata(MetadataDirective::Replaced);
        copy_to(&replacing, key, &src(), &options).await;
        let (content_type, red) = type_and_color(&backend, key, "red").await;
        assert_eq!(content_type.as_deref(), Some("application/x-new"), "{key}");
        assert!(red, "{key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn move_copies_then_deletes_the_source() {
    let (_emu, backend, body) = copy_setup().await;
    // Move: copy, then the source is gone.
    Transfers::with_backend(&backend)
        .move_object(&common::bucket(OTHER), &common::key("moved.bin"), &src())
        .options(multipart())
        .send()
        .await
        .unwrap();
    assert_eq!(get(&backend, OTHER, "moved.bin").await, body);
    let gone = backend
        .client()
        .head_object(&b(BUCKET), &k("src.bin"))
        .send()
        .await
        .unwrap_err();
    assert!(gone.is_not_found());
    // No multipart upload left anywhere.
    for bucket in [BUCKET, OTHER] {
        assert!(open_uploads(&backend, bucket).await.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folders_round_trip_with_failures_skips_and_refused_keys() {
    let (emu, backend) = setup().await;
    let src = tempfile::tempdir().unwrap();
    let files = [
        ("a.txt", 100),
        ("sub/b.bin", 3 * MIB),
        ("sub/deep/c.txt", 0),
        ("sub/deep/fail.txt", 10),
        ("skip/me.tmp", 10),
    ];
    for (i, (rel, len)) in files.iter().enumerate() {
        let p = src.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, random(*len, i as u64 + 1)).unwrap();
    }
    // One file fails on every attempt; the others go through.
    emu.add_fault(
        FaultRule::new(FaultAction::status(403))
            .operation("PutObject")
            .key_pattern("site/sub/deep/fail.txt"),
    );
    let options = DirOptions::default()
        .exclude("skip/**")
        .skip_unchanged(true)
        .upload(
            UploadOptions::default()
                .multipart_threshold(2 * MIB as u64)
                .part_size(MIB as u64),
        );
    let cancel = CancelHandle::new();
    let s = Transfers::with_backend(&backend)
        .upload_dir(&common::bucket(BUCKET), "site", src.path())
        .options(options.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.failed, s.unchanged), (3, 1, 0), "{s:?}");
    assert_eq!(s.problems().next().unwrap().key, "site/sub/deep/fail.txt");
    emu.clear_faults();

    // Again: the three are unchanged, the failed one goes up now.
    let s = Transfers::with_backend(&backend)
        .upload_dir(&common::bucket(BUCKET), "site", src.path())
        .options(options.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.failed, s.unchanged), (1, 0, 3), "{s:?}");

    // Keys that would escape the destination, stored next to good ones.
    for key in ["site/../escape.txt", "site/sub/../../up.txt"] {
        put(&backend, BUCKET, key, b"evil".to_vec()).await;
    }
    let listed: Vec<String> = backend
        .client()
        .list_objects(&b(BUCKET))
        .prefix("site/")
        .into_pages()
        .map_ok(|p| p.contents.into_iter().map(|o| o.key).collect::<Vec<_>>())
        .try_concat()
        .await
        .unwrap();
    assert!(listed.iter().any(|k| k.contains("..")), "{listed:?}");

    let outer = tempfile::tempdir().unwrap();
    let dest = outer.path().join("restore");
    let s = Transfers::with_backend(&backend)
        .download_dir(&common::bucket(BUCKET), "site/", &dest)
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!((s.done, s.refused, s.failed), (4, 2, 0), "{s:?}");
    for f in s.problems() {
        assert_eq!(f.status, FileStatus::Refused);
        assert!(matches!(
            f.error,
            Some(TransferError::UnsafeKey {
                reason: UnsafeKey::ParentDir,
                ..
            })
        ));
    }
    assert!(!outer.path().join("escape.txt").exists());
    assert!(!outer.path().join("up.txt").exists());
    for (rel, _) in &files[..4] {
        assert_eq!(
            std::fs::read(dest.join(rel)).unwrap(),
            std::fs::read(src.path().join(rel)).unwrap(),
            "{rel}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_prefix_removes_every_version() {
    let (_emu, backend) = setup().await;
    let client = backend.client();
    client
        .put_bucket_versioning(&b(BUCKET), cos_xml::VersioningStatus::Enabled)
        .send()
        .await
        .unwrap();
    for i in 0..5 {
        for round in 0..2 {
            put(&backend, BUCKET, &format!("tmp/{i}"), vec![round; 10]).await;
        }
    }
    put(&backend, BUCKET, "keep/x", vec![1]).await;
    let cancel = CancelHandle::new();
    // Current objects only: delete markers on top of the versions.
    let s = Transfers::with_backend(&backend)
        .delete_prefix(&common::bucket(BUCKET), "tmp/")
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!((s.deleted, s.batches), (5, 1));
    assert_eq!(
        versions(&backend, "tmp/").await,
        15,
        "10 versions + 5 delete markers"
    );
    let s = Transfers::with_backend(&backend)
        .delete_prefix(&common::bucket(BUCKET), "tmp/")
        .options(DeleteOptions::default().all_versions(true))
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(s.deleted, 15);
    assert!(s.failures.is_empty());
    assert_eq!(versions(&backend, "tmp/").await, 0);
    assert_eq!(versions(&backend, "keep/").await, 1);
}

async fn versions(backend: &CosBackend, prefix: &str) -> usize {
    backend
        .client()
        .list_object_versions(&b(BUCKET))
        .prefix(prefix)
        .send()
        .await
        .unwrap()
        .entries
        .len()
}

/// The HTTP status of a failed download's remote error.
fn remote_status(e: &TransferError) -> Option<u16> {
    e.cos_error()?.status().map(|s| s.as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_reads_a_version_with_conditions_and_overrides() {
    let (emu, backend) = setup().await;
    let client = backend.client();
    client
        .put_bucket_versioning(&b(BUCKET), cos_xml::VersioningStatus::Enabled)
        .send()
        .await
        .unwrap();
    let (v1, v2) = (random(3 * MIB + 5, 21), random(3 * MIB + 5, 22));
    let first = client
        .put_object(&b(BUCKET), &k("doc.bin"))
        .body(v1.clone())
        .send()
        .await
        .unwrap();
    let second = client
        .put_object(&b(BUCKET), &k("doc.bin"))
        .body(v2.clone())
        .send()
        .await
        .unwrap();
    let v1_id = first.version_id.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("doc.bin");
    let ranged = DownloadOptions::default()
        .single_threshold(MIB as u64)
        .part_size(MIB as u64);
    let cancel = CancelHandle::new();

    // The older version, in ranged GETs that all name it and carry the override.
    emu.clear_requests();
    let get = ReadOptions::default()
        .version_id(v1_id.clone())
        .response_content_type("application/x-test")
        .if_match(first.etag.clone().unwrap());
    let out = Transfers::with_backend(&backend)
        .download_file(&common::bucket(BUCKET), &common::key("doc.bin"), &dest)
        .options(ranged.clone().get(get))
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(out.ranges_fetched, 4);
    assert_eq!(std::fs::read(&dest).unwrap(), v1);
    let log = emu.requests();
    let head = log.iter().find(|r| r.operation == "HeadObject").unwrap();
    assert_eq!(head.query_param("versionId"), Some(v1_id.as_str()));
    assert_eq!(head.header("if-match"), first.etag.as_deref());
    let gets: Vec<_> = log.iter().filter(|r| r.operation == "GetObject").collect();
    assert_eq!(gets.len(), 4);
    for g in gets {
        assert_eq!(g.query_param("versionId"), Some(v1_id.as_str()));
        assert_eq!(
            g.query_param("response-content-type"),
            Some("application/x-test")
        );
        assert_eq!(g.status, 206);
    }

    // Conditions are checked by the HEAD: nothing is fetched or written when they fail.
    std::fs::remove_file(&dest).unwrap();
    let failing = [
        (
            ReadOptions::default().if_none_match(second.etag.clone().unwrap()),
            304,
        ),
        (ReadOptions::default().if_match("\"not-the-etag\""), 412),
        (
            ReadOptions::default().if_unmodified_since("Mon, 01 Jan 2001 00:00:00 GMT"),
            412,
        ),
    ];
    for (get, status) in failing {
        emu.clear_requests();
        let e = Transfers::with_backend(&backend)
            .download_file(&common::bucket(BUCKET), &common::key("doc.bin"), &dest)
            .options(ranged.clone().get(get))
            .cancel(&cancel)
            .send()
            .await
            .unwrap_err();
        assert_eq!(remote_status(&e), Some(status), "{e}");
        assert!(!dest.exists());
        assert!(emu.requests().iter().all(|r| r.operation == "HeadObject"));
    }
    // Without options: the current version.
    Transfers::with_backend(&backend)
        .download_file(&common::bucket(BUCKET), &common::key("doc.bin"), &dest)
        .options(ranged.clone())
        .cancel(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), v2);
}

async fn open_uploads(backend: &CosBackend, bucket: &str) -> Vec<String> {
    let l = backend
        .client()
        .list_multipart_uploads(&b(bucket))
        .send()
        .await
        .unwrap();
    l.uploads.into_iter().map(|u| u.upload_id).collect()
}

/// A copy that cancels itself once `after` parts are done.
async fn copy_cancelled_after(
    backend: &CosBackend,
    source: &CopySource,
    options: &CopyOptions,
    after: u32,
) -> TransferError {
    let cancel = CancelHandle::new();
    let trigger = cancel.clone();
    let parts = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let progress: cos_transfer::ProgressFn = std::sync::Arc::new(move |p| {
        if let cos_transfer::Progress::Part { .. } = p
            && parts.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 >= after
        {
            trigger.cancel();
        }
    });
    Transfers::with_backend(backend)
        .copy(&common::bucket(OTHER), &common::key("resumed.bin"), source)
        .options(options.clone())
        .progress(progress)
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multipart_copy_with_a_checkpoint_resumes_with_the_missing_parts() {
    let (emu, backend) = setup().await;
    create_bucket(backend.client(), OTHER).await;
    let body = random(6 * MIB - 5, 31);
    put(&backend, BUCKET, "big.bin", body.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("copy.checkpoint");
    let options = CopyOptions::default()
        .single_threshold(MIB as u64)
        .part_size(MIB as u64)
        .concurrency(1)
        .checkpoint(&cp);
    let source = CopySource::new(&common::bucket(BUCKET), &common::key("big.bin"));
    let never = CancelHandle::new();

    // Cancelled after 2 of 6 parts: the upload and the checkpoint stay.
    emu.clear_requests();
    let e = copy_cancelled_after(&backend, &source, &options, 2).await;
    assert!(matches!(e, TransferError::Cancelled), "{e}");
    assert_eq!(count(&emu, "UploadPartCopy", 200), 2);
    assert!(cp.exists());
    let kept = open_uploads(&backend, OTHER).await;
    assert_eq!(kept.len(), 1);

    // First the rerun copies the 4 missing parts into the same upload. Then a copy is
    // cancelled after 3 parts and its source rewritten: the rerun aborts the old upload
    // and copies all 6 parts.
    let changed = random(6 * MIB - 5, 32);
    for (reused, copied, aborted, expected) in [(2, 4, 0, &body), (0, 6, 1, &changed)] {
        if reused == 0 {
            copy_cancelled_after(&backend, &source, &options, 3).await;
            assert_eq!(open_uploads(&backend, OTHER).await.len(), 1);
            put(&backend, BUCKET, "big.bin", changed.clone()).await;
        }
        emu.clear_requests();
        let out = Transfers::with_backend(&backend)
            .copy(&common::bucket(OTHER), &common::key("resumed.bin"), &source)
            .options(options.clone())
            .cancel(&never)
            .send()
            .await
            .unwrap();
        assert_eq!((out.parts, out.parts_reused), (6, reused));
        assert_eq!(count(&emu, "UploadPartCopy", 200), copied);
        assert_eq!(count(&emu, "AbortMultipartUpload", 204), aborted);
        assert_eq!(count(&emu, "InitiateMultipartUpload", 200), aborted);
        assert_eq!(out.crc64, Some(cos_crc64::checksum(expected)));
        assert_eq!(&get(&backend, OTHER, "resumed.bin").await, expected);
        assert!(!cp.exists());
        assert!(open_uploads(&backend, OTHER).await.is_empty());
    }

    // Without a checkpoint a cancelled copy leaves nothing behind.
    let mut without = options.clone();
    without.checkpoint = None;
    let e = copy_cancelled_after(&backend, &source, &without, 2).await;
    assert!(matches!(e, TransferError::Cancelled));
    assert!(open_uploads(&backend, OTHER).await.is_empty());
}
