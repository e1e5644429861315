//! Every operation through the `Transfers` builders, on validated names, against the
//! in-process emulator.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::common;
use crate::common::emu::{BUCKET, client_for, count, create_bucket, same_file, write_random_file};
use cos_core::{BucketName, ObjectKey};
use cos_emulator::Emulator;
use cos_transfer::{
    CancelHandle, CopySource, DownloadOptions, Progress, ReadOptions, TransferError, Transfers,
    UploadOptions,
};

const MIB: u64 = 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_runs_through_its_builder() {
    let emu = Emulator::builder().seed(3).start().await.unwrap();
    let client = client_for(&emu);
    create_bucket(&client, BUCKET).await;
    let transfers = Transfers::new(client.clone());
    let bucket = BucketName::new(BUCKET).unwrap();
    let key = ObjectKey::new("docs/a.bin").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("a.bin");
    write_random_file(&src, 3 * MIB + 11, 1);

    let seen = Arc::new(AtomicU64::new(0));
    let s = seen.clone();
    let up = transfers
        .upload_file(&bucket, &key, &src)
        .options(
            UploadOptions::default()
                .multipart_threshold(MIB)
                .part_size(MIB),
        )
        .checkpoint(dir.path().join("up.cp"))
        .progress(Arc::new(move |p| {
            if let Progress::Bytes { done, .. } = p {
                s.fetch_max(done, Ordering::Relaxed);
            }
        }))
        .send()
        .await
        .unwrap();
    assert!(up.multipart && up.size == 3 * MIB + 11);
    assert_eq!(seen.load(Ordering::Relaxed), up.size);
    assert!(
        !dir.path().join("up.cp").exists(),
        "checkpoint removed on success"
    );

    let dest = dir.path().join("back.bin");
    let down = transfers
        .download_file(&bucket, &key, &dest)
        .options(DownloadOptions::default().part_size(MIB))
        .read_options(ReadOptions::new().response_content_type("text/plain"))
        .send()
        .await
        .unwrap();
    assert_eq!(down.crc64, up.crc64);
    assert!(same_file(&src, &dest));

    let copy_key = ObjectKey::new("docs/b.bin").unwrap();
    let source = CopySource::new(&common::bucket(BUCKET), &common::key(key.as_str()));
    let copied = transfers
        .copy(&bucket, &copy_key, &source)
        .send()
        .await
        .unwrap();
    assert_eq!(copied.crc64, Some(up.crc64));
    let moved_key = ObjectKey::new("moved/c.bin").unwrap();
    let source = CopySource::new(&common::bucket(BUCKET), &common::key(copy_key.as_str()));
    transfers
        .move_object(&bucket, &moved_key, &source)
        .send()
        .await
        .unwrap();
    assert_eq!(count(&emu, "DeleteObject", 204), 1);
    assert!(
        client
            .head_object(&bucket, &copy_key)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );

    let local = dir.path().join("tree");
    std::fs::create_dir_all(local.join("sub")).unwrap();
    std::fs::write(local.join("x.txt"), b"x").unwrap();
    std::fs::write(local.join("sub/y.txt"), b"yy").unwrap();
    let sent = transfers
        .upload_dir(&bucket, "tree/", &local)
        .send()
        .await
        .unwrap();
    assert_eq!((sent.done, sent.failed), (2, 0));
    let back = dir.path().join("tree-back");
    let got = transfers
        .download_dir(&bucket, "tree/", &back)
        .send()
        .await
        .unwrap();
    assert_eq!((got.done, got.bytes), (2, 3));
    assert_eq!(std::fs::read(back.join("sub/y.txt")).unwrap(), b"yy");

    let deleted = transfers
        .delete_prefix(&bucket, "tree/")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.deleted, 2);
    let left = client
        .list_objects(&bucket)
        .prefix("tree/")
        .send()
        .await
        .unwrap();
    assert!(left.contents.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_handle_stops_a_builder_before_it_writes() {
    let emu = Emulator::builder().seed(4).start().await.unwrap();
    let client = client_for(&emu);
    create_bucket(&client, BUCKET).await;
    let transfers = Transfers::new(client);
    let bucket = BucketName::new(BUCKET).unwrap();
    let key = ObjectKey::new("c.bin").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("c.bin");
    write_random_file(&src, 2 * MIB, 2);
    let cancel = CancelHandle::new();
    cancel.cancel();
    let e = transfers
        .upload_file(&bucket, &key, &src)
        .options(
            UploadOptions::default()
                .multipart_threshold(MIB)
                .part_size(MIB),
        )
        .cancel(&cancel)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::Cancelled), "{e:?}");
    assert_eq!(count(&emu, "UploadPart", 200), 0);
}
