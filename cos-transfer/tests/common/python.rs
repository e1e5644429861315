//! The official Python SDK in the workspace's `target/xtask-python` venv (the one
//! `cargo xtask python` and cos-emulator's interop test prepare), created when missing.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The venv's interpreter, creating the venv and installing the SDK when needed.
pub fn python_with_sdk() -> PathBuf {
    let venv = workspace().join("target/xtask-python");
    cos_emulator::python::python_with_sdk(&venv)
        .unwrap_or_else(|e| panic!("the interop test needs Python with the official SDK: {e}"))
}
