//! Encrypted upload_file / download_file through cos-transfer's engines: multipart and
//! parallel, resumable with the envelope in the checkpoint, and a failed download
//! leaves nothing at the destination.

use cos_core::{BucketName, ObjectKey, ReadOptions, WriteOptions};
use cos_crypto::{AesProvider, CryptoError, EncryptionClient};
use cos_emulator::{FaultAction, FaultRule};
use cos_transfer::{DownloadOptions, UploadOptions};

use crate::common::{BUCKET, aes, random, rsa_pair, setup};

const MIB: u64 = 1024 * 1024;

fn names(key: &str) -> (BucketName, ObjectKey) {
    (
        BucketName::new(BUCKET).unwrap(),
        ObjectKey::new(key).unwrap(),
    )
}

fn small_parts() -> UploadOptions {
    UploadOptions::default()
        .multipart_threshold(MIB)
        .part_size(MIB)
        .concurrency(3)
}

fn ranged() -> DownloadOptions {
    DownloadOptions::default()
        .single_threshold(MIB)
        .part_size(MIB)
        .concurrency(3)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_upload_and_download_encrypted_in_parallel_parts() {
    let (_emu, client) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    for (i, enc) in [
        EncryptionClient::new(client.clone(), aes()),
        EncryptionClient::new(client.clone(), rsa_pair()),
    ]
    .iter()
    .enumerate()
    {
        for len in [0u64, 100, 3 * MIB + 123] {
            let src = dir.path().join(format!("src{i}-{len}"));
            let data = random(len as usize, len + 3);
            std::fs::write(&src, &data).unwrap();
            let (b, k) = names(&format!("files/{i}/{len}"));
            let up = enc
                .upload_file(&b, &k, &src, small_parts(), &WriteOptions::default())
                .await
                .unwrap();
            assert_eq!(up.multipart, len > MIB);
            // Stored encrypted, readable by the object API too.
            let got = enc
                .get_object(&b, &k, None, &ReadOptions::default())
                .await
                .unwrap();
            assert_eq!(got.head.envelope.plaintext_len, Some(len));
            assert_eq!(&got.body.bytes().await.unwrap()[..], &data[..]);
            let dest = dir.path().join(format!("dest{i}-{len}"));
            let down = enc.download_file(&b, &k, &dest, ranged()).await.unwrap();
            assert_eq!(down.size, len);
            assert_eq!(std::fs::read(&dest).unwrap(), data);
        }
    }
}

/// A file above the size where the envelope's CRC pass splits across threads (16 MiB),
/// of a length that is no multiple of its chunks: the envelope holds the plaintext's
/// length and CRC-64, the parts (encrypted chunk by chunk as they are read) decrypt at
/// their offsets, and both reads check the envelope's CRC.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_gets_the_crc_of_its_plaintext_from_the_split_pass() {
    let (_emu, client) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let enc = EncryptionClient::new(client, aes());
    let len = 21 * MIB + 262_144 + 29;
    let data = random(len as usize, 21);
    let src = dir.path().join("large");
    std::fs::write(&src, &data).unwrap();
    let (b, k) = names("files/large");
    let options = UploadOptions::default()
        .multipart_threshold(MIB)
        .part_size(4 * MIB)
        .concurrency(4);
    let up = enc
        .upload_file(&b, &k, &src, options, &WriteOptions::default())
        .await
        .unwrap();
    assert!(up.multipart);
    let head = enc
        .head_object(&b, &k, &ReadOptions::default())
        .await
        .unwrap();
    assert_eq!(head.envelope.plaintext_len, Some(len));
    assert_eq!(
        head.envelope.plaintext_crc64,
        Some(cos_crc64::checksum(&data))
    );
    let got = enc
        .get_object(&b, &k, None, &ReadOptions::default())
        .await
        .unwrap();
    assert_eq!(&got.body.bytes().await.unwrap()[..], &data[..]);
    let dest = dir.path().join("large.out");
    enc.download_file(&b, &k, &dest, ranged()).await.unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_upload_resumes_with_the_envelope_in_its_checkpoint() {
    let (emu, client) = setup().await;
    let enc = EncryptionClient::new(client, aes());
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let data = random((4 * MIB + 7) as usize, 11);
    std::fs::write(&src, &data).unwrap();
    let cp = dir.path().join("up.cp");
    let (b, k) = names("resume/up");
    // Every part goes up, then the completion fails (not retried): the checkpoint stays.
    emu.add_fault(
        FaultRule::new(FaultAction::status(403))
            .operation("CompleteMultipartUpload")
            .first(1),
    );
    let first = enc
        .upload_file(
            &b,
            &k,
            &src,
            small_parts().checkpoint(&cp),
            &WriteOptions::default(),
        )
        .await;
    assert!(first.is_err());
    assert!(cp.exists());
    emu.clear_faults();
    let second = enc
        .upload_file(
            &b,
            &k,
            &src,
            small_parts().checkpoint(&cp),
            &WriteOptions::default(),
        )
        .await
        .unwrap();
    // Same data key: every part is reused (a new key would have restarted the upload).
    assert_eq!((second.parts_sent, second.parts_reused), (0, 5));
    let dest = dir.path().join("dest");
    enc.download_file(&b, &k, &dest, ranged()).await.unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);

    // With another master key, the checkpoint's envelope is not continued (its parts are
    // under a data key this key cannot unwrap): the upload starts afresh.
    emu.add_fault(
        FaultRule::new(FaultAction::status(403))
            .operation("CompleteMultipartUpload")
            .first(1),
    );
    let (_, k2) = names("resume/rekeyed");
    let first = enc
        .upload_file(
            &b,
            &k2,
            &src,
            small_parts().checkpoint(&cp),
            &WriteOptions::default(),
        )
        .await;
    assert!(first.is_err());
    emu.clear_faults();
    let other = EncryptionClient::new(
        enc.client().clone(),
        AesProvider::from_bytes(&[3u8; 32]).unwrap(),
    );
    let second = other
        .upload_file(
            &b,
            &k2,
            &src,
            small_parts().checkpoint(&cp),
            &WriteOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!((second.parts_sent, second.parts_reused), (5, 0));
    other.download_file(&b, &k2, &dest, ranged()).await.unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_streams_resume_at_the_right_counter() {
    let (emu, client) = setup().await;
    let enc = EncryptionClient::new(client, aes());
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let data = random((3 * MIB + 9) as usize, 5);
    std::fs::write(&src, &data).unwrap();
    let (b, k) = names("resume/down");
    enc.upload_file(&b, &k, &src, small_parts(), &WriteOptions::default())
        .await
        .unwrap();
    // Cut mid-block: the resumed ranged GET starts at an unaligned offset.
    emu.add_fault(
        FaultRule::new(FaultAction::TruncateResponse(100_003))
            .operation("GetObject")
            .first(3),
    );
    let dest = dir.path().join("dest");
    let out = enc.download_file(&b, &k, &dest, ranged()).await.unwrap();
    assert!(out.stream_resumes >= 1);
    assert_eq!(std::fs::read(&dest).unwrap(), data);
}

/// A download that fetched every range in one run is checked by the CRC-64 of the bytes
/// it decrypted; one that reused ranges from an earlier run reads the file back, so a
/// reused range changed on disk meanwhile is caught.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_download_reads_back_the_ranges_an_earlier_run_wrote() {
    let (emu, client) = setup().await;
    let enc = EncryptionClient::new(client, aes());
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let data = random((4 * MIB + 77) as usize, 8);
    std::fs::write(&src, &data).unwrap();
    let (b, k) = names("resume/readback");
    enc.upload_file(&b, &k, &src, small_parts(), &WriteOptions::default())
        .await
        .unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let (dest, cp) = (out_dir.path().join("dest"), out_dir.path().join("cp"));
    // The first range's GET is refused (403: not retried); the two beside it finish
    // and are checkpointed.
    let interrupted = || async {
        emu.add_fault(
            FaultRule::new(FaultAction::status(403))
                .operation("GetObject")
                .first(1),
        );
        let r = enc
            .download_file(&b, &k, &dest, ranged().checkpoint(&cp))
            .await;
        assert!(r.is_err(), "{r:?}");
        emu.clear_faults();
    };
    interrupted().await;
    let out = enc
        .download_file(&b, &k, &dest, ranged().checkpoint(&cp))
        .await
        .unwrap();
    assert!(out.ranges_reused >= 1, "{out:?}");
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    std::fs::remove_file(&dest).unwrap();

    // Again, and a byte of a range already on disk changes before the resume.
    interrupted().await;
    let partial = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".cos-partial"))
        .unwrap();
    let mut bytes = std::fs::read(&partial).unwrap();
    bytes[(MIB + 5) as usize] ^= 1;
    std::fs::write(&partial, &bytes).unwrap();
    let r = enc
        .download_file(&b, &k, &dest, ranged().checkpoint(&cp))
        .await;
    assert!(
        matches!(r, Err(CryptoError::Integrity { check: "crc64", .. })),
        "{r:?}"
    );
    assert!(!dest.exists());
    // Every range fetched in one run: no read-back, and the result is exact.
    let out = enc.download_file(&b, &k, &dest, ranged()).await.unwrap();
    assert_eq!((out.ranges_reused, out.ranges_fetched), (0, 5));
    assert_eq!(std::fs::read(&dest).unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_with_the_wrong_key_fails_and_leaves_nothing() {
    let (_emu, client) = setup().await;
    let enc = EncryptionClient::new(client.clone(), aes());
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::write(&src, random((2 * MIB) as usize, 1)).unwrap();
    let (b, k) = names("wrong/file");
    enc.upload_file(&b, &k, &src, small_parts(), &WriteOptions::default())
        .await
        .unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let dest = out_dir.path().join("dest");
    let wrong = EncryptionClient::new(client.clone(), AesProvider::from_bytes(&[9u8; 32]).unwrap());
    for options in [ranged(), ranged().checkpoint(out_dir.path().join("cp"))] {
        let r = wrong.download_file(&b, &k, &dest, options).await;
        assert!(
            matches!(r, Err(CryptoError::Integrity { check: "crc64", .. })),
            "{r:?}"
        );
        let left: Vec<_> = std::fs::read_dir(out_dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }
    // A plain object: refused before anything is written.
    let (_, plain) = names("wrong/plain");
    client
        .put_object(&b, &plain)
        .body(b"clear".to_vec())
        .send()
        .await
        .unwrap();
    let r = enc.download_file(&b, &plain, &dest, ranged()).await;
    assert!(
        matches!(r, Err(CryptoError::MissingEnvelope { .. })),
        "{r:?}"
    );
    assert!(std::fs::read_dir(out_dir.path()).unwrap().next().is_none());
    // Options that cannot work with encryption, before any request.
    let r = enc
        .upload_file(
            &b,
            &k,
            &src,
            small_parts().part_size(MIB + 1),
            &WriteOptions::default(),
        )
        .await;
    assert!(matches!(r, Err(CryptoError::PartSize(_))), "{r:?}");
    let r = enc
        .upload_file(
            &b,
            &k,
            &src,
            small_parts().resume_existing(true),
            &WriteOptions::default(),
        )
        .await;
    assert!(matches!(r, Err(CryptoError::InvalidOption(_))), "{r:?}");
}

/// `upload_file_with` / `download_file_with`: the engines' progress events, and a cancel
/// handle that stops an upload between parts (aborted on the service: no checkpoint)
/// and a download before it starts (nothing at the destination).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_transfers_report_progress_and_stop_when_cancelled() {
    use cos_crypto::Control;
    use cos_transfer::{CancelHandle, Progress, TransferError};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    let (_emu, client) = setup().await;
    let enc = EncryptionClient::new(client.clone(), aes());
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let data = random((4 * MIB + 5) as usize, 31);
    std::fs::write(&src, &data).unwrap();
    let (b, k) = names("control/file");
    let parts = Arc::new(AtomicU64::new(0));
    let seen = parts.clone();
    let control = Control {
        progress: Some(Arc::new(move |p| {
            if let Progress::Part { len, .. } = p {
                seen.fetch_add(len, Ordering::SeqCst);
            }
        })),
        cancel: None,
    };
    enc.upload_file_with(
        &b,
        &k,
        &src,
        small_parts(),
        &WriteOptions::default(),
        &control,
    )
    .await
    .unwrap();
    assert_eq!(parts.load(Ordering::SeqCst), data.len() as u64);
    let dest = dir.path().join("dest");
    enc.download_file_with(&b, &k, &dest, ranged(), &control)
        .await
        .unwrap();
    assert_eq!(parts.load(Ordering::SeqCst), 2 * data.len() as u64);
    assert_eq!(std::fs::read(&dest).unwrap(), data);

    // Cancelled by its own first finished part: the rest never starts.
    let cancel = CancelHandle::new();
    let trigger = cancel.clone();
    let control = Control {
        progress: Some(Arc::new(move |p| {
            if matches!(p, Progress::Part { .. }) {
                trigger.cancel();
            }
        })),
        cancel: Some(cancel.clone()),
    };
    let (_, k2) = names("control/cancelled");
    let r = enc
        .upload_file_with(
            &b,
            &k2,
            &src,
            small_parts().concurrency(1),
            &WriteOptions::default(),
            &control,
        )
        .await;
    assert!(
        matches!(r, Err(CryptoError::Transfer(TransferError::Cancelled))),
        "{r:?}"
    );
    let uploads = client.list_multipart_uploads(&b).send().await.unwrap();
    assert!(uploads.uploads.is_empty(), "{:?}", uploads.uploads);
    assert!(client.head_object(&b, &k2).send().await.is_err());
    // Already cancelled: a download writes nothing.
    let out_dir = tempfile::tempdir().unwrap();
    let r = enc
        .download_file_with(&b, &k, out_dir.path().join("d"), ranged(), &control)
        .await;
    assert!(
        matches!(r, Err(CryptoError::Transfer(TransferError::Cancelled))),
        "{r:?}"
    );
    assert!(std::fs::read_dir(out_dir.path()).unwrap().next().is_none());
}
