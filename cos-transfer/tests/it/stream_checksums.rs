//! The checksums of stream uploads, computed off the reading task: each part's
//! `Content-MD5` (when asked) is the MD5 of that part's bytes, checked by the emulator;
//! the CRC-64 of the parts, combined, is checked against the service's, and a mismatch
//! ends the upload with [`TransferError::Integrity`], with or without MD5.

use std::sync::atomic::Ordering;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cos_core::{BucketName, ObjectKey};
use cos_transfer::{TransferError, Transfers, UploadOptions};
use md5::{Digest, Md5};

use crate::common::Fake;
use crate::common::emu::{BUCKET, count, random, setup};

const MIB: usize = 1024 * 1024;

fn names(k: &str) -> (BucketName, ObjectKey) {
    (BucketName::new(BUCKET).unwrap(), ObjectKey::new(k).unwrap())
}

fn md5_options() -> UploadOptions {
    UploadOptions::default()
        .part_size(MIB as u64)
        .concurrency(3)
        .content_md5(true)
}

#[tokio::test]
async fn every_part_of_a_reader_upload_carries_its_own_md5() {
    let (emu, backend) = setup().await;
    let data = random(3 * MIB + MIB / 2, 17);
    let (b, k) = names("md5/stream.bin");
    let t = Transfers::with_backend(&backend);
    let out = t
        .upload_reader(&b, &k, &data[..])
        .options(md5_options())
        .send()
        .await
        .unwrap();
    assert!(out.multipart);
    assert_eq!(out.crc64, cos_crc64::checksum(&data));
    let parts: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.operation == "UploadPart" && r.status == 200)
        .collect();
    assert_eq!(parts.len(), 4);
    for r in &parts {
        let n: usize = r.query_param("partNumber").unwrap().parse().unwrap();
        let part = &data[(n - 1) * MIB..(n * MIB).min(data.len())];
        let want = STANDARD.encode(Md5::digest(part));
        assert_eq!(r.header("content-md5"), Some(want.as_str()), "part {n}");
    }
    let got = backend.client().get_object(&b, &k).send().await.unwrap();
    assert_eq!(got.body.collect().await.unwrap().to_vec(), data);

    // Ending within the first part: one PUT, with the MD5 of the whole.
    let small = random(1000, 18);
    let (b, k) = names("md5/small.bin");
    t.upload_reader(&b, &k, &small[..])
        .options(md5_options())
        .send()
        .await
        .unwrap();
    let put = emu
        .requests()
        .into_iter()
        .find(|r| r.operation == "PutObject" && r.status == 200)
        .unwrap();
    let want = STANDARD.encode(Md5::digest(&small));
    assert_eq!(put.header("content-md5"), Some(want.as_str()));
    assert_eq!(count(&emu, "PutObject", 200), 1);
}

#[tokio::test]
async fn a_crc_mismatch_ends_a_stream_upload_with_or_without_md5() {
    for md5 in [false, true] {
        let fake = Fake::default();
        fake.faults.lock().unwrap().wrong_crc = true;
        let data = random(3 * MIB, 19);
        let (b, k) = names("crc/stream.bin");
        let e = Transfers::with_backend(&fake)
            .upload_reader(&b, &k, &data[..])
            .options(md5_options().content_md5(md5))
            .send()
            .await
            .unwrap_err();
        assert!(matches!(e, TransferError::Integrity { .. }), "{e:?}");
        let calls = |n: &std::sync::atomic::AtomicUsize| n.load(Ordering::SeqCst);
        assert_eq!(calls(&fake.part_calls), 3);
        assert_eq!(calls(&fake.md5_parts), if md5 { 3 } else { 0 });
    }
}
