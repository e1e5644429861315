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

/// Tencent Cloud's common API SDK, pinned: its TC3-HMAC-SHA256 signer produced
/// cos-auth's `testdata/tc3_vectors.json`.
pub const TC3_SDK: &str = "tencentcloud-sdk-python-common==3.1.195";

/// An extra package for the venv: its pinned requirement and the module whose import
/// proves it is installed.
#[derive(Debug, Clone, Copy)]
pub struct Extra {
    /// The pip requirement, e.g. [`TC3_SDK`].
    pub requirement: &'static str,
    /// A module it provides, e.g. `tencentcloud.common.sign`.
    pub module: &'static str,
}

/// `tencentcloud-sdk-python-common` ([`TC3_SDK`]), imported as `tencentcloud.common`.
pub const TC3: Extra = Extra {
    requirement: TC3_SDK,
    module: "tencentcloud.common.common_client",
};

/// [`python_with_sdk`] plus `extras` installed in the same venv (once, under the lock
/// `<venv>.extra.lock`, when one of their modules does not import). Blocking.
///
/// Errors: [`Error`] when Python, `venv`, PyPI or the lock file is unavailable.
pub fn python_with_extras(venv: &Path, extras: &[Extra]) -> Result<PathBuf, Error> {
    let python = python_with_sdk(venv)?;
    let modules: Vec<&str> = extras.iter().map(|e| e.module).collect();
    let import = format!("import {}", modules.join(", "));
    let check = || {
        let out = Command::new(&python)
            .args(["-c", &import])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        if out.status.success() {
            Ok(python.clone())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    };
    let requirements: Vec<&str> = extras.iter().map(|e| e.requirement).collect();
    install_once(
        &format!("{} in {}", requirements.join(" "), venv.display()),
        &venv.with_extension("extra.lock"),
        check,
        || {
            run(
                Command::new(&python)
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--disable-pip-version-check",
                    ])
                    .args(&requirements),
                HINT,
            )
        },
    )
}

/// [`python_with_extras`] on [`default_venv`], panicking with the reason when a package
/// cannot be had (tests fail loudly rather than skip).
pub fn python_with_extras_or_panic(extras: &[Extra]) -> PathBuf {
    python_with_extras(&default_venv(), extras)
        .unwrap_or_else(|e| panic!("this test needs Python with {extras:?}: {e}"))
}
