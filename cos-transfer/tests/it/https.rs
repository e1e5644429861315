//! upload_file / download_file over HTTPS (the emulator's TLS listener, a throwaway CA),
//! in HTTP/1.1 and with HTTP/2 negotiated: multipart up, ranged parts down, the bytes
//! and CRC-64 identical.

use std::time::Duration;

use crate::common;
use crate::common::emu::{BUCKET, count, same_file, write_random_file};
use cos_core::{BucketName, Client, Config, RetryConfig};
use cos_emulator::Emulator;
use cos_testkit::tls::TestPki;
use cos_transfer::{CosBackend, DownloadOptions, Transfers, UploadOptions};

const MIB: u64 = 1024 * 1024;

fn https_client(endpoint: String, ca_pem: &str, http2: bool) -> Client {
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
        .connect_to(endpoint)
        .ca_bundle_pem(ca_pem)
        .http2(http2)
        .read_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(120))
        .retry(RetryConfig::default().delays(Duration::from_millis(2), Duration::from_millis(20)))
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_and_download_files_over_https_and_http2() {
    let pki = TestPki::generate().unwrap();
    let emu = Emulator::builder()
        .bench_mode(true)
        .tls(pki.cert_pem.clone(), pki.key_pem.clone())
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    write_random_file(&src, 9 * MIB, 13);
    for (i, http2) in [false, true].into_iter().enumerate() {
        let client = https_client(emu.endpoint(), &pki.ca_pem, http2);
        if i == 0 {
            common::emu::create_bucket(&client, BUCKET).await;
        }
        let backend = CosBackend::new(client);
        let object = common::key(format!("tls/{i}.bin"));
        let up = Transfers::with_backend(&backend)
            .upload_file(&common::bucket(BUCKET), &object, &src)
            .options(
                UploadOptions::default()
                    .multipart_threshold(4 * MIB)
                    .part_size(2 * MIB)
                    .concurrency(3),
            )
            .send()
            .await
            .unwrap();
        assert!(up.multipart, "http2={http2}");
        let dest = dir.path().join(format!("dest-{i}.bin"));
        let down = Transfers::with_backend(&backend)
            .download_file(&common::bucket(BUCKET), &object, &dest)
            .options(
                DownloadOptions::default()
                    .single_threshold(4 * MIB)
                    .part_size(2 * MIB)
                    .concurrency(3),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(down.crc64, up.crc64, "http2={http2}");
        assert!(same_file(&src, &dest), "http2={http2}: bytes differ");
        let head = backend
            .client()
            .head_object(&BucketName::new(BUCKET).unwrap(), &object)
            .send()
            .await
            .unwrap();
        assert_eq!(head.content_length, Some(9 * MIB));
    }
    // Five 2 MiB parts per upload, each accepted once (no fault injected).
    assert_eq!(count(&emu, "UploadPart", 200), 10);
}
