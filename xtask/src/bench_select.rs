//! `cargo xtask bench select`: the SELECT event-stream decoder's throughput
//! (`cos-core/benches/select.rs`, target >= 1 GB/s of framed records) and the
//! emulator's scan rate of a CSV with a WHERE filter (`cos-emulator/benches/select.rs`,
//! 256 MiB; `BENCH_SELECT_MIB` to change) next to Python's `csv` module reading and
//! filtering the same file in the same run. Last line:
//! `select: decode_gbps=R emu_scan_vs_python_csv=R`.

use std::process::Command;

use crate::python;
use crate::util::{cargo_bin, root};

/// Python's csv module over the same file with the same filter.
const PY_CSV: &str = r#"
import csv, sys, time
path = sys.argv[1]
best = 0.0
size = 0
import os
size = os.path.getsize(path)
for _ in range(2):
    start = time.perf_counter()
    n = 0
    with open(path, newline='') as f:
        for row in csv.reader(f):
            if row[2] == 'needle':
                n += 1
    best = max(best, size / (time.perf_counter() - start) / 1e6)
print('RESULT python_csv_mbps %.1f' % best)
"#;

fn result(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        let mut it = l.strip_prefix("RESULT ")?.split_whitespace();
        (it.next()? == name).then_some(())?;
        it.next()?.parse().ok()
    })
}

fn bench(package: &str, env: &[(&str, &str)]) -> Result<String, String> {
    let args = ["bench", "-q", "-p", package, "--bench", "select"];
    println!("$ cargo {}", args.join(" "));
    let out = Command::new(cargo_bin())
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    print!("{text}");
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "the {package} select benchmark failed ({})",
            out.status
        ))
    }
}

/// `cargo xtask bench select`.
pub fn select() -> Result<(), String> {
    let decode = bench("cos-core", &[])?;
    let decode_gbps = result(&decode, "decode_gbps").ok_or("no decode_gbps result")?;
    let dir = root().join("target").join("tmp");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let csv = dir.join(format!("bench-select-{}.csv", std::process::id()));
    let csv_str = csv.to_string_lossy().into_owned();
    let mib = std::env::var("BENCH_SELECT_MIB").unwrap_or_else(|_| "256".to_owned());
    let scan = bench(
        "cos-emulator",
        &[("BENCH_SELECT_CSV", &csv_str), ("BENCH_SELECT_MIB", &mib)],
    );
    let python = scan.as_ref().ok().map(|_| -> Result<f64, String> {
        let py = python::ensure_sdk()?;
        let out = Command::new(py)
            .args(["-c", PY_CSV, &csv_str])
            .output()
            .map_err(|e| format!("python: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        print!("{text}");
        result(&text, "python_csv_mbps").ok_or_else(|| {
            format!(
                "no python_csv_mbps result: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
    });
    let _ = std::fs::remove_file(&csv);
    let emu = result(&scan?, "emu_scan_mbps").ok_or("no emu_scan_mbps result")?;
    let py = python.ok_or("no python run")??;
    println!("decoder: {decode_gbps:.2} GB/s of framed records (target >= 1)");
    println!("emulator scan: {emu:.1} MB/s; Python csv module: {py:.1} MB/s ({mib} MiB CSV)");
    println!(
        "select: decode_gbps={decode_gbps:.2} emu_scan_vs_python_csv={:.2}",
        emu / py
    );
    Ok(())
}
