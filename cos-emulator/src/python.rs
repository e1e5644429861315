//! The official Python SDK (`cos-python-sdk-v5`) in a virtual environment, for tests
//! that check the emulator — or code talking to it — against Tencent's own client.
//!
//! The environment is created with `python3 -m venv` (or `$PYTHON`) and the SDK
//! installed from PyPI on first use. Concurrent callers, in one process or several
//! (test runners run test binaries in parallel), wait for each other on a lock file
//! instead of installing twice.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned SDK: the version the golden vectors were produced with.
pub const SDK: &str = "cos-python-sdk-v5==1.9.44";

/// Why the SDK environment could not be prepared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PythonError {
    /// A command could not be started (no `python3`, no `venv` module, ...).
    #[error("cannot run {command}: {source}")]
    Spawn {
        /// The command.
        command: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A command ran and failed.
    #[error("`{command}` failed: {status}")]
    Failed {
        /// The command.
        command: String,
        /// Its exit status.
        status: std::process::ExitStatus,
    },
    /// pip succeeded but `import qcloud_cos` still fails.
    #[error("{python} cannot import qcloud_cos after installing {SDK}")]
    NotImportable {
        /// The interpreter.
        python: PathBuf,
    },
    /// The lock file could not be created or locked.
    #[error("lock {path}: {source}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

fn interpreter(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn has_sdk(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import qcloud_cos, requests"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) -> Result<(), PythonError> {
    let command = format!("{cmd:?}");
    let status = cmd.status().map_err(|source| PythonError::Spawn {
        command: command.clone(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(PythonError::Failed { command, status })
    }
}

/// Returns the interpreter of the virtual environment at `venv`, creating it and
/// installing [`SDK`] when `import qcloud_cos` fails there. Blocking; call it from a
/// blocking context (e.g. `tokio::task::spawn_blocking`).
///
/// Errors: [`PythonError`] when Python, `venv`, PyPI or the lock file is unavailable.
///
/// ```no_run
/// let python = cos_emulator::python::python_with_sdk("target/cos-python".as_ref())?;
/// # Ok::<(), cos_emulator::python::PythonError>(())
/// ```
pub fn python_with_sdk(venv: &Path) -> Result<PathBuf, PythonError> {
    let python = interpreter(venv);
    if has_sdk(&python) {
        return Ok(python);
    }
    let lock_path = venv.with_extension("lock");
    if let Some(parent) = lock_path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| PythonError::Lock {
            path: lock_path.clone(),
            source,
        })?;
    }
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| PythonError::Lock {
            path: lock_path.clone(),
            source,
        })?;
    // Held until `lock` is dropped (also on error paths).
    lock.lock().map_err(|source| PythonError::Lock {
        path: lock_path.clone(),
        source,
    })?;
    // Another caller may have finished while we waited.
    if has_sdk(&python) {
        return Ok(python);
    }
    let system = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    run(Command::new(&system).args(["-m", "venv"]).arg(venv))?;
    run(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        SDK,
    ]))?;
    if has_sdk(&python) {
        Ok(python)
    } else {
        Err(PythonError::NotImportable { python })
    }
}
