//! `cargo xtask release check`: every step runs (a failure does not hide the next
//! one's findings) and a summary closes the output. [`quick`] is the subset `cargo
//! xtask ci` runs: what needs no build, no tool install and no network.

use super::model::Workspace;
use super::{changelog, deny, dry_run, msrv, names, package, semver, version};
use crate::structure::CLIPPY_ARGS;
use crate::util::cargo;

/// The outcome of one step: a summary line or the problems found.
type Step = Result<String, String>;

/// A named step.
type NamedStep = (&'static str, fn(&Workspace) -> Step);

/// Runs every release check and fails if any failed.
pub fn check() -> Result<(), String> {
    // Every package of the lock file, for all platforms, in the local cache: the
    // `--offline` steps (`cargo metadata`, cargo-deny) need them. crates.io only.
    if let Err(e) = cargo(&["fetch"]) {
        eprintln!("warning: {e}; the offline steps use what the cache holds");
    }
    let ws = Workspace::load()?;
    let steps: [NamedStep; 8] = [
        ("metadata", metadata),
        ("changelog", changelog_entry),
        ("order", order),
        ("names", names::check),
        ("msrv", msrv_step),
        ("package", dry_run::check),
        ("semver", semver::check),
        ("deny", |ws| deny::check(&ws.target)),
    ];
    run_steps(&ws, &steps, "xtask release check")
}

/// The part of `release check` cheap enough for every `cargo xtask ci`: metadata,
/// CHANGELOG, publishing order, the MSRV's dependency half (ci's own clippy run is
/// the lint half) and the package contents as `cargo package --list` names them.
/// No build, no tool install, no crates.io name lookup.
pub fn quick() -> Result<(), String> {
    let ws = Workspace::load()?;
    let steps: [NamedStep; 5] = [
        ("metadata", metadata),
        ("changelog", changelog_entry),
        ("order", order),
        ("msrv", msrv_dependencies),
        ("contents", listed_contents),
    ];
    run_steps(&ws, &steps, "xtask release (ci subset)")
}

/// Runs every step, prints a summary and fails if any step failed.
fn run_steps(ws: &Workspace, steps: &[NamedStep], what: &str) -> Result<(), String> {
    let mut results = Vec::new();
    for &(name, step) in steps {
        println!("\n== release check: {name}");
        let result = step(ws);
        if let Err(e) = &result {
            eprintln!("{e}");
        }
        results.push((name, result));
    }
    println!("\n== {what}: summary");
    let mut failed = Vec::new();
    for (name, result) in &results {
        match result {
            Ok(line) => println!("ok    {name:<10} {line}"),
            Err(e) => {
                let first = e.lines().next().unwrap_or_default();
                println!("FAIL  {name:<10} {first}");
                failed.push(*name);
            }
        }
    }
    if failed.is_empty() {
        println!("{what}: all checks passed");
        Ok(())
    } else {
        Err(format!("{what} failed: {}", failed.join(", ")))
    }
}

fn problems(list: Vec<String>) -> Result<(), String> {
    if list.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} problem(s):\n  {}",
            list.len(),
            list.join("\n  ")
        ))
    }
}

/// Metadata of every published crate, one workspace version, and the licence files.
fn metadata(ws: &Workspace) -> Step {
    let mut list: Vec<String> = ws
        .published()
        .flat_map(package::metadata_problems)
        .collect();
    if let Err(e) = ws.version() {
        list.push(e);
    }
    for file in ["LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md", "README.md"] {
        if !ws.root.join(file).is_file() {
            list.push(format!("the workspace root has no {file}"));
        }
    }
    problems(list)?;
    let names: Vec<&str> = ws.published().map(|c| c.name.as_str()).collect();
    let unpublished: Vec<&str> = ws
        .crates
        .iter()
        .filter(|c| !c.publish)
        .map(|c| c.name.as_str())
        .collect();
    Ok(format!(
        "{} published crates complete ({}); not published: {}",
        names.len(),
        names.join(", "),
        unpublished.join(", ")
    ))
}

fn changelog_entry(ws: &Workspace) -> Step {
    let v = ws.version()?;
    let path = ws.root.join("CHANGELOG.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    changelog::check(&text, &v)?;
    Ok(format!("CHANGELOG.md has entries for {v}"))
}

fn order(ws: &Workspace) -> Step {
    let order = version::publish_order(ws)?;
    Ok(format!("publishing order: {}", order.join(" -> ")))
}

/// Dependencies' `rust-version`, the `incompatible_msrv` lint (the `ci` clippy run,
/// a cache hit after `ci`), and no allowance of it.
fn msrv_step(ws: &Workspace) -> Step {
    let summary = msrv_dependencies(ws)?;
    cargo(CLIPPY_ARGS).map_err(|e| format!("clippy (incompatible_msrv is denied): {e}"))?;
    Ok(summary)
}

/// The MSRV without the clippy run: dependencies' `rust-version` and no allowance of
/// the lint.
fn msrv_dependencies(ws: &Workspace) -> Step {
    let msrv = ws
        .published()
        .find_map(|c| c.rust_version.clone())
        .ok_or("no published crate declares a rust-version")?;
    let report = msrv::dependencies(ws, &msrv)?;
    let mut list: Vec<String> = report
        .too_new
        .iter()
        .map(|d| format!("dependency {d} needs a newer Rust than the MSRV {msrv}"))
        .collect();
    list.extend(
        msrv::lint_allowances(ws)
            .into_iter()
            .map(|f| format!("{f} silences clippy::incompatible_msrv")),
    );
    problems(list)?;
    Ok(format!(
        "MSRV {msrv}: std items (clippy incompatible_msrv) and {} dependencies' rust-version \
         proven; not proven: language features, {} dependencies without rust-version ({})",
        report.proven,
        report.undeclared.len(),
        report.undeclared.join(", ")
    ))
}

/// The contents each published crate would have, from `cargo package --list` and
/// the files' sizes in the work tree (no build).
fn listed_contents(ws: &Workspace) -> Step {
    let mut list = Vec::new();
    let mut sizes = Vec::new();
    for c in ws.published() {
        match package::listed_entries(c, &ws.root) {
            Ok(entries) => {
                let total: u64 = entries.iter().map(|e| e.size).sum();
                sizes.push(format!("{} {} KiB", c.name, total.div_ceil(1024)));
                list.extend(package::contents_problems(&c.name, &entries));
                list.extend(package::unrunnable_tests(c, &entries));
            }
            Err(e) => list.push(format!("{}: {e}", c.name)),
        }
    }
    problems(list)?;
    Ok(format!(
        "licences and README in each package, no file over {} KiB; sizes: {}",
        package::MAX_FILE_BYTES / 1024,
        sizes.join(", ")
    ))
}
