//! Encrypted vs plain transfers against the emulator in bench mode, in one run (Linux):
//! cos-crypto's `upload_file` / `download_file` next to cos-transfer's plain ones on the
//! same file with the same (default) options, plus the peak RSS of an encrypted upload
//! of a large file, measured in a child process.
//!
//! The emulator runs in a child process (this binary, re-run). Each round times the four
//! transfers in an order that rotates; the ratios are the medians of the per-round
//! throughput ratios (encrypted / plain: 1.0 means encryption costs nothing), and also
//! the ratios of each job's fastest round. It also prints one core's AES-256-CTR and
//! CRC-64 speeds, and the CPU seconds per GiB of each job in the client (this process)
//! and in the emulator: on 2 cores shared by both, encryption's extra CPU is what the
//! ratios pay for.
//!
//! `cargo bench -p cos-crypto --bench crypto` (or `cargo xtask bench crypto`).
//! Environment: `BENCH_CRYPTO_MIB` (object size, default 1024), `BENCH_CRYPTO_RUNS`
//! (measured rounds after one warm-up round, default 5), `BENCH_CRYPTO_RSS_MIB` (size of
//! the RSS upload, default 4096), `BENCH_CRYPTO_ONLY` (`up`, `down` or one of
//! `PlainUp`, `EncUp`, `PlainDown`, `EncDown`: only those transfers and no RSS child,
//! for profiling; the uploads still run in the warm-up round when downloads are asked
//! for). Last line:
//! `crypto: up_vs_plain=R down_vs_plain=R rss_4g_mib=N`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use cos_core::{BucketName, Client, Config, ObjectKey, WriteOptions};
use cos_crypto::{AesProvider, EncryptionClient};
use cos_transfer::{DownloadOptions, Transfers, UploadOptions};

const MIB: u64 = 1024 * 1024;
const BUCKET: &str = "examplebucket-1250000000";
const MASTER: [u8; 32] = [7; 32];

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn client(addr: SocketAddr) -> Client {
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
        .connect_to(format!("http://{addr}"))
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

fn key(name: &str) -> ObjectKey {
    ObjectKey::new(name).unwrap()
}

/// In the child: the emulator in bench mode; prints `ADDR host:port`, stops when stdin
/// closes.
fn emulator_child() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(async {
        cos_emulator::Emulator::builder()
            .bench_mode(true)
            .start()
            .await
            .unwrap()
    });
    println!("ADDR {}", emu.addr());
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {
        line.clear();
    }
    rt.block_on(emu.shutdown());
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// In the child: an encrypted upload of the file `COS_CRYPTO_BENCH_RSS_FILE` with the
/// default options; prints the peak RSS.
fn rss_child(addr: &str) {
    let path = std::env::var("COS_CRYPTO_BENCH_RSS_FILE").unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let enc = EncryptionClient::new(
            client(addr.parse().unwrap()),
            AesProvider::from_bytes(&MASTER).unwrap(),
        );
        let b = BucketName::new(BUCKET).unwrap();
        enc.upload_file(
            &b,
            &key("rss.bin"),
            &path,
            UploadOptions::default(),
            &WriteOptions::default(),
        )
        .await
        .unwrap();
    });
    println!("RSS_KIB {}", vm_hwm_kib());
}

fn rss_of_upload(addr: SocketAddr, dir: &Path, mib: u64) -> u64 {
    let path = dir.join("rss-sparse.bin");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(mib * MIB)
        .unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .env("COS_CRYPTO_BENCH_RSS_ADDR", addr.to_string())
        .env("COS_CRYPTO_BENCH_RSS_FILE", &path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&path).unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("RSS_KIB ")?.trim().parse().ok())
        .unwrap()
}

fn start_emulator() -> (Child, SocketAddr) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("COS_CRYPTO_BENCH_EMULATOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().strip_prefix("ADDR ").unwrap().parse().unwrap();
    (child, addr)
}

fn write_random_file(path: &Path, len: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut left = len;
    let mut buf = vec![0u8; MIB as usize];
    while left > 0 {
        for c in buf.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            c.copy_from_slice(&x.to_le_bytes()[..c.len()]);
        }
        let n = left.min(MIB) as usize;
        f.write_all(&buf[..n]).unwrap();
        left -= n as u64;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Job {
    PlainUp,
    EncUp,
    PlainDown,
    EncDown,
}

async fn run_job(job: Job, client: &Client, enc: &EncryptionClient, dir: &Path) -> f64 {
    let b = BucketName::new(BUCKET).unwrap();
    let src = dir.join("src.bin");
    let dest = dir.join(format!("{job:?}.out"));
    let _ = std::fs::remove_file(&dest);
    let transfers = Transfers::new(client.clone());
    let t = Instant::now();
    match job {
        Job::PlainUp => {
            transfers
                .upload_file(&b, &key("plain.bin"), &src)
                .send()
                .await
                .unwrap();
        }
        Job::EncUp => {
            enc.upload_file(
                &b,
                &key("enc.bin"),
                &src,
                UploadOptions::default(),
                &WriteOptions::default(),
            )
            .await
            .unwrap();
        }
        Job::PlainDown => {
            transfers
                .download_file(&b, &key("plain.bin"), &dest)
                .send()
                .await
                .unwrap();
        }
        Job::EncDown => {
            enc.download_file(&b, &key("enc.bin"), &dest, DownloadOptions::default())
                .await
                .unwrap();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&dest);
    secs
}

/// One core's raw speeds here, for reading the ratios: AES-256-CTR in place over a
/// 64 MiB buffer as cos-crypto runs it (`DataKey::apply`, AWS-LC with the default
/// `aws-lc` feature) and with RustCrypto's `aes` + `ctr` alone, and CRC-64 over it.
fn raw_speeds() {
    use ctr::cipher::{KeyIvInit, StreamCipher};
    let mut buf = vec![0x5au8; 64 * MIB as usize];
    let key = cos_crypto::DataKey::generate();
    let t = Instant::now();
    key.apply(0, &mut buf);
    let aes = 64.0 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    ctr::Ctr128BE::<aes::Aes256>::new(&(*key.key()).into(), &(*key.iv()).into())
        .apply_keystream(&mut buf);
    let rust_crypto = 64.0 / t.elapsed().as_secs_f64();
    // The same over one 256 KiB chunk again and again (in the cache, as the engines'
    // chunked passes see their data).
    let t = Instant::now();
    for i in 0..256u64 {
        key.apply(i * 256 * 1024, &mut buf[..256 * 1024]);
    }
    let aes_cached = 64.0 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    std::hint::black_box(cos_crc64::checksum(&buf));
    let crc = 64.0 / t.elapsed().as_secs_f64();
    println!(
        "one core: aes-256-ctr {aes:.0} MiB/s over 64 MiB, {aes_cached:.0} MiB/s over a cached 256 KiB chunk (RustCrypto aes+ctr alone {rust_crypto:.0} MiB/s), crc64 {crc:.0} MiB/s"
    );
}

/// Prints the medians of the client's and the emulator's CPU seconds per GiB, per job:
/// the encrypted jobs' extra work against the plain jobs' total on these shared cores.
fn print_cpu(cpu: &[Vec<(f64, f64)>; 4]) {
    let names = ["plain up", "encrypted up", "plain down", "encrypted down"];
    let line: Vec<String> = cpu
        .iter()
        .zip(names)
        .filter(|(v, _)| !v.is_empty())
        .map(|(v, name)| {
            let client = median(v.iter().map(|c| c.0).collect());
            let emulator = median(v.iter().map(|c| c.1).collect());
            format!("{name} {client:.2} + {emulator:.2}")
        })
        .collect();
    println!("CPU s/GiB (client + emulator): {}", line.join(", "));
}

/// Touches `mib` MiB of fresh memory and frees it, right before a timed job.
///
/// This machine is a Firecracker VM with free page reporting (`page_reporting_order=11`
/// in its kernel command line): free memory in 8 MiB blocks is handed back to the host
/// about 2 s after it is freed, and the next guest write to such a page faults on the
/// host. A job that happens to get those pages (the first download of a round, whose
/// page-cache pages come from files deleted a round ago) ran several times slower,
/// its writer thread at 100 % in `copy_folio_from_iter_atomic`, whichever kind it was.
/// Freed just before the job, these pages are backed again and not yet reported, and
/// the kernel hands them out first: every job starts from the same warm memory.
fn warm_free_memory(mib: u64) {
    let mut v = vec![0u8; (mib * MIB) as usize];
    for b in v.iter_mut().step_by(4096) {
        *b = 1;
    }
    std::hint::black_box(&v);
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    if std::env::var_os("COS_CRYPTO_BENCH_EMULATOR").is_some() {
        return emulator_child();
    }
    if let Ok(addr) = std::env::var("COS_CRYPTO_BENCH_RSS_ADDR") {
        return rss_child(&addr);
    }
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a list of tests
    }
    let (size_mib, runs, rss_mib) = (
        env_u64("BENCH_CRYPTO_MIB", 1024),
        env_u64("BENCH_CRYPTO_RUNS", 5).max(1),
        env_u64("BENCH_CRYPTO_RSS_MIB", 4096),
    );
    // `up` or `down`: only those rounds, and no RSS child (for profiling).
    let only = std::env::var("BENCH_CRYPTO_ONLY").ok();
    let only = only.as_deref();
    raw_speeds();
    let (mut emu, addr) = start_emulator();
    let dir = tempfile::tempdir().unwrap();
    write_random_file(&dir.path().join("src.bin"), size_mib * MIB);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = client(addr);
    let enc = EncryptionClient::new(client.clone(), AesProvider::from_bytes(&MASTER).unwrap());
    rt.block_on(client.put_bucket(&BucketName::new(BUCKET).unwrap()).send())
        .unwrap();
    let (mut up, mut down) = (Vec::new(), Vec::new());
    // Each job's fastest round: the rounds are noisy on a shared 2-core machine (a
    // download right after the uploads is often several times slower, whichever kind it
    // is), and the fastest rounds are the least disturbed.
    let mut best = [f64::INFINITY; 4];
    // CPU seconds per GiB of each job, this process (the client) and the emulator.
    let mut cpu: [Vec<(f64, f64)>; 4] = Default::default();
    let (me, emu_pid) = (std::process::id(), emu.id());
    let cpu_secs = |pid| cos_testkit::procstat::cpu_secs(pid).unwrap_or(f64::NAN);
    let gib = size_mib as f64 / 1024.0;
    // Twice the object: the page cache of a download and the emulator's copy of an
    // upload (`BENCH_CRYPTO_WARM_MIB`, 0 to skip).
    let warm_mib = env_u64("BENCH_CRYPTO_WARM_MIB", 2 * size_mib);
    let jobs = [Job::PlainUp, Job::EncUp, Job::PlainDown, Job::EncDown];
    for round in 0..=runs {
        let mut secs = [0f64; 4];
        // Uploads before downloads (these read what they wrote); which of each pair goes
        // first alternates.
        let order: [usize; 4] = if round % 2 == 0 {
            [0, 1, 2, 3]
        } else {
            [1, 0, 3, 2]
        };
        for i in order {
            let skip = match only {
                None => false,
                Some("up") => i >= 2,
                Some("down") => i < 2 && round > 0,
                // One job by name (`PlainUp`, `EncUp`, `PlainDown`, `EncDown`); the
                // uploads still run in the warm-up round, for the downloads to read.
                Some(name) => format!("{:?}", jobs[i]) != name && (i >= 2 || round > 0),
            };
            if skip {
                continue;
            }
            warm_free_memory(warm_mib);
            let (c0, e0) = (cpu_secs(me), cpu_secs(emu_pid));
            secs[i] = rt.block_on(run_job(jobs[i], &client, &enc, dir.path()));
            if round > 0 {
                let (c, e) = (cpu_secs(me) - c0, cpu_secs(emu_pid) - e0);
                cpu[i].push((c / gib, e / gib));
            }
        }
        let mibs = |s: f64| size_mib as f64 / s;
        println!(
            "round {round}{}: plain up {:.0} MiB/s, encrypted up {:.0} MiB/s, plain down {:.0} MiB/s, encrypted down {:.0} MiB/s",
            if round == 0 { " (warm-up)" } else { "" },
            mibs(secs[0]),
            mibs(secs[1]),
            mibs(secs[2]),
            mibs(secs[3])
        );
        if round > 0 {
            up.push(secs[0] / secs[1]);
            down.push(secs[2] / secs[3]);
            for (b, s) in best.iter_mut().zip(secs) {
                *b = b.min(s);
            }
        }
    }
    let b = BucketName::new(BUCKET).unwrap();
    for k in ["plain.bin", "enc.bin"] {
        rt.block_on(client.delete_object(&b, &key(k)).send())
            .unwrap();
    }
    let rss_kib = if only.is_some() {
        0
    } else {
        rss_of_upload(addr, dir.path(), rss_mib)
    };
    drop(emu.stdin.take());
    let _ = emu.wait();
    print_cpu(&cpu);
    report(up, down, best, rss_kib, rss_mib);
}

/// The result lines: medians of the per-round ratios, the fastest rounds' ratios, the
/// peak RSS, and the last line.
fn report(up: Vec<f64>, down: Vec<f64>, best: [f64; 4], rss_kib: u64, rss_mib: u64) {
    let (up, down) = (median(up), median(down));
    println!("RESULT up_vs_plain {up:.3}");
    println!("RESULT down_vs_plain {down:.3}");
    println!(
        "RESULT best_rounds up_vs_plain {:.3} down_vs_plain {:.3} (fastest round of each)",
        best[0] / best[1],
        best[2] / best[3]
    );
    println!(
        "RESULT rss_mib {} (encrypted upload of {rss_mib} MiB)",
        rss_kib / 1024
    );
    println!(
        "crypto: up_vs_plain={up:.2} down_vs_plain={down:.2} rss_4g_mib={}",
        rss_kib / 1024
    );
}
