//! Server-side encryption through the transfers, against the emulator (which enforces
//! SSE-C keys): each SSE kind through multipart upload_file / ranged download_file /
//! multipart copy; SSE-C through a resumed upload (the checkpoint keeps the key's MD5,
//! never the key), the folder operations, and the official Python SDK both ways.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cos_core::{BucketName, ObjectKey};
use cos_emulator::{FaultAction, FaultRule};
use cos_transfer::{
    CopyOptions, CopySource, CosBackend, DirOptions, DownloadOptions, KmsOptions, Progress,
    ReadOptions, Sse, SseCustomerKey, TransferError, Transfers, UploadOptions, WriteOptions,
};

use crate::common::emu::{BUCKET, count, same_file, setup, write_random_file};
use crate::common::python::python_with_sdk;

const MIB: u64 = 1024 * 1024;

fn names(k: &str) -> (BucketName, ObjectKey) {
    (BucketName::new(BUCKET).unwrap(), ObjectKey::new(k).unwrap())
}

fn multipart() -> UploadOptions {
    UploadOptions::default()
        .multipart_threshold(MIB)
        .part_size(MIB)
        .concurrency(2)
}

fn ranged(read: ReadOptions) -> DownloadOptions {
    DownloadOptions::default()
        .single_threshold(MIB)
        .part_size(MIB)
        .get(read)
}

fn status(e: &TransferError) -> Option<u16> {
    e.cos_error().and_then(|c| c.status()).map(|s| s.as_u16())
}

fn read_with(sse: &Sse) -> ReadOptions {
    match sse.customer_key() {
        Some(k) => ReadOptions::new().sse_customer_key(k.clone()),
        None => ReadOptions::new(),
    }
}

#[tokio::test]
async fn each_sse_kind_round_trips_through_upload_download_and_copy() {
    let (emu, backend) = setup().await;
    let client = backend.client().clone();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    write_random_file(&src, 3 * MIB + 123, 11);
    let copy_key = SseCustomerKey::new([42; 32]);
    let kinds = [
        Sse::Cos,
        Sse::Kms(KmsOptions::new().key_id("cmk-1").context("team", "a")),
        Sse::Customer(SseCustomerKey::new([1; 32])),
    ];
    for (i, sse) in kinds.into_iter().enumerate() {
        let (b, k) = names(&format!("sse/{i}"));
        let writer =
            CosBackend::new(client.clone()).write_options(WriteOptions::new().sse(sse.clone()));
        let t = Transfers::with_backend(writer);
        let up = t
            .upload_file(&b, &k, &src)
            .options(multipart())
            .send()
            .await
            .unwrap();
        assert!(up.multipart && up.parts_sent == 4);
        let dest = dir.path().join(format!("dest{i}.bin"));
        let down = t
            .download_file(&b, &k, &dest)
            .options(ranged(read_with(&sse)))
            .send()
            .await
            .unwrap();
        assert_eq!(down.ranges_fetched, 4);
        assert!(same_file(&src, &dest));
        let head = client
            .head_object(&b, &k)
            .options(&read_with(&sse))
            .unwrap()
            .send()
            .await
            .unwrap();
        let h = |n: &str| head.meta.headers.get(n).and_then(|v| v.to_str().ok());
        match &sse {
            Sse::Cos => assert_eq!(h("x-cos-server-side-encryption"), Some("AES256")),
            Sse::Kms(_) => assert_eq!(
                h("x-cos-server-side-encryption-cos-kms-key-id"),
                Some("cmk-1")
            ),
            _ => {
                // Only SSE-C needs the key: without it, the download's HEAD fails with
                // 400 (a HEAD answer has no body, so no code).
                let e = t
                    .download_file(&b, &k, dir.path().join("nokey"))
                    .send()
                    .await
                    .unwrap_err();
                assert_eq!(status(&e), Some(400), "{e:?}");
            }
        }

        // A multipart copy (Upload Part - Copy) to an SSE-C object with another key.
        let (_, dst) = names(&format!("sse/{i}-copy"));
        let mut source = CopySource::new(&b, &k);
        if let Some(key) = sse.customer_key() {
            source = source.sse_customer_key(key.clone());
        }
        let copier = Transfers::with_backend(
            CosBackend::new(client.clone())
                .write_options(WriteOptions::new().sse_customer_key(copy_key.clone())),
        );
        let out = copier
            .copy(&b, &dst, &source)
            .options(CopyOptions::default().single_threshold(MIB).part_size(MIB))
            .send()
            .await
            .unwrap();
        assert_eq!(out.size, 3 * MIB + 123);
        let back = dir.path().join(format!("copy{i}.bin"));
        copier
            .download_file(&b, &dst, &back)
            .read_options(ReadOptions::new().sse_customer_key(copy_key.clone()))
            .send()
            .await
            .unwrap();
        assert!(same_file(&src, &back));
    }
    assert!(count(&emu, "UploadPartCopy", 200) >= 12);
}

/// A progress callback that, once `after` parts are acknowledged, makes the next
/// Upload Part fail with a 403 (not retried): the injected failure.
fn fail_after(emu: &Arc<cos_emulator::EmulatorHandle>, after: u32) -> cos_transfer::ProgressFn {
    let (emu, seen) = (emu.clone(), Arc::new(AtomicU32::new(0)));
    Arc::new(move |p: Progress| {
        if let Progress::Part { .. } = p
            && seen.fetch_add(1, Ordering::SeqCst) + 1 == after
        {
            emu.add_fault(
                FaultRule::new(FaultAction::status(403))
                    .operation("UploadPart")
                    .first(1),
            );
        }
    })
}

#[tokio::test]
async fn sse_c_upload_resumes_from_a_checkpoint_holding_only_the_key_md5() {
    let (emu, backend) = setup().await;
    let emu = Arc::new(emu);
    let client = backend.client().clone();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    write_random_file(&src, 5 * MIB, 3);
    let cp = dir.path().join("up.cp");
    let key = SseCustomerKey::new([9; 32]);
    let (b, k) = names("resume/c.bin");
    let t = Transfers::with_backend(
        CosBackend::new(client.clone())
            .write_options(WriteOptions::new().sse_customer_key(key.clone())),
    );
    let opts = multipart()
        .concurrency(1)
        .checkpoint_interval(std::time::Duration::ZERO);
    let e = t
        .upload_file(&b, &k, &src)
        .options(opts.clone())
        .checkpoint(&cp)
        .progress(fail_after(&emu, 2))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::Remote { .. }), "{e:?}");
    let saved = std::fs::read_to_string(&cp).unwrap();
    assert!(saved.contains(&key.key_md5()), "{saved}");
    assert!(!saved.contains(&STANDARD.encode([9u8; 32])));

    // Resumed with the same key: only the missing parts are sent.
    let out = t
        .upload_file(&b, &k, &src)
        .options(opts.clone())
        .checkpoint(&cp)
        .send()
        .await
        .unwrap();
    assert_eq!((out.parts_reused, out.parts_sent), (2, 3));
    // Downloaded with the key, a range's stream broken once and resumed (ranged GET
    // with the key, pinned to the ETag).
    emu.add_fault(
        FaultRule::new(FaultAction::ResetResponseAfter(100_000))
            .operation("GetObject")
            .first(1),
    );
    let dest = dir.path().join("dest.bin");
    let down = t
        .download_file(&b, &k, &dest)
        .options(ranged(ReadOptions::new().sse_customer_key(key.clone())))
        .send()
        .await
        .unwrap();
    assert_eq!(down.stream_resumes, 1);
    assert!(same_file(&src, &dest));

    // A checkpoint of another key is not continued (the service would refuse its
    // parts): its upload is aborted and a new one made.
    t.upload_file(&b, &k, &src)
        .options(opts.clone())
        .checkpoint(&cp)
        .progress(fail_after(&emu, 2))
        .send()
        .await
        .unwrap_err();
    let other = Transfers::with_backend(
        CosBackend::new(client.clone())
            .write_options(WriteOptions::new().sse_customer_key(SseCustomerKey::new([8; 32]))),
    );
    let out = other
        .upload_file(&b, &k, &src)
        .options(opts)
        .checkpoint(&cp)
        .send()
        .await
        .unwrap();
    assert_eq!((out.parts_reused, out.parts_sent), (0, 5));
    let uploads = client.list_multipart_uploads(&b).send().await.unwrap();
    assert!(
        uploads.uploads.is_empty(),
        "the other key's upload was aborted"
    );
    assert_eq!(count(&emu, "AbortMultipartUpload", 204), 1);
}

#[tokio::test]
async fn sse_c_folders_upload_skip_unchanged_and_download_with_the_key() {
    let (_emu, backend) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("site");
    std::fs::create_dir_all(local.join("sub")).unwrap();
    write_random_file(&local.join("a.bin"), 2 * MIB, 1);
    write_random_file(&local.join("sub/b.bin"), 1000, 2);
    let key = SseCustomerKey::new([5; 32]);
    let t = Transfers::with_backend(
        CosBackend::new(backend.client().clone())
            .write_options(WriteOptions::new().sse_customer_key(key.clone())),
    );
    let b = BucketName::new(BUCKET).unwrap();
    let opts = DirOptions::default()
        .skip_unchanged(true)
        .upload(multipart())
        .download(ranged(ReadOptions::new().sse_customer_key(key)));
    let first = t
        .upload_dir(&b, "site", &local)
        .options(opts.clone())
        .send()
        .await
        .unwrap();
    assert_eq!((first.done, first.failed), (2, 0));
    // HEAD with the key sees the same CRC: nothing is sent again.
    let again = t
        .upload_dir(&b, "site", &local)
        .options(opts.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.unchanged, 2, "{:?}", again.files);
    let out = dir.path().join("out");
    let down = t
        .download_dir(&b, "site", &out)
        .options(opts)
        .send()
        .await
        .unwrap();
    assert!(down.is_success(), "{:?}", down.files);
    assert!(same_file(&local.join("sub/b.bin"), &out.join("sub/b.bin")));
    assert!(same_file(&local.join("a.bin"), &out.join("a.bin")));
}

fn sse_script() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/sse_interop.py")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_reads_our_sse_c_object_and_we_read_its() {
    let python = tokio::task::spawn_blocking(python_with_sdk).await.unwrap();
    let (emu, backend) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    write_random_file(&src, 2 * MIB + 7, 21);
    let raw = [0x5a; 32];
    let key = SseCustomerKey::new(raw);
    let t = Transfers::with_backend(
        CosBackend::new(backend.client().clone())
            .write_options(WriteOptions::new().sse_customer_key(key.clone())),
    );
    let (b, k) = names("py/ours.bin");
    t.upload_file(&b, &k, &src)
        .options(multipart())
        .send()
        .await
        .unwrap();
    let run = |args: Vec<String>| {
        let out = std::process::Command::new(&python)
            .arg(sse_script())
            .arg(emu.addr().port().to_string())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let b64 = STANDARD.encode(raw);
    let theirs = dir.path().join("theirs.bin");
    let p = |x: &std::path::Path| x.to_str().unwrap().to_owned();
    let said = tokio::task::block_in_place(|| {
        run(vec![
            "get".into(),
            BUCKET.into(),
            k.to_string(),
            p(&theirs),
            b64.clone(),
        ])
    });
    assert!(said.contains("OK"), "{said}");
    assert!(same_file(&src, &theirs));

    // The other way: the Python SDK's SSE-C upload, read by download_file with the key.
    tokio::task::block_in_place(|| {
        run(vec![
            "put".into(),
            BUCKET.into(),
            "py/theirs.bin".into(),
            p(&src),
            b64.clone(),
        ])
    });
    let (_, pk) = names("py/theirs.bin");
    let back = dir.path().join("back.bin");
    t.download_file(&b, &pk, &back)
        .options(ranged(ReadOptions::new().sse_customer_key(key)))
        .send()
        .await
        .unwrap();
    assert!(same_file(&src, &back));
    let e = t
        .download_file(&b, &pk, dir.path().join("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&e), Some(400), "{e:?}");
}
