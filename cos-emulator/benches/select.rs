//! The emulator's SELECT scan rate: a CSV of `BENCH_SELECT_MIB` MiB (default 256),
//! `select * from COSObject s where s._3 = 'needle'` (few matches), timed from the
//! request to the End event. The CSV is also written to `BENCH_SELECT_CSV` (when set)
//! so that `cargo xtask bench select` can time Python's csv module on the same file.
//! `cargo bench -p cos-emulator --bench select`; prints `RESULT emu_scan_mbps value`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::Write;
use std::time::{Duration, Instant};

use cos_core::{BucketName, Client, Config, ObjectKey, RetryConfig};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One million-ish rows of `id,name,city,amount,note`, every 1000th city a needle.
fn csv(mib: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(mib << 20);
    let cities = ["beijing", "shanghai", "guangzhou", "shenzhen", "chengdu"];
    let mut i = 0u64;
    while out.len() < mib << 20 {
        let city = if i % 1000 == 7 {
            "needle"
        } else {
            cities[(i % 5) as usize]
        };
        writeln!(
            out,
            "{i},user{i:08},{city},{}.{:02},\"note, {}\"",
            i % 9973,
            i % 100,
            i % 17
        )
        .unwrap();
        i += 1;
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mib: usize = std::env::var("BENCH_SELECT_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let data = csv(mib);
    if let Ok(path) = std::env::var("BENCH_SELECT_CSV") {
        std::fs::write(&path, &data).unwrap();
    }
    let emu = cos_emulator::Emulator::builder().start().await.unwrap();
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
        .connect_to(emu.endpoint())
        .read_timeout(Duration::from_secs(120))
        .operation_timeout(Duration::from_secs(3600))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let c = Client::new(config).unwrap();
    let b = BucketName::new("bench-1250000000").unwrap();
    let k = ObjectKey::new("data.csv").unwrap();
    c.put_bucket(&b).send().await.unwrap();
    let len = data.len();
    c.put_object(&b, &k).body(data).send().await.unwrap();
    let mut best = 0f64;
    for _ in 0..3 {
        let start = Instant::now();
        let rows = c
            .select_object_content(&b, &k)
            .expression("select * from COSObject s where s._3 = 'needle'")
            .send()
            .await
            .unwrap()
            .collect_records()
            .await
            .unwrap();
        let mbps = len as f64 / start.elapsed().as_secs_f64() / 1e6;
        assert!(!rows.is_empty());
        best = best.max(mbps);
    }
    println!("RESULT emu_scan_mbps {best:.1}");
    emu.shutdown().await;
}
