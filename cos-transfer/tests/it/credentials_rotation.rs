//! A long upload keeps going across a key rotation: temporary keys from the emulator's
//! mock STS expire mid-transfer (the emulator's clock is moved past their expiry after
//! the third part), the provider refreshes them, and no request is refused.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cos_auth::StaticProvider;
use cos_core::credentials::{AssumeRoleProvider, RefreshSettings};
use cos_core::{Client, Config, RetryConfig};
use cos_emulator::{Emulator, EmulatorHandle};
use cos_transfer::{CosBackend, Progress, Transfers, UploadOptions};

use crate::common;
use crate::common::emu::{BUCKET, create_bucket, write_random_file};

const MIB: u64 = 1 << 20;

#[tokio::test]
async fn an_upload_survives_the_expiry_of_its_first_keys() {
    let emu = Arc::new(Emulator::builder().mock_sts(true).start().await.unwrap());
    let admin = common::emu::client_for(&emu);
    create_bucket(&admin, BUCKET).await;

    let clock = emu.clone();
    let base =
        StaticProvider::new(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap());
    let provider = AssumeRoleProvider::builder(base, "qcs::cam::uin/1:roleName/uploader", "up")
        .duration(Duration::from_secs(1000))
        .endpoint(emu.endpoint())
        .refresh(
            RefreshSettings::default()
                .jitter(Duration::ZERO)
                .clock(move || clock.now()),
        )
        .build()
        .unwrap();
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials_provider(provider)
        .connect_to(emu.endpoint())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let backend = CosBackend::new(Client::new(config).unwrap());

    upload_across_rotation(&emu, &backend, admin, 11).await;
}

/// Uploads 8 MiB in 1 MiB parts with `backend`, moving the emulator's clock past the
/// first temporary keys' expiry after part 3, then checks that exactly one refresh
/// happened, no request was refused, the parts were signed by both sets of keys and
/// the object (read back with `admin`) is whole. Shared with the HTTPS variant.
pub(crate) async fn upload_across_rotation(
    emu: &Arc<EmulatorHandle>,
    backend: &CosBackend,
    admin: Client,
    seed: u64,
) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    write_random_file(&src, 8 * MIB, seed);
    let rotated = Arc::new(AtomicBool::new(false));
    let (emu_cb, rotated_cb) = (emu.clone(), rotated.clone());
    let progress = Arc::new(move |p: Progress| {
        if let Progress::Part { number: 3, .. } = p
            && !rotated_cb.swap(true, Ordering::SeqCst)
        {
            emu_cb.advance_clock(Duration::from_secs(1001));
        }
    });
    let out = Transfers::with_backend(backend)
        .upload_file(&common::bucket(BUCKET), &common::key("rotated.bin"), &src)
        .options(
            UploadOptions::default()
                .multipart_threshold(MIB)
                .part_size(MIB)
                .concurrency(1),
        )
        .progress(progress)
        .send()
        .await
        .unwrap();
    assert!(out.multipart);
    assert!(
        rotated.load(Ordering::SeqCst),
        "the clock moved mid-transfer"
    );

    let requests = emu.requests();
    let assumed = requests
        .iter()
        .filter(|r| r.header("x-tc-action") == Some("AssumeRole") && r.status == 200)
        .count();
    assert_eq!(assumed, 2, "one refresh after the first keys expired");
    let refused: Vec<_> = requests.iter().filter(|r| r.status >= 400).collect();
    assert!(
        refused.is_empty(),
        "no request used expired keys: {refused:?}"
    );
    let signers: BTreeSet<&str> = requests
        .iter()
        .filter(|r| r.operation == "UploadPart")
        .filter_map(|r| r.header("authorization"))
        .filter_map(|a| a.split('&').find_map(|f| f.strip_prefix("q-ak=")))
        .collect();
    assert_eq!(
        signers.len(),
        2,
        "parts signed by both sets of keys: {signers:?}"
    );

    // The object is whole.
    let back = dir.path().join("back.bin");
    Transfers::with_backend(&CosBackend::new(admin))
        .download_file(&common::bucket(BUCKET), &common::key("rotated.bin"), &back)
        .send()
        .await
        .unwrap();
    assert!(common::emu::same_file(&src, &back));
}
