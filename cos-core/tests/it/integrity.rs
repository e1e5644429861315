//! Integrity checks against a tiny local server that lies: wrong CRC64, short bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use crate::common;

use cos_core::{BucketName, Client, Error, IntegrityError, ObjectKey, RetryConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Serves every connection with `response` (then closes); returns the address.
async fn lying_server(response: Vec<u8>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for _ in 0..10 {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = tokio::time::timeout(Duration::from_millis(200), sock.read(&mut buf)).await;
                let _ = sock.write_all(&response).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    addr
}

fn client(addr: std::net::SocketAddr) -> Client {
    common::client_at(addr, RetryConfig::disabled())
}

fn names() -> (BucketName, ObjectKey) {
    (
        BucketName::new("examplebucket-1250000000").unwrap(),
        ObjectKey::new("k").unwrap(),
    )
}

#[tokio::test]
async fn get_with_wrong_crc_is_integrity_error_and_no_file() {
    let resp = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nx-cos-hash-crc64ecma: 12345\r\nConnection: close\r\n\r\nhello".to_vec();
    let addr = lying_server(resp).await;
    let (b, k) = names();
    let c = client(addr);
    let err = c
        .get_object(&b, &k)
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.without_context(),
            Error::Integrity(IntegrityError::Crc64Mismatch { remote: 12345, .. })
        ),
        "{err:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out");
    let err = c
        .get_object(&b, &k)
        .send()
        .await
        .unwrap()
        .body
        .write_to_file(&dest)
        .await
        .unwrap_err();
    assert!(matches!(err.without_context(), Error::Integrity(_)));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // Ranged reads are not CRC-checked.
    let ok = c
        .get_object(&b, &k)
        .range(0, None)
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&ok[..], b"hello");
}

#[tokio::test]
async fn get_short_body_is_truncation() {
    let resp =
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nonly-this".to_vec();
    let addr = lying_server(resp).await;
    let (b, k) = names();
    let err = client(addr)
        .get_object(&b, &k)
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap_err();
    assert!(
        matches!(err.without_context(), Error::Integrity(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn put_with_wrong_crc_is_integrity_error() {
    let resp = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nETag: \"x\"\r\nx-cos-hash-crc64ecma: 1\r\nConnection: close\r\n\r\n".to_vec();
    let addr = lying_server(resp).await;
    let (b, k) = names();
    let err = client(addr)
        .put_object(&b, &k)
        .body("hello")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.without_context(),
            Error::Integrity(IntegrityError::Crc64Mismatch { remote: 1, .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn copy_error_inside_200_is_service_error() {
    let body = "<?xml version='1.0' encoding='utf-8' ?><Error><Code>InternalError</Code><Message>boom</Message><RequestId>rid</RequestId></Error>";
    let resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes();
    let addr = lying_server(resp).await;
    let (b, k) = names();
    let err = client(addr)
        .copy_object(&b, &k, &b, &ObjectKey::new("src").unwrap())
        .send()
        .await
        .unwrap_err();
    let se = err.service_error().expect("service error");
    assert_eq!(se.status.as_u16(), 200);
    assert_eq!(se.code, "InternalError");
    assert_eq!(se.request_id.as_deref(), Some("rid"));
}

#[tokio::test]
async fn crc64_check_can_be_switched_per_request() {
    let resp = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nETag: \"x\"\r\nx-cos-hash-crc64ecma: 1\r\nConnection: close\r\n\r\n".to_vec();
    let addr = lying_server(resp).await;
    let (b, k) = names();
    // On in the configuration, off for this request: the wrong CRC is not checked.
    let out = client(addr)
        .put_object(&b, &k)
        .body("hello")
        .verify_crc64(false)
        .send()
        .await
        .unwrap();
    assert_eq!(out.crc64, Some(1));
    // Off in the configuration, on for this request: it is.
    let off = Client::new(
        common::config_at(addr)
            .retry(RetryConfig::disabled())
            .verify_crc64(false)
            .build()
            .unwrap(),
    )
    .unwrap();
    off.put_object(&b, &k).body("hello").send().await.unwrap();
    let err = off
        .put_object(&b, &k)
        .body("hello")
        .verify_crc64(true)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.without_context(),
            Error::Integrity(IntegrityError::Crc64Mismatch { .. })
        ),
        "{err:?}"
    );
}
