//! An emulator process killed with SIGKILL mid-traffic loses no acknowledged PUT and
//! shows nothing half-written after a restart on the same data directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

use crate::common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::request;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const WRITERS: usize = 4;
const KEYS_PER_WRITER: usize = 8;

/// Starts the binary on `dir` and returns it with its address.
async fn spawn(dir: &std::path::Path) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cos-emulator"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(a) = line.strip_prefix("listening on http://") {
                return a.parse().unwrap();
            }
        }
        panic!("the emulator exited before listening");
    })
    .await
    .unwrap();
    // Keep reading its output so that it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, addr)
}

/// The body of a writer's `n`th PUT: its size varies, its bytes name it.
fn body(writer: usize, n: usize) -> Vec<u8> {
    let len = 1000 + (n * 7919 + writer * 104_729) % 300_000;
    let tag = format!("w{writer}n{n};");
    tag.bytes().cycle().take(len).collect()
}

/// A signed PUT that tolerates a dead emulator: the status, or `None` when the
/// connection failed or broke before a status line.
async fn put(addr: SocketAddr, key: &str, body: &[u8]) -> Option<u16> {
    use cos_auth::qsign::{SignableRequest, SigningSettings, sign};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = format!("{}.cos.ap-guangzhou.myqcloud.com", common::BUCKET);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let auth = sign(
        &SignableRequest::new("PUT", key).headers(&[("Host", &host)]),
        &common::creds(),
        cos_auth::KeyTime::new(now - 60, now + 3600).unwrap(),
        &SigningSettings::default(),
    );
    let head = format!(
        "PUT /{key} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
        body.len(),
        auth.authorization()
    );
    let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
    s.write_all(head.as_bytes()).await.ok()?;
    s.write_all(body).await.ok()?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut answer))
        .await
        .ok()?
        .ok()?;
    let line = String::from_utf8_lossy(&answer);
    line.split(' ').nth(1)?.parse().ok()
}

/// Per key: the last acknowledged body, and the one sent since (if any).
#[derive(Default, Clone)]
struct Seen {
    acked: Option<Vec<u8>>,
    pending: Option<Vec<u8>>,
}

/// PUTs in a loop until the emulator stops answering; each writer owns its keys and
/// overwrites them in turn.
async fn writer(addr: SocketAddr, w: usize, seen: Arc<Mutex<HashMap<String, Seen>>>) {
    for n in 0.. {
        let key = format!("w{w}/k{}", n % KEYS_PER_WRITER);
        let b = body(w, n);
        seen.lock().unwrap().entry(key.clone()).or_default().pending = Some(b.clone());
        if put(addr, &key, &b).await != Some(200) {
            return;
        }
        let mut s = seen.lock().unwrap();
        let e = s.entry(key).or_default();
        e.acked = Some(b);
        e.pending = None;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_puts_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr) = spawn(dir.path()).await;
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    let seen = Arc::new(Mutex::new(HashMap::new()));
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| tokio::spawn(writer(addr, w, seen.clone())))
        .collect();
    // Kill once enough PUTs were acknowledged (or after a while on a slow machine).
    let acked = |s: &HashMap<String, Seen>| s.values().filter(|v| v.acked.is_some()).count();
    for _ in 0..200 {
        if acked(&seen.lock().unwrap()) >= WRITERS * KEYS_PER_WRITER {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(30), t)
            .await
            .unwrap()
            .unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    assert!(acked(&seen) > 0, "no PUT was acknowledged before the kill");

    let (_child, addr) = spawn(dir.path()).await;
    for (key, s) in &seen {
        let got = request(addr, "GET", key, "", &[], b"").await;
        let body = (got.status == 200).then_some(&got.body);
        let ok = match (&s.acked, &s.pending) {
            (Some(a), p) => body == Some(a) || (p.is_some() && body == p.as_ref()),
            (None, p) => got.status == 404 || body == p.as_ref(),
        };
        assert!(
            ok && !got.cut,
            "{key}: got status {} with {} bytes ({:?}...)",
            got.status,
            got.body.len(),
            String::from_utf8_lossy(&got.body[..got.body.len().min(12)])
        );
    }
    // Nothing else is listed, and temp files are gone.
    let list = request(addr, "GET", "", "", &[], b"").await.text();
    for key in list
        .split("<Key>")
        .skip(1)
        .filter_map(|k| k.split('<').next())
    {
        assert!(seen.contains_key(key), "{key} was never sent: {list}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0,
        "temp files are removed on start"
    );
}

/// `--data-dir` on a non-empty directory that is not an emulator's: refused, untouched.
#[tokio::test]
async fn the_binary_refuses_a_foreign_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tmp")).unwrap();
    std::fs::write(dir.path().join("tmp/precious"), b"keep").unwrap();
    let out = tokio::time::timeout(
        Duration::from_secs(30),
        Command::new(env!("CARGO_BIN_EXE_cos-emulator"))
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .output(),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not an emulator data directory"), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join("tmp/precious")).unwrap(),
        b"keep"
    );
}
