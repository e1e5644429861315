//! `cargo xtask fuzz`: the property-test fuzzers of the decoders that face the network or
//! the disk, in release mode with many more cases than CI runs.
//!
//! Each file reads `PROPTEST_CASES`; CI runs their small defaults.

use crate::util::{cargo_bin, run};

/// The fuzz tests: (package, test binary, test-name filter, default cases here). The
/// network-facing ones make real local connections per case, so they get fewer.
const TARGETS: &[(&str, &str, &str, u32)] = &[
    ("cos-xml", "it", "fuzz::", 50_000),
    ("cos-auth", "it", "fuzz::", 20_000),
    ("cos-v4-legacy", "it", "fuzz::", 2_000),
    ("cos-emulator", "it", "fuzz_wire::", 5_000),
];

const USAGE: &str = "usage: cargo xtask fuzz [--cases N] [--only PACKAGE]";

/// Runs every fuzz test (or those of `--only PACKAGE`) with `--cases N` cases each
/// (default: the per-target counts above).
pub fn fuzz(args: &[&str]) -> Result<(), String> {
    let mut cases: Option<u32> = None;
    let mut only: Option<&str> = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match (*flag, it.next()) {
            ("--cases", Some(n)) => {
                cases = Some(
                    n.parse()
                        .map_err(|_| format!("bad --cases {n:?}\n{USAGE}"))?,
                )
            }
            ("--only", Some(p)) => only = Some(p),
            _ => return Err(USAGE.to_owned()),
        }
    }
    let mut ran = 0;
    for (package, test, filter, default) in TARGETS {
        if only.is_some_and(|o| o != *package) {
            continue;
        }
        let n = cases.unwrap_or(*default).to_string();
        let mut a = vec!["test", "--release", "-p", package, "--test", test];
        if !filter.is_empty() {
            a.push(filter);
        }
        run(&cargo_bin(), &a, &[("PROPTEST_CASES", &n)])?;
        ran += 1;
    }
    if ran == 0 {
        return Err(format!("no fuzz target in package {only:?}"));
    }
    println!("xtask fuzz: {ran} targets passed");
    Ok(())
}
