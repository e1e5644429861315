//! Pipes as upload sources (Linux): a larger kernel buffer for the pipe an upload reads.
//!
//! A Linux pipe holds 64 KiB by default (pipe(7)): each read of it returns at most that,
//! and the writer stops whenever the reader is 64 KiB behind, so a pipe feeding
//! [`Transfers::upload_reader`](crate::Transfers::upload_reader) costs a wake-up of both
//! sides per 64 KiB. With [`PIPE_CAPACITY`] (1 MiB) the reader gets up to 1 MiB per read
//! and the writer runs ahead while a part is handed over. `F_SETPIPE_SZ` (fcntl(2))
//! through `rustix`; an unprivileged process may go up to `/proc/sys/fs/pipe-max-size`
//! (1 MiB by default).

use std::io;
use std::os::fd::AsFd;

/// The pipe capacity [`stdin_reader`] asks for: 1 MiB, Linux's default
/// `/proc/sys/fs/pipe-max-size` (the most an unprivileged process may set).
pub const PIPE_CAPACITY: usize = 1 << 20;

/// The most an unprivileged process may set, from `/proc/sys/fs/pipe-max-size`.
fn pipe_max_size() -> Option<usize> {
    std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Raises the kernel buffer of the pipe behind `fd` (either end) to at least `bytes`,
/// or to the system's `pipe-max-size` when `bytes` is above it and the process may not
/// exceed it; never lowers it. Returns the capacity in force afterwards.
///
/// Errors: the `fcntl` error when `fd` is not a pipe (`EBADF`/`EINVAL`) or the
/// capacity cannot be changed (e.g. `EPERM` when the user's pipe memory is used up).
pub fn set_pipe_capacity(fd: impl AsFd, bytes: usize) -> io::Result<usize> {
    let fd = fd.as_fd();
    let current = rustix::pipe::fcntl_getpipe_size(fd)?;
    if current >= bytes {
        return Ok(current);
    }
    match rustix::pipe::fcntl_setpipe_size(fd, bytes) {
        Ok(n) => Ok(n),
        Err(rustix::io::Errno::PERM) => match pipe_max_size() {
            Some(max) if max > current && max < bytes => {
                Ok(rustix::pipe::fcntl_setpipe_size(fd, max)?)
            }
            _ => Err(rustix::io::Errno::PERM.into()),
        },
        Err(e) => Err(e.into()),
    }
}

/// Standard input as a source for
/// [`Transfers::upload_blocking_reader`](crate::Transfers::upload_blocking_reader), the
/// faster way to upload a pipe: when it is a pipe (`producer | my-uploader`), its
/// capacity is first raised to [`PIPE_CAPACITY`] (best effort: a failure is logged at
/// debug level and changes nothing else).
pub fn stdin_blocking_reader() -> io::Stdin {
    let stdin = io::stdin();
    if let Err(e) = set_pipe_capacity(&stdin, PIPE_CAPACITY) {
        tracing::debug!(error = %e, "standard input: pipe capacity left as it was");
    }
    stdin
}

/// Standard input as a source for
/// [`Transfers::upload_reader`](crate::Transfers::upload_reader) (an `AsyncRead`; see
/// [`stdin_blocking_reader`] for the faster blocking path): when it is a pipe
/// (`producer | my-uploader`), its capacity is first raised to [`PIPE_CAPACITY`] (best
/// effort: a failure is logged at debug level and changes nothing else).
pub fn stdin_reader() -> tokio::io::Stdin {
    let stdin = io::stdin();
    if let Err(e) = set_pipe_capacity(&stdin, PIPE_CAPACITY) {
        tracing::debug!(error = %e, "standard input: pipe capacity left as it was");
    }
    tokio::io::stdin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raises_a_pipes_capacity_and_refuses_a_file() {
        let (reader, writer) = rustix::pipe::pipe().unwrap();
        let before = rustix::pipe::fcntl_getpipe_size(&reader).unwrap();
        let got = set_pipe_capacity(&reader, PIPE_CAPACITY).unwrap();
        assert!(got > before, "{before} -> {got}");
        assert_eq!(rustix::pipe::fcntl_getpipe_size(&writer).unwrap(), got);
        // Never lowered.
        assert_eq!(set_pipe_capacity(&writer, 4096).unwrap(), got);
        let file = tempfile::tempfile().unwrap();
        assert!(set_pipe_capacity(&file, PIPE_CAPACITY).is_err());
    }
}
