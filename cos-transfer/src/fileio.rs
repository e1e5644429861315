//! Positioned reads on a shared file handle (no seeking, so parts can be read
//! concurrently), run on the blocking thread pool.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

use bytes::BytesMut;

use crate::crc64;
use crate::error::TransferError;

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// What was read for one part.
pub(crate) struct ReadPart {
    pub buf: BytesMut,
    pub crc64: u64,
    pub md5: Option<[u8; 16]>,
}

/// Bytes read (and hashed) at a time: small enough that the CRC pass finds them still in
/// the CPU cache.
const READ_CHUNK: usize = 256 * 1024;

/// Reads `len` bytes at `offset` into `buf` (resized, reusing its allocation) and
/// computes the part's CRC-64 (and MD5 when asked) on the blocking pool, chunk by chunk
/// while the data is hot in the cache.
pub(crate) async fn read_part(
    file: Arc<File>,
    path: &Path,
    mut buf: BytesMut,
    offset: u64,
    len: u64,
    md5: bool,
) -> Result<ReadPart, TransferError> {
    let n = usize::try_from(len)
        .map_err(|_| TransferError::InvalidOption(format!("part of {len} bytes")))?;
    let result = tokio::task::spawn_blocking(move || -> io::Result<ReadPart> {
        use md5::Digest;
        buf.resize(n, 0);
        let mut crc = crc64::Crc64::new();
        let mut md5 = md5.then(md5::Md5::new);
        let mut at = 0usize;
        for chunk in buf.chunks_mut(READ_CHUNK) {
            read_exact_at(&file, chunk, offset + at as u64)?;
            crc.update(chunk);
            if let Some(m) = md5.as_mut() {
                m.update(&*chunk);
            }
            at += chunk.len();
        }
        Ok(ReadPart {
            buf,
            crc64: crc.value(),
            md5: md5.map(|m| m.finalize().into()),
        })
    })
    .await
    .map_err(|e| TransferError::io(path, io::Error::other(e)))?;
    result.map_err(|e| TransferError::io(path, e))
}
