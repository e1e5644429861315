//! Hardening 7: an error response's body is read only up to a bound — 64 KiB kept for
//! the service error, a little more drained — however much the server sends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::key;
use cos_core::{BucketName, RetryConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The body the server announces (and would send in full, were it read).
const HUGE: usize = 64 * 1024 * 1024;

#[tokio::test]
async fn a_huge_error_body_is_not_read_into_memory() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if sock.read_exact(&mut byte).await.is_err() {
                return;
            }
            head.push(byte[0]);
        }
        let start = "<?xml version='1.0' encoding='utf-8' ?><Error><Code>AccessDenied</Code>\
                     <Message>";
        let resp = format!(
            "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\n\
             x-cos-request-id: huge-1\r\nContent-Length: {HUGE}\r\n\r\n{start}"
        );
        if sock.write_all(resp.as_bytes()).await.is_err() {
            return;
        }
        let filler = vec![b'x'; 64 * 1024];
        let mut n = start.len();
        while n < HUGE {
            let k = filler.len().min(HUGE - n);
            if sock.write_all(&filler[..k]).await.is_err() {
                return;
            }
            n += k;
            counter.store(n, Ordering::SeqCst);
        }
    });
    let client = common::client_at(addr, RetryConfig::disabled());
    let bucket = BucketName::new("examplebucket-1250000000").unwrap();
    let err = tokio::time::timeout(
        Duration::from_secs(30),
        client.get_object(&bucket, &key("k")).send(),
    )
    .await
    .expect("the error came back in time")
    .unwrap_err();
    let service = err.service_error().expect("a service error");
    assert_eq!(service.status.as_u16(), 403);
    assert_eq!(service.request_id.as_deref(), Some("huge-1"));
    assert!(
        service.raw_body.len() <= 64 * 1024,
        "{} bytes of error body kept",
        service.raw_body.len()
    );
    assert!(service.raw_body.starts_with(b"<?xml"));
    // The client stopped reading: the server could not push the whole body.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let pushed = sent.load(Ordering::SeqCst);
    assert!(pushed < HUGE / 2, "the server sent {pushed} bytes");
}
