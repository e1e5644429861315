//! Test support shared by the cos-rs crates (not published; a dev-dependency only,
//! and a dependency of `xtask`).
//!
//! The official SDKs that interop tests and baselines run against the emulator are
//! installed under the workspace's `target/` on first use, once: concurrent callers
//! in one process or several (nextest runs every test in its own process) wait for
//! each other on a lock file instead of installing twice.
//!
//! - [`python::python_with_sdk`]: a venv with `cos-python-sdk-v5` ([`python::SDK`]).
//! - [`node::node_with_sdk`]: `cos-nodejs-sdk-v5` ([`node::SDK`]) installed with npm.
//! - [`fixtures`]: data files several crates' tests share, kept once (e.g.
//!   [`fixtures::WIRE_V5`], the official SDK's wire capture).
//! - [`proxy::TestProxy`]: a tiny `CONNECT` / forwarding proxy on 127.0.0.1 that
//!   records what went through it.
//! - `tls::TestPki` (feature `tls`): a throwaway CA and server certificate.
//! - [`procstat::cpu_secs`]: a process's CPU time, for benchmarks.
//!
//! ```no_run
//! # // Not run: it installs the official SDKs from PyPI and npm when they are missing.
//! let python = cos_testkit::python::python_with_sdk(&cos_testkit::python::default_venv())?;
//! let node = cos_testkit::node::node_with_sdk(&cos_testkit::node::default_prefix())?;
//! # Ok::<(), cos_testkit::Error>(())
//! ```
#![deny(missing_docs)]

pub mod fixtures;
mod install;
pub mod node;
pub mod procstat;
pub mod proxy;
pub mod python;
#[cfg(feature = "tls")]
pub mod tls;

use std::path::PathBuf;

pub use install::Error;

/// The workspace root (this crate lives directly under it).
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}

/// The directory the SDKs are installed under: `<workspace>/target` (also where
/// cos-transfer's bench looks for the Python venv).
pub fn target_dir() -> PathBuf {
    workspace_root().join("target")
}
