//! Checks the crate layering: `cos-auth` must stay free of async runtimes, HTTP clients
//! and serde in its default (normal) dependency tree, because an embedding team uses it
//! alone.

use crate::util::{capture, cargo_bin};

const FORBIDDEN_IN_AUTH: &[&str] = &["tokio", "hyper", "reqwest", "serde", "futures"];

/// Fails when `cargo tree -p cos-auth -e normal` lists a forbidden crate.
pub fn check() -> Result<(), String> {
    let tree = capture(
        &cargo_bin(),
        &[
            "tree", "-p", "cos-auth", "-e", "normal", "--prefix", "none", "--format", "{p}",
        ],
    )?;
    let bad: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| {
            FORBIDDEN_IN_AUTH
                .iter()
                .any(|f| name == f || name.starts_with(&format!("{f}-")))
        })
        .collect();
    if bad.is_empty() {
        println!("layering: cos-auth depends on no async runtime, HTTP client or serde");
        Ok(())
    } else {
        Err(format!("cos-auth must not depend on {}", bad.join(", ")))
    }
}
