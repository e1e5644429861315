//! The `deny` step of `release check`: `cargo deny` (`deny.toml`) without network.
//!
//! - **licenses, bans, sources**: always, `--offline` — they need only the lock file
//!   and the crates' manifests in the local cache (`cargo fetch` ran first): every
//!   crate's licence expression against the allow-list, duplicate/wildcard rules, and
//!   that every crate comes from crates.io.
//! - **advisories**: need the RustSec advisory database, a git repository that
//!   `cargo deny fetch` clones from GitHub — not a package registry, so never
//!   fetched here. Checked when a copy is at hand:
//!   1. `COS_ADVISORY_DB=<path of a git copy of rustsec/advisory-db>`: cloned or
//!      updated (local git, no network) into `target/advisory-dbs`, used from there;
//!   2. else cargo-deny's own database under `$CARGO_HOME/advisory-dbs` (as
//!      `cargo deny fetch` left it; cargo-deny refuses it when over 90 days since the
//!      fetch);
//!   3. else skipped, saying so. The database's newest commit date is printed: an
//!      advisory published after it is not seen.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::tools::{DENY, plugin, run_plugin};

/// Where cargo-deny keeps the database of `https://github.com/rustsec/advisory-db`
/// inside its `db-path`: `advisory-db-` and the XxHash64 (seed `0xca80de71`) of the
/// URL, as cargo-deny 0.20's `url_to_db_path` names it.
pub const DB_DIR: &str = "advisory-db-3157b0e258782691";

/// The environment variable naming a local copy of the advisory database.
pub const DB_ENV: &str = "COS_ADVISORY_DB";

/// Runs the step.
pub fn check(target: &Path) -> Result<String, String> {
    let cmd = plugin(target, DENY)?;
    let base = ["--offline", "--all-features"];
    let mut args = base.to_vec();
    args.extend(["check", "licenses", "bans", "sources"]);
    run_plugin(&cmd, &args)?;
    let tool = format!("cargo-deny {}", DENY.version);
    let done = format!("{tool}: licenses, bans and sources pass (offline)");
    if let Some(copy) = std::env::var_os(DB_ENV) {
        let root = target.join("advisory-dbs");
        let db = root.join(DB_DIR);
        sync_copy(Path::new(&copy), &db)?;
        let config = config_with_db_path(target, &root)?;
        let config = config.to_string_lossy().into_owned();
        run_plugin(
            &cmd,
            &[
                "--offline",
                "--all-features",
                "--config",
                &config,
                "check",
                "advisories",
            ],
        )?;
        return Ok(format!(
            "{done}; advisories pass against the RustSec database as of {} (the copy in {DB_ENV})",
            newest_commit(&db)
        ));
    }
    if let Some(db) = default_db() {
        let mut args = base.to_vec();
        args.extend(["check", "advisories"]);
        run_plugin(&cmd, &args)?;
        return Ok(format!(
            "{done}; advisories pass against the RustSec database as of {} ({})",
            newest_commit(&db),
            db.display()
        ));
    }
    Ok(format!(
        "{done}; advisories skipped: no local RustSec database (it is a git repository on \
         GitHub, not a registry download: set {DB_ENV} to a copy, or run `cargo deny fetch` \
         where GitHub is reachable)"
    ))
}

/// cargo-deny's database under `$CARGO_HOME/advisory-dbs`, if fetched.
fn default_db() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let db = home.join("advisory-dbs").join(DB_DIR);
    db.join(".git").is_dir().then_some(db)
}

fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Clones the copy into `db`, or brings an earlier clone up to it (local git only).
fn sync_copy(copy: &Path, db: &Path) -> Result<(), String> {
    let copy_s = copy.to_string_lossy().into_owned();
    let db_s = db.to_string_lossy().into_owned();
    if db.join(".git").is_dir() {
        git(&["-C", &db_s, "fetch", "--quiet", &copy_s, "HEAD"])?;
        git(&["-C", &db_s, "reset", "--quiet", "--hard", "FETCH_HEAD"])?;
    } else {
        if let Some(parent) = db.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        git(&["clone", "--quiet", "--depth", "1", &copy_s, &db_s])?;
        // cargo-deny dates a database by FETCH_HEAD (else the newest commit): record
        // this synchronisation as its fetch.
        git(&[
            "-C", &db_s, "fetch", "--quiet", "--depth", "1", &copy_s, "HEAD",
        ])?;
    }
    Ok(())
}

/// The date of the database's newest commit and its age: advisories published
/// after it are not seen.
fn newest_commit(db: &Path) -> String {
    let db_s = db.to_string_lossy().into_owned();
    let Ok(line) = git(&["-C", &db_s, "log", "-1", "--format=%cs %ct"]) else {
        return "an unknown date".into();
    };
    let (date, secs) = line.split_once(' ').unwrap_or((line.as_str(), ""));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    match secs.parse::<u64>() {
        Ok(t) => format!("{date}, {} days old", now.saturating_sub(t) / 86_400),
        Err(_) => date.to_owned(),
    }
}

/// `deny.toml` with `[advisories] db-path` set to `root`, written under `target/`.
fn config_with_db_path(target: &Path, root: &Path) -> Result<PathBuf, String> {
    let here = crate::util::root().join("deny.toml");
    let text = std::fs::read_to_string(&here).map_err(|e| format!("{}: {e}", here.display()))?;
    let derived = with_db_path(&text, root)?;
    let dir = target.join("release-check");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join("deny.toml");
    std::fs::write(&path, derived).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Inserts `db-path` at the top of the `[advisories]` table.
pub fn with_db_path(deny_toml: &str, root: &Path) -> Result<String, String> {
    if deny_toml
        .lines()
        .any(|l| l.trim_start().starts_with("db-path"))
    {
        return Err("deny.toml sets db-path itself; leave it to `release check`".into());
    }
    let heading = "[advisories]\n";
    let at = deny_toml
        .match_indices(heading)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || deny_toml[..i].ends_with('\n'))
        .ok_or("deny.toml has no [advisories] table")?;
    let path = root
        .to_string_lossy()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let end = at + heading.len();
    Ok(format!(
        "{}db-path = \"{path}\"\n{}",
        &deny_toml[..end],
        &deny_toml[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_path_goes_into_the_advisories_table() {
        let toml = "[graph]\nall-features = true\n\n[advisories]\nunmaintained = \"workspace\"\n";
        let out = with_db_path(toml, Path::new("/w/target/advisory-dbs")).unwrap();
        assert_eq!(
            out,
            "[graph]\nall-features = true\n\n[advisories]\ndb-path = \"/w/target/advisory-dbs\"\nunmaintained = \"workspace\"\n"
        );
        assert!(with_db_path("[graph]\n", Path::new("/x")).is_err());
        assert!(
            with_db_path(&out, Path::new("/y")).is_err(),
            "db-path twice"
        );
    }

    #[test]
    fn the_repository_deny_toml_takes_the_database_path() {
        let text = std::fs::read_to_string(crate::util::root().join("deny.toml")).unwrap();
        let out = with_db_path(&text, Path::new("/db")).unwrap();
        assert!(out.contains("[advisories]\ndb-path = \"/db\"\n"), "{out}");
    }
}
