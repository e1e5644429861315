//! The cargo plugins `release check` runs — `cargo-semver-checks` and `cargo-deny` —
//! at pinned versions, found on `PATH` at that version or installed once with
//! `cargo install --locked` into `target/tools` (a heavy compile, so only `release
//! check` does it, never `ci`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{cargo_bin, run};

/// A cargo plugin at the version `release check` uses.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    /// The subcommand (`cargo <sub>`).
    pub sub: &'static str,
    /// The crate that installs it.
    pub krate: &'static str,
    /// The pinned version: one that builds with the toolchain in use (cargo 1.95) and
    /// reads its rustdoc JSON; raise it with the toolchain.
    pub version: &'static str,
}

/// `cargo deny` (rust-version 1.88).
pub const DENY: Tool = Tool {
    sub: "deny",
    krate: "cargo-deny",
    version: "0.20.2",
};

/// `cargo semver-checks` (rust-version 1.93; reads rustdoc JSON of Rust 1.95).
pub const SEMVER_CHECKS: Tool = Tool {
    sub: "semver-checks",
    krate: "cargo-semver-checks",
    version: "0.51.0",
};

/// Whether `program args --version` prints the pinned version.
fn reports_version(program: &str, args: &[&str], version: &str) -> bool {
    Command::new(program)
        .args(args)
        .arg("--version")
        .output()
        .is_ok_and(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .split_whitespace()
                    .any(|w| w == version)
        })
}

/// Where `release check` installs the plugins it needs.
pub fn tool_root(target: &Path) -> PathBuf {
    target.join("tools")
}

/// A command that runs `tool`: `cargo <sub>` when cargo finds it at the pinned
/// version, else `target/tools/bin/cargo-<sub>`, installed (or replaced) at the pinned
/// version first.
pub fn plugin(target: &Path, tool: Tool) -> Result<Vec<String>, String> {
    if reports_version(&cargo_bin(), &[tool.sub], tool.version) {
        return Ok(vec![cargo_bin(), tool.sub.to_owned()]);
    }
    let root = tool_root(target);
    let bin = root.join("bin").join(format!("cargo-{}", tool.sub));
    let bin_s = bin.to_string_lossy().into_owned();
    if !reports_version(&bin_s, &[tool.sub], tool.version) {
        println!(
            "release: installing {} {} into {} (once; a long compile)",
            tool.krate,
            tool.version,
            root.display()
        );
        let root_s = root.to_string_lossy().into_owned();
        let spec = format!("{}@{}", tool.krate, tool.version);
        // cargo builds in a temporary directory and removes it afterwards.
        run(
            &cargo_bin(),
            &["install", "--locked", &spec, "--root", &root_s],
            &[],
        )?;
    }
    // A cargo plugin run directly gets its subcommand name as the first argument.
    Ok(vec![bin_s, tool.sub.to_owned()])
}

/// Runs a plugin command line with extra arguments.
pub fn run_plugin(cmd: &[String], args: &[&str]) -> Result<(), String> {
    let (program, first) = cmd.split_first().ok_or("empty plugin command")?;
    let mut all: Vec<&str> = first.iter().map(String::as_str).collect();
    all.extend(args);
    run(program, &all, &[])
}
