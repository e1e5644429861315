//! Temporary files created exclusively at names no other process can predict; std only
//! (no crate-internal imports), so both the checkpoint store and the file I/O can use it.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A name part no other process can predict: std's `RandomState` is seeded from the
/// operating system's random source.
fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.write_u128(nanos);
    format!("{:016x}", h.finish())
}

/// Creates a new file `dir/{prefix}{random}{suffix}`, readable and writable, exclusively
/// (`create_new`: `O_EXCL`, so never through a symlink planted at the name, never a file
/// that already exists). Returns the open file and its path.
pub(crate) fn create_unique(dir: &Path, prefix: &str, suffix: &str) -> io::Result<(File, PathBuf)> {
    for _ in 0..16 {
        let path = dir.join(format!("{prefix}{}{suffix}", random_token()));
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((f, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary file name",
    ))
}
