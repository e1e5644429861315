//! Positioned reads and writes on shared file handles (no seeking, so parts can be read
//! and written concurrently), run on the blocking thread pool.

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

#[cfg(unix)]
pub(crate) fn write_all_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(buf, offset)
}

#[cfg(windows)]
pub(crate) fn write_all_at(file: &File, mut buf: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_write(buf, offset)? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => {
                buf = &buf[n..];
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

/// Reads `len` bytes at `offset` into `buf` (resized, reusing its allocation) and
/// computes the part's CRC-64 (and MD5 when asked) on the blocking pool.
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
        buf.resize(n, 0);
        read_exact_at(&file, &mut buf, offset)?;
        let crc64 = crc64::checksum(&buf);
        let md5 = md5.then(|| {
            use md5::Digest;
            md5::Md5::digest(&buf[..]).into()
        });
        Ok(ReadPart { buf, crc64, md5 })
    })
    .await
    .map_err(|e| TransferError::io(path, io::Error::other(e)))?;
    result.map_err(|e| TransferError::io(path, e))
}
