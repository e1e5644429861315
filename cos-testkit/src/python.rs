//! The official Python SDK (`cos-python-sdk-v5`) in a virtual environment, for tests
//! and baselines that check the emulator, or code talking to it, against Tencent's
//! own client.
//!
//! The environment is created with `python3 -m venv` (or `$PYTHON`) and the SDK
//! installed from PyPI on first use, under the lock `<venv>.lock`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::install::{Error, install_once, run};

/// The pinned SDK: the version the golden vectors were produced with.
pub const SDK: &str = "cos-python-sdk-v5==1.9.44";

const HINT: &str = "the Python interop tests need python3 with the venv module, and PyPI";

/// The shared venv: `<workspace>/target/xtask-python` (the one `cargo xtask python`
/// prepares and cos-transfer's bench uses).
pub fn default_venv() -> PathBuf {
    crate::target_dir().join("xtask-python")
}

fn interpreter(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn check(python: &Path) -> Result<PathBuf, String> {
    let out = Command::new(python)
        .args(["-c", "import qcloud_cos, requests"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if out.status.success() {
        Ok(python.to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// Returns the interpreter of the virtual environment at `venv`, creating it and
/// installing [`SDK`] when `import qcloud_cos` fails there. Blocking; call it from a
/// blocking context (e.g. `tokio::task::spawn_blocking`).
///
/// Errors: [`Error`] when Python, `venv`, PyPI or the lock file is unavailable.
pub fn python_with_sdk(venv: &Path) -> Result<PathBuf, Error> {
    let python = interpreter(venv);
    install_once(
        &format!("{SDK} in {}", venv.display()),
        &venv.with_extension("lock"),
        || check(&python),
        || {
            let system = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
            run(Command::new(&system).args(["-m", "venv"]).arg(venv), HINT)?;
            run(
                Command::new(&python).args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    SDK,
                ]),
                HINT,
            )
        },
    )
}

/// [`python_with_sdk`] on [`default_venv`], panicking with the reason when the SDK
/// cannot be had: for tests, which must fail loudly rather than skip.
pub fn python_or_panic() -> PathBuf {
    python_with_sdk(&default_venv())
        .unwrap_or_else(|e| panic!("this test needs Python with the official SDK ({SDK}): {e}"))
}
