//! The `package` step of `release check`: `cargo publish --dry-run --workspace`, then
//! the contents of each `.crate` file it built.
//!
//! cargo verifies a crate that depends on unpublished workspace crates against their
//! `.crate` files, served from a local registry at `<target>/package/tmp-registry`,
//! and unpacks them under `$CARGO_HOME/registry/src/-<hash of that path>/`. It never
//! unpacks a version again once unpacked there, and ours stays `0.1.0` from run to run:
//! a second dry run would build `cos-core` against the *first* run's `cos-auth`
//! (seen here: the previous session's sources, without modules added since). So the
//! dry run gets a cargo home of its own, `target/release-check/cargo-home`, sharing the
//! real one's downloaded `.crate` files and crates.io sources (symbolic links) but not
//! its index cache, and whose local-registry unpackings are removed before each run;
//! and a target directory of its own (the crates.io sources' paths differ there, so
//! sharing `target/` would make every later ordinary build rebuild them).

use std::path::{Path, PathBuf};

use super::model::Workspace;
use super::package;
use crate::util::{cargo_bin, run};

/// The registry entries linked into the dry run's cargo home.
const SHARED: &[&str] = &["cache"];

/// The real cargo home.
fn real_home() -> Result<PathBuf, String> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or_else(|| "neither CARGO_HOME nor HOME is set".to_owned())
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", path.display())
}

/// Links `to` at `link` unless something is there already.
fn link(to: &Path, link: &Path) -> Result<(), String> {
    if link.symlink_metadata().is_ok() || !to.exists() {
        return Ok(());
    }
    std::os::unix::fs::symlink(to, link).map_err(io(link))
}

/// Whether a `registry/src` entry holds a local registry's unpackings (cargo names
/// them `<host>-<hash>`; a `file://` registry has no host).
pub fn is_local_registry_dir(name: &str) -> bool {
    name.starts_with('-')
}

/// Prepares the dry run's cargo home (see the module documentation).
fn prepare_home(home: &Path) -> Result<(), String> {
    let real = real_home()?;
    let registry = home.join("registry");
    let src = registry.join("src");
    std::fs::create_dir_all(&src).map_err(io(&src))?;
    for name in SHARED {
        link(&real.join("registry").join(name), &registry.join(name))?;
    }
    for file in ["config.toml", "config"] {
        link(&real.join(file), &home.join(file))?;
    }
    for entry in std::fs::read_dir(&src).map_err(io(&src))?.flatten() {
        if is_local_registry_dir(&entry.file_name().to_string_lossy()) {
            std::fs::remove_dir_all(entry.path()).map_err(io(&entry.path()))?;
        }
    }
    let real_src = real.join("registry").join("src");
    if let Ok(entries) = std::fs::read_dir(&real_src) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !is_local_registry_dir(&name.to_string_lossy()) {
                link(&entry.path(), &src.join(&name))?;
            }
        }
    }
    Ok(())
}

/// Runs the step.
pub fn check(ws: &Workspace) -> Result<String, String> {
    let target = if ws.target.as_os_str().is_empty() {
        crate::util::root().join("target")
    } else {
        ws.target.clone()
    };
    let base = target.join("release-check");
    let home = base.join("cargo-home");
    prepare_home(&home)?;
    let publish_target = base.join("publish-target");
    let home_s = home.to_string_lossy().into_owned();
    let target_s = publish_target.to_string_lossy().into_owned();
    run(
        &cargo_bin(),
        &[
            "publish",
            "--dry-run",
            "--workspace",
            "--allow-dirty",
            "--target-dir",
            &target_s,
        ],
        &[("CARGO_HOME", &home_s)],
    )?;
    let mut list = Vec::new();
    let mut sizes = Vec::new();
    for c in ws.published() {
        let file = crate_file(&publish_target, &c.name, &c.version);
        match package::list_crate_file(&file) {
            Ok(entries) => {
                let total: u64 = entries.iter().map(|e| e.size).sum();
                sizes.push(format!("{} {} KiB", c.name, total.div_ceil(1024)));
                list.extend(package::contents_problems(&c.name, &entries));
                list.extend(package::unrunnable_tests(c, &entries));
            }
            Err(e) => list.push(format!("{}: {e}", file.display())),
        }
    }
    if !list.is_empty() {
        return Err(format!(
            "{} problem(s):\n  {}",
            list.len(),
            list.join("\n  ")
        ));
    }
    Ok(format!(
        "every crate packages and builds from its .crate file; licences and README in each, \
         no test-only files; sizes unpacked: {}",
        sizes.join(", ")
    ))
}

/// Where `cargo publish --dry-run --workspace` leaves a crate's archive
/// (`<target>/package/tmp-crate/`), or else `cargo package` (`<target>/package/`).
fn crate_file(target: &Path, name: &str, version: &str) -> PathBuf {
    let file = format!("{name}-{version}.crate");
    let dir = target.join("package");
    let staged = dir.join("tmp-crate").join(&file);
    if staged.is_file() {
        staged
    } else {
        dir.join(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_registry_unpackings_are_cleared() {
        assert!(is_local_registry_dir("-3ca82dcaa01a7b04"));
        assert!(!is_local_registry_dir("index.crates.io-1949cf8c6b5b557f"));
    }

    #[test]
    fn a_stale_unpacking_is_removed_and_the_shared_sources_linked() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let stale = home.join("registry/src/-abc/cos-auth-0.1.0");
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::write(stale.join(".cargo-ok"), "{\"v\":1}").unwrap();
        prepare_home(&home).unwrap();
        assert!(
            !home.join("registry/src/-abc").exists(),
            "stale unpacking kept"
        );
        // Running it again over an existing home is fine.
        prepare_home(&home).unwrap();
        let real = real_home().unwrap().join("registry/cache");
        if real.exists() {
            assert_eq!(
                std::fs::read_link(home.join("registry/cache")).unwrap(),
                real
            );
        }
    }

    #[test]
    fn the_dry_runs_archive_is_found_where_cargo_leaves_it() {
        let dir = tempfile::tempdir().unwrap();
        let plain = crate_file(dir.path(), "a", "0.1.0");
        assert_eq!(plain, dir.path().join("package/a-0.1.0.crate"));
        let staged = dir.path().join("package/tmp-crate");
        std::fs::create_dir_all(&staged).unwrap();
        std::fs::write(staged.join("a-0.1.0.crate"), b"").unwrap();
        assert_eq!(
            crate_file(dir.path(), "a", "0.1.0"),
            staged.join("a-0.1.0.crate")
        );
    }
}
