//! `cargo xtask release`: checks, version bumps and publishing to crates.io.
//!
//! ```text
//! cargo xtask release check                         everything crates.io and docs.rs will see
//! cargo xtask release ci                            its cheap part, as `cargo xtask ci` runs it
//! cargo xtask release bump <major|minor|patch> [--execute]
//! cargo xtask release publish [--execute]
//! ```
//!
//! `bump` and `publish` only print what they would do unless `--execute` is given.
//!
//! Publishing policy: the workspace crates that are published (every member without
//! `publish = false`) go out in dependency order, normal and versioned dev-dependencies
//! both counting. `cos-emulator` is a **path-only** dev-dependency everywhere (the root
//! `[workspace.dependencies]` entry has no `version`), so `cargo package` strips it
//! from the published manifests: the emulator never constrains the publishing order,
//! and the published crates' integration tests (which need it) are run from the
//! repository, not from the `.crate` files. `cos-emulator` itself is published (users
//! test their own code against it) after `cos-core`, its versioned dev-dependency.

mod bump;
mod categories;
mod changelog;
mod check;
mod deny;
mod dry_run;
mod model;
mod msrv;
mod names;
mod package;
mod publish;
mod semver;
mod tools;
mod version;

/// The command line of `cargo xtask release`.
pub const USAGE: &str = "usage: cargo xtask release <check | ci | bump <major|minor|patch> [--execute] | publish [--execute]>";

/// The release checks `cargo xtask ci` runs (no build, tool install or network).
pub fn ci_subset() -> Result<(), String> {
    check::quick()
}

/// Runs `cargo xtask release <args>`.
pub fn release(args: &[&str]) -> Result<(), String> {
    match args {
        ["check"] => check::check(),
        ["ci"] => check::quick(),
        ["bump", level, rest @ ..] => {
            let level = version::Level::parse(level)?;
            bump::bump(level, execute_flag(rest)?)
        }
        ["publish", rest @ ..] => publish::publish(execute_flag(rest)?),
        _ => Err(USAGE.to_owned()),
    }
}

/// `[]` → dry run, `["--execute"]` → execute; anything else is a usage error.
fn execute_flag(rest: &[&str]) -> Result<bool, String> {
    match rest {
        [] => Ok(false),
        ["--execute"] => Ok(true),
        _ => Err(USAGE.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_execute_flag_is_the_only_option() {
        assert_eq!(execute_flag(&[]), Ok(false));
        assert_eq!(execute_flag(&["--execute"]), Ok(true));
        assert!(execute_flag(&["--force"]).is_err());
        assert!(release(&["bump", "huge"]).is_err());
        assert!(release(&["frobnicate"]).is_err());
    }
}
