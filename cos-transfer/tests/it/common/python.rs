//! The official Python SDK in the workspace's `target/xtask-python` venv (the one
//! `cargo xtask python` and cos-emulator's interop test prepare), created when missing
//! by cos-testkit.

use std::path::PathBuf;

/// The venv's interpreter, creating the venv and installing the SDK when needed;
/// panics with the reason when that is impossible (the test must not skip).
pub fn python_with_sdk() -> PathBuf {
    cos_testkit::python::python_or_panic()
}
