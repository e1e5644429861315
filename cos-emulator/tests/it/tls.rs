//! The HTTPS listener (`tls_files`, as `--tls-cert/--tls-key` use it): it serves a
//! client trusting its CA, drops connections that do not complete a TLS handshake
//! (plain HTTP, or silence past the head-read timeout) without harming the others, and
//! refuses unusable certificate material at start with a typed error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use cos_core::{BucketName, Client, Config};
use cos_emulator::{Emulator, EmulatorError};
use cos_testkit::tls::TestPki;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes `s` (EOF or reset); false if it is still open after
/// `within`.
async fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let read_to_end = async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, read_to_end).await.is_ok()
}

#[tokio::test]
async fn tls_files_serve_https_and_bad_handshakes_are_dropped() {
    let pki = TestPki::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, &pki.cert_pem).unwrap();
    std::fs::write(&key, &pki.key_pem).unwrap();
    let emu = Emulator::builder()
        .tls_files(&cert, &key)
        .header_read_timeout(Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    assert!(emu.endpoint().starts_with("https://"));

    // Plain HTTP on the TLS port: not a handshake, the connection is dropped.
    let mut plain = TcpStream::connect(emu.addr()).await.unwrap();
    plain
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(closed_within(&mut plain, Duration::from_secs(10)).await);
    // Silence: dropped once the head-read timeout has passed.
    let mut silent = TcpStream::connect(emu.addr()).await.unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(10)).await);

    // A client trusting the CA is served.
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
        .connect_to(emu.endpoint())
        .ca_bundle_pem(&pki.ca_pem)
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    client
        .put_bucket(&BucketName::new("tls-1250000000").unwrap())
        .send()
        .await
        .unwrap();
    let r = emu.requests();
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!((r[0].operation.as_str(), r[0].status), ("PutBucket", 200));
}

#[tokio::test]
async fn unusable_certificate_material_fails_at_start() {
    let pki = TestPki::generate().unwrap();
    let other = TestPki::generate().unwrap();
    let cases = [
        Emulator::builder().tls("not pem", pki.key_pem.clone()),
        Emulator::builder().tls(pki.cert_pem.clone(), "not pem"),
        // A key that does not match the certificate.
        Emulator::builder().tls(pki.cert_pem.clone(), other.key_pem.clone()),
        Emulator::builder().tls_files("/nonexistent/cert.pem", "/nonexistent/key.pem"),
    ];
    for builder in cases {
        let e = builder.start().await.unwrap_err();
        assert!(matches!(e, EmulatorError::Tls(_)), "{e:?}");
        assert!(!e.to_string().contains("PRIVATE KEY"), "{e}");
    }
}
