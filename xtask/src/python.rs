//! A Python virtual environment with the official `cos-python-sdk-v5`, under
//! `target/xtask-python`, for baselines and interop tests.

use std::path::PathBuf;
use std::process::Command;

use crate::util::root;

/// The pinned official SDK version (the one the golden vectors were made with).
pub const SDK: &str = "cos-python-sdk-v5==1.9.44";

fn venv_python() -> PathBuf {
    root().join("target/xtask-python/bin/python")
}

fn has_sdk(python: &PathBuf) -> bool {
    Command::new(python)
        .args(["-c", "import qcloud_cos"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Returns a Python interpreter that can `import qcloud_cos`, creating the venv and
/// installing the SDK from PyPI when needed.
pub fn ensure_sdk() -> Result<PathBuf, String> {
    let py = venv_python();
    if has_sdk(&py) {
        return Ok(py);
    }
    let venv = root().join("target/xtask-python");
    // The same lock file cos-emulator's `python::python_with_sdk` takes, so a bench and
    // a test run never install into the venv at once.
    let lock_path = venv.with_extension("lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("{}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("lock {}: {e}", lock_path.display()))?;
    if has_sdk(&py) {
        return Ok(py);
    }
    let system = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let status = Command::new(&system)
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map_err(|e| format!("cannot run {system}: {e}"))?;
    if !status.success() {
        return Err(format!("{system} -m venv failed"));
    }
    let status = Command::new(&py)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            SDK,
        ])
        .status()
        .map_err(|e| format!("cannot run pip: {e}"))?;
    if !status.success() || !has_sdk(&py) {
        return Err(format!("pip install {SDK} failed"));
    }
    Ok(py)
}
