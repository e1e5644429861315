//! `cargo xtask bench ...`: runs the plain benchmark harnesses and reports ratios
//! against baselines measured in the same run.

use std::process::Command;

use crate::python;
use crate::util::{capture, cargo_bin};

/// The Python SDK's `CosS3Auth` on the same request as `cos-auth/benches/sign.rs`.
const PY_SIGN: &str = r#"
import time
import requests
from qcloud_cos import CosConfig
from qcloud_cos.cos_auth import CosS3Auth
conf = CosConfig(Region='ap-guangzhou', SecretId='AKIDEXAMPLE', SecretKey='SECRETKEYEXAMPLE')
params = {'partNumber': '1', 'uploadId': '1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361'}
req = requests.Request('PUT', 'https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/dir/photo.jpg',
    params=params,
    headers={'Content-Type': 'image/jpeg', 'Content-Length': '1048576',
             'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==', 'x-cos-storage-class': 'STANDARD_IA',
             'Host': 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com'}).prepare()
auth = CosS3Auth(conf, 'dir/photo.jpg', params=params)
for _ in range(2000):
    auth(req)
n = 0
start = time.perf_counter()
while time.perf_counter() - start < 2.0:
    for _ in range(1000):
        auth(req)
    n += 1000
print('RESULT python_sign %.0f' % (n / (time.perf_counter() - start)))
"#;

fn results(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter_map(|l| {
            let mut it = l.strip_prefix("RESULT ")?.split_whitespace();
            let name = it.next()?.to_owned();
            let value = it.next()?.parse().ok()?;
            Some((name, value))
        })
        .collect()
}

fn get(results: &[(String, f64)], name: &str) -> Option<f64> {
    results.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
}

/// `cargo xtask bench sign`.
pub fn sign() -> Result<(), String> {
    let out = capture(
        &cargo_bin(),
        &["bench", "-q", "-p", "cos-auth", "--bench", "sign"],
    )?;
    let rust = results(&out);
    let uncached = get(&rust, "sign_uncached").ok_or("no sign_uncached result")?;
    let cached = get(&rust, "sign_cached").ok_or("no sign_cached result")?;
    let python = match python::ensure_sdk() {
        Ok(py) => {
            let out = Command::new(py)
                .args(["-c", PY_SIGN])
                .output()
                .map_err(|e| format!("python: {e}"))?;
            let text = String::from_utf8_lossy(&out.stdout);
            if !out.status.success() {
                eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            }
            get(&results(&text), "python_sign")
        }
        Err(e) => {
            println!("python baseline unavailable: {e}");
            None
        }
    };
    println!();
    println!("== bench sign: typical PUT, 5 headers + 2 params, one core ==");
    println!(
        "cos-auth, SignKey derived per request : {uncached:>12.0} signatures/s (target >= 450,000)"
    );
    println!(
        "cos-auth, SignKey cached per window   : {cached:>12.0} signatures/s (target >= 1,000,000)"
    );
    if let Some(tc3) = get(&rust, "sign_tc3") {
        println!("cos-auth, TC3-HMAC-SHA256 (STS call)  : {tc3:>12.0} signatures/s");
    }
    if let Some(py) = python {
        println!("cos-python-sdk-v5 1.9.44 CosS3Auth    : {py:>12.0} signatures/s (baseline)");
        println!(
            "ratio vs Python: {:.1}x uncached, {:.1}x cached",
            uncached / py,
            cached / py
        );
    }
    Ok(())
}

/// `cargo xtask bench xml`.
pub fn xml() -> Result<(), String> {
    capture(
        &cargo_bin(),
        &["bench", "-q", "-p", "cos-xml", "--bench", "xml"],
    )
    .map(|_| ())
}

/// `cargo xtask bench emulator`: PUT/GET of a 1 GiB object and 4 KiB PUTs and GETs per
/// second against `cos-emulator --bench`, next to a bare hyper sink measured in the same
/// run, round by round; prints the median emulator/sink ratios.
pub fn emulator() -> Result<(), String> {
    let out = capture(
        &cargo_bin(),
        &["bench", "-q", "-p", "cos-emulator", "--bench", "throughput"],
    )?;
    let r = results(&out);
    for name in ["ratio_put", "ratio_get", "ratio_put4k", "ratio_get4k"] {
        let v = get(&r, name).ok_or(format!("no {name} result"))?;
        println!("emulator/sink {name}: {v:.2}");
    }
    Ok(())
}

/// `cargo xtask bench transfer`: cos-transfer's upload_file / download_file against a
/// bare hyper ceiling and the official Python SDK (defaults and best settings), 1 GiB
/// each (`BENCH_TRANSFER_MIB` to change), median of `BENCH_TRANSFER_RUNS` (default 6)
/// runs, plus the peak RSS of a 4 GiB upload. Ends with the `transfer: ...` line.
pub fn transfer() -> Result<(), String> {
    // The harness uses the venv when it exists; make sure it does.
    if let Err(e) = python::ensure_sdk() {
        println!("python baseline unavailable: {e}");
    }
    capture(
        &cargo_bin(),
        &["bench", "-q", "-p", "cos-transfer", "--bench", "transfer"],
    )
    .map(|_| ())
}
