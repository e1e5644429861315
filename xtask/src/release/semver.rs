//! The `semver` step of `release check`: `cargo semver-checks` of each published
//! library against the newest `v*` tag.
//!
//! - A crate that did not exist at the tag (under the same name and directory) has no
//!   baseline: it is named as new and not judged; a binary-only crate has no API.
//! - Without any tag there is no baseline at all: the output says so and judges no
//!   crate. The tool is still installed and run once on [`SELF_TEST`] compared with
//!   itself, which proves it builds and reads this toolchain's rustdoc JSON, so the
//!   first real comparison after `release bump --execute` cannot fail for tooling.

use std::process::Command;

use super::model::{Crate, Workspace};
use super::tools::{SEMVER_CHECKS, plugin, run_plugin};
use crate::util::root;

/// The crate the tool is tried on when there is no baseline: small, few dependencies.
pub const SELF_TEST: &str = "cos-auth";

/// The newest `v*` release tag, if any.
pub fn previous_tag() -> Result<Option<String>, String> {
    let out = git(&["tag", "--list", "v*", "--sort=-v:refname"])?;
    Ok(out
        .lines()
        .map(str::trim)
        .find(|t| !t.is_empty())
        .map(str::to_owned))
}

fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("`git {}` failed", args.join(" ")));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether `manifest` (a `Cargo.toml`) names the package `name`.
pub fn names_package(manifest: &str, name: &str) -> bool {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "name"
        {
            return value.trim().trim_matches('"') == name;
        }
    }
    false
}

/// Whether crate `c` existed at `tag` (same directory, same package name).
fn existed_at(ws: &Workspace, c: &Crate, tag: &str) -> bool {
    let rel = c.dir.strip_prefix(&ws.root).unwrap_or(&c.dir);
    let spec = format!("{tag}:{}/Cargo.toml", rel.display());
    git(&["show", &spec]).is_ok_and(|m| names_package(&m, &c.name))
}

/// The published crates split into (judged against `tag`, new since it, binary-only).
pub fn split(
    ws: &Workspace,
    existed: impl Fn(&Crate) -> bool,
) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
    let (mut judged, mut new, mut bins) = (Vec::new(), Vec::new(), Vec::new());
    for c in ws.published() {
        let list = if !c.has_lib {
            &mut bins
        } else if existed(c) {
            &mut judged
        } else {
            &mut new
        };
        list.push(c.name.as_str());
    }
    (judged, new, bins)
}

/// Runs the step.
pub fn check(ws: &Workspace) -> Result<String, String> {
    let cmd = plugin(&ws.target, SEMVER_CHECKS)?;
    let tool = format!("cargo-semver-checks {}", SEMVER_CHECKS.version);
    let Some(tag) = previous_tag()? else {
        let here = ws.root.to_string_lossy().into_owned();
        run_plugin(
            &cmd,
            &["check-release", "-p", SELF_TEST, "--baseline-root", &here],
        )?;
        return Ok(format!(
            "no crate judged: no release tag (v*) yet, so no baseline to compare the public \
             API with (nothing is published either); the first `release bump --execute` \
             tags one. Tool check: {tool} ran on {SELF_TEST} against itself"
        ));
    };
    let (judged, new, bins) = split(ws, |c| existed_at(ws, c, &tag));
    if !judged.is_empty() {
        let mut args = vec!["check-release", "--baseline-rev", &tag];
        for name in &judged {
            args.extend(["-p", name]);
        }
        run_plugin(&cmd, &args)?;
    }
    let none = |v: &[&str]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join(", ")
        }
    };
    Ok(format!(
        "{tool} against {tag}: public API compatible with the version change for {}; \
         new since {tag} (no baseline): {}; binary-only (no API): {}",
        none(&judged),
        none(&new),
        none(&bins)
    ))
}

#[cfg(test)]
mod tests {
    use super::super::model::tests::METADATA;
    use super::*;

    #[test]
    fn the_package_name_is_read_from_the_package_table() {
        let m =
            "[package]\nname = \"cos-auth\"\nversion = \"0.1.0\"\n[dependencies]\nname = \"x\"\n";
        assert!(names_package(m, "cos-auth"));
        assert!(!names_package(m, "x"));
        assert!(!names_package(
            "[dependencies]\nname = \"cos-auth\"\n",
            "cos-auth"
        ));
    }

    #[test]
    fn new_and_binary_only_crates_are_not_judged() {
        let mut ws = Workspace::parse(METADATA).unwrap();
        ws.crates[1].publish = true; // `e`: binary-only
        ws.crates.push(Crate {
            name: "fresh".into(),
            publish: true,
            has_lib: true,
            ..Crate::default()
        });
        let (judged, new, bins) = split(&ws, |c| c.name != "fresh");
        assert_eq!((judged, new, bins), (vec!["a"], vec!["fresh"], vec!["e"]));
    }
}
