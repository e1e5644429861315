//! The body transform hook (`UploadOptions::transform` / `DownloadOptions::transform`)
//! with a positional XOR keystream, against the emulator: parts and ranges are
//! transformed by their object offset (what is stored is the transformed bytes, and it
//! reads back), checkpoints carry the tag (another tag starts afresh), and a download
//! whose written bytes miss the transform's expected CRC fails leaving nothing behind.

use std::sync::Arc;

use cos_core::{BucketName, ObjectKey};
use cos_emulator::{FaultAction, FaultRule};
use cos_transfer::{BodyTransform, DownloadOptions, TransferError, Transfers, UploadOptions};
use futures_util::TryStreamExt;

use crate::common::emu::{BUCKET, random, setup};

const MIB: u64 = 1024 * 1024;

/// byte at offset `o` XOR (o * 31 + seed) as u8: positional, splits anywhere.
struct Xor {
    seed: u8,
    expected: Option<u64>,
}

impl BodyTransform for Xor {
    fn apply(&self, offset: u64, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b ^= ((offset + i as u64).wrapping_mul(31) as u8).wrapping_add(self.seed);
        }
    }
    fn checkpoint_tag(&self) -> String {
        format!("xor{}", self.seed)
    }
    fn expected_crc64(&self) -> Option<u64> {
        self.expected
    }
}

fn xor(seed: u8, data: &[u8]) -> Vec<u8> {
    let mut v = data.to_vec();
    Xor {
        seed,
        expected: None,
    }
    .apply(0, &mut v);
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parts_and_ranges_are_transformed_by_offset_and_checkpoints_carry_the_tag() {
    let (emu, backend) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let data = random((3 * MIB + 11) as usize, 4);
    std::fs::write(&src, &data).unwrap();
    let (b, k) = (
        BucketName::new(BUCKET).unwrap(),
        ObjectKey::new("t/obj").unwrap(),
    );
    let up = |seed: u8| {
        UploadOptions::default()
            .multipart_threshold(MIB)
            .part_size(MIB)
            .concurrency(3)
            .checkpoint(dir.path().join("cp"))
            .transform(Arc::new(Xor {
                seed,
                expected: None,
            }))
    };
    let transfers = Transfers::with_backend(&backend);
    // Interrupted at completion with tag xor1: the checkpoint stays.
    emu.add_fault(
        FaultRule::new(FaultAction::status(403))
            .operation("CompleteMultipartUpload")
            .first(1),
    );
    assert!(
        transfers
            .upload_file(&b, &k, &src)
            .options(up(1))
            .send()
            .await
            .is_err()
    );
    emu.clear_faults();
    // Another tag: nothing reused.
    let out = transfers
        .upload_file(&b, &k, &src)
        .options(up(2))
        .send()
        .await
        .unwrap();
    assert_eq!((out.parts_sent, out.parts_reused), (4, 0));
    let stored: Vec<bytes::Bytes> = backend
        .client()
        .get_object(&b, &k)
        .send()
        .await
        .unwrap()
        .body
        .try_collect()
        .await
        .unwrap();
    assert_eq!(stored.concat(), xor(2, &data));
    assert_eq!(out.crc64, cos_crc64::checksum(&xor(2, &data)));

    let dest = dir.path().join("dest");
    let down = |expected| {
        DownloadOptions::default()
            .single_threshold(MIB)
            .part_size(MIB)
            .transform(Arc::new(Xor { seed: 2, expected }))
    };
    let crc = cos_crc64::checksum(&data);
    transfers
        .download_file(&b, &k, &dest)
        .options(down(Some(crc)))
        .send()
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    // An expectation the written bytes miss: an integrity error, nothing left.
    let out_dir = tempfile::tempdir().unwrap();
    let dest = out_dir.path().join("dest");
    let r = transfers
        .download_file(&b, &k, &dest)
        .options(down(Some(crc ^ 1)))
        .send()
        .await;
    assert!(matches!(r, Err(TransferError::Integrity { .. })), "{r:?}");
    assert!(std::fs::read_dir(out_dir.path()).unwrap().next().is_none());
}

/// A transfer that corrupts a byte is caught either way: through the transform's
/// expected output CRC (the received bytes are then not hashed themselves), or, without
/// an expectation, by the received bytes' CRC against the service's. Nothing is left at
/// the destination; and the outcome of a clean download carries the verified CRC.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_transfer_is_caught_with_and_without_an_expected_output_crc() {
    use crate::common::Fake;
    let dir = tempfile::tempdir().unwrap();
    let plain = random(3 * MIB as usize + 99, 12);
    let stored = xor(5, &plain);
    let fake = Fake::default();
    fake.put("k", &stored);
    let (b, k) = (
        crate::common::bucket("examplebucket-1250000000"),
        crate::common::key("k"),
    );
    let opts = |expected| {
        DownloadOptions::default()
            .single_threshold(MIB)
            .part_size(MIB)
            .concurrency(3)
            .transform(Arc::new(Xor { seed: 5, expected }))
    };
    let dest = dir.path().join("out");
    let want = cos_crc64::checksum(&plain);
    let out = Transfers::with_backend(&fake)
        .download_file(&b, &k, &dest)
        .options(opts(Some(want)))
        .send()
        .await
        .unwrap();
    assert_eq!(out.crc64, want);
    assert_eq!(std::fs::read(&dest).unwrap(), plain);
    std::fs::remove_file(&dest).unwrap();
    fake.faults.lock().unwrap().flip_byte_at = Some(2 * MIB + 17);
    for expected in [Some(want), None] {
        let e = Transfers::with_backend(&fake)
            .download_file(&b, &k, &dest)
            .options(opts(expected))
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(e, TransferError::Integrity { .. }),
            "{expected:?}: {e}"
        );
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "{expected:?}"
        );
    }
}
