//! Hardening 4: `read_timeout` bounds stalls (of the upload, of the wait for the response
//! head, between body chunks), never the duration of a progressing transfer; and
//! `operation_timeout` bounds the whole operation, reading a streamed body included.
//! The client talks to the emulator through a throttling TCP relay on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{emulator, key};
use cos_core::error::TimeoutError;
use cos_core::{BucketName, Client, Error, RetryConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

const BUCKET: &str = "examplebucket-1250000000";

/// How one direction of the relay forwards: at most `chunk` bytes every `every`, and
/// nothing more after `stop_after` bytes (a stalled link).
#[derive(Clone, Copy)]
struct Drip {
    chunk: usize,
    every: Duration,
    stop_after: Option<usize>,
}

impl Drip {
    fn rate(chunk: usize, every: Duration) -> Option<Drip> {
        Some(Drip {
            chunk,
            every,
            stop_after: None,
        })
    }
}

async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, drip: Option<Drip>) {
    let size = drip.map_or(64 * 1024, |d| d.chunk);
    let mut buf = vec![0u8; size];
    let mut sent = 0usize;
    loop {
        if let Some(Drip {
            stop_after: Some(limit),
            ..
        }) = drip
            && sent >= limit
        {
            // Stall: keep the connection open, forward nothing.
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                return;
            }
            Ok(n) => n,
        };
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
        sent += n;
        if let Some(d) = drip {
            tokio::time::sleep(d.every).await;
        }
    }
}

/// A relay to `target` that throttles the upload (`up`) and download (`down`) directions.
async fn relay(target: SocketAddr, up: Option<Drip>, down: Option<Drip>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(target).await else {
                return;
            };
            let _ = client.set_nodelay(true);
            let (cr, cw) = client.into_split();
            let (sr, sw) = server.into_split();
            tokio::spawn(pump(cr, sw, up));
            tokio::spawn(pump(sr, cw, down));
        }
    });
    addr
}

fn client(addr: SocketAddr, read: Duration, operation: Option<Duration>) -> Client {
    let mut b = common::config_at(addr)
        .read_timeout(read)
        .retry(RetryConfig::disabled());
    if let Some(t) = operation {
        b = b.operation_timeout(t);
    }
    Client::new(b.build().unwrap()).unwrap()
}

fn data(len: usize) -> Bytes {
    (0..len)
        .map(|i| (i * 31 % 251) as u8)
        .collect::<Vec<_>>()
        .into()
}

/// A slow but steady upload (~1 MiB/s: 32 KiB every 30 ms, ~2 s in all) with a 1 s
/// read timeout succeeds: the timeout bounds stalls, not the upload (before, it bounded
/// the whole upload).
#[tokio::test]
async fn slow_steady_upload_does_not_time_out() {
    let emu = emulator().await;
    let bucket = BucketName::new(BUCKET).unwrap();
    let direct = client(emu.addr(), Duration::from_secs(5), None);
    direct.put_bucket(&bucket).send().await.unwrap();
    let up = Drip::rate(32 * 1024, Duration::from_millis(30));
    let addr = relay(emu.addr(), up, None).await;
    let slow = client(addr, Duration::from_secs(1), Some(Duration::from_secs(30)));
    let body = data(2 * 1024 * 1024);
    let t = Instant::now();
    slow.put_object(&bucket, &key("slow.bin"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert!(
        t.elapsed() > Duration::from_millis(1500),
        "the relay did throttle the upload: {:?}",
        t.elapsed()
    );
    let got = direct
        .get_object(&bucket, &key("slow.bin"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(got, body);
}

/// An upload whose link stops carrying bytes fails with a timeout, soon.
#[tokio::test]
async fn stalled_upload_times_out() {
    let emu = emulator().await;
    let bucket = BucketName::new(BUCKET).unwrap();
    client(emu.addr(), Duration::from_secs(5), None)
        .put_bucket(&bucket)
        .send()
        .await
        .unwrap();
    let up = Some(Drip {
        chunk: 64 * 1024,
        every: Duration::from_millis(10),
        stop_after: Some(256 * 1024),
    });
    let addr = relay(emu.addr(), up, None).await;
    let c = client(addr, Duration::from_millis(300), None);
    let t = Instant::now();
    let err = c
        .put_object(&bucket, &key("stalled.bin"))
        .body(data(32 * 1024 * 1024))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.without_context(), Error::Timeout(_)),
        "{err:?}"
    );
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
}

/// A drip-fed download (~3 s) with a 1 s operation timeout fails with a timeout while
/// the body is read, well before the body is done; its chunks come often enough that the
/// read timeout alone would not stop it.
#[tokio::test]
async fn operation_timeout_bounds_a_streamed_download() {
    let emu = emulator().await;
    let bucket = BucketName::new(BUCKET).unwrap();
    let direct = client(emu.addr(), Duration::from_secs(5), None);
    direct.put_bucket(&bucket).send().await.unwrap();
    direct
        .put_object(&bucket, &key("drip.bin"))
        .body(data(320 * 1024))
        .send()
        .await
        .unwrap();
    // 16 KiB every 150 ms: 320 KiB take ~3 s.
    let down = Drip::rate(16 * 1024, Duration::from_millis(150));
    let addr = relay(emu.addr(), None, down).await;
    let c = client(addr, Duration::from_secs(1), Some(Duration::from_secs(1)));
    let t = Instant::now();
    let out = c
        .get_object(&bucket, &key("drip.bin"))
        .send()
        .await
        .unwrap();
    let err = out.body.collect().await.unwrap_err();
    let took = t.elapsed();
    assert!(
        matches!(
            err.without_context(),
            Error::Timeout(TimeoutError::Operation {
                reading_body: true,
                ..
            })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("operation"), "{err}");
    assert!(took < Duration::from_millis(2500), "{took:?}");
}

/// A download whose body stops arriving fails after the read timeout.
#[tokio::test]
async fn stalled_download_times_out() {
    let emu = emulator().await;
    let bucket = BucketName::new(BUCKET).unwrap();
    let direct = client(emu.addr(), Duration::from_secs(5), None);
    direct.put_bucket(&bucket).send().await.unwrap();
    direct
        .put_object(&bucket, &key("half.bin"))
        .body(data(1024 * 1024))
        .send()
        .await
        .unwrap();
    let down = Some(Drip {
        chunk: 64 * 1024,
        every: Duration::from_millis(1),
        stop_after: Some(128 * 1024),
    });
    let addr = relay(emu.addr(), None, down).await;
    let c = client(addr, Duration::from_millis(300), None);
    let t = Instant::now();
    let out = c
        .get_object(&bucket, &key("half.bin"))
        .send()
        .await
        .unwrap();
    let err = out.body.collect().await.unwrap_err();
    assert!(
        matches!(
            err.without_context(),
            Error::Timeout(TimeoutError::BodyStalled(_))
        ),
        "{err:?}"
    );
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}
