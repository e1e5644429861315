//! Checks the crate layering on each crate's normal (non-dev) dependency tree:
//! `cos-auth` and `cos-crc64` stay free of async runtimes, HTTP clients and serde
//! (an embedding team uses the signer alone), `cos-xml` of the HTTP stack, and the
//! emulator of the client crates it is meant to test.

use crate::util::{capture_quiet, cargo_bin};

const RUNTIME_AND_HTTP: &[&str] = &["tokio", "hyper", "reqwest", "futures"];

/// `(crate, crates its normal dependency tree must not contain, why)`.
const RULES: &[(&str, &[&str], &str)] = &[
    (
        "cos-auth",
        &["tokio", "hyper", "reqwest", "futures", "serde"],
        "no async runtime, HTTP client or serde",
    ),
    (
        "cos-crc64",
        &["tokio", "hyper", "reqwest", "futures", "serde", "cos-auth"],
        "no async runtime, HTTP client, serde or other cos crate",
    ),
    (
        "cos-xml",
        RUNTIME_AND_HTTP,
        "no async runtime or HTTP stack",
    ),
    (
        "cos-emulator",
        &["cos-core", "cos-transfer", "cos-v4-legacy", "rustls"],
        "none of the client crates it tests",
    ),
];

/// Fails when `cargo tree -p CRATE -e normal` lists a crate its rule forbids.
pub fn check() -> Result<(), String> {
    let mut errors = Vec::new();
    for (krate, forbidden, why) in RULES {
        let tree = capture_quiet(
            &cargo_bin(),
            &[
                "tree", "-p", krate, "-e", "normal", "--prefix", "none", "--format", "{p}",
            ],
        )?;
        let mut bad: Vec<&str> = tree
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|name| {
                forbidden
                    .iter()
                    .any(|f| name == f || name.starts_with(&format!("{f}-")))
            })
            .collect();
        bad.sort_unstable();
        bad.dedup();
        if bad.is_empty() {
            println!("layering: {krate} depends on {why}");
        } else {
            errors.push(format!("{krate} must not depend on {}", bad.join(", ")));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}
