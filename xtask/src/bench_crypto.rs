//! `cargo xtask bench crypto [--mib N] [--runs N] [--rss-mib N]`: cos-crypto's encrypted
//! `upload_file` / `download_file` next to the plain ones, against the emulator in bench
//! mode (`cos-crypto/benches/crypto.rs`), 1 GiB by default, plus the peak RSS of an
//! encrypted 4 GiB upload. Ends with `crypto: up_vs_plain=R down_vs_plain=R rss_4g_mib=N`.

use std::process::Command;

use crate::util::cargo_bin;

/// Runs the benchmark; the flags override the harness's `BENCH_CRYPTO_*` settings.
pub fn run(args: &[&str]) -> Result<(), String> {
    let mut cmd = Command::new(cargo_bin());
    cmd.args(["bench", "-q", "-p", "cos-crypto", "--bench", "crypto"]);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let var = match *flag {
            "--mib" => "BENCH_CRYPTO_MIB",
            "--runs" => "BENCH_CRYPTO_RUNS",
            "--rss-mib" => "BENCH_CRYPTO_RSS_MIB",
            other => return Err(format!("bench crypto: unknown flag {other}")),
        };
        let value = it
            .next()
            .ok_or(format!("bench crypto: {flag} needs a number"))?;
        value
            .parse::<u64>()
            .map_err(|_| format!("bench crypto: {flag} {value}: not a number"))?;
        cmd.env(var, value);
    }
    let status = cmd.status().map_err(|e| format!("cargo bench: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo bench -p cos-crypto --bench crypto: {status}"
        ))
    }
}
