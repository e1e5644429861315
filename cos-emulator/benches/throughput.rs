//! PUT/GET throughput of one large object and 4 KiB requests per second against the
//! emulator in bench mode, next to a bare hyper sink measured in the same run.
//!
//! `cargo bench -p cos-emulator --bench throughput` (`cargo xtask bench emulator`): a
//! 1 GiB object (`BENCH_EMULATOR_MIB` to change), and 4 KiB PUTs and GETs over four
//! keep-alive connections. Each round measures the sink and the emulator back to back;
//! the ratios are the medians of the rounds' ratios (`BENCH_EMULATOR_ROUNDS`, default
//! 9; which side goes first alternates), so that a slow moment of a shared machine does
//! not decide them.
//! Prints `RESULT name value` lines and the emulator/sink ratios.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cos_auth::qsign::{SignableRequest, SigningSettings, sign};
use cos_auth::{Credentials, KeyTime};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

// One fast allocator for the sink and the emulator alike: with glibc's, allocation
// dominates the small-request figures of both sides.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const HOST: &str = "bench-1250000000.cos.ap-guangzhou.myqcloud.com";
const CHUNK: usize = 1 << 20;

/// `remaining` bytes made of one repeated chunk.
struct Repeat {
    chunk: Bytes,
    remaining: u64,
}

impl Body for Repeat {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let n = self.remaining.min(self.chunk.len() as u64) as usize;
        self.remaining -= n as u64;
        Poll::Ready(Some(Ok(Frame::data(self.chunk.slice(..n)))))
    }
    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

/// One shared 1 MiB chunk: bodies slice it instead of allocating (and zero-filling)
/// a fresh one per request, which would dominate the small-request measurement.
fn chunk() -> Bytes {
    static CHUNK_DATA: std::sync::OnceLock<Bytes> = std::sync::OnceLock::new();
    CHUNK_DATA
        .get_or_init(|| Bytes::from(vec![0x5a; CHUNK]))
        .clone()
}

fn repeat(len: u64) -> Repeat {
    Repeat {
        chunk: chunk(),
        remaining: len,
    }
}

/// A server that discards request bodies and answers GETs with `size` bytes (4 KiB
/// under `/small/`).
async fn sink(size: u64) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((s, _)) = listener.accept().await else {
                continue;
            };
            let _ = s.set_nodelay(true);
            tokio::spawn(async move {
                let svc = service_fn(move |req: Request<Incoming>| async move {
                    let is_get = req.method() == hyper::Method::GET;
                    let small = req.uri().path().starts_with("/small/");
                    let mut body = req.into_body();
                    while let Some(f) = body.frame().await {
                        if f.is_err() {
                            break;
                        }
                    }
                    let len = match (is_get, small) {
                        (false, _) => 0,
                        (true, true) => 4096,
                        (true, false) => size,
                    };
                    let mut r = Response::new(repeat(len));
                    r.headers_mut().insert("content-length", len.into());
                    Ok::<_, Infallible>(r)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(s), svc)
                    .await;
            });
        }
    });
    addr
}

type Sender = hyper::client::conn::http1::SendRequest<Repeat>;

async fn connect(addr: SocketAddr) -> Sender {
    let s = TcpStream::connect(addr).await.unwrap();
    s.set_nodelay(true).unwrap();
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(s))
        .await
        .unwrap();
    tokio::spawn(conn);
    sender
}

fn signed(method: &str, key: &str, len: u64) -> hyper::http::request::Builder {
    let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap();
    let len_s = len.to_string();
    let headers = [("Host", HOST), ("Content-Length", len_s.as_str())];
    let now = KeyTime::new(0, 0).map(|_| ()).ok();
    let _ = now;
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let auth = sign(
        &SignableRequest::new(method, key).headers(&headers),
        &creds,
        KeyTime::new(t - 60, t + 3600).unwrap(),
        &SigningSettings::default(),
    );
    Request::builder()
        .method(method)
        .uri(format!("/{key}"))
        .header("host", HOST)
        .header("content-length", len_s)
        .header("authorization", auth.authorization())
}

async fn send(sender: &mut Sender, req: Request<Repeat>) -> u64 {
    sender.ready().await.unwrap();
    let resp = sender.send_request(req).await.unwrap();
    assert!(resp.status().is_success(), "status {}", resp.status());
    let mut body = resp.into_body();
    let mut n = 0u64;
    while let Some(f) = body.frame().await {
        if let Ok(d) = f.unwrap().into_data() {
            n += d.len() as u64;
        }
    }
    n
}

/// MiB/s of one PUT and one GET of `size` bytes.
async fn big(addr: SocketAddr, size: u64) -> (f64, f64) {
    let mut s = connect(addr).await;
    let t = Instant::now();
    send(
        &mut s,
        signed("PUT", "big.bin", size).body(repeat(size)).unwrap(),
    )
    .await;
    let put = size as f64 / (1 << 20) as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    let got = send(&mut s, signed("GET", "big.bin", 0).body(repeat(0)).unwrap()).await;
    assert_eq!(got, size);
    let get = size as f64 / (1 << 20) as f64 / t.elapsed().as_secs_f64();
    (put, get)
}

/// 4 KiB PUTs (or GETs of what they wrote) per second over `conns` keep-alive
/// connections for `secs`.
async fn small(addr: SocketAddr, conns: usize, secs: f64, get: bool) -> f64 {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..conns {
        tasks.push(tokio::spawn(async move {
            let mut s = connect(addr).await;
            let mut n = 0u64;
            while Instant::now() < deadline {
                let key = format!("small/{c}/{}", n % 64);
                if get {
                    let got = send(&mut s, signed("GET", &key, 0).body(repeat(0)).unwrap()).await;
                    assert_eq!(got, 4096);
                } else {
                    send(
                        &mut s,
                        signed("PUT", &key, 4096).body(repeat(4096)).unwrap(),
                    )
                    .await;
                }
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mib: u64 = std::env::var("BENCH_EMULATOR_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let rounds: usize = std::env::var("BENCH_EMULATOR_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(9)
        .max(1);
    let size = mib << 20;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let emu = cos_emulator::Emulator::builder()
            .bench_mode(true)
            .start()
            .await
            .unwrap();
        let mut s = connect(emu.addr()).await;
        send(&mut s, signed("PUT", "", 0).body(repeat(0)).unwrap()).await;
        let sink = sink(size).await;
        println!("object size: {mib} MiB, {rounds} rounds");
        if std::env::var("BENCH_ONLY").is_ok_and(|v| v == "put") {
            // For profiling the PUT path alone.
            for _ in 0..10 {
                let (ep, _) = big(emu.addr(), size).await;
                println!("emulator put {ep:.0} MiB/s");
            }
            return;
        }
        if std::env::var("BENCH_ONLY").is_ok_and(|v| v == "small") {
            let put = small(emu.addr(), 4, 5.0, false).await;
            let get = small(emu.addr(), 4, 2.0, true).await;
            println!("emulator 4 KiB PUT {put:.0}/s, GET {get:.0}/s");
            return;
        }
        // Warm up both (connections, allocator, the process's memory: the first large
        // PUTs into fresh memory are page-fault bound), then alternate.
        for addr in [emu.addr(), sink] {
            small(addr, 2, 0.3, false).await;
            small(addr, 2, 0.3, true).await;
            big(addr, size).await;
            big(addr, size).await;
        }
        // [sink, emulator] x [put, get, put4k, get4k], one entry per round.
        let mut runs: [[Vec<f64>; 4]; 2] = Default::default();
        for round in 0..rounds {
            let mut line = Vec::new();
            // The side that goes first alternates.
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for side in order {
                let addr = [sink, emu.addr()][side];
                let (put, get) = big(addr, size).await;
                let put4k = small(addr, 4, 0.5, false).await;
                let get4k = small(addr, 4, 0.5, true).await;
                for (i, v) in [put, get, put4k, get4k].into_iter().enumerate() {
                    runs[side][i].push(v);
                }
                line.push(format!(
                    "{} put {put:.0} MiB/s get {get:.0} MiB/s put4k {put4k:.0}/s get4k {get4k:.0}/s",
                    ["sink", "emulator"][side]
                ));
            }
            eprintln!("round {round}: {}", line.join(" | "));
        }
        let names = ["put_mibs", "get_mibs", "put4k_rps", "get4k_rps"];
        for (side, who) in ["sink", "emulator"].into_iter().enumerate() {
            for (i, name) in names.iter().enumerate() {
                println!("RESULT {who}_{name} {:.0}", median(runs[side][i].clone()));
            }
        }
        for (i, ratio) in ["ratio_put", "ratio_get", "ratio_put4k", "ratio_get4k"]
            .into_iter()
            .enumerate()
        {
            let per_round: Vec<f64> = runs[1][i]
                .iter()
                .zip(&runs[0][i])
                .map(|(e, s)| e / s)
                .collect();
            println!("RESULT {ratio} {:.2}", median(per_round));
        }
        emu.shutdown().await;
    });
}
