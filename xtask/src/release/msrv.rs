//! What backs the declared MSRV (`rust-version`) without installing another
//! toolchain:
//!
//! - **proven**: no use of a standard-library item stabilised after the MSRV in the
//!   workspace's own code — clippy's `incompatible_msrv` lint (warn by default, denied
//!   by the `-D warnings` clippy run `ci` makes, which reads `rust-version`), and no
//!   allowance of that lint anywhere;
//! - **proven**: every dependency that declares a `rust-version` (in the normal/build
//!   graph of the workspace crates, all features, all platforms) declares one at most
//!   the MSRV;
//! - **not proven**: language features and syntax newer than the MSRV (the lint sees
//!   library items only), dependencies that declare no `rust-version`, and the
//!   behaviour of an older compiler — only a build with that toolchain would tell.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::Workspace;
use crate::util::{capture_quiet, cargo_bin};

/// `"1.89"` / `"1.89.0"` as `(1, 89, 0)`.
pub fn parse_rust_version(s: &str) -> Option<(u64, u64, u64)> {
    let mut it = s.trim().split('.').map(str::parse::<u64>);
    let major = it.next()?.ok()?;
    let minor = it.next().unwrap_or(Ok(0)).ok()?;
    let patch = it.next().unwrap_or(Ok(0)).ok()?;
    Some((major, minor, patch))
}

/// The outcome of the dependency half of the check.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DepsReport {
    /// `name version` of dependencies declaring a newer `rust-version`, with it.
    pub too_new: Vec<String>,
    /// How many dependencies declare a `rust-version` at most the MSRV.
    pub proven: usize,
    /// `name version` of dependencies declaring none.
    pub undeclared: Vec<String>,
}

/// Checks the `rust-version` of every dependency in the workspace crates'
/// normal/build graph (`cargo metadata` with dependencies, every platform; it reads
/// the crates' manifests from the local cache and downloads only what is missing).
pub fn dependencies(ws: &Workspace, msrv: &str) -> Result<DepsReport, String> {
    let json = capture_quiet(
        &cargo_bin(),
        &["metadata", "--format-version", "1", "--all-features"],
    )?;
    let v: Value = serde_json::from_str(&json).map_err(|e| format!("cargo metadata: {e}"))?;
    // Every member: the unpublished ones (cos-testkit, cos-datafusion-test, xtask) build
    // with the same toolchain. Only normal and build dependencies are followed, so
    // DataFusion (a dev-dependency of cos-datafusion-test, held at 54.x because 55
    // needs Rust 1.94) is not part of this proof.
    let roots: BTreeSet<&str> = ws.crates.iter().map(|c| c.name.as_str()).collect();
    report(&v, &roots, msrv)
}

/// The dependency report over parsed `cargo metadata` output.
pub fn report(v: &Value, roots: &BTreeSet<&str>, msrv: &str) -> Result<DepsReport, String> {
    let limit = parse_rust_version(msrv).ok_or_else(|| format!("bad MSRV {msrv:?}"))?;
    let empty = Vec::new();
    let packages = v["packages"].as_array().unwrap_or(&empty);
    let by_id: BTreeMap<&str, &Value> = packages
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: BTreeMap<&str, &Value> = v["resolve"]["nodes"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    // Walk normal and build edges from the published workspace crates.
    let mut stack: Vec<&str> = by_id
        .iter()
        .filter(|(_, p)| {
            p["source"].is_null() && p["name"].as_str().is_some_and(|n| roots.contains(n))
        })
        .map(|(id, _)| *id)
        .collect();
    let mut seen: BTreeSet<&str> = stack.iter().copied().collect();
    while let Some(id) = stack.pop() {
        for dep in nodes
            .get(id)
            .and_then(|n| n["deps"].as_array())
            .unwrap_or(&empty)
        {
            let shipped = dep["dep_kinds"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .any(|k| !k["kind"].is_string() || k["kind"] == "build");
            if let Some(pkg) = dep["pkg"].as_str()
                && shipped
                && seen.insert(pkg)
            {
                stack.push(pkg);
            }
        }
    }
    let mut out = DepsReport::default();
    for id in seen {
        let Some(p) = by_id.get(id) else { continue };
        if p["source"].is_null() {
            continue; // a workspace crate: clippy checks its code
        }
        let name = format!(
            "{} {}",
            p["name"].as_str().unwrap_or("?"),
            p["version"].as_str().unwrap_or("?")
        );
        match p["rust_version"].as_str().and_then(parse_rust_version) {
            Some(rv) if rv > limit => out.too_new.push(format!(
                "{name} (rust-version {})",
                p["rust_version"].as_str().unwrap_or("?")
            )),
            Some(_) => out.proven += 1,
            None => out.undeclared.push(name),
        }
    }
    Ok(out)
}

/// Whether any manifest, `clippy.toml` or Rust source silences `incompatible_msrv`
/// (the lint would then prove nothing); returns the offending files.
pub fn lint_allowances(ws: &Workspace) -> Vec<String> {
    let mut files = vec![ws.root.join("Cargo.toml"), ws.root.join("clippy.toml")];
    for c in &ws.crates {
        files.push(c.dir.join("Cargo.toml"));
        collect_rs(&c.dir.join("src"), &mut files);
    }
    files
        .into_iter()
        .filter(|f| std::fs::read_to_string(f).is_ok_and(|t| silences_lint(&t)))
        .map(|f| f.display().to_string())
        .collect()
}

/// Whether `text` lowers the lint: an `allow`/`expect` attribute or a manifest line
/// naming it with a level of `allow`/`expect`.
fn silences_lint(text: &str) -> bool {
    const LINT: &str = "incompatible_msrv";
    text.match_indices(LINT).any(|(i, _)| {
        let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
        let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n);
        let line = &text[line_start..line_end];
        let before = &text[line_start..i];
        before.contains("allow(")
            || before.contains("expect(")
            || (!line.trim_start().starts_with("//")
                && (line.contains("\"allow\"") || line.contains("\"expect\"")))
    })
}

fn collect_rs(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_rs(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allowance_of_the_lint_is_found() {
        let lint = ["incompatible", "_msrv"].concat();
        assert!(silences_lint(&format!("#![allow(clippy::{lint})]")));
        assert!(silences_lint(&format!(
            "#[expect(clippy::{lint}, reason = \"x\")]"
        )));
        assert!(silences_lint(&format!("{lint} = \"allow\"")));
        assert!(!silences_lint(&format!("//! clippy's {lint} lint is on")));
        assert!(!silences_lint(&format!("{lint} = \"deny\"")));
    }

    #[test]
    fn rust_versions_compare_numerically() {
        assert_eq!(parse_rust_version("1.89"), Some((1, 89, 0)));
        assert!(parse_rust_version("1.100").unwrap() > parse_rust_version("1.89.1").unwrap());
        assert_eq!(parse_rust_version("x"), None);
    }

    #[test]
    fn only_shipped_dependencies_are_judged() {
        let v: Value = serde_json::from_str(
            r#"{"packages": [
                {"id": "w", "name": "w", "version": "0.1.0", "source": null},
                {"id": "old", "name": "old", "version": "1.0.0", "source": "registry", "rust_version": "1.60"},
                {"id": "new", "name": "new", "version": "2.0.0", "source": "registry", "rust_version": "1.91"},
                {"id": "none", "name": "none", "version": "3.0.0", "source": "registry"},
                {"id": "devonly", "name": "devonly", "version": "1.0.0", "source": "registry", "rust_version": "1.95"}
              ],
              "resolve": {"nodes": [
                {"id": "w", "deps": [
                  {"pkg": "old", "dep_kinds": [{"kind": null}]},
                  {"pkg": "none", "dep_kinds": [{"kind": "build"}]},
                  {"pkg": "devonly", "dep_kinds": [{"kind": "dev"}]}]},
                {"id": "old", "deps": [{"pkg": "new", "dep_kinds": [{"kind": null}]}]}
              ]}}"#,
        )
        .unwrap();
        let r = report(&v, &BTreeSet::from(["w"]), "1.89").unwrap();
        assert_eq!(r.too_new, ["new 2.0.0 (rust-version 1.91)"]);
        assert_eq!(r.proven, 1);
        assert_eq!(r.undeclared, ["none 3.0.0"]);
    }
}
