//! Transfer throughput against the emulator in bench mode, in one process tree and one
//! run: a bare hyper multipart-upload / ranged-download harness (the ceiling), ours
//! (`upload_file` / `download_file`), and the official Python SDK at its defaults and at
//! its best settings; plus the peak RSS of a large upload, measured in a child process.
//!
//! `cargo bench -p cos-transfer --bench transfer` (or `cargo xtask bench transfer`).
//! Environment: `BENCH_TRANSFER_MIB` (object size, default 1024), `BENCH_TRANSFER_RUNS`
//! (runs per measurement, default 4: the order of ours and the ceiling alternates), `BENCH_TRANSFER_RSS_MIB` (default 4096),
//! `BENCH_TRANSFER_PYTHON=0` to skip Python, `BENCH_TRANSFER_PART_MIB` /
//! `BENCH_TRANSFER_CONCURRENCY` to try other settings for ours and the ceiling,
//! `BENCH_TRANSFER_ONLY=ours_up|ours_down|ceiling_up|ceiling_down` to repeat one
//! measurement (for profiling).
//! Prints `RESULT name value` lines, a table, and a last line
//! `transfer: up_vs_ceiling=R up_vs_python_best=R down_vs_ceiling=R down_vs_python_best=R rss_4g_mib=N`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use cos_auth::qsign::{SignableRequest, SigningSettings, sign};
use cos_auth::{Credentials, KeyTime};
use cos_core::{BucketName, Client, Config};
use cos_transfer::{
    CancelHandle, CosBackend, DownloadOptions, UploadOptions, download_file, upload_file,
};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

const BUCKET: &str = "bench-1250000000";
const HOST: &str = "bench-1250000000.cos.ap-guangzhou.myqcloud.com";
const MIB: u64 = 1 << 20;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn client(addr: SocketAddr) -> Client {
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
        .connect_to(addr.to_string())
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

/// Our settings: the defaults unless overridden for an experiment.
fn our_options() -> (UploadOptions, DownloadOptions) {
    let (mut up, mut down) = (UploadOptions::default(), DownloadOptions::default());
    if let Ok(p) = std::env::var("BENCH_TRANSFER_PART_MIB") {
        let p: u64 = p.parse().unwrap();
        up = up.part_size(p * MIB);
        down = down.part_size(p * MIB);
    }
    if let Ok(c) = std::env::var("BENCH_TRANSFER_CONCURRENCY") {
        let c: usize = c.parse().unwrap();
        up = up.concurrency(c);
        down = down.concurrency(c);
    }
    (up, down)
}

// ---------------------------------------------------------------- the ceiling

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Sender {
    let s = TcpStream::connect(addr).await.unwrap();
    s.set_nodelay(true).unwrap();
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(s))
        .await
        .unwrap();
    tokio::spawn(conn);
    sender
}

fn signed(method: &str, key: &str, params: &[(&str, &str)]) -> hyper::http::request::Builder {
    let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap();
    let headers = [("Host", HOST)];
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let auth = sign(
        &SignableRequest::new(method, key)
            .params(params)
            .headers(&headers),
        &creds,
        KeyTime::new(t - 60, t + 3600).unwrap(),
        &SigningSettings::default(),
    );
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                (*k).to_owned()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    let uri = if query.is_empty() {
        format!("/{key}")
    } else {
        format!("/{key}?{}", query.join("&"))
    };
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", HOST)
        .header("authorization", auth.authorization())
}

/// Sends a request; returns the response headers and body.
async fn send(s: &mut Sender, req: Request<Full<Bytes>>) -> (hyper::HeaderMap, Bytes) {
    s.ready().await.unwrap();
    let resp = s.send_request(req).await.unwrap();
    assert!(resp.status().is_success(), "status {}", resp.status());
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (headers, body)
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).unwrap() + open.len();
    let end = text[start..].find(close).unwrap() + start;
    &text[start..end]
}

fn read_at(file: &File, buf: &mut [u8], offset: u64) {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset).unwrap();
}

fn write_at(file: &File, buf: &[u8], offset: u64) {
    use std::os::unix::fs::FileExt;
    file.write_all_at(buf, offset).unwrap();
}

/// File → multipart upload with plain hyper: one connection per worker, a reused
/// buffer each, no checksums, no retries.
async fn ceiling_upload(addr: SocketAddr, src: &Path, key: &str, part: u64, workers: usize) {
    let size = std::fs::metadata(src).unwrap().len();
    let mut s = connect(addr).await;
    let (_, body) = send(
        &mut s,
        signed("POST", key, &[("uploads", "")])
            .body(Full::new(Bytes::new()))
            .unwrap(),
    )
    .await;
    let upload_id: Arc<str> = between(
        std::str::from_utf8(&body).unwrap(),
        "<UploadId>",
        "</UploadId>",
    )
    .into();
    let parts = size.div_ceil(part) as u32;
    let next = Arc::new(AtomicU32::new(1));
    let file = Arc::new(File::open(src).unwrap());
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (next, file, upload_id, key) = (
            next.clone(),
            file.clone(),
            upload_id.clone(),
            key.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            let mut s = connect(addr).await;
            let mut buf = BytesMut::new();
            let mut etags = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n > parts {
                    return etags;
                }
                let offset = u64::from(n - 1) * part;
                let len = part.min(size - offset) as usize;
                let f = file.clone();
                buf = tokio::task::spawn_blocking(move || {
                    buf.resize(len, 0);
                    read_at(&f, &mut buf, offset);
                    buf
                })
                .await
                .unwrap();
                let body = buf.freeze();
                let number = n.to_string();
                let req = signed(
                    "PUT",
                    &key,
                    &[("partNumber", &number), ("uploadId", &upload_id)],
                )
                .header("content-length", len)
                .body(Full::new(body.clone()))
                .unwrap();
                let body_back = body;
                let (headers, _) = send(&mut s, req).await;
                etags.push((n, headers["etag"].to_str().unwrap().to_owned()));
                // The request (and its body) is gone: take the allocation back.
                buf = body_back.try_into_mut().unwrap_or_default();
            }
        }));
    }
    let mut etags = Vec::new();
    for t in tasks {
        etags.extend(t.await.unwrap());
    }
    etags.sort();
    let mut xml = String::from("<CompleteMultipartUpload>");
    for (n, e) in etags {
        xml.push_str(&format!(
            "<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>"
        ));
    }
    xml.push_str("</CompleteMultipartUpload>");
    send(
        &mut s,
        signed("POST", key, &[("uploadId", &upload_id)])
            .body(Full::new(Bytes::from(xml)))
            .unwrap(),
    )
    .await;
}

/// Writes `buf` at `at` on the blocking pool and hands the (cleared) buffer back.
async fn flush(file: &Arc<File>, buf: BytesMut, at: u64) -> BytesMut {
    let f = file.clone();
    let mut buf = tokio::task::spawn_blocking(move || {
        write_at(&f, &buf, at);
        buf
    })
    .await
    .unwrap();
    buf.clear();
    buf
}

/// Ranged GETs with plain hyper into a file, 1 MiB positioned writes, no checksums.
async fn ceiling_download(
    addr: SocketAddr,
    key: &str,
    dest: &Path,
    size: u64,
    part: u64,
    workers: usize,
) {
    let file = File::create(dest).unwrap();
    file.set_len(size).unwrap();
    let file = Arc::new(file);
    let parts = size.div_ceil(part) as u32;
    let next = Arc::new(AtomicU32::new(1));
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (next, file, key) = (next.clone(), file.clone(), key.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut s = connect(addr).await;
            let mut buf = BytesMut::with_capacity(2 * MIB as usize);
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n > parts {
                    return;
                }
                let start = u64::from(n - 1) * part;
                let end = (start + part).min(size) - 1;
                let req = signed("GET", &key, &[])
                    .header("range", format!("bytes={start}-{end}"))
                    .body(Full::new(Bytes::new()))
                    .unwrap();
                s.ready().await.unwrap();
                let resp = s.send_request(req).await.unwrap();
                assert!(resp.status().is_success());
                let mut body = resp.into_body();
                let mut at = start;
                while let Some(frame) = body.frame().await {
                    if let Ok(d) = frame.unwrap().into_data() {
                        buf.extend_from_slice(&d);
                        if buf.len() >= MIB as usize {
                            let n = buf.len() as u64;
                            buf = flush(&file, buf, at).await;
                            at += n;
                        }
                    }
                }
                if !buf.is_empty() {
                    buf = flush(&file, buf, at).await;
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

// ---------------------------------------------------------------- Python

const PY_BENCH: &str = r#"
import os, sys, time
from qcloud_cos import CosConfig, CosS3Client
port, mode, bucket, key, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
part, threads, runs = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
config = CosConfig(Region='ap-guangzhou', SecretId='AKIDEXAMPLE', SecretKey='SECRETKEYEXAMPLE',
                   Scheme='http', IP='127.0.0.1', Port=port, ServiceDomain='127.0.0.1:%d' % port)
client = CosS3Client(config)
for _ in range(runs):
    t = time.perf_counter()
    if mode == 'up':
        client.upload_file(Bucket=bucket, Key=key, LocalFilePath=path, PartSize=part, MAXThread=threads)
    else:
        client.download_file(Bucket=bucket, Key=key, DestFilePath=path, PartSize=part, MAXThread=threads)
    print('TIME %.6f' % (time.perf_counter() - t), flush=True)
    if mode == 'down':
        os.remove(path)
"#;

fn python() -> Option<PathBuf> {
    if std::env::var("BENCH_TRANSFER_PYTHON").is_ok_and(|v| v == "0") {
        return None;
    }
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/xtask-python/bin/python");
    Command::new(&py)
        .args(["-c", "import qcloud_cos"])
        .output()
        .is_ok_and(|o| o.status.success())
        .then_some(py)
}

/// Seconds per run of the Python SDK's upload_file / download_file.
#[allow(clippy::too_many_arguments)]
fn python_runs(
    py: &Path,
    addr: SocketAddr,
    mode: &str,
    key: &str,
    path: &Path,
    part: u64,
    threads: u64,
    runs: u64,
) -> Vec<f64> {
    let out = Command::new(py)
        .args(["-c", PY_BENCH, &addr.port().to_string(), mode, BUCKET, key])
        .arg(path)
        .args([part.to_string(), threads.to_string(), runs.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python {mode} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("TIME ")?.parse().ok())
        .collect()
}

// ---------------------------------------------------------------- RSS child

/// In the child: uploads a sparse file of `BENCH_TRANSFER_RSS_MIB` with our defaults and
/// prints the peak RSS.
fn rss_child(addr: &str) {
    let path = PathBuf::from(std::env::var("COS_TRANSFER_BENCH_RSS_FILE").unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let before = vm_hwm_kib();
    rt.block_on(async {
        let backend = CosBackend::new(client(addr.parse().unwrap()));
        let (up, _) = our_options();
        upload_file(
            &backend,
            BUCKET,
            "rss.bin",
            &path,
            &up,
            None,
            &CancelHandle::new(),
        )
        .await
        .unwrap();
    });
    println!("RSS_BEFORE_KIB {before}");
    println!("RSS_KIB {}", vm_hwm_kib());
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn rss_of_upload(addr: SocketAddr, dir: &Path, mib: u64) -> (u64, u64) {
    let path = dir.join("rss-sparse.bin");
    File::create(&path).unwrap().set_len(mib * MIB).unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .env("COS_TRANSFER_BENCH_RSS_ADDR", addr.to_string())
        .env("COS_TRANSFER_BENCH_RSS_FILE", &path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&path).unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap()
    };
    (get("RSS_KIB "), get("RSS_BEFORE_KIB "))
}

// ---------------------------------------------------------------- main

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn mibs(size: u64, secs: f64) -> f64 {
    size as f64 / MIB as f64 / secs
}

async fn timed<F: std::future::Future<Output = ()>>(f: F) -> f64 {
    let t = Instant::now();
    f.await;
    t.elapsed().as_secs_f64()
}

fn write_source(path: &Path, size: u64) {
    use std::io::Write;
    let mut f = std::io::BufWriter::with_capacity(4 << 20, File::create(path).unwrap());
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut chunk = vec![0u8; MIB as usize];
    let mut left = size;
    while left > 0 {
        for w in chunk.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w.copy_from_slice(&x.to_le_bytes());
        }
        let n = left.min(MIB) as usize;
        f.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    f.flush().unwrap();
}

fn main() {
    if let Ok(addr) = std::env::var("COS_TRANSFER_BENCH_RSS_ADDR") {
        rss_child(&addr);
        return;
    }
    let size = env_u64("BENCH_TRANSFER_MIB", 1024) * MIB;
    let runs = env_u64("BENCH_TRANSFER_RUNS", 4).max(1);
    let rss_mib = env_u64("BENCH_TRANSFER_RSS_MIB", 4096);
    let (up_opts, down_opts) = our_options();
    let (part, conc) = (up_opts.sizing.part_size, up_opts.concurrency);
    let crc_speed = {
        let data = vec![7u8; 64 << 20];
        let t = Instant::now();
        for _ in 0..4 {
            std::hint::black_box(cos_transfer::crc64::checksum(std::hint::black_box(&data)));
        }
        (4 * 64) as f64 / 1024.0 / t.elapsed().as_secs_f64()
    };
    println!("crc64: {crc_speed:.1} GiB/s on one core");

    // The emulator runs on its own runtime, the clients on another.
    let emu_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("emulator")
        .build()
        .unwrap();
    let emu = emu_rt.block_on(async {
        cos_emulator::Emulator::builder()
            .bench_mode(true)
            .start()
            .await
            .unwrap()
    });
    let addr = emu.addr();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    write_source(&src, size);
    // Downloads land in memory (tmpfs) when there is one, so that the disk's writeback
    // does not decide the numbers.
    let shm = Path::new("/dev/shm");
    let dest_dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let dest = dest_dir.path().join("dest.bin");
    println!(
        "object {} MiB, {runs} runs each, part {} MiB x {conc} (upload), {} MiB x {} (download)",
        size / MIB,
        part / MIB,
        down_opts.part_size / MIB,
        down_opts.concurrency
    );

    let (mut c_up, mut c_down, mut o_up, mut o_down) = (vec![], vec![], vec![], vec![]);
    let only = std::env::var("BENCH_TRANSFER_ONLY").ok();
    rt.block_on(async {
        let backend = CosBackend::new(client(addr));
        backend
            .client()
            .create_bucket(&BucketName::new(BUCKET).unwrap())
            .send()
            .await
            .unwrap();
        if let Some(only) = &only {
            // Profiling aid: one measurement, repeated.
            upload_file(
                &backend,
                BUCKET,
                "ours.bin",
                &src,
                &up_opts,
                None,
                &CancelHandle::new(),
            )
            .await
            .unwrap();
            for _ in 0..runs {
                let t = match only.as_str() {
                    "ceiling_up" => {
                        timed(ceiling_upload(addr, &src, "ceiling.bin", part, conc)).await
                    }
                    "ours_up" => {
                        timed(async {
                            upload_file(
                                &backend,
                                BUCKET,
                                "ours.bin",
                                &src,
                                &up_opts,
                                None,
                                &CancelHandle::new(),
                            )
                            .await
                            .unwrap();
                        })
                        .await
                    }
                    "ceiling_down" => {
                        timed(ceiling_download(
                            addr,
                            "ours.bin",
                            &dest,
                            size,
                            down_opts.part_size,
                            down_opts.concurrency,
                        ))
                        .await
                    }
                    _ => {
                        timed(async {
                            download_file(
                                &backend,
                                BUCKET,
                                "ours.bin",
                                &dest,
                                &down_opts,
                                None,
                                &CancelHandle::new(),
                            )
                            .await
                            .unwrap();
                        })
                        .await
                    }
                };
                let _ = std::fs::remove_file(&dest);
                eprintln!("{only}: {:.0} MiB/s", mibs(size, t));
            }
            return;
        }
        // All uploads, then all downloads; each phase starts with an unrecorded round
        // (allocator, page cache, emulator), then the order alternates between runs so
        // that neither side always goes first.
        for run in 0..=runs + 1 {
            let ours_first = run % 2 == 1;
            let warm = run < 2;
            let mut up = [0f64; 2];
            for side in [ours_first, !ours_first] {
                up[usize::from(side)] = if side {
                    timed(async {
                        upload_file(
                            &backend,
                            BUCKET,
                            "ours.bin",
                            &src,
                            &up_opts,
                            None,
                            &CancelHandle::new(),
                        )
                        .await
                        .unwrap();
                    })
                    .await
                } else {
                    timed(ceiling_upload(addr, &src, "ceiling.bin", part, conc)).await
                };
            }
            eprintln!(
                "upload run {run}{}: ceiling {:.0} / ours {:.0} MiB/s",
                if warm { " (warm-up)" } else { "" },
                mibs(size, up[0]),
                mibs(size, up[1]),
            );
            if !warm {
                c_up.push(up[0]);
                o_up.push(up[1]);
            }
        }
        for run in 0..=runs + 1 {
            let ours_first = run % 2 == 1;
            let warm = run < 2;
            let mut down = [0f64; 2];
            for side in [ours_first, !ours_first] {
                down[usize::from(side)] = if side {
                    timed(async {
                        download_file(
                            &backend,
                            BUCKET,
                            "ours.bin",
                            &dest,
                            &down_opts,
                            None,
                            &CancelHandle::new(),
                        )
                        .await
                        .unwrap();
                    })
                    .await
                } else {
                    timed(ceiling_download(
                        addr,
                        "ceiling.bin",
                        &dest,
                        size,
                        down_opts.part_size,
                        down_opts.concurrency,
                    ))
                    .await
                };
                std::fs::remove_file(&dest).unwrap();
            }
            eprintln!(
                "download run {run}{}: ceiling {:.0} / ours {:.0} MiB/s",
                if warm { " (warm-up)" } else { "" },
                mibs(size, down[0]),
                mibs(size, down[1])
            );
            if !warm {
                c_down.push(down[0]);
                o_down.push(down[1]);
            }
        }
    });
    if only.is_some() {
        return; // the temporary folders are removed on the way out
    }
    let c_up = mibs(size, median(c_up));
    let c_down = mibs(size, median(c_down));
    let o_up = mibs(size, median(o_up));
    let o_down = mibs(size, median(o_down));

    // Python: defaults, a small sweep (one run each), then the best setting `runs` times.
    let mut rows: Vec<(String, f64, f64)> = vec![
        ("bare hyper (ceiling)".into(), c_up, c_down),
        ("cos-transfer (ours)".into(), o_up, o_down),
    ];
    let mut py_best = None;
    if let Some(py) = python() {
        let up_default = mibs(
            size,
            median(python_runs(&py, addr, "up", "py.bin", &src, 1, 5, runs)),
        );
        let down_default = mibs(
            size,
            median(python_runs(
                &py, addr, "down", "ours.bin", &dest, 20, 5, runs,
            )),
        );
        let sweep = [(8, 5), (8, 10), (16, 10), (32, 10), (64, 16)];
        let best = |mode: &str, key: &str, path: &Path| -> (u64, u64, f64) {
            let (p, t) = sweep
                .iter()
                .copied()
                .map(|(p, t)| (p, t, python_runs(&py, addr, mode, key, path, p, t, 1)[0]))
                .min_by(|a, b| a.2.total_cmp(&b.2))
                .map(|(p, t, _)| (p, t))
                .unwrap();
            (
                p,
                t,
                mibs(
                    size,
                    median(python_runs(&py, addr, mode, key, path, p, t, runs)),
                ),
            )
        };
        let (up_p, up_t, up_best) = best("up", "py.bin", &src);
        let (down_p, down_t, down_best) = best("down", "ours.bin", &dest);
        // The defaults are one of the candidates too.
        let (up_label, up_best) = if up_default > up_best {
            ("1 MB x 5".to_owned(), up_default)
        } else {
            (format!("{up_p} MB x {up_t}"), up_best)
        };
        let (down_label, down_best) = if down_default > down_best {
            ("20 MB x 5".to_owned(), down_default)
        } else {
            (format!("{down_p} MB x {down_t}"), down_best)
        };
        rows.push((
            "python SDK, defaults (up 1 MB x 5, down 20 MB x 5)".into(),
            up_default,
            down_default,
        ));
        rows.push((
            format!("python SDK, best (up {up_label}, down {down_label})"),
            up_best,
            down_best,
        ));
        py_best = Some((up_best, down_best));
    }

    let (rss_kib, before_kib) = rss_of_upload(addr, dir.path(), rss_mib);
    rt.block_on(async {
        let c = client(addr);
        let b = BucketName::new(BUCKET).unwrap();
        let _ = c
            .delete_object(&b, &cos_core::ObjectKey::new("rss.bin").unwrap())
            .send()
            .await;
    });
    let rss_mib_peak = rss_kib / 1024;
    let bound = 20 + 5 * (part / MIB) * conc as u64 / 2;

    println!();
    println!("{:<58} {:>12} {:>12}", "client", "up MiB/s", "down MiB/s");
    for (name, up, down) in &rows {
        println!("{name:<58} {up:>12.0} {down:>12.0}");
    }
    println!(
        "peak RSS of a {rss_mib} MiB upload: {rss_mib_peak} MiB (before: {} MiB; bound 20 + 2.5 x {} MiB x {conc} = {bound} MiB)",
        before_kib / 1024,
        part / MIB
    );
    for (name, v) in [
        ("ceiling_up_mibs", c_up),
        ("ceiling_down_mibs", c_down),
        ("ours_up_mibs", o_up),
        ("ours_down_mibs", o_down),
    ] {
        println!("RESULT {name} {v:.0}");
    }
    let (py_up, py_down) = py_best.unwrap_or((f64::NAN, f64::NAN));
    println!(
        "transfer: up_vs_ceiling={:.2} up_vs_python_best={:.2} down_vs_ceiling={:.2} down_vs_python_best={:.2} rss_4g_mib={rss_mib_peak}",
        o_up / c_up,
        o_up / py_up,
        o_down / c_down,
        o_down / py_down
    );
    drop(rt);
    emu_rt.block_on(emu.shutdown());
}
