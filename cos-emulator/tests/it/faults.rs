//! Fault injection is observable on the wire and in the request log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use crate::common::request;
use cos_emulator::{Emulator, FaultAction, FaultRule};

async fn with_bucket(b: cos_emulator::EmulatorBuilder) -> cos_emulator::EmulatorHandle {
    let emu = b.start().await.unwrap();
    assert_eq!(
        request(emu.addr(), "PUT", "", "", &[], b"").await.status,
        200
    );
    emu
}

#[tokio::test]
async fn status_faults_for_the_first_n_matching_requests() {
    let emu = with_bucket(
        Emulator::builder()
            .fault(FaultRule::parse("op=PutObject,key=big/*,status=503,first=2").unwrap()),
    )
    .await;
    let addr = emu.addr();
    let other = request(addr, "PUT", "small/x", "", &[], b"x").await;
    assert_eq!(other.status, 200);
    let statuses = [
        request(addr, "PUT", "big/x", "", &[], b"x").await,
        request(addr, "PUT", "big/x", "", &[], b"x").await,
        request(addr, "PUT", "big/x", "", &[], b"x").await,
    ];
    assert_eq!(
        statuses.iter().map(|a| a.status).collect::<Vec<_>>(),
        [503, 503, 200]
    );
    assert!(
        statuses[0].text().contains("<Code>SlowDown</Code>"),
        "{}",
        statuses[0].text()
    );
    assert!(statuses[0].header("x-cos-request-id").is_some());
    let log: Vec<(String, u16)> = emu
        .requests()
        .into_iter()
        .filter(|r| r.key.as_deref() == Some("big/x"))
        .map(|r| (r.operation, r.status))
        .collect();
    assert_eq!(
        log,
        [
            ("PutObject".into(), 503),
            ("PutObject".into(), 503),
            ("PutObject".into(), 200)
        ]
    );
}

#[tokio::test]
async fn probabilistic_faults_are_deterministic_with_a_seed() {
    async fn run(seed: u64) -> Vec<u16> {
        let emu = with_bucket(
            Emulator::builder().seed(seed).fault(
                FaultRule::new(FaultAction::status(500))
                    .operation("HeadObject")
                    .probability(0.5),
            ),
        )
        .await;
        request(emu.addr(), "PUT", "k", "", &[], b"v").await;
        let mut out = Vec::new();
        for _ in 0..20 {
            out.push(request(emu.addr(), "HEAD", "k", "", &[], b"").await.status);
        }
        out
    }
    let a = run(42).await;
    assert_eq!(a, run(42).await);
    assert!(a.contains(&500) && a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn resets_truncation_and_latency() {
    let emu = with_bucket(Emulator::builder()).await;
    let addr = emu.addr();
    let data = vec![9u8; 300_000];
    assert_eq!(
        request(addr, "PUT", "obj", "", &[], &data).await.status,
        200
    );

    emu.add_fault(FaultRule::parse("op=GetObject,reset-response-after=100000").unwrap());
    let cut = request(addr, "GET", "obj", "", &[], b"").await;
    assert_eq!(cut.status, 200);
    assert!(cut.cut, "the body must be cut");
    assert_eq!(cut.body.len(), 100_000);
    emu.clear_faults();

    emu.add_fault(FaultRule::new(FaultAction::TruncateResponse(10)).operation("GetObject"));
    let short = request(addr, "GET", "obj", "", &[], b"").await;
    assert!(short.cut && short.body.len() == 10, "{}", short.body.len());
    emu.clear_faults();

    emu.add_fault(
        FaultRule::parse("latency-ms=300")
            .unwrap()
            .operation("HeadObject"),
    );
    let t = Instant::now();
    assert_eq!(request(addr, "HEAD", "obj", "", &[], b"").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    emu.clear_faults();

    let whole = request(addr, "GET", "obj", "", &[], b"").await;
    assert_eq!(
        (whole.status, whole.body.len(), whole.cut),
        (200, data.len(), false)
    );
    emu.clear_requests();
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn auth_failures_map_to_cos_codes() {
    let emu = with_bucket(Emulator::builder()).await;
    let addr = emu.addr();
    let host = "test-1250000000.cos.ap-guangzhou.myqcloud.com";
    // Anonymous on a private bucket.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    s.write_all(format!("GET /k HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 403"), "{out}");
    assert!(out.contains("<Code>AccessDenied</Code>"), "{out}");
    // An expired signature.
    let auth = "q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1000;2000&q-key-time=1000;2000&q-header-list=host&q-url-param-list=&q-signature=0000000000000000000000000000000000000000";
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!(
            "GET /k HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(
        out.contains("<Code>AccessDenied</Code>") && out.contains("expired"),
        "{out}"
    );
}
