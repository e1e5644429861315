//! `cargo xtask release bump <major|minor|patch> [--execute]`: the workspace version
//! and every inter-crate requirement, the CHANGELOG section cut, `Cargo.lock`, a
//! commit and a `v<version>` tag. Without `--execute` it prints the plan only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::changelog;
use super::model::Workspace;
use super::publish::ensure_clean;
use super::version::{Level, Version};
use crate::util::{cargo_bin, run};

/// One file rewrite.
struct Edit {
    path: PathBuf,
    before: String,
    after: String,
}

/// Bumps the workspace version (dry run unless `execute`).
pub fn bump(level: Level, execute: bool) -> Result<(), String> {
    let ws = Workspace::load()?;
    let current = Version::parse(&ws.version()?)?;
    let next = current.bump(level);
    let (cur, new) = (current.to_string(), next.to_string());
    let members: Vec<&str> = ws.crates.iter().map(|c| c.name.as_str()).collect();
    let mut edits = Vec::new();
    let mut manifests = vec![ws.root.join("Cargo.toml")];
    manifests.extend(ws.crates.iter().map(|c| c.dir.join("Cargo.toml")));
    for path in manifests {
        let before = read(&path)?;
        let after = bump_manifest(&before, &members, &cur, &new);
        if after != before {
            edits.push(Edit {
                path,
                before,
                after,
            });
        }
    }
    let log = ws.root.join("CHANGELOG.md");
    let before = read(&log)?;
    let after = changelog::cut(&before, &new, &changelog::today())?;
    edits.push(Edit {
        path: log,
        before,
        after,
    });
    let tag = format!("v{new}");
    println!("release bump: {cur} -> {new}");
    for e in &edits {
        println!("  edit {}", e.path.display());
        for line in changed_lines(&e.before, &e.after) {
            println!("    {line}");
        }
    }
    println!("  cargo update --workspace --offline   (Cargo.lock)");
    println!("  git commit -am \"release {tag}\" && git tag -a {tag}");
    if !execute {
        println!("dry run: nothing changed (add --execute to do it)");
        return Ok(());
    }
    ensure_clean()?;
    for e in &edits {
        std::fs::write(&e.path, &e.after).map_err(|err| format!("{}: {err}", e.path.display()))?;
    }
    run(&cargo_bin(), &["update", "--workspace", "--offline"], &[])?;
    let message = format!("release {tag}");
    run("git", &["commit", "-am", &message], &[])?;
    run("git", &["tag", "-a", &tag, "-m", &message], &[])?;
    println!("release bump: committed and tagged {tag}; next: cargo xtask release publish");
    Ok(())
}

/// The lines only in `before` (`- `) and only in `after` (`+ `), counted as multisets
/// (enough to show version edits and an inserted CHANGELOG heading).
fn changed_lines(before: &str, after: &str) -> Vec<String> {
    fn only_in(a: &str, b: &str, sign: char) -> Vec<String> {
        let mut left: BTreeMap<&str, usize> = BTreeMap::new();
        for l in b.lines() {
            *left.entry(l).or_default() += 1;
        }
        a.lines()
            .filter(|l| match left.get_mut(l) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => !l.trim().is_empty(),
            })
            .map(|l| format!("{sign} {l}"))
            .collect()
    }
    let mut out = only_in(before, after, '-');
    out.extend(only_in(after, before, '+'));
    out
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Rewrites `version = "cur"` in a manifest where it is the workspace version
/// (`[workspace.package]` / `[package]`) or the requirement of a dependency on a
/// workspace member (`member = { … version = "cur" … }`). Other lines stay as they are.
pub fn bump_manifest(text: &str, members: &[&str], cur: &str, new: &str) -> String {
    let from = format!("version = \"{cur}\"");
    let to = format!("version = \"{new}\"");
    let mut section = String::new();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            section = trimmed.trim_end().to_owned();
        }
        let package_version = (section == "[workspace.package]" || section == "[package]")
            && trimmed.starts_with(&from);
        let member_dep = members.iter().any(|m| {
            trimmed
                .strip_prefix(m)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        }) && line.contains(&from);
        if package_version || member_dep {
            out.push_str(&line.replacen(&from, &to, 1));
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_shows_changed_and_inserted_lines() {
        let before = "## [Unreleased]\n\n- a\n\nversion = \"0.1.0\"\n";
        let after = "## [Unreleased]\n\n## [0.2.0] - d\n\n- a\n\nversion = \"0.2.0\"\n";
        assert_eq!(
            changed_lines(before, after),
            [
                "- version = \"0.1.0\"",
                "+ ## [0.2.0] - d",
                "+ version = \"0.2.0\""
            ]
        );
    }

    #[test]
    fn only_workspace_versions_and_member_requirements_change() {
        let manifest = "[workspace.package]\nversion = \"0.1.0\"\n\n\
            [workspace.dependencies]\nserde = { version = \"0.1.0\" }\n\
            cos-auth = { path = \"cos-auth\", version = \"0.1.0\" }\n\
            cos-authx = { version = \"0.1.0\" }\n\
            [dependencies.other]\nversion = \"0.1.0\"\n";
        let out = bump_manifest(manifest, &["cos-auth"], "0.1.0", "0.2.0");
        assert_eq!(
            out,
            "[workspace.package]\nversion = \"0.2.0\"\n\n\
            [workspace.dependencies]\nserde = { version = \"0.1.0\" }\n\
            cos-auth = { path = \"cos-auth\", version = \"0.2.0\" }\n\
            cos-authx = { version = \"0.1.0\" }\n\
            [dependencies.other]\nversion = \"0.1.0\"\n"
        );
    }
}
