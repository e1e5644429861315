//! File I/O of the transfers, off the async threads: positioned reads of upload parts
//! on a shared handle (no seeking, so parts can be read concurrently), and the single
//! writer thread of a download.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use crate::error::TransferError;
use cos_crc64 as crc64;

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

/// Opens the existing regular file at `path` for reading and writing, refusing a symlink
/// (or anything swapped in between the check and the open, on Unix: the opened file must
/// be the one checked).
pub(crate) fn open_regular(path: &Path) -> io::Result<File> {
    let checked = std::fs::symlink_metadata(path)?;
    if !checked.file_type().is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let file = OpenOptions::new().read(true).write(true).open(path)?;
    let opened = file.metadata()?;
    if !same_file(&checked, &opened) {
        return Err(io::Error::other("the file changed while it was opened"));
    }
    Ok(file)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    b.is_file()
}

/// Bytes read at a time when a finished download is read back: small enough that the
/// CRC pass finds them still in the CPU cache.
const READ_BACK_CHUNK: usize = 256 * 1024;

/// Below this size the read-back runs on one thread.
const READ_BACK_SPLIT_MIN: u64 = 16 * 1024 * 1024;

/// CRC-64 of `len` bytes of `file` from `start`, with positioned reads.
fn crc64_of_range(file: &File, start: u64, len: u64) -> io::Result<u64> {
    let mut buf = vec![0u8; READ_BACK_CHUNK];
    let mut crc = crc64::Crc64::new();
    let mut done = 0u64;
    while done < len {
        let n = usize::try_from(len - done).map_or(READ_BACK_CHUNK, |r| r.min(READ_BACK_CHUNK));
        read_exact_at(file, &mut buf[..n], start + done)?;
        crc.update(&buf[..n]);
        done += n as u64;
    }
    Ok(crc.value())
}

/// CRC-64 of the first `len` bytes of `file`, blocking: a file of 16 MiB or more is read
/// on up to four threads at once (one contiguous range each, positioned reads, their
/// CRCs combined in order). A file shorter than `len` is an `UnexpectedEof` error (it
/// changed since its length was taken). Run it off the async threads.
///
/// Used for the read-back check of downloads and by cos-crypto for the plaintext CRC
/// of an encrypted upload's envelope.
pub fn file_crc64(file: &File, len: u64) -> io::Result<u64> {
    let threads = if len < READ_BACK_SPLIT_MIN {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) as u64
    };
    let step = len
        .div_ceil(threads)
        .next_multiple_of(READ_BACK_CHUNK as u64);
    let ranges: Vec<(u64, u64)> = (0..threads)
        .map(|i| (i * step, step.min(len.saturating_sub(i * step))))
        .filter(|&(_, n)| n > 0)
        .collect();
    let crcs = std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(start, n)| scope.spawn(move || crc64_of_range(file, start, n)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("CRC thread panicked")))
            })
            .collect::<io::Result<Vec<u64>>>()
    })?;
    Ok(crc64::combine_all(
        crcs.into_iter().zip(ranges.iter().map(|&(_, n)| n)),
    ))
}

/// CRC-64 of the first `len` bytes of `file` as they are on disk ([`file_crc64`] on the
/// blocking pool). The download is over when this runs.
pub(crate) async fn read_back_crc64(
    file: Arc<File>,
    path: &Path,
    len: u64,
) -> Result<u64, TransferError> {
    let result = tokio::task::spawn_blocking(move || file_crc64(&file, len))
        .await
        .map_err(|e| TransferError::io(path, io::Error::other(e)))?;
    result.map_err(|e| TransferError::io(path, e))
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

/// Transforms a chunk in place; the `u64` is the object offset of its first byte (a
/// body transform's `apply`, passed as a closure so that this module names no transform).
pub(crate) type ChunkFn = Arc<dyn Fn(u64, &mut [u8]) + Send + Sync>;

/// Reads `len` bytes at `offset` into `buf` (resized, reusing its allocation) and
/// computes the part's CRC-64 (and MD5 when asked) on the blocking pool, chunk by chunk
/// while the data is hot in the cache. With a `transform`, each chunk is transformed
/// right after it is read, and the hashes are those of the transformed bytes (one pass
/// over cache-hot data instead of three over the whole part).
pub(crate) async fn read_part(
    file: Arc<File>,
    path: &Path,
    mut buf: BytesMut,
    offset: u64,
    len: u64,
    md5: bool,
    transform: Option<ChunkFn>,
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
            if let Some(t) = &transform {
                t(offset + at as u64, chunk);
            }
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

/// Bytes received per range before they are handed to the writer.
pub(crate) const WRITE_CHUNK: usize = 1024 * 1024;

/// Received chunks for the [`FileWriter`]: they go to `offset` one after the other, and
/// the (emptied) list comes back through `done` so that it can be filled again.
struct WriteJob {
    chunks: Vec<Bytes>,
    offset: u64,
    done: tokio::sync::oneshot::Sender<std::io::Result<Vec<Bytes>>>,
}

/// All of one download's writes, on one blocking thread, in arrival order.
///
/// Concurrent writers to one file queue on its inode lock (ext4 and tmpfs take it for
/// every buffered write), and the waiting spins a CPU; one writer never waits for it.
/// Chunks are written as received, with one vectored write per batch (no copy into a
/// buffer of ours). The thread ends when the last handle is dropped.
pub(crate) struct FileWriter {
    jobs: tokio::sync::mpsc::Sender<WriteJob>,
}

impl FileWriter {
    /// Starts the writer thread for `file`; at most `depth` writes wait in its queue.
    /// Only this thread moves the file's cursor.
    pub(crate) fn start(file: Arc<File>, depth: usize) -> Self {
        let (jobs, mut queue) = tokio::sync::mpsc::channel::<WriteJob>(depth.max(1));
        tokio::task::spawn_blocking(move || {
            while let Some(job) = queue.blocking_recv() {
                let chunks = job.chunks;
                // The written chunks go back (the range clears the list, or takes back
                // a buffer of its own to fill again).
                let result = write_chunks_at(&file, &chunks, job.offset).map(|()| chunks);
                // The range may have given up waiting (cancelled): nothing to tell.
                let _ = job.done.send(result);
            }
        });
        Self { jobs }
    }

    /// Queues `chunks` for `offset`; the receiver resolves to the list, written.
    async fn submit(
        &self,
        chunks: Vec<Bytes>,
        offset: u64,
    ) -> std::io::Result<tokio::sync::oneshot::Receiver<std::io::Result<Vec<Bytes>>>> {
        let (done, receiver) = tokio::sync::oneshot::channel();
        self.jobs
            .send(WriteJob {
                chunks,
                offset,
                done,
            })
            .await
            .map_err(|_| std::io::Error::other("the file writer stopped"))?;
        Ok(receiver)
    }
}

/// Writes `chunks` back to back at `offset` with vectored writes, moving the cursor of
/// `file` (only the writer thread does).
fn write_chunks_at(file: &File, chunks: &[Bytes], offset: u64) -> std::io::Result<()> {
    use std::io::{IoSlice, Seek, SeekFrom, Write};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    let mut slices: Vec<IoSlice<'_>> = chunks.iter().map(|c| IoSlice::new(c)).collect();
    let mut slices = &mut slices[..];
    while !slices.is_empty() {
        match f.write_vectored(slices) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut slices, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// One range's writes: a batch of chunks is written while the next one is received.
pub(crate) struct RangeWriter<'a> {
    writer: &'a FileWriter,
    path: &'a Path,
    pending: Option<tokio::sync::oneshot::Receiver<std::io::Result<Vec<Bytes>>>>,
    spare: Vec<Bytes>,
    /// Whether written chunks are buffers of ours (a transform's output) to fill again.
    recycle: bool,
    recycled: Option<BytesMut>,
}

impl<'a> RangeWriter<'a> {
    /// A range's writer; with `recycle`, a written chunk that is a buffer of the range's
    /// own (no other reference) is kept for [`take_recycled`](Self::take_recycled): a
    /// transformed download reuses two or three buffers per range instead of allocating
    /// one per batch (fresh memory costs a page fault per page, more in a VM).
    pub(crate) fn new(writer: &'a FileWriter, path: &'a Path, recycle: bool) -> Self {
        Self {
            writer,
            path,
            pending: None,
            spare: Vec::new(),
            recycle,
            recycled: None,
        }
    }

    /// A written buffer to fill again, if one came back.
    pub(crate) fn take_recycled(&mut self) -> Option<BytesMut> {
        self.recycled.take()
    }

    /// Waits for the write in progress, if any.
    pub(crate) async fn settle(&mut self) -> Result<(), TransferError> {
        if let Some(job) = self.pending.take() {
            let mut chunks = job
                .await
                .map_err(|e| TransferError::io(self.path, std::io::Error::other(e)))?
                .map_err(|e| TransferError::io(self.path, e))?;
            if self.recycle {
                let mine = chunks.drain(..).find_map(|c| c.try_into_mut().ok());
                if mine.is_some() {
                    self.recycled = mine;
                }
            }
            chunks.clear();
            self.spare = chunks;
        }
        Ok(())
    }

    /// Starts writing `chunks` at `offset` and returns an empty list to fill next.
    pub(crate) async fn write(
        &mut self,
        chunks: Vec<Bytes>,
        offset: u64,
    ) -> Result<Vec<Bytes>, TransferError> {
        self.settle().await?;
        let job = self
            .writer
            .submit(chunks, offset)
            .await
            .map_err(|e| TransferError::io(self.path, e))?;
        self.pending = Some(job);
        Ok(std::mem::take(&mut self.spare))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unique::create_unique;

    /// The split read-back (several threads, CRCs combined) gives the CRC of the file,
    /// for sizes below, at and above the split threshold and not a multiple of the chunk.
    #[tokio::test]
    async fn read_back_matches_the_content_at_every_size() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..(READ_BACK_SPLIT_MIN as usize * 2 + 12_345))
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let (file, path) = create_unique(dir.path(), ".t.", ".part").unwrap();
        std::io::Write::write_all(&mut &file, &data).unwrap();
        let file = Arc::new(file);
        for len in [
            0,
            1,
            READ_BACK_CHUNK as u64 + 7,
            READ_BACK_SPLIT_MIN,
            data.len() as u64,
        ] {
            let got = read_back_crc64(file.clone(), &path, len).await.unwrap();
            assert_eq!(got, crc64::checksum(&data[..len as usize]), "len {len}");
        }
        // Reading past the end is an error, not a short CRC.
        assert!(
            read_back_crc64(file, &path, data.len() as u64 + 1)
                .await
                .is_err()
        );
    }
}
