//! cos-core's shared `WriteOptions` / `ReadOptions` through `CosBackend`, and
//! `TransferError`'s typed causes, against the in-process emulator.

use std::error::Error as _;

use crate::common;
use crate::common::emu::{BUCKET, count, setup, write_random_file};
use cos_core::{BucketName, InvalidInput, ObjectKey};
use cos_transfer::{TransferError, Transfers, UploadOptions, WriteOptions};

const MIB: u64 = 1024 * 1024;

fn b(name: &str) -> BucketName {
    BucketName::new(name).unwrap()
}
fn k(key: &str) -> ObjectKey {
    ObjectKey::new(key).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_key_download_says_no_such_key_once() {
    let (emu, backend) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.bin");
    let e = Transfers::with_backend(&backend)
        .download_file(&common::bucket(BUCKET), &common::key("nowhere.bin"), &dest)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::NoSuchKey { .. }), "{e:?}");
    assert!(e.is_not_found() && !e.is_retryable());
    assert_eq!(e.code(), Some("NoSuchKey"));
    let msg = e.to_string();
    assert!(
        msg.contains("no such key") && msg.contains("nowhere.bin"),
        "{msg}"
    );
    assert!(!msg.contains("NoSuchResource"), "{msg}");
    // The cause is the typed cos-core error, reached through source(), not printed.
    let cause = e.source().expect("a cause");
    let core = cause.downcast_ref::<cos_core::Error>().expect("typed");
    assert_eq!(core.status().map(|s| s.as_u16()), Some(404));
    assert!(!msg.contains(&cause.to_string()), "{msg}");
    assert!(!dest.exists());
    assert_eq!(count(&emu, "GetObject", 200), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_options_reach_single_and_multipart_uploads() {
    let (_emu, backend) = setup().await;
    let backend = backend.write_options(
        WriteOptions::new()
            .content_type("text/x-report")
            .metadata("Team", "storage")
            .tag("owner name", "a/b")
            .traffic_limit(838_860_800),
    );
    let dir = tempfile::tempdir().unwrap();
    for (key, len) in [("small.bin", 1000), ("big.bin", 3 * MIB + 7)] {
        let src = dir.path().join(key);
        write_random_file(&src, len, 5);
        let options = UploadOptions::default()
            .multipart_threshold(MIB)
            .part_size(MIB);
        let out = Transfers::with_backend(&backend)
            .upload_file(&common::bucket(BUCKET), &common::key(key), &src)
            .options(options.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(out.multipart, len > MIB, "{key}");
        let client = backend.client();
        let head = client
            .head_object(&b(BUCKET), &k(key))
            .send()
            .await
            .unwrap();
        assert_eq!(head.content_type.as_deref(), Some("text/x-report"), "{key}");
        assert!(
            head.metadata
                .iter()
                .any(|(n, v)| n == "team" && v == "storage"),
            "{key}: {:?}",
            head.metadata
        );
        let tags = client
            .get_object_tagging(&b(BUCKET), &k(key))
            .send()
            .await
            .unwrap();
        let tags: Vec<_> = tags
            .tag_set
            .tags
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect();
        assert_eq!(tags, [("owner name", "a/b")], "{key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_write_options_fail_before_any_request() {
    let (emu, backend) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("f.bin");
    write_random_file(&src, 1000, 9);
    for bad in [
        WriteOptions::new().metadata("under_score", "x"),
        WriteOptions::new().traffic_limit(1),
        (0..11).fold(WriteOptions::new(), |o, i| o.tag(format!("t{i}"), "v")),
    ] {
        let backend = backend.clone().write_options(bad.clone());
        let before = emu.requests().len();
        let e = Transfers::with_backend(&backend)
            .upload_file(&common::bucket(BUCKET), &common::key("f.bin"), &src)
            .send()
            .await
            .unwrap_err();
        let core = e.cos_error().unwrap_or_else(|| panic!("{bad:?}: {e:?}"));
        assert!(
            matches!(
                core,
                cos_core::Error::InvalidInput(
                    InvalidInput::Other(_) | InvalidInput::TrafficLimit(1)
                )
            ),
            "{bad:?}: {core:?}"
        );
        assert_eq!(emu.requests().len(), before, "{bad:?}: a request was sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_after_the_clients_retries_is_retryable_and_typed() {
    let (emu, _) = setup().await;
    let backend = cos_transfer::CosBackend::new(common::emu::client_for_addr(emu.addr(), 1));
    backend
        .client()
        .put_object(&b(BUCKET), &k("busy.bin"))
        .body(vec![1u8; 100])
        .send()
        .await
        .unwrap();
    emu.add_fault(
        cos_emulator::FaultRule::new(cos_emulator::FaultAction::status(503))
            .operation("HeadObject"),
    );
    let dir = tempfile::tempdir().unwrap();
    let e = Transfers::with_backend(&backend)
        .download_file(&b(BUCKET), &k("busy.bin"), dir.path().join("busy.bin"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            TransferError::Remote {
                operation: "HeadObject",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.is_retryable() && !e.is_not_found(), "{e:?}");
    assert_eq!(
        e.cos_error().and_then(|c| c.status()).map(|s| s.as_u16()),
        Some(503)
    );
    assert_eq!(e.to_string(), "HeadObject failed");
}
