//! `cargo xtask release publish [--execute]`: every published crate in dependency
//! order, each awaited in the crates.io index before the next; refuses a dirty tree
//! and a HEAD that is not the `v<version>` tag.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::model::Workspace;
use super::version::publish_order;
use crate::util::{cargo_bin, root, run};

/// How often, and how far apart, the index is asked for a just-published crate.
const INDEX_POLLS: u32 = 60;
const INDEX_POLL_INTERVAL: Duration = Duration::from_secs(10);

fn git(args: &[&str]) -> Result<String, String> {
    git_in(&root(), args)
}

fn git_in(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Fails when the work tree has uncommitted changes or untracked files.
pub fn ensure_clean() -> Result<(), String> {
    ensure_clean_in(&root())
}

fn ensure_clean_in(dir: &Path) -> Result<(), String> {
    let status = git_in(dir, &["status", "--porcelain"])?;
    if status.trim().is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the work tree is dirty; commit or remove these first:\n{}",
            status.trim_end()
        ))
    }
}

/// Whether `name@version` is in the crates.io index (`cargo info`, registry only).
fn in_index(name: &str, version: &str) -> bool {
    Command::new(cargo_bin())
        .args(["info", "--quiet", &format!("{name}@{version}")])
        .current_dir(std::env::temp_dir())
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Polls the index until `name@version` appears, at most [`INDEX_POLLS`] times.
fn wait_for_index(name: &str, version: &str) -> Result<(), String> {
    for attempt in 1..=INDEX_POLLS {
        if in_index(name, version) {
            println!("release publish: {name} {version} is in the index");
            return Ok(());
        }
        println!(
            "release publish: waiting for {name} {version} in the index ({attempt}/{INDEX_POLLS})"
        );
        std::thread::sleep(INDEX_POLL_INTERVAL);
    }
    Err(format!(
        "{name} {version} did not appear in the index; rerun `release publish --execute` \
         later (published crates are skipped)"
    ))
}

/// Publishes the workspace (dry run unless `execute`).
pub fn publish(execute: bool) -> Result<(), String> {
    ensure_clean()?;
    let ws = Workspace::load()?;
    let version = ws.version()?;
    let tag = format!("v{version}");
    let tagged = git(&["tag", "--points-at", "HEAD"])?
        .lines()
        .any(|t| t.trim() == tag);
    if !tagged {
        let msg = format!(
            "HEAD is not tagged {tag}: `cargo xtask release bump` tags a new version (the \
             first release: `git tag -a {tag}`)"
        );
        if execute {
            return Err(msg);
        }
        println!("warning: {msg}");
    }
    let order = publish_order(&ws)?;
    println!(
        "release publish: {version} in this order: {}",
        order.join(" -> ")
    );
    for name in &order {
        if in_index(name, &version) {
            println!("  {name} {version}: already in the index, skipped");
            continue;
        }
        if !execute {
            println!("  would run: cargo publish -p {name}, then wait for it in the index");
            continue;
        }
        run(&cargo_bin(), &["publish", "-p", name], &[])?;
        wait_for_index(name, &version)?;
    }
    if !execute {
        println!("dry run: nothing published (add --execute to publish)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dirty_tree_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git_in(d, &["init", "--quiet"]).unwrap();
        ensure_clean_in(d).unwrap();
        std::fs::write(d.join("new.txt"), "x").unwrap();
        let err = ensure_clean_in(d).unwrap_err();
        assert!(err.contains("dirty") && err.contains("new.txt"), "{err}");
    }
}
