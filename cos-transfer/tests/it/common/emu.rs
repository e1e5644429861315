//! The in-process emulator and a cos-core client for it.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use cos_core::{BucketName, Client, Config, RetryConfig};
use cos_emulator::{Emulator, EmulatorBuilder, EmulatorHandle};
use cos_transfer::CosBackend;

pub const BUCKET: &str = "examplebucket-1250000000";

/// A client for `addr` that retries up to `attempts` times with short delays.
pub fn client_for_addr(addr: std::net::SocketAddr, attempts: u32) -> Client {
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
        .connect_to(format!("http://{addr}"))
        .read_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(60))
        .retry(
            RetryConfig::default()
                .max_attempts(attempts)
                .delays(Duration::from_millis(2), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

pub fn client_for(emu: &EmulatorHandle) -> Client {
    client_for_addr(emu.addr(), 6)
}

pub async fn create_bucket(client: &Client, name: &str) {
    client
        .put_bucket(&BucketName::new(name).unwrap())
        .send()
        .await
        .unwrap();
}

/// An emulator (seeded) with [`BUCKET`], and a backend on it.
pub async fn setup_with(builder: EmulatorBuilder) -> (EmulatorHandle, CosBackend) {
    let emu = builder.seed(7).start().await.unwrap();
    let client = client_for(&emu);
    create_bucket(&client, BUCKET).await;
    (emu, CosBackend::new(client))
}

pub async fn setup() -> (EmulatorHandle, CosBackend) {
    setup_with(Emulator::builder()).await
}

/// Requests of operation `op` answered with `status`.
/// After a client was killed: a request whose body had reached the emulator before the
/// kill still completes (it waits out any injected latency first). Returns once no new
/// request was recorded for one `step`.
pub async fn wait_until_quiet(emu: &EmulatorHandle, step: std::time::Duration) {
    let mut seen = emu.requests().len();
    loop {
        tokio::time::sleep(step).await;
        let now = emu.requests().len();
        if now == seen {
            break;
        }
        seen = now;
    }
}

pub fn count(emu: &EmulatorHandle, op: &str, status: u16) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.operation == op && r.status == status)
        .count()
}

/// Pseudo-random bytes (xorshift).
pub fn random(len: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    let mut x = seed | 1;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Writes `len` pseudo-random bytes to `path`, generated 1 MiB at a time.
pub fn write_random_file(path: &Path, len: u64, seed: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut left = len;
    let mut chunk_seed = seed;
    while left > 0 {
        let n = left.min(1 << 20) as usize;
        f.write_all(&random(n, chunk_seed)).unwrap();
        chunk_seed = chunk_seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        left -= n as u64;
    }
    f.flush().unwrap();
}

/// Whether two files have the same bytes (compared 1 MiB at a time).
pub fn same_file(a: &Path, b: &Path) -> bool {
    let (mut fa, mut fb) = (
        std::fs::File::open(a).unwrap(),
        std::fs::File::open(b).unwrap(),
    );
    if fa.metadata().unwrap().len() != fb.metadata().unwrap().len() {
        return false;
    }
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let n = fa.read(&mut ba).unwrap();
        if n == 0 {
            return true;
        }
        fb.read_exact(&mut bb[..n]).unwrap();
        if ba[..n] != bb[..n] {
            return false;
        }
    }
}
