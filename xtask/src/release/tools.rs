//! The cargo plugins `release check` runs — `cargo-semver-checks` and `cargo-deny` —
//! found on `PATH` or installed once with `cargo install --locked` into
//! `target/tools` (a heavy compile, so only `release check` does it, never `ci`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{cargo_bin, run};

/// Where `release check` installs the plugins it needs.
pub fn tool_root(target: &Path) -> PathBuf {
    target.join("tools")
}

/// A command that runs cargo plugin `sub` (`deny`, `semver-checks`): `cargo <sub>`
/// when cargo finds it, else `target/tools/bin/cargo-<sub>`, installed from crate
/// `krate` first when missing.
pub fn plugin(target: &Path, sub: &str, krate: &str) -> Result<Vec<String>, String> {
    let on_path = Command::new(cargo_bin())
        .args([sub, "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if on_path {
        return Ok(vec![cargo_bin(), sub.to_owned()]);
    }
    let root = tool_root(target);
    let bin = root.join("bin").join(format!("cargo-{sub}"));
    if !bin.is_file() {
        println!(
            "release: installing {krate} into {} (once; a long compile)",
            root.display()
        );
        let root_s = root.to_string_lossy().into_owned();
        let build = root.join("build").to_string_lossy().into_owned();
        run(
            &cargo_bin(),
            &["install", "--locked", krate, "--root", &root_s],
            &[("CARGO_TARGET_DIR", &build)],
        )?;
    }
    // A cargo plugin run directly gets its subcommand name as the first argument.
    Ok(vec![bin.to_string_lossy().into_owned(), sub.to_owned()])
}

/// Runs a plugin command line with extra arguments.
pub fn run_plugin(cmd: &[String], args: &[&str]) -> Result<(), String> {
    let (program, first) = cmd.split_first().ok_or("empty plugin command")?;
    let mut all: Vec<&str> = first.iter().map(String::as_str).collect();
    all.extend(args);
    run(program, &all, &[])
}

/// The newest `v*` release tag, if any.
pub fn previous_tag() -> Result<Option<String>, String> {
    let out = Command::new("git")
        .args(["tag", "--list", "v*", "--sort=-v:refname"])
        .current_dir(crate::util::root())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err("`git tag --list` failed".to_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .find(|t| !t.is_empty())
        .map(str::to_owned))
}

/// `cargo semver-checks` of every published crate against the previous tag; without
/// a tag there is no baseline, which is said and skipped (nothing is installed).
pub fn semver(target: &Path) -> Result<String, String> {
    let Some(tag) = previous_tag()? else {
        return Ok(
            "skipped: no release tag (v*) yet, so there is no baseline to compare \
                   the public API with; the first `release bump` creates one"
                .to_owned(),
        );
    };
    let cmd = plugin(target, "semver-checks", "cargo-semver-checks")?;
    run_plugin(
        &cmd,
        &["check-release", "--workspace", "--baseline-rev", &tag],
    )?;
    Ok(format!(
        "the public API is compatible with the version bump since {tag}"
    ))
}

/// The local RustSec advisory database cargo-deny would use, if it was fetched.
fn advisory_db() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let db = home.join("advisory-dbs");
    std::fs::read_dir(&db).ok()?.next().map(|_| db)
}

/// `cargo deny` offline: licences, bans and sources from `deny.toml`; advisories only
/// when a local advisory database exists (fetching one is a git clone, not a
/// registry download).
pub fn deny(target: &Path) -> Result<String, String> {
    let cmd = plugin(target, "deny", "cargo-deny")?;
    run_plugin(
        &cmd,
        &[
            "--offline",
            "--all-features",
            "check",
            "licenses",
            "bans",
            "sources",
        ],
    )?;
    match advisory_db() {
        Some(db) => {
            run_plugin(
                &cmd,
                &[
                    "--offline",
                    "--all-features",
                    "check",
                    "--disable-fetch",
                    "advisories",
                ],
            )?;
            Ok(format!(
                "licenses, bans, sources and advisories (local database {}, not refreshed)",
                db.display()
            ))
        }
        None => Ok(
            "licenses, bans and sources pass; advisories skipped: no local advisory \
                    database (`cargo deny fetch` clones it from git, which this check does \
                    not do offline)"
                .to_owned(),
        ),
    }
}
