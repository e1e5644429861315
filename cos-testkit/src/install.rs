//! The install-once protocol shared by the SDK bootstrappers: check, take the lock
//! file, check again (another caller may have finished while we waited), install,
//! check a last time. The lock is held until the install is over, also on errors.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

/// Why an SDK environment could not be prepared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A command could not be started (no `python3`, `node` or `npm` on `PATH`, ...).
    #[error("cannot run {command}: {source} ({hint})")]
    Spawn {
        /// The command.
        command: String,
        /// What the caller needs installed.
        hint: &'static str,
        /// The cause.
        source: std::io::Error,
    },
    /// A command ran and failed.
    #[error("`{command}` failed: {status}")]
    Failed {
        /// The command.
        command: String,
        /// Its exit status.
        status: ExitStatus,
    },
    /// The install finished but the SDK is still not usable.
    #[error("{what} is not usable after the install: {detail}")]
    NotUsable {
        /// The SDK and where it was installed.
        what: String,
        /// What the final check reported.
        detail: String,
    },
    /// The tool is there but too old for the SDK.
    #[error("{tool} {found} is too old: {needed} is needed")]
    TooOld {
        /// The tool (`node`).
        tool: String,
        /// The version found.
        found: String,
        /// The version needed.
        needed: &'static str,
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

/// Runs `cmd` to completion (output inherited), failing on a non-zero status.
pub(crate) fn run(cmd: &mut Command, hint: &'static str) -> Result<(), Error> {
    let command = format!("{cmd:?}");
    let status = cmd.status().map_err(|source| Error::Spawn {
        command: command.clone(),
        hint,
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Failed { command, status })
    }
}

/// Runs `cmd` and returns its stdout, failing on a non-zero status.
pub(crate) fn output(cmd: &mut Command, hint: &'static str) -> Result<String, Error> {
    let command = format!("{cmd:?}");
    let out = cmd.output().map_err(|source| Error::Spawn {
        command: command.clone(),
        hint,
        source,
    })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(Error::Failed {
            command,
            status: out.status,
        })
    }
}

/// Makes `check` succeed, running `install` at most once across processes.
///
/// `check` returns `Err(detail)` while the SDK is not usable; `install` runs under
/// the exclusive lock `lock_path` when the first and the second check fail, and the
/// last check's detail becomes [`Error::NotUsable`].
pub(crate) fn install_once<T>(
    what: &str,
    lock_path: &Path,
    check: impl Fn() -> Result<T, String>,
    install: impl FnOnce() -> Result<(), Error>,
) -> Result<T, Error> {
    if let Ok(ready) = check() {
        return Ok(ready);
    }
    let lock_err = |source| Error::Lock {
        path: lock_path.to_owned(),
        source,
    };
    if let Some(parent) = lock_path.parent() {
        std::fs::create_dir_all(parent).map_err(lock_err)?;
    }
    // One well-known lock file per install directory: it is only ever locked, never
    // read, so sharing its name is what makes the protocol work.
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path)
        .map_err(lock_err)?;
    // Held until `lock` is dropped (also on error paths).
    lock.lock().map_err(lock_err)?;
    if let Ok(ready) = check() {
        return Ok(ready);
    }
    install()?;
    check().map_err(|detail| Error::NotUsable {
        what: what.to_owned(),
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};

    #[test]
    fn concurrent_callers_install_once() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("installed");
        let lock = dir.path().join("sdk.lock");
        let installs = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(Barrier::new(4));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (marker, lock) = (marker.clone(), lock.clone());
                let (installs, barrier) = (installs.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    install_once(
                        "fake sdk",
                        &lock,
                        || std::fs::read_to_string(&marker).map_err(|e| e.to_string()),
                        || {
                            installs.fetch_add(1, Ordering::SeqCst);
                            // Slow enough that the others queue on the lock.
                            std::thread::sleep(std::time::Duration::from_millis(200));
                            std::fs::write(&marker, "v1").unwrap();
                            Ok(())
                        },
                    )
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap().unwrap(), "v1");
        }
        assert_eq!(installs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn an_install_that_leaves_the_sdk_unusable_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = install_once(
            "fake sdk",
            &dir.path().join("sdk.lock"),
            || Err::<(), _>("still missing".to_owned()),
            || Ok(()),
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::NotUsable { detail, .. } if detail == "still missing"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_program_names_what_to_install() {
        let err = run(
            &mut Command::new("cos-testkit-no-such-program"),
            "install it",
        )
        .unwrap_err();
        assert!(matches!(err, Error::Spawn { .. }), "{err}");
        assert!(err.to_string().contains("install it"), "{err}");
    }
}
