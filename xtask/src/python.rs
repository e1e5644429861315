//! `cargo xtask python` / `cargo xtask node`: the official SDKs under `target/`, for
//! baselines and interop tests (installed by cos-testkit, once, under a lock).

use std::path::PathBuf;

/// Returns a Python interpreter that can `import qcloud_cos`, creating the venv
/// `target/xtask-python` and installing the SDK from PyPI when needed.
pub fn ensure_sdk() -> Result<PathBuf, String> {
    cos_testkit::python::python_with_sdk(&cos_testkit::python::default_venv())
        .map_err(|e| e.to_string())
}

/// Installs `cos-nodejs-sdk-v5` into `target/node-sdk` when needed and returns its
/// `node_modules` directory.
pub fn ensure_node_sdk() -> Result<PathBuf, String> {
    cos_testkit::node::node_with_sdk(&cos_testkit::node::default_prefix())
        .map(|sdk| sdk.node_modules)
        .map_err(|e| e.to_string())
}
