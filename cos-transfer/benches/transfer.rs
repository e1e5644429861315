//! Transfer throughput against the emulator in bench mode, in one process tree and one
//! run (Linux): a bare hyper multipart-upload / ranged-download harness (the ceiling),
//! ours (`upload_file` / `download_file`), the official Python SDK (a warm worker
//! process) at its defaults and at its best settings, and a zero-copy sendfile(2) upload
//! client; plus the peak RSS of a large upload, measured in a child process.
//!
//! The emulator runs in a child process (this binary, re-run). The clients take turns in
//! rounds, in an order that rotates; ratios are the medians of the per-round ratios.
//! Each figure comes with CPU seconds per GiB: of the whole machine, of the client's
//! process alone and of the emulator's process alone. The split tells what a client costs
//! by itself, which is what decides its speed when the server is on another machine; the
//! throughput here is shared-machine throughput (both sides on the same two cores).
//!
//! Our client over HTTPS too (a second emulator process serving TLS; `transfer/https.rs`):
//! a table row and an `https: up_vs_http=R down_vs_http=R` line.
//!
//! `cargo bench -p cos-transfer --bench transfer` (or `cargo xtask bench transfer`).
//! Environment: `BENCH_TRANSFER_MIB` (object size, default 1024), `BENCH_TRANSFER_RUNS`
//! (measured rounds per direction after two warm-up rounds, default 6),
//! `BENCH_TRANSFER_RSS_MIB` (default 4096), `BENCH_TRANSFER_PYTHON=0` to skip Python,
//! `BENCH_TRANSFER_PART_MIB` / `BENCH_TRANSFER_CONCURRENCY` to try other settings for
//! ours and the ceiling, `BENCH_TRANSFER_ONLY=ours_up|ours_down|ceiling_up|ceiling_down|
//! zero_copy_up|python_up|python_down` to repeat one measurement (for profiling), `=pipe`
//! for the pipe upload alone,
//! `BENCH_TRANSFER_PIN=1` to keep the emulator on one core and the clients on the other,
//! `BENCH_TRANSFER_HTTPS=0` to skip the HTTPS figure.
//! Also the pipe upload of `transfer/pipe.rs` (`upload_reader` from a pipe vs
//! `upload_file`, and its peak RSS; `BENCH_TRANSFER_PIPE=0` skips it).
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
use cos_transfer::{CosBackend, DownloadOptions, Transfers, UploadOptions};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

#[path = "transfer/https.rs"]
mod https;
#[path = "transfer/pipe.rs"]
mod pipe;

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
        .connect_to(format!("http://{addr}"))
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

/// Initiate Multipart Upload over a new connection; returns it and the upload id.
async fn initiate(addr: SocketAddr, key: &str) -> (Sender, Arc<str>) {
    let mut s = connect(addr).await;
    let (_, body) = send(
        &mut s,
        signed("POST", key, &[("uploads", "")])
            .body(Full::new(Bytes::new()))
            .unwrap(),
    )
    .await;
    let id = between(
        std::str::from_utf8(&body).unwrap(),
        "<UploadId>",
        "</UploadId>",
    );
    (s, id.into())
}

/// Complete Multipart Upload with the `(number, etag)` the workers collected.
async fn complete(mut s: Sender, key: &str, upload_id: &str, mut etags: Vec<(u32, String)>) {
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
        signed("POST", key, &[("uploadId", upload_id)])
            .body(Full::new(Bytes::from(xml)))
            .unwrap(),
    )
    .await;
}

/// One multipart upload in progress, shared by its workers.
struct Job {
    addr: SocketAddr,
    file: File,
    key: String,
    upload_id: Arc<str>,
    next: AtomicU32,
    parts: u32,
    size: u64,
    part: u64,
}

impl Job {
    /// The next part to send: `(number, offset, len)`.
    fn take(&self) -> Option<(u32, u64, u64)> {
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        (n <= self.parts).then(|| {
            let offset = u64::from(n - 1) * self.part;
            (n, offset, self.part.min(self.size - offset))
        })
    }
}

/// Uploads `src` as `key` in parts of `part` bytes: Initiate, then `workers` copies of
/// `worker` (each sends parts it takes from the job and returns their ETags), Complete.
async fn multipart<W, F>(
    addr: SocketAddr,
    src: &Path,
    key: &str,
    part: u64,
    workers: usize,
    worker: W,
) where
    W: Fn(Arc<Job>) -> F,
    F: std::future::Future<Output = Vec<(u32, String)>> + Send + 'static,
{
    let size = std::fs::metadata(src).unwrap().len();
    let (s, upload_id) = initiate(addr, key).await;
    let job = Arc::new(Job {
        addr,
        file: File::open(src).unwrap(),
        key: key.to_owned(),
        upload_id: upload_id.clone(),
        next: AtomicU32::new(1),
        parts: size.div_ceil(part) as u32,
        size,
        part,
    });
    let tasks: Vec<_> = (0..workers)
        .map(|_| tokio::spawn(worker(job.clone())))
        .collect();
    let mut etags = Vec::new();
    for t in tasks {
        etags.extend(t.await.unwrap());
    }
    complete(s, key, &upload_id, etags).await;
}

/// File → multipart upload with plain hyper: one connection per worker, a reused
/// buffer each, no checksums, no retries.
async fn ceiling_upload(addr: SocketAddr, src: &Path, key: &str, part: u64, workers: usize) {
    multipart(addr, src, key, part, workers, |job| async move {
        let mut s = connect(job.addr).await;
        let mut buf = BytesMut::new();
        let mut etags = Vec::new();
        while let Some((n, offset, len)) = job.take() {
            let j = job.clone();
            buf = tokio::task::spawn_blocking(move || {
                buf.resize(len as usize, 0);
                read_at(&j.file, &mut buf, offset);
                buf
            })
            .await
            .unwrap();
            let body = buf.freeze();
            let number = n.to_string();
            let params = [
                ("partNumber", number.as_str()),
                ("uploadId", &job.upload_id),
            ];
            let req = signed("PUT", &job.key, &params)
                .header("content-length", len)
                .body(Full::new(body.clone()))
                .unwrap();
            let (headers, _) = send(&mut s, req).await;
            etags.push((n, headers["etag"].to_str().unwrap().to_owned()));
            // The request (and its body) is gone: take the allocation back.
            buf = body.try_into_mut().unwrap_or_default();
        }
        etags
    })
    .await;
}

/// A client that never copies a body through user space: each part's CRC-64 is read
/// through one 256 KiB buffer (as ours must, to verify it), then the part goes from the
/// page cache to the socket with sendfile(2), as raw HTTP/1.1 on one connection per
/// worker. It shows what loopback TCP and the emulator leave for any upload on this
/// machine, whatever the client does.
async fn zero_copy_upload(addr: SocketAddr, src: &Path, key: &str, part: u64, workers: usize) {
    multipart(addr, src, key, part, workers, |job| async move {
        let mut tcp = TcpStream::connect(job.addr).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        let mut etags = Vec::new();
        let mut crc_buf = vec![0u8; 256 * 1024];
        while let Some((n, offset, len)) = job.take() {
            let j = job.clone();
            crc_buf = tokio::task::spawn_blocking(move || {
                let mut crc = cos_crc64::Crc64::new();
                let mut at = 0;
                while at < len {
                    let k = (len - at).min(crc_buf.len() as u64) as usize;
                    read_at(&j.file, &mut crc_buf[..k], offset + at);
                    crc.update(&crc_buf[..k]);
                    at += k as u64;
                }
                std::hint::black_box(crc.value());
                crc_buf
            })
            .await
            .unwrap();
            let number = n.to_string();
            let params = [
                ("partNumber", number.as_str()),
                ("uploadId", &job.upload_id),
            ];
            let req = signed("PUT", &job.key, &params).body(()).unwrap();
            let etag = raw_sendfile_put(&mut tcp, &req, &job.file, offset, len).await;
            etags.push((n, etag));
        }
        etags
    })
    .await;
}

/// Sends `req`'s head, then `len` bytes of `file` at `offset` with sendfile(2); reads
/// the (body-less) 200 answer and returns its ETag.
async fn raw_sendfile_put(
    tcp: &mut TcpStream,
    req: &Request<()>,
    file: &File,
    offset: u64,
    len: u64,
) -> String {
    use std::fmt::Write as _;
    use std::os::fd::AsFd;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};
    let mut head = format!("PUT {} HTTP/1.1\r\n", req.uri());
    for (k, v) in req.headers() {
        write!(head, "{k}: {}\r\n", v.to_str().unwrap()).unwrap();
    }
    write!(head, "content-length: {len}\r\n\r\n").unwrap();
    tcp.write_all(head.as_bytes()).await.unwrap();
    let (mut at, end) = (offset, offset + len);
    while at < end {
        tcp.writable().await.unwrap();
        let sent = tcp.try_io(Interest::WRITABLE, || {
            let want = (end - at) as usize;
            rustix::fs::sendfile(tcp.as_fd(), file.as_fd(), Some(&mut at), want)
                .map_err(std::io::Error::from)
        });
        if let Err(e) = sent {
            assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock, "sendfile: {e}");
        }
    }
    let mut answer = Vec::with_capacity(4096);
    loop {
        assert!(
            tcp.read_buf(&mut answer).await.unwrap() > 0,
            "connection closed"
        );
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut resp = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(_) = resp.parse(&answer).unwrap() {
            assert_eq!(resp.code, Some(200));
            let etag = resp
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("etag"));
            return String::from_utf8(etag.unwrap().value.to_vec()).unwrap();
        }
    }
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

/// A long-lived Python process (warm, as ours is in its process): one line per run on
/// stdin, `up|down KEY PATH PART_MB THREADS`, one `TIME seconds cpu` line back (`cpu`:
/// the CPU seconds of the Python process, all its threads).
const PY_BENCH: &str = r#"
import os, sys, time
from qcloud_cos import CosConfig, CosS3Client
port, bucket = int(sys.argv[1]), sys.argv[2]
config = CosConfig(Region='ap-guangzhou', SecretId='AKIDEXAMPLE', SecretKey='SECRETKEYEXAMPLE',
                   Scheme='http', IP='127.0.0.1', Port=port, ServiceDomain='127.0.0.1:%d' % port)
client = CosS3Client(config)
for line in sys.stdin:
    mode, key, path, part, threads = line.split()
    b = time.process_time()
    t = time.perf_counter()
    if mode == 'up':
        client.upload_file(Bucket=bucket, Key=key, LocalFilePath=path, PartSize=int(part), MAXThread=int(threads))
    else:
        client.download_file(Bucket=bucket, Key=key, DestFilePath=path, PartSize=int(part), MAXThread=int(threads))
    secs, cpu = time.perf_counter() - t, time.process_time() - b
    if mode == 'down':
        os.remove(path)
    print('TIME %.6f %.2f' % (secs, cpu), flush=True)
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

/// A child process spoken to in lines, killed when dropped.
struct LineChild {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl LineChild {
    fn spawn(command: &mut Command) -> Self {
        use std::process::Stdio;
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        LineChild {
            child,
            stdin,
            stdout,
        }
    }

    /// The next line the child prints (empty once it has ended).
    fn read_line(&mut self) -> String {
        use std::io::BufRead;
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line
    }

    /// Sends `line` and returns the child's answer.
    fn ask(&mut self, line: &str) -> String {
        use std::io::Write;
        writeln!(self.stdin, "{line}").unwrap();
        self.read_line()
    }
}

impl Drop for LineChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python SDK in a worker process, kept between runs.
struct PyWorker(LineChild);

impl PyWorker {
    fn start(py: &Path, addr: SocketAddr) -> Self {
        PyWorker(LineChild::spawn(Command::new(py).args([
            "-c",
            PY_BENCH,
            &addr.port().to_string(),
            BUCKET,
        ])))
    }

    /// One upload_file / download_file of `key` from / to `path` with `part` MB parts
    /// and `threads` threads.
    fn run(&mut self, mode: &str, key: &str, path: &Path, part: u64, threads: u64) -> Sample {
        let line = self
            .0
            .ask(&format!("{mode} {key} {} {part} {threads}", path.display()));
        let mut v = line
            .strip_prefix("TIME ")
            .unwrap_or_else(|| panic!("python {mode} failed (see its stderr)"))
            .split_whitespace()
            .map(|x| x.parse::<f64>().unwrap());
        Sample {
            secs: v.next().unwrap(),
            client: v.next().unwrap(),
            ..Sample::default()
        }
    }
}

// ---------------------------------------------------------------- emulator child

/// CPU seconds this process has used so far, all its threads, living and ended.
fn process_cpu_secs() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// Keeps this process (and the threads and children it starts afterwards) on one core,
/// when `BENCH_TRANSFER_PIN=1` and the machine has at least two.
fn pin_to(cpu: usize) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if std::env::var("BENCH_TRANSFER_PIN").is_ok_and(|v| v == "1") && cores >= 2 {
        let mut set = rustix::thread::CpuSet::new();
        set.set(cpu);
        rustix::thread::sched_setaffinity(None, &set).unwrap();
    }
}

/// In the child: the emulator in bench mode. Prints `ADDR host:port`, then answers every
/// line on stdin with `CPU seconds` (its own CPU time so far); stops at end of input.
fn emulator_child() {
    use std::io::{BufRead, Write};
    pin_to(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(async {
        let mut builder = cos_emulator::Emulator::builder().bench_mode(true);
        if let Some((cert, key)) = https::child_tls() {
            builder = builder.tls(cert, key);
        }
        builder.start().await.unwrap()
    });
    let mut out = std::io::stdout().lock();
    writeln!(out, "ADDR {}", emu.addr()).unwrap();
    out.flush().unwrap();
    for line in std::io::stdin().lock().lines() {
        if line.is_err() {
            break;
        }
        writeln!(out, "CPU {:.6}", process_cpu_secs()).unwrap();
        out.flush().unwrap();
    }
    drop(out);
    rt.block_on(emu.shutdown());
}

/// The emulator, run by this bench binary in a child process so that its CPU time is
/// told apart from the clients'.
struct EmulatorProcess {
    io: LineChild,
    addr: SocketAddr,
}

impl EmulatorProcess {
    fn start() -> Self {
        let mut io = LineChild::spawn(
            Command::new(std::env::current_exe().unwrap()).env("COS_TRANSFER_BENCH_EMULATOR", "1"),
        );
        let line = io.read_line();
        let addr = line.trim().strip_prefix("ADDR ").unwrap().parse().unwrap();
        EmulatorProcess { io, addr }
    }

    /// The emulator's CPU seconds so far.
    fn cpu(&mut self) -> f64 {
        let line = self.io.ask("");
        line.trim().strip_prefix("CPU ").unwrap().parse().unwrap()
    }
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
        Transfers::with_backend(&backend)
            .upload_file(
                &BucketName::new(BUCKET).unwrap(),
                &cos_core::ObjectKey::new("rss.bin").unwrap(),
                &path,
            )
            .options(up.clone())
            .send()
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

/// One timed run: wall-clock seconds; the CPU seconds the whole machine was busy
/// meanwhile (all cores: client, emulator and kernel; NaN without `/proc/stat`); those
/// of the client's process and of the emulator's process alone.
#[derive(Debug, Clone, Copy, Default)]
struct Sample {
    secs: f64,
    busy: f64,
    client: f64,
    server: f64,
}

/// Busy CPU seconds of the machine since boot (`/proc/stat`, in USER_HZ = 1/100 s).
fn machine_busy_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/stat") else {
        return f64::NAN;
    };
    let Some(cpu) = stat.lines().next() else {
        return f64::NAN;
    };
    // user nice system idle iowait irq softirq steal ...
    let f: Vec<u64> = cpu
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    if f.len() < 8 {
        return f64::NAN;
    }
    (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) as f64 / 100.0
}

fn median_secs(v: &[Sample]) -> f64 {
    let mut secs: Vec<f64> = v.iter().map(|s| s.secs).collect();
    secs.sort_by(f64::total_cmp);
    secs.get(secs.len() / 2).copied().unwrap_or(f64::NAN)
}

fn mibs(size: u64, secs: f64) -> f64 {
    size as f64 / MIB as f64 / secs
}

/// CPU seconds per GiB moved, over all runs, of what `cpu` picks from a sample.
fn cpu_per_gib(size: u64, v: &[Sample], cpu: impl Fn(&Sample) -> f64) -> f64 {
    let busy: f64 = v.iter().map(cpu).sum();
    busy / (v.len() as f64 * size as f64 / (1u64 << 30) as f64)
}

/// Runs `f` to completion and times it (wall clock only).
async fn wall<F: std::future::Future<Output = ()>>(f: F) -> Sample {
    let t = Instant::now();
    f.await;
    Sample {
        secs: t.elapsed().as_secs_f64(),
        client: f64::NAN,
        ..Sample::default()
    }
}

/// One run with its CPU accounting: the machine's and the emulator's CPU around it, and
/// this process's when the run did not bring its own (an in-process client).
fn measure(emu: &mut EmulatorProcess, run: impl FnOnce() -> Sample) -> Sample {
    let (busy, server, own) = (machine_busy_secs(), emu.cpu(), process_cpu_secs());
    let mut s = run();
    if s.client.is_nan() {
        s.client = process_cpu_secs() - own;
    }
    s.server = emu.cpu() - server;
    s.busy = machine_busy_secs() - busy;
    s
}

/// The clients measured in each round (the discriminant indexes the samples).
#[derive(Debug, Clone, Copy)]
enum Who {
    Ceiling = 0,
    Ours = 1,
    Python = 2,
    ZeroCopy = 3,
}

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Ceiling => "ceiling",
            Who::Ours => "ours",
            Who::Python => "python",
            Who::ZeroCopy => "zero-copy",
        }
    }
}

/// One line of the table: median throughput, CPU per GiB of the machine, of the client
/// alone and of the emulator alone; up and down.
struct Row {
    name: String,
    up: f64,
    down: f64,
    up_cpu: [f64; 3],
    down_cpu: [f64; 3],
}

impl Row {
    fn new(name: &str, size: u64, up: &[Sample], down: &[Sample]) -> Self {
        let cpu = |v: &[Sample]| {
            [
                cpu_per_gib(size, v, |s| s.busy),
                cpu_per_gib(size, v, |s| s.client),
                cpu_per_gib(size, v, |s| s.server),
            ]
        };
        Row {
            name: name.to_owned(),
            up: mibs(size, median_secs(up)),
            down: mibs(size, median_secs(down)),
            up_cpu: cpu(up),
            down_cpu: cpu(down),
        }
    }
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

/// Median over rounds of `a`'s speed over `b`'s.
fn ratio(a: &[Sample], b: &[Sample]) -> f64 {
    let mut r: Vec<f64> = a.iter().zip(b).map(|(a, b)| b.secs / a.secs).collect();
    r.sort_by(f64::total_cmp);
    r.get(r.len() / 2).copied().unwrap_or(f64::NAN)
}

/// CRC-64 speed on one core, in GiB/s.
fn crc_speed() -> f64 {
    let data = vec![7u8; 64 << 20];
    let t = Instant::now();
    for _ in 0..4 {
        std::hint::black_box(cos_crc64::checksum(std::hint::black_box(&data)));
    }
    (4 * 64) as f64 / 1024.0 / t.elapsed().as_secs_f64()
}

/// The Python SDK's part size (MB) and threads: for uploads, for downloads.
type PyCfg = ((u64, u64), (u64, u64));

/// The samples of the measured rounds: `[upload, download][Who as usize]`.
type Samples = [[Vec<Sample>; 4]; 2];

/// The Python SDK's best settings for one direction: after a warm-up run, the faster of
/// two runs of each candidate (its defaults among them); the fastest wins.
fn pick(py: &mut PyWorker, mode: &str, key: &str, path: &Path, default: (u64, u64)) -> (u64, u64) {
    py.run(mode, key, path, default.0, default.1);
    [default, (8, 5), (8, 10), (16, 10), (32, 10), (64, 16)]
        .into_iter()
        .map(|(p, t)| {
            let secs = (0..2).map(|_| py.run(mode, key, path, p, t).secs);
            (p, t, secs.fold(f64::INFINITY, f64::min))
        })
        .min_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(p, t, _)| (p, t))
        .unwrap()
}

/// What every measurement shares: the runtime, the settings, the object and the files.
struct Bench {
    rt: tokio::runtime::Runtime,
    backend: CosBackend,
    addr: SocketAddr,
    size: u64,
    runs: u64,
    up_opts: UploadOptions,
    down_opts: DownloadOptions,
    /// Upload part size and concurrency (ours and the ceiling's).
    part: u64,
    conc: usize,
    src: PathBuf,
    dest: PathBuf,
    dir: tempfile::TempDir,
    _dest_dir: tempfile::TempDir,
}

impl Bench {
    /// Reads the settings, writes the source object and chooses where downloads land.
    fn new(addr: SocketAddr) -> Self {
        let size = env_u64("BENCH_TRANSFER_MIB", 1024) * MIB;
        let runs = env_u64("BENCH_TRANSFER_RUNS", 6).max(1);
        let (up_opts, down_opts) = our_options();
        let (part, conc) = (up_opts.sizing.part_size, up_opts.concurrency);
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
            "object {} MiB, {runs} rounds each way, part {} MiB x {conc} (upload), {} MiB x {} (download)",
            size / MIB,
            part / MIB,
            down_opts.part_size / MIB,
            down_opts.concurrency
        );
        Bench {
            rt,
            backend: CosBackend::new(client(addr)),
            addr,
            size,
            runs,
            up_opts,
            down_opts,
            part,
            conc,
            src,
            dest,
            dir,
            _dest_dir: dest_dir,
        }
    }

    async fn ours_up(&self) {
        Transfers::with_backend(&self.backend)
            .upload_file(
                &BucketName::new(BUCKET).unwrap(),
                &cos_core::ObjectKey::new("ours.bin").unwrap(),
                &self.src,
            )
            .options(self.up_opts.clone())
            .send()
            .await
            .unwrap();
    }

    async fn ours_down(&self) {
        Transfers::with_backend(&self.backend)
            .download_file(
                &BucketName::new(BUCKET).unwrap(),
                &cos_core::ObjectKey::new("ours.bin").unwrap(),
                &self.dest,
            )
            .options(self.down_opts.clone())
            .send()
            .await
            .unwrap();
    }

    async fn ceiling_up(&self) {
        ceiling_upload(self.addr, &self.src, "ceiling.bin", self.part, self.conc).await;
    }

    async fn ceiling_down(&self, key: &'static str) {
        let (part, workers) = (self.down_opts.part_size, self.down_opts.concurrency);
        ceiling_download(self.addr, key, &self.dest, self.size, part, workers).await;
    }

    async fn zero_copy_up(&self) {
        zero_copy_upload(self.addr, &self.src, "zero-copy.bin", self.part, self.conc).await;
    }

    /// Runs `f` on the runtime, timed, with its CPU accounting.
    fn timed(&self, emu: &mut EmulatorProcess, f: impl std::future::Future<Output = ()>) -> Sample {
        measure(emu, || self.rt.block_on(wall(f)))
    }

    /// Creates the bucket and the objects the downloads and the Python sweep read.
    fn prepare(&self) {
        self.rt.block_on(async {
            self.backend
                .client()
                .put_bucket(&BucketName::new(BUCKET).unwrap())
                .send()
                .await
                .unwrap();
            self.ours_up().await;
            self.ceiling_up().await;
        });
    }

    /// Profiling aid: the one measurement `only` names, repeated.
    fn only(&self, emu: &mut EmulatorProcess, only: &str) {
        let mut py_only: Option<PyWorker> = None;
        for _ in 0..self.runs {
            let t = match only {
                "python_up" | "python_down" => {
                    let py = py_only.get_or_insert_with(|| {
                        PyWorker::start(&python().expect("no Python SDK venv"), self.addr)
                    });
                    let (mode, key, path, part, threads) = if only == "python_up" {
                        ("up", "py.bin", self.src.as_path(), 16, 10)
                    } else {
                        ("down", "ours.bin", self.dest.as_path(), 32, 10)
                    };
                    measure(emu, || py.run(mode, key, path, part, threads))
                }
                "zero_copy_up" => self.timed(emu, self.zero_copy_up()),
                "ceiling_up" => self.timed(emu, self.ceiling_up()),
                "ours_up" => self.timed(emu, self.ours_up()),
                "ceiling_down" => self.timed(emu, self.ceiling_down("ours.bin")),
                _ => self.timed(emu, self.ours_down()),
            };
            let _ = std::fs::remove_file(&self.dest);
            let size = self.size;
            eprintln!(
                "{only}: {:.0} MiB/s, CPU s/GiB: {:.2} machine, {:.2} client, {:.2} emulator",
                mibs(size, t.secs),
                cpu_per_gib(size, &[t], |s| s.busy),
                cpu_per_gib(size, &[t], |s| s.client),
                cpu_per_gib(size, &[t], |s| s.server),
            );
        }
    }

    /// The Python SDK's best settings for each direction.
    fn python_settings(&self, py: &mut PyWorker) -> PyCfg {
        (
            pick(py, "up", "py.bin", &self.src, (1, 5)),
            pick(py, "down", "ours.bin", &self.dest, (20, 5)),
        )
    }

    /// Rounds: in each, every client moves the object once, in an order that rotates
    /// from round to round; the first two rounds of each direction are warm-ups. Ratios
    /// are the medians of the rounds' ratios, so that a slow moment of the machine
    /// weighs on both sides of a ratio alike.
    fn rounds(&self, emu: &mut EmulatorProcess, mut py: Option<(&mut PyWorker, PyCfg)>) -> Samples {
        let who: &[Who] = if py.is_some() {
            &[Who::Ceiling, Who::Ours, Who::Python, Who::ZeroCopy]
        } else {
            &[Who::Ceiling, Who::Ours, Who::ZeroCopy]
        };
        let mut samples: Samples = Default::default();
        for up in [true, false] {
            for run in 0..self.runs as usize + 2 {
                let mut line = Vec::new();
                for i in 0..who.len() {
                    let w = who[(i + run) % who.len()];
                    let py = py.as_mut().map(|(py, cfg)| (&mut **py, *cfg));
                    let Some(sample) = self.one(emu, up, w, py) else {
                        continue;
                    };
                    line.push(format!("{} {:.0}", w.name(), mibs(self.size, sample.secs)));
                    if run >= 2 {
                        samples[usize::from(!up)][w as usize].push(sample);
                    }
                }
                eprintln!(
                    "{} run {run}{}: {} MiB/s",
                    if up { "upload" } else { "download" },
                    if run < 2 { " (warm-up)" } else { "" },
                    line.join(" / ")
                );
            }
        }
        samples
    }

    /// One measurement of `w` in one direction (`None`: `w` does not go that way).
    fn one(
        &self,
        emu: &mut EmulatorProcess,
        up: bool,
        w: Who,
        py: Option<(&mut PyWorker, PyCfg)>,
    ) -> Option<Sample> {
        let sample = match (up, w) {
            (false, Who::ZeroCopy) => return None,
            (true, Who::Ceiling) => self.timed(emu, self.ceiling_up()),
            (true, Who::Ours) => self.timed(emu, self.ours_up()),
            (true, Who::ZeroCopy) => self.timed(emu, self.zero_copy_up()),
            (false, Who::Ceiling) => self.timed(emu, self.ceiling_down("ceiling.bin")),
            (false, Who::Ours) => self.timed(emu, self.ours_down()),
            (up, Who::Python) => {
                let (py, (up_cfg, down_cfg)) = py.unwrap();
                let ((p, t), mode, key, path) = if up {
                    (up_cfg, "up", "py.bin", self.src.as_path())
                } else {
                    (down_cfg, "down", "ours.bin", self.dest.as_path())
                };
                measure(emu, || py.run(mode, key, path, p, t))
            }
        };
        if !up {
            let _ = std::fs::remove_file(&self.dest);
        }
        Some(sample)
    }

    /// The table's rows (the Python SDK's defaults measured here, `runs` times).
    fn rows(
        &self,
        emu: &mut EmulatorProcess,
        py: Option<(&mut PyWorker, PyCfg)>,
        samples: &Samples,
    ) -> Vec<Row> {
        let size = self.size;
        let [up, down] = samples;
        let mut rows: Vec<Row> = vec![
            Row::new("bare hyper (ceiling)", size, &up[0], &down[0]),
            Row::new("cos-transfer (ours)", size, &up[1], &down[1]),
        ];
        if let Some((py, ((up_p, up_t), (down_p, down_t)))) = py {
            let up_default: Vec<Sample> = (0..self.runs)
                .map(|_| measure(emu, || py.run("up", "py.bin", &self.src, 1, 5)))
                .collect();
            let down_default: Vec<Sample> = (0..self.runs)
                .map(|_| measure(emu, || py.run("down", "ours.bin", &self.dest, 20, 5)))
                .collect();
            rows.push(Row::new(
                "python SDK, defaults (up 1 MB x 5, down 20 MB x 5)",
                size,
                &up_default,
                &down_default,
            ));
            rows.push(Row::new(
                &format!("python SDK, best (up {up_p} MB x {up_t}, down {down_p} MB x {down_t})"),
                size,
                &up[2],
                &down[2],
            ));
        }
        rows.push(Row::new(
            "zero-copy sendfile client (upload only)",
            size,
            &up[3],
            &[],
        ));
        rows
    }

    /// Peak RSS of an upload of `rss_mib` in a child process, and before it (KiB).
    fn rss(&self, rss_mib: u64) -> (u64, u64) {
        let (rss_kib, before_kib) = rss_of_upload(self.addr, self.dir.path(), rss_mib);
        self.rt.block_on(async {
            let b = BucketName::new(BUCKET).unwrap();
            let _ = self
                .backend
                .client()
                .delete_object(&b, &cos_core::ObjectKey::new("rss.bin").unwrap())
                .send()
                .await;
        });
        (rss_kib, before_kib)
    }

    /// Prints the table, the RSS, the `RESULT` lines and the ratios.
    fn report(&self, rows: &[Row], samples: &Samples, rss_mib: u64, rss: (u64, u64)) {
        let (rss_kib, before_kib) = rss;
        let (part, conc) = (self.part, self.conc);
        let [up, down] = samples;
        let rss_mib_peak = rss_kib / 1024;
        let bound = 20 + 5 * (part / MIB) * conc as u64 / 2;

        println!();
        println!(
            "{:<58} {:>9} {:>10} {:>17} {:>17}",
            "client", "up MiB/s", "down MiB/s", "up CPU m/c/e", "down CPU m/c/e"
        );
        let cpu = |c: [f64; 3]| format!("{:.2}/{:.2}/{:.2}", c[0], c[1], c[2]);
        for r in rows {
            println!(
                "{:<58} {:>9.0} {:>10.0} {:>17} {:>17}",
                r.name,
                r.up,
                r.down,
                cpu(r.up_cpu),
                cpu(r.down_cpu)
            );
        }
        println!(
            "CPU: core-seconds per GiB moved: m = the whole machine (client, emulator, kernel), c = the client's process, e = the emulator's process"
        );
        println!(
            "peak RSS of a {rss_mib} MiB upload: {rss_mib_peak} MiB (before: {} MiB; bound 20 + 2.5 x {} MiB x {conc} = {bound} MiB)",
            before_kib / 1024,
            part / MIB
        );
        let (c, o) = (&rows[0], &rows[1]);
        for (name, v) in [
            ("ceiling_up_mibs", c.up),
            ("ceiling_down_mibs", c.down),
            ("ours_up_mibs", o.up),
            ("ours_down_mibs", o.down),
        ] {
            println!("RESULT {name} {v:.0}");
        }
        println!("ratios: medians of the per-round ratios");
        println!(
            "transfer: up_vs_ceiling={:.2} up_vs_python_best={:.2} down_vs_ceiling={:.2} down_vs_python_best={:.2} rss_4g_mib={rss_mib_peak}",
            ratio(&up[1], &up[0]),
            ratio(&up[1], &up[2]),
            ratio(&down[1], &down[0]),
            ratio(&down[1], &down[2]),
        );
    }
}

fn main() {
    if let Ok(addr) = std::env::var("COS_TRANSFER_BENCH_RSS_ADDR") {
        rss_child(&addr);
        return;
    }
    if let Ok(src) = std::env::var("COS_TRANSFER_BENCH_SPLICE_SRC") {
        pipe::splice_child(&src);
        return;
    }
    if let Ok(addr) = std::env::var("COS_TRANSFER_BENCH_PIPE_RSS_ADDR") {
        pipe::rss_child(&addr);
        return;
    }
    if std::env::var_os("COS_TRANSFER_BENCH_EMULATOR").is_some() {
        emulator_child();
        return;
    }
    let rss_mib = env_u64("BENCH_TRANSFER_RSS_MIB", 4096);
    println!("crc64: {:.1} GiB/s on one core", crc_speed());

    // The emulator runs in a child process, so that its CPU time can be told apart.
    let mut emu = EmulatorProcess::start();
    pin_to(0);
    let bench = Bench::new(emu.addr);
    bench.prepare();
    if let Ok(only) = std::env::var("BENCH_TRANSFER_ONLY") {
        if only == "pipe" {
            pipe::run(&bench, &mut emu);
            return;
        }
        bench.only(&mut emu, &only);
        return; // the temporary folders are removed on the way out
    }

    let mut py = python().map(|p| PyWorker::start(&p, bench.addr));
    let py_cfg = py.as_mut().map(|py| bench.python_settings(py));
    let samples = bench.rounds(&mut emu, py.as_mut().zip(py_cfg));
    let mut rows = bench.rows(&mut emu, py.as_mut().zip(py_cfg), &samples);
    if https::wanted() {
        let mut tls = https::Https::start(&bench);
        let tls_samples = tls.rounds(&bench, &mut emu);
        rows.push(https::row_and_lines(bench.size, &tls_samples));
    }
    let rss = bench.rss(rss_mib);
    pipe::run(&bench, &mut emu);
    bench.report(&rows, &samples, rss_mib, rss);
    drop(bench);
    drop(emu);
}
