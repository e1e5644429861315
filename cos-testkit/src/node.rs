//! The official Node.js SDK (`cos-nodejs-sdk-v5`) installed from the npm registry
//! with `npm install --prefix <dir>`, for interop tests that drive the emulator with
//! Tencent's own JavaScript client.
//!
//! `node` and `npm` come from `PATH` (or `$NODE` / `$NPM`); the install runs on first
//! use under the lock `<dir>.lock`. Scripts find the SDK through `NODE_PATH`, which
//! [`NodeSdk::command`] sets.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::install::{Error, install_once, output, run};

/// The pinned SDK version: the one the golden vectors were cross-checked with.
pub const SDK_VERSION: &str = "3.0.0";

/// The npm package spec installed.
pub const SDK: &str = "cos-nodejs-sdk-v5@3.0.0";

/// The oldest Node.js major version the interop scripts are run with.
pub const MIN_NODE_MAJOR: u32 = 16;

const HINT: &str = "the Node interop tests need Node.js >= 16 and npm on PATH (or $NODE / $NPM), and the npm registry";

/// The shared install directory: `<workspace>/target/node-sdk`.
pub fn default_prefix() -> PathBuf {
    crate::target_dir().join("node-sdk")
}

/// A `node` that can `require('cos-nodejs-sdk-v5')` at [`SDK_VERSION`].
#[derive(Debug, Clone)]
pub struct NodeSdk {
    /// The `node` program.
    pub node: PathBuf,
    /// The `node_modules` directory holding the SDK.
    pub node_modules: PathBuf,
}

impl NodeSdk {
    /// `node <script>` with `NODE_PATH` pointing at the SDK.
    pub fn command(&self, script: &Path) -> Command {
        let mut cmd = Command::new(&self.node);
        cmd.arg(script).env("NODE_PATH", &self.node_modules);
        cmd
    }
}

fn program(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// The major version in `node --version`'s `v20.20.2`.
fn major(version: &str) -> Option<u32> {
    version
        .trim()
        .strip_prefix('v')?
        .split('.')
        .next()?
        .parse()
        .ok()
}

fn check_node(node: &Path) -> Result<(), Error> {
    let version = output(Command::new(node).arg("--version"), HINT)?;
    match major(&version) {
        Some(m) if m >= MIN_NODE_MAJOR => Ok(()),
        _ => Err(Error::TooOld {
            tool: node.display().to_string(),
            found: version.trim().to_owned(),
            needed: "Node.js >= 16",
        }),
    }
}

fn check_sdk(sdk: &NodeSdk) -> Result<NodeSdk, String> {
    let probe = format!(
        "const v = require('cos-nodejs-sdk-v5/package.json').version; \
         require('cos-nodejs-sdk-v5'); \
         if (v !== '{SDK_VERSION}') {{ console.error('found version ' + v); process.exit(1); }}"
    );
    let out = Command::new(&sdk.node)
        .args(["-e", &probe])
        .env("NODE_PATH", &sdk.node_modules)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", sdk.node.display()))?;
    if out.status.success() {
        Ok(sdk.clone())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(stderr.lines().take(3).collect::<Vec<_>>().join(" / "))
    }
}

/// Returns a `node` that can load [`SDK`] from `prefix/node_modules`, running
/// `npm install --prefix <prefix> cos-nodejs-sdk-v5@<SDK_VERSION>` once when it
/// cannot. Blocking; call it from a blocking context (e.g.
/// `tokio::task::spawn_blocking`).
///
/// Errors: [`Error::Spawn`] when `node` or `npm` is missing, [`Error::TooOld`] for
/// a Node.js older than [`MIN_NODE_MAJOR`], and the other [`Error`]s when the
/// registry or the lock file is unavailable.
pub fn node_with_sdk(prefix: &Path) -> Result<NodeSdk, Error> {
    let node = program("NODE", "node");
    check_node(&node)?;
    let sdk = NodeSdk {
        node,
        node_modules: prefix.join("node_modules"),
    };
    install_once(
        &format!("{SDK} in {}", prefix.display()),
        &prefix.with_extension("lock"),
        || check_sdk(&sdk),
        || {
            std::fs::create_dir_all(prefix).map_err(|source| Error::Lock {
                path: prefix.to_owned(),
                source,
            })?;
            let mut npm = Command::new(program("NPM", "npm"));
            npm.arg("install")
                .arg("--prefix")
                .arg(OsString::from(prefix))
                .args(["--no-audit", "--no-fund", "--loglevel=error", SDK]);
            run(&mut npm, HINT)
        },
    )
}

/// [`node_with_sdk`] on [`default_prefix`], panicking with the reason when Node.js
/// or the SDK cannot be had: for tests, which must fail loudly rather than skip.
pub fn node_or_panic() -> NodeSdk {
    node_with_sdk(&default_prefix())
        .unwrap_or_else(|e| panic!("this test needs Node.js with the official SDK ({SDK}): {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_versions_are_parsed() {
        assert_eq!(major("v20.20.2\n"), Some(20));
        assert_eq!(major("v9.1.0"), Some(9));
        assert_eq!(major("20.1"), None);
        assert_eq!(major(""), None);
    }

    #[test]
    fn a_missing_node_fails_with_what_to_install() {
        let err = check_node(Path::new("/nonexistent/node")).unwrap_err();
        assert!(matches!(err, Error::Spawn { .. }), "{err}");
        assert!(err.to_string().contains("Node.js"), "{err}");
    }
}
