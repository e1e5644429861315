//! Soak test: large uploads and downloads through `Transfers::upload_file` / `download_file` against
//! a `cos-emulator` child process that answers 20 % of requests with 503, resets 5 % of
//! body transfers and adds random latency; then kill -9 of the emulator in the middle of
//! a stream of writes, a restart on the same `--data-dir`, and a check that every
//! acknowledged object is intact (and no unacknowledged one is torn).
//!
//! Every round is checked byte for byte: the CRC-64 of both transfers and a full
//! comparison of the downloaded file with the source. `cargo xtask soak` builds the
//! emulator and runs this in release mode.
//!
//! ```text
//! cargo xtask soak [--rounds N] [--size 1GiB] [--seed N] [--dir DIR]
//! cargo run --release -p cos-transfer --example soak -- --emulator target/release/cos-emulator --size 64MiB --rounds 2
//! ```

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cos_core::{BucketName, Client, Config, ObjectKey, RetryConfig};
use cos_transfer::Transfers;
use tokio::io::{AsyncBufReadExt, BufReader};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const BUCKET: &str = "soak-1250000000";

/// The emulator's fault rules (`cos-emulator --help`). Latency is random through
/// stacked probabilistic rules: most requests get none, some 2, 20 or 200 ms (or sums).
const FAULTS: &[&str] = &[
    "prob=0.2,status=503",
    "prob=0.05,op=UploadPart,reset-request-after=65536",
    "prob=0.05,op=PutObject,reset-request-after=4096",
    "prob=0.05,op=GetObject,reset-response-after=65536",
    "prob=0.3,latency-ms=2",
    "prob=0.1,latency-ms=20",
    "prob=0.02,latency-ms=200",
];

/// Interrupted transfers are resumed (upload from its checkpoint) at most this often.
const RESUMES: u32 = 5;

struct Args {
    rounds: u32,
    size: u64,
    seed: u64,
    emulator: PathBuf,
    dir: Option<PathBuf>,
}

fn parse_size(s: &str) -> Result<u64, BoxError> {
    let lower = s.to_ascii_lowercase();
    let (num, mult) = [
        ("gib", 1u64 << 30),
        ("g", 1 << 30),
        ("mib", 1 << 20),
        ("m", 1 << 20),
    ]
    .iter()
    .find_map(|(suffix, m)| lower.strip_suffix(suffix).map(|n| (n.to_owned(), *m)))
    .unwrap_or((lower.clone(), 1));
    let n: u64 = num.trim().parse().map_err(|_| format!("bad size {s:?}"))?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("size {s:?} too large").into())
}

fn parse_args() -> Result<Args, BoxError> {
    let exe = std::env::current_exe()?;
    // target/<profile>/examples/soak -> target/<profile>/cos-emulator
    let default_emulator = exe
        .parent()
        .and_then(Path::parent)
        .map(|p| p.join("cos-emulator"))
        .unwrap_or_else(|| PathBuf::from("cos-emulator"));
    let mut a = Args {
        rounds: 3,
        size: 1 << 30,
        seed: 1,
        emulator: default_emulator,
        dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--rounds" => a.rounds = value()?.parse()?,
            "--size" => a.size = parse_size(&value()?)?,
            "--seed" => a.seed = value()?.parse()?,
            "--emulator" => a.emulator = PathBuf::from(value()?),
            "--dir" => a.dir = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    if a.rounds == 0 {
        return Err("--rounds must be at least 1".into());
    }
    Ok(a)
}

// ---- data ----

/// Deterministic bytes (xorshift64) of the object written with `seed`.
fn fill(buf: &mut [u8], state: &mut u64) {
    for b in buf {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *b = (*state >> 24) as u8;
    }
}

fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut v = vec![0u8; len];
    let mut state = seed | 1;
    fill(&mut v, &mut state);
    v
}

/// Writes `size` random bytes to `path` (created exclusively); returns their CRC-64.
fn write_source(path: &Path, size: u64, seed: u64) -> Result<u64, BoxError> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let mut crc = cos_crc64::Crc64::new();
    let mut state = seed | 1;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = usize::try_from(left.min(buf.len() as u64))?;
        fill(&mut buf[..n], &mut state);
        crc.update(&buf[..n]);
        f.write_all(&buf[..n])?;
        left -= n as u64;
    }
    f.sync_all()?;
    Ok(crc.value())
}

/// Whether two files hold the same bytes (compared in full).
fn same_file(a: &Path, b: &Path) -> Result<bool, BoxError> {
    let (mut fa, mut fb) = (std::fs::File::open(a)?, std::fs::File::open(b)?);
    if fa.metadata()?.len() != fb.metadata()?.len() {
        return Ok(false);
    }
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(true);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

// ---- the emulator child ----

struct Emu {
    child: tokio::process::Child,
    addr: SocketAddr,
}

async fn start_emulator(bin: &Path, data_dir: &Path, seed: u64) -> Result<Emu, BoxError> {
    let mut cmd = tokio::process::Command::new(bin);
    cmd.arg("--listen")
        .arg("127.0.0.1:0")
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--seed")
        .arg(seed.to_string());
    for f in FAULTS {
        cmd.arg("--fault").arg(f);
    }
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let addr = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await? {
            if let Some(rest) = line.strip_prefix("listening on http://") {
                return Ok::<SocketAddr, BoxError>(rest.trim().parse()?);
            }
        }
        Err("the emulator exited before listening".into())
    })
    .await
    .map_err(|_| "the emulator did not start within 60 s")??;
    // Keep draining its output so that it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(Emu { child, addr })
}

fn client(addr: SocketAddr) -> Result<Client, BoxError> {
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(cos_auth::Credentials::new(
            "AKIDEXAMPLE",
            "SECRETKEYEXAMPLE",
        )?)
        .connect_to(format!("http://{addr}"))
        .read_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_secs(300))
        // 20 % 503 + 5 % resets: 12 attempts leave ~1e-8 per request to chance.
        .retry(
            RetryConfig::default()
                .max_attempts(12)
                .delays(Duration::from_millis(5), Duration::from_millis(200)),
        )
        .build()?;
    Ok(Client::new(config)?)
}

// ---- one round ----

struct Transfer {
    upload: Duration,
    download: Duration,
    parts: u32,
    resumes: u32,
}

fn mib_s(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / (1024.0 * 1024.0) / d.as_secs_f64().max(1e-9)
}

/// Uploads `src` as `key`, resuming from its checkpoint after an interruption.
async fn upload(
    transfers: &Transfers,
    key: &str,
    src: &Path,
    checkpoint: &Path,
    src_crc: u64,
) -> Result<(u32, u32), BoxError> {
    let (bucket, key) = (BucketName::new(BUCKET)?, ObjectKey::new(key)?);
    let mut resumes = 0;
    loop {
        let sent = transfers
            .upload_file(&bucket, &key, src)
            .checkpoint(checkpoint)
            .send()
            .await;
        match sent {
            Ok(up) if up.crc64 == src_crc => return Ok((up.parts_sent + up.parts_reused, resumes)),
            Ok(up) => {
                return Err(format!("uploaded CRC-64 {} != source {src_crc}", up.crc64).into());
            }
            Err(e) if resumes < RESUMES => {
                resumes += 1;
                println!("  upload interrupted ({e}); resuming");
            }
            Err(e) => return Err(format!("upload failed after {resumes} resumes: {e}").into()),
        }
    }
}

/// Downloads `key` to `dest` and checks it against the source (CRC-64 and every byte).
async fn download_and_compare(
    transfers: &Transfers,
    key: &str,
    dest: &Path,
    src: &Path,
    src_crc: u64,
) -> Result<u32, BoxError> {
    let (bucket, key) = (BucketName::new(BUCKET)?, ObjectKey::new(key)?);
    let mut resumes = 0;
    let down = loop {
        let _ = std::fs::remove_file(dest);
        match transfers.download_file(&bucket, &key, dest).send().await {
            Ok(d) => break d,
            Err(e) if resumes < RESUMES => {
                resumes += 1;
                println!("  download interrupted ({e}); starting again");
            }
            Err(e) => return Err(format!("download failed after {resumes} retries: {e}").into()),
        }
    };
    if down.crc64 != src_crc {
        return Err(format!("downloaded CRC-64 {} != source {src_crc}", down.crc64).into());
    }
    let (a, b) = (src.to_owned(), dest.to_owned());
    if !tokio::task::spawn_blocking(move || same_file(&a, &b)).await?? {
        return Err("the downloaded file differs from the source".into());
    }
    std::fs::remove_file(dest)?;
    Ok(resumes)
}

async fn transfer(
    client: &Client,
    work: &Path,
    src: &Path,
    src_crc: u64,
    key: &str,
) -> Result<Transfer, BoxError> {
    let transfers = Transfers::new(client.clone());
    let checkpoint = work.join(format!("{}.checkpoint", key.replace('/', "_")));
    let started = Instant::now();
    let (parts, up_resumes) = upload(&transfers, key, src, &checkpoint, src_crc).await?;
    let upload = started.elapsed();
    let started = Instant::now();
    let dest = work.join("downloaded.bin");
    let down_resumes = download_and_compare(&transfers, key, &dest, src, src_crc).await?;
    Ok(Transfer {
        upload,
        download: started.elapsed(),
        parts,
        resumes: up_resumes + down_resumes,
    })
}

// ---- kill -9 in the middle of writes ----

/// Objects written during the crash phase: (key, length, seed).
type Written = Arc<Mutex<Vec<(String, usize, u64)>>>;

struct Crash {
    acked: usize,
    unacked_absent: usize,
    unacked_intact: usize,
}

/// Writers PUTting objects until they are aborted.
struct Writers {
    acked: Written,
    tried: Written,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Starts 4 writers and returns once `kill_after` writes were acknowledged.
async fn writers(
    client: &Client,
    round: u32,
    seed: u64,
    kill_after: usize,
) -> Result<Writers, BoxError> {
    let (acked, tried): (Written, Written) = Default::default();
    let bucket = BucketName::new(BUCKET)?;
    let mut tasks = Vec::new();
    for w in 0..4u64 {
        let (client, bucket, acked, tried) =
            (client.clone(), bucket.clone(), acked.clone(), tried.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0u64..100_000 {
                let s = seed ^ (w << 32) ^ i.wrapping_mul(0x9E37_79B9);
                let len = usize::try_from(s % (2 << 20)).unwrap_or(0);
                let key = format!("crash/{round}/{w}-{i}");
                let Ok(k) = ObjectKey::new(key.clone()) else {
                    return;
                };
                tried.lock().map(|mut t| t.push((key.clone(), len, s))).ok();
                match client
                    .put_object(&bucket, &k)
                    .body(data(len, s))
                    .send()
                    .await
                {
                    Ok(_) => acked.lock().map(|mut a| a.push((key, len, s))).ok(),
                    Err(_) => return,
                };
            }
        }));
    }
    while acked.lock().map_or(0, |a| a.len()) < kill_after && !tasks.iter().all(|t| t.is_finished())
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(Writers {
        acked,
        tried,
        tasks,
    })
}

/// GET with retries (the restarted emulator injects faults too): `None` for 404.
async fn get(client: &Client, key: &str) -> Result<Option<Vec<u8>>, BoxError> {
    let bucket = BucketName::new(BUCKET)?;
    let k = ObjectKey::new(key)?;
    let mut last = String::new();
    for _ in 0..12 {
        match client.get_object(&bucket, &k).send().await {
            Ok(out) => match out.body.collect().await {
                Ok(b) => return Ok(Some(b.to_vec())),
                Err(e) => last = e.to_string(),
            },
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!("GET {key}: {last}").into())
}

async fn crash(
    emu: &mut Emu,
    bin: &Path,
    data_dir: &Path,
    round: u32,
    seed: u64,
) -> Result<Crash, BoxError> {
    let c = client(emu.addr)?;
    let kill_after = 8 + (seed % 24) as usize;
    let w = writers(&c, round, seed, kill_after).await?;
    emu.child.start_kill()?; // SIGKILL, with writes in flight
    emu.child.wait().await?;
    for t in w.tasks {
        t.abort();
        let _ = t.await;
    }
    let (acked, tried) = (w.acked, w.tried);
    *emu = start_emulator(bin, data_dir, seed.wrapping_add(1)).await?;
    let c = client(emu.addr)?;
    let acked: Vec<_> = acked.lock().map_err(|_| "poisoned")?.clone();
    let tried: Vec<_> = tried.lock().map_err(|_| "poisoned")?.clone();
    let mut out = Crash {
        acked: acked.len(),
        unacked_absent: 0,
        unacked_intact: 0,
    };
    for (key, len, s) in &tried {
        let got = get(&c, key).await?;
        let is_acked = acked.iter().any(|(k, _, _)| k == key);
        match got {
            Some(b) if b == data(*len, *s) => out.unacked_intact += usize::from(!is_acked),
            Some(b) => {
                return Err(
                    format!("{key}: {} bytes differ from the {len} written", b.len()).into(),
                );
            }
            None if is_acked => return Err(format!("acknowledged {key} lost after kill -9").into()),
            None => out.unacked_absent += 1,
        }
    }
    Ok(out)
}

// ---- main ----

async fn round(
    r: u32,
    args: &Args,
    emu: &mut Emu,
    work: &Path,
    src: &Path,
    src_crc: u64,
) -> Result<String, BoxError> {
    let key = format!("soak/round-{r}.bin");
    let t = transfer(&client(emu.addr)?, work, src, src_crc, &key).await?;
    let seed = args.seed.wrapping_mul(1000).wrapping_add(u64::from(r));
    let k = crash(emu, &args.emulator, &work.join("data"), r, seed).await?;
    // The big object was acknowledged too: intact after the restart, byte for byte.
    let c = client(emu.addr)?;
    let dest = work.join("downloaded.bin");
    download_and_compare(&Transfers::new(c.clone()), &key, &dest, src, src_crc).await?;
    c.delete_object(&BucketName::new(BUCKET)?, &ObjectKey::new(key)?)
        .send()
        .await?;
    Ok(format!(
        "upload {:.0} MiB/s ({} parts), download {:.0} MiB/s, {} resumes, crc64 {src_crc:016x} and full compare ok; \
         kill -9 after {} acknowledged writes: all intact after restart ({} unacknowledged absent, {} complete), big object intact",
        mib_s(args.size, t.upload),
        t.parts,
        mib_s(args.size, t.download),
        t.resumes,
        k.acked,
        k.unacked_absent,
        k.unacked_intact
    ))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = parse_args()?;
    let tmp = tempfile::Builder::new()
        .prefix("cos-soak-")
        .tempdir_in(args.dir.clone().unwrap_or_else(std::env::temp_dir))?;
    let work = tmp.path();
    std::fs::create_dir(work.join("data"))?;
    let src = work.join("source.bin");
    let src_crc = write_source(&src, args.size, args.seed)?;
    println!(
        "soak: {} rounds of {} MiB, faults: {}",
        args.rounds,
        args.size >> 20,
        FAULTS.join(" | ")
    );
    let mut emu = start_emulator(&args.emulator, &work.join("data"), args.seed).await?;
    client(emu.addr)?
        .put_bucket(&BucketName::new(BUCKET)?)
        .send()
        .await?;
    let mut passed = 0;
    for r in 1..=args.rounds {
        let started = Instant::now();
        match round(r, &args, &mut emu, work, &src, src_crc).await {
            Ok(summary) => {
                passed += 1;
                println!(
                    "round {r}/{}: ok in {:.1} s: {summary}",
                    args.rounds,
                    started.elapsed().as_secs_f64()
                );
            }
            Err(e) => println!("round {r}/{}: FAILED: {e}", args.rounds),
        }
    }
    let _ = emu.child.start_kill();
    let verdict = if passed == args.rounds {
        "ok"
    } else {
        "FAILED"
    };
    println!(
        "soak: {verdict}: {passed}/{} rounds passed ({} MiB each, byte-identical, kill -9 + restart each round)",
        args.rounds,
        args.size >> 20
    );
    if passed == args.rounds {
        Ok(())
    } else {
        Err(format!("{} of {} rounds failed", args.rounds - passed, args.rounds).into())
    }
}
