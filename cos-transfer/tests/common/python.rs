//! The official Python SDK in the workspace's `target/xtask-python` venv (the one
//! `cargo xtask python` and cos-emulator's interop test prepare), created when missing.

use std::path::{Path, PathBuf};
use std::process::Command;

const SDK: &str = "cos-python-sdk-v5==1.9.44";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn has_sdk(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import qcloud_cos, requests"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The venv's interpreter, creating the venv and installing the SDK when needed.
pub fn python_with_sdk() -> PathBuf {
    let venv = workspace().join("target/xtask-python");
    let python = venv.join("bin/python");
    if has_sdk(&python) {
        return python;
    }
    let system = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let status = Command::new(&system)
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .unwrap_or_else(|e| panic!("the interop test needs {system} (with venv): {e}"));
    assert!(
        status.success(),
        "{system} -m venv {} failed",
        venv.display()
    );
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            SDK,
        ])
        .status()
        .unwrap_or_else(|e| panic!("cannot run pip: {e}"));
    assert!(
        status.success() && has_sdk(&python),
        "pip install {SDK} failed"
    );
    python
}
