//! `cargo xtask`: test, CI and benchmark automation for cos-rs.
//!
//! ```text
//! cargo xtask ci            fmt --check, clippy -D warnings, structure, layering, tests, docs
//! cargo xtask test          the tests alone (nextest if installed, plus doc tests)
//! cargo xtask bench sign    signatures/s of cos-auth, with the Python SDK's rate as baseline
//! cargo xtask bench xml     cos-xml parsing speed
//! cargo xtask bench crypto  encrypted vs plain upload_file/download_file (cos-crypto)
//! cargo xtask bench select  SELECT decoder GB/s and emulator scan rate vs Python csv
//! cargo xtask bench cli     `cos` vs coscmd and the Python SDK: small files, listing, no-op sync
//! cargo xtask fuzz          the decoder fuzzers (property tests) in release mode, many cases
//! cargo xtask soak          1 GiB up/down x3 against a faulty emulator, kill -9 and restart
//! cargo xtask quickstart    the main job: the end-to-end quickstart (emulator or real COS)
//! cargo xtask python        prepare the Python venv with cos-python-sdk-v5 (for interop)
//! cargo xtask node          install cos-nodejs-sdk-v5 under target/node-sdk (for interop)
//! cargo xtask layering      check each crate's dependencies against the README table
//! cargo xtask structure     file/function length, no too_many_arguments, no import cycles
//! cargo xtask release check | ci | bump <major|minor|patch> [--execute] | publish [--execute]
//! ```

mod bench;
mod bench_cli;
mod bench_crypto;
mod bench_select;
mod fuzz;
mod layering;
mod python;
mod release;
mod soak;
mod structure;
mod util;

use std::process::ExitCode;

use util::{cargo, run};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["ci"] => ci(),
        ["test", rest @ ..] => test(rest),
        ["bench", "sign"] => bench::sign(),
        ["bench", "xml"] => bench::xml(),
        ["bench", "emulator"] => bench::emulator(),
        ["bench", "transfer"] => bench::transfer(),
        ["bench", "crypto", rest @ ..] => bench_crypto::run(rest),
        ["bench", "select"] => bench_select::select(),
        ["bench", "cli"] => bench_cli::cli(),
        ["bench"] => bench::sign().and_then(|()| bench::xml()),
        ["quickstart", rest @ ..] => quickstart(rest),
        ["fuzz", rest @ ..] => fuzz::fuzz(rest),
        ["soak", rest @ ..] => soak::soak(rest),
        ["python"] => python::ensure_sdk().map(|p| println!("{}", p.display())),
        ["node"] => python::ensure_node_sdk().map(|p| println!("{}", p.display())),
        ["layering"] => layering::check(),
        ["structure"] => structure::check(),
        ["release", rest @ ..] => release::release(rest),
        _ => {
            eprintln!("{}", USAGE);
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <ci | test [filter] | bench [sign|xml|emulator|transfer|crypto|select|cli] | quickstart | fuzz [--cases N] [--only PACKAGE] | soak [--rounds N] [--size 1GiB] | python | node | layering | structure | release <check | ci | bump LEVEL [--execute] | publish [--execute]>>";

/// Everything CI checks, in order of cost.
fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(structure::CLIPPY_ARGS)?;
    structure::check()?;
    layering::check()?;
    release::ci_subset()?;
    test(&[])?;
    run(
        "cargo",
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    println!("xtask ci: all checks passed");
    Ok(())
}

/// Runs every test: unit, integration (nextest when available) and doc tests.
fn test(filter: &[&str]) -> Result<(), String> {
    let mut args = vec!["--workspace", "--all-features"];
    if util::has_nextest() {
        let mut a = vec!["nextest", "run"];
        a.extend(&args);
        a.extend(["--no-fail-fast"]);
        a.extend(filter);
        cargo(&a)?;
    } else {
        let mut a = vec!["test"];
        a.extend(&args);
        a.extend(["--lib", "--bins", "--tests"]);
        a.extend(filter);
        cargo(&a)?;
    }
    args.insert(0, "--doc");
    args.insert(0, "test");
    args.extend(filter);
    cargo(&args)
}

/// The README's main job: the end-to-end quickstart (cos-transfer's example) against
/// the in-process emulator, or real COS when COS_SECRET_ID, COS_SECRET_KEY, COS_REGION
/// and COS_BUCKET are set.
fn quickstart(extra: &[&str]) -> Result<(), String> {
    let mut a = vec![
        "run",
        "--quiet",
        "--release",
        "-p",
        "cos-transfer",
        "--example",
        "quickstart",
        "--",
    ];
    a.extend(extra);
    cargo(&a)
}
