//! Item 11: a client cannot hold the emulator's connections, descriptors, temp files
//! or log memory without sending authenticated requests: half-sent heads and stalled
//! bodies time out, idle connections close, the connection count is capped, and the
//! request log keeps unauthenticated requests clipped and stays under its byte budget.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use crate::common::{request, send};
use cos_emulator::{Emulator, UNTRUSTED_HEADERS_MAX, UNTRUSTED_VALUE_MAX};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HOST: &str = "test-1250000000.cos.ap-guangzhou.myqcloud.com";

/// Whether the server closes `s` within `within` (EOF or reset), reading and
/// discarding whatever it sends first.
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

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Opens a connection and sends `bytes` without finishing the request.
async fn half_sent(addr: SocketAddr, bytes: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(bytes.as_bytes()).await.unwrap();
    s.flush().await.unwrap();
    s
}

#[tokio::test]
async fn half_sent_heads_time_out_without_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .header_read_timeout(Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    let before = files(dir.path());
    let head = format!("PUT /big HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 1000000\r\nx-cos-me");
    let mut conns = Vec::new();
    for _ in 0..50 {
        conns.push(half_sent(addr, &head).await);
    }
    // A complete head whose signature is wrong, with part of its body: answered 403
    // without a temp file for its body.
    let bad = format!(
        "PUT /big HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 1000000\r\n\
         Authorization: q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1;9999999999&\
         q-key-time=1;9999999999&q-header-list=&q-url-param-list=&q-signature=00\r\n\r\n"
    );
    let mut bad_conn = half_sent(addr, &bad).await;
    bad_conn.write_all(&[1u8; 1000]).await.unwrap();
    let mut answer = vec![0u8; 12];
    tokio::time::timeout(Duration::from_secs(20), bad_conn.read_exact(&mut answer))
        .await
        .expect("no answer to a badly signed request")
        .unwrap();
    assert_eq!(&answer, b"HTTP/1.1 403");
    assert_eq!(
        files(dir.path()),
        before,
        "a file appeared for an incomplete head"
    );
    for (i, c) in conns.iter_mut().enumerate() {
        assert!(
            closed_within(c, Duration::from_secs(20)).await,
            "half-sent head {i} still open"
        );
    }
    assert_eq!(files(dir.path()), before);
    // Still serving.
    assert_eq!(request(addr, "GET", "", "", &[], b"").await.status, 200);
}

#[tokio::test]
async fn idle_connections_and_stalled_bodies_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .header_read_timeout(Duration::from_secs(60))
        .idle_timeout(Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    let before = files(dir.path());

    // A keep-alive connection left idle after a request.
    let keep = format!("GET / HTTP/1.1\r\nHost: {HOST}\r\n\r\n");
    let mut idle = half_sent(addr, &keep).await;
    // A signed upload that stops after 10 of its 100000 bytes.
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    let head = common::signed_head(
        "PUT",
        HOST,
        ("/stalled", "stalled"),
        "",
        &[],
        100_000,
        cos_auth::KeyTime::new(common::now() - 60, common::now() + 3600).unwrap(),
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(&[7u8; 10]).await.unwrap();

    assert!(closed_within(&mut idle, Duration::from_secs(20)).await);
    assert!(closed_within(&mut stalled, Duration::from_secs(20)).await);
    // The stalled upload's temp file is gone and no object was stored.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let a = request(addr, "HEAD", "stalled", "", &[], b"").await;
    assert_eq!(a.status, 404);
    assert_eq!(files(dir.path()), before);
    let stalled_log = emu
        .requests()
        .into_iter()
        .find(|r| r.key.as_deref() == Some("stalled"));
    assert_eq!(stalled_log.map(|r| r.status), Some(0), "logged as reset");
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let emu = Emulator::builder()
        .max_connections(2)
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    // Two keep-alive connections, each answered once and held open.
    let keep = format!("HEAD / HTTP/1.1\r\nHost: {HOST}\r\n\r\n");
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = half_sent(addr, &keep).await;
        let mut status = [0u8; 12];
        s.read_exact(&mut status).await.unwrap();
        assert_eq!(&status[..9], b"HTTP/1.1 ");
        held.push(s);
    }
    // A third is not served while both are held...
    let head = format!("HEAD / HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n");
    let third = tokio::spawn(async move { send(addr, &head, b"", true).await });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !third.is_finished(),
        "a third connection was served beyond the cap"
    );
    // ... and is once one of them closes.
    drop(held.pop());
    let answer = tokio::time::timeout(Duration::from_secs(20), third)
        .await
        .expect("the waiting connection was never served")
        .unwrap();
    assert!(answer.status > 0);
}

#[tokio::test]
async fn the_log_clips_unauthenticated_requests_and_keeps_its_byte_budget() {
    let emu = Emulator::builder()
        .request_log_max_bytes(512 << 10)
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    // Unauthenticated requests with 1 MiB headers and a long query value.
    let big = "a".repeat(1 << 20);
    let query = "b".repeat(16 << 10);
    for i in 0..20 {
        let head = format!(
            "GET /k{i}?x={query} HTTP/1.1\r\nHost: {HOST}\r\nx-big: {big}\r\n\
             x-small: kept\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(send(addr, &head, b"", false).await.status, 403);
    }
    let log = emu.requests();
    assert_eq!(log.len(), 21);
    let bytes = emu.request_log_bytes();
    assert!(
        bytes < 20 * 2 * UNTRUSTED_HEADERS_MAX + (64 << 10),
        "{bytes} bytes kept"
    );
    for r in &log[1..] {
        assert!(r.truncated);
        assert_eq!(r.header("x-big").map(str::len), Some(UNTRUSTED_VALUE_MAX));
        assert_eq!(r.header("x-small"), Some("kept"));
        assert_eq!(r.query_param("x").map(str::len), Some(UNTRUSTED_VALUE_MAX));
    }
    assert!(!log[0].truncated);

    // Authenticated requests are kept whole, within the byte budget: old ones go.
    let meta = "m".repeat(100 << 10);
    for i in 0..12 {
        let key = format!("meta{i}");
        let a = request(addr, "PUT", &key, "", &[("x-cos-meta-big", &meta)], b"x").await;
        assert!(a.status > 0);
    }
    let bytes = emu.request_log_bytes();
    assert!(bytes <= 512 << 10, "{bytes} bytes kept, over the budget");
    let log = emu.requests();
    let last = log.last().unwrap();
    assert_eq!(last.key.as_deref(), Some("meta11"));
    assert_eq!(last.header("x-cos-meta-big").map(str::len), Some(100 << 10));
    assert!(!last.truncated);
    assert!(log.iter().all(|r| r.key.as_deref() != Some("meta0")));
    emu.clear_requests();
    assert_eq!(emu.request_log_bytes(), 0);
}

/// Reads from `s` until `n` answers' status lines were seen or the connection ends;
/// returns what was read.
async fn read_answers(s: &mut TcpStream, n: usize) -> String {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        while String::from_utf8_lossy(&all).matches("HTTP/1.1 ").count() < n {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(k) => all.extend_from_slice(&buf[..k]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(20), read).await;
    String::from_utf8_lossy(&all).into_owned()
}

/// An error answered before the request body was read leaves the connection usable
/// (a small rest is read first) or says `Connection: close` (a large one): never an
/// answer promising keep-alive on a connection then closed under the client's next
/// request (what made the official Python SDK fail with `RemoteDisconnected`).
#[tokio::test]
async fn error_answers_keep_the_connection_usable_or_say_they_close() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.addr();
    // No bucket: PUT Object is refused before its body is read.
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!("PUT /k HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 5\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.write_all(b"hello").await.unwrap();
    let next = format!("GET / HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n");
    s.write_all(next.as_bytes()).await.unwrap();
    let answers = read_answers(&mut s, 2).await;
    assert_eq!(answers.matches("HTTP/1.1 ").count(), 2, "{answers}");

    // A large unread body: the answer says the connection closes.
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!("PUT /k HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 100000000\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let answer = read_answers(&mut s, 1).await.to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 40"), "{answer}");
    assert!(answer.contains("\r\nconnection: close\r\n"), "{answer}");
}
