//! Writing bodies (hashing on the fly) and reading byte ranges back as a stream.

use std::collections::VecDeque;
use std::io::SeekFrom;
use std::path::PathBuf;

use bytes::Bytes;
use md5::{Digest, Md5};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufWriter};

use super::disk::Dir;
use super::lease::{Blobs, Lease};
use super::model::{Segment, SegmentData};
use super::pool;
use crate::body::RespBody;

/// Size of the chunks read from files.
const READ_CHUNK: usize = 256 * 1024;

/// Hashes of a written body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Digests {
    pub md5: Option<[u8; 16]>,
    pub crc64: u64,
    pub len: u64,
}

/// Copies `data` into pool blocks: `current` is filled, and moved to `blocks` when full.
fn append(blocks: &mut Vec<Bytes>, current: &mut Vec<u8>, mut data: &[u8]) {
    while !data.is_empty() {
        if current.capacity() == 0 {
            *current = pool::take();
        }
        let room = pool::BLOCK - current.len();
        let n = room.min(data.len());
        current.extend_from_slice(&data[..n]);
        data = &data[n..];
        if current.len() == pool::BLOCK {
            blocks.push(pool::freeze(std::mem::take(current)));
        }
    }
}

/// Receives a body chunk by chunk; nothing is visible until [`BlobWriter::finish`].
/// Dropping an unfinished writer removes its temp file.
#[derive(Debug)]
pub(crate) struct BlobWriter {
    sink: Sink,
    md5: Option<Md5>,
    crc: cos_crc64::Crc64,
    len: u64,
}

#[derive(Debug)]
enum Sink {
    /// Filled blocks and the block being filled (see [`super::pool`]).
    Memory {
        blocks: Vec<Bytes>,
        current: Vec<u8>,
        /// The first chunk while it is the only one and small: a body received in one
        /// small chunk is copied once, into an exact-size buffer, without a pool block.
        first: Option<Bytes>,
    },
    File {
        file: BufWriter<tokio::fs::File>,
        tmp: TempFile,
        dest: PathBuf,
        name: String,
    },
}

/// Removes the file on drop unless disarmed.
#[derive(Debug)]
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl BlobWriter {
    pub fn memory(md5: bool) -> Self {
        Self::with_sink(
            Sink::Memory {
                blocks: Vec::new(),
                current: Vec::new(),
                first: None,
            },
            md5,
        )
    }

    pub async fn file(dir: &Dir, md5: bool) -> std::io::Result<Self> {
        let name = dir.fresh_name();
        let tmp = dir.tmp_path(&name);
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .await?;
        Ok(Self::with_sink(
            Sink::File {
                file: BufWriter::with_capacity(1 << 20, file),
                tmp: TempFile(Some(tmp)),
                dest: dir.blobs().path().join(&name),
                name,
            },
            md5,
        ))
    }

    fn with_sink(sink: Sink, md5: bool) -> Self {
        BlobWriter {
            sink,
            md5: md5.then(Md5::new),
            crc: cos_crc64::Crc64::new(),
            len: 0,
        }
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub async fn write(&mut self, chunk: Bytes) -> std::io::Result<()> {
        if let Some(m) = &mut self.md5 {
            m.update(&chunk);
        }
        self.crc.update(&chunk);
        self.len += chunk.len() as u64;
        match &mut self.sink {
            Sink::Memory {
                blocks,
                current,
                first,
            } => {
                if blocks.is_empty()
                    && current.is_empty()
                    && first.is_none()
                    && !chunk.is_empty()
                    && chunk.len() < pool::BLOCK / 2
                {
                    *first = Some(chunk);
                    return Ok(());
                }
                if let Some(f) = first.take() {
                    append(blocks, current, &f);
                }
                append(blocks, current, &chunk);
            }
            Sink::File { file, .. } => file.write_all(&chunk).await?,
        }
        Ok(())
    }

    /// Makes the body durable (fsync + rename on disk) and returns it with its hashes.
    pub async fn finish(self) -> std::io::Result<(Vec<Segment>, Digests)> {
        let digests = Digests {
            md5: self.md5.map(|m| m.finalize().into()),
            crc64: self.crc.value(),
            len: self.len,
        };
        let segments = match self.sink {
            Sink::Memory { first: Some(f), .. } => vec![Segment {
                len: f.len() as u64,
                data: SegmentData::Memory(Bytes::copy_from_slice(&f)),
            }],
            Sink::Memory {
                mut blocks,
                current,
                first: None,
            } => {
                if current.len() >= pool::BLOCK / 2 {
                    blocks.push(pool::freeze(current));
                } else if !current.is_empty() {
                    // A small tail: keep an exact copy, recycle the block.
                    blocks.push(Bytes::copy_from_slice(&current));
                    drop(pool::freeze(current));
                }
                blocks
            }
            .into_iter()
            .map(|c| Segment {
                len: c.len() as u64,
                data: SegmentData::Memory(c),
            })
            .collect(),
            Sink::File {
                mut file,
                mut tmp,
                dest,
                name,
            } => {
                file.flush().await?;
                file.get_mut().sync_all().await?;
                drop(file);
                let from = tmp.0.take().unwrap_or_default();
                if let Err(e) = tokio::fs::rename(&from, &dest).await {
                    let _ = tokio::fs::remove_file(&from).await;
                    return Err(e);
                }
                vec![Segment {
                    len: digests.len,
                    data: SegmentData::File(name),
                }]
            }
        };
        Ok((segments, digests))
    }
}

/// Where each piece of a range comes from.
enum Piece {
    Memory(Bytes),
    File { name: String, offset: u64, len: u64 },
}

/// A body streaming bytes `start..end` of the segments.
///
/// Call it while the state is locked: the files to read are leased at once, so that
/// a later overwrite or delete does not cut the body short (their deletion waits for
/// the body to be dropped).
pub(crate) fn read_range(
    segments: &[Segment],
    start: u64,
    end: u64,
    blobs: Option<&Blobs>,
) -> RespBody {
    let mut pieces = Vec::new();
    let mut pos = 0u64;
    for seg in segments {
        let (s, e) = (pos, pos + seg.len);
        pos = e;
        if e <= start || s >= end {
            continue;
        }
        let from = start.max(s) - s;
        let to = end.min(e) - s;
        match &seg.data {
            SegmentData::Memory(b) => {
                let (f, t) = (
                    usize::try_from(from).unwrap_or(0),
                    usize::try_from(to).unwrap_or(0),
                );
                pieces.push(Piece::Memory(b.slice(f..t)));
            }
            SegmentData::File(name) => pieces.push(Piece::File {
                name: name.clone(),
                offset: from,
                len: to - from,
            }),
        }
    }
    if pieces.iter().all(|p| matches!(p, Piece::Memory(_))) {
        let chunks: VecDeque<Bytes> = pieces
            .into_iter()
            .filter_map(|p| match p {
                Piece::Memory(b) => Some(b),
                Piece::File { .. } => None,
            })
            .collect();
        return RespBody::chunks(chunks);
    }
    let names = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::File { name, .. } => Some(name.clone()),
            Piece::Memory(_) => None,
        })
        .collect();
    let dir = blobs.map(|b| (b.path().to_path_buf(), b.lease(names)));
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        // Keeps the files until the body is sent or abandoned.
        let (dir, _lease): (PathBuf, Option<Lease>) = match dir {
            Some((d, l)) => (d, Some(l)),
            None => (PathBuf::new(), None),
        };
        for piece in pieces {
            let r = match piece {
                Piece::Memory(b) => tx.send(Ok(b)).await.map_err(|_| ()),
                Piece::File { name, offset, len } => {
                    send_file(&tx, &dir.join(name), offset, len).await
                }
            };
            if r.is_err() {
                return;
            }
        }
    });
    RespBody::stream(rx, end.saturating_sub(start))
}

async fn send_file(
    tx: &tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    path: &std::path::Path,
    offset: u64,
    len: u64,
) -> Result<(), ()> {
    let opened = async {
        let mut f = tokio::fs::File::open(path).await?;
        f.seek(SeekFrom::Start(offset)).await?;
        Ok::<_, std::io::Error>(f)
    }
    .await;
    let mut file = match opened {
        Ok(f) => f,
        Err(e) => {
            let _ = tx.send(Err(e)).await;
            return Err(());
        }
    };
    let mut left = len;
    while left > 0 {
        let want = usize::try_from(left.min(READ_CHUNK as u64)).unwrap_or(READ_CHUNK);
        let mut buf = vec![0u8; want];
        let n = match file.read(&mut buf).await {
            Ok(0) => {
                let _ = tx.send(Err(std::io::ErrorKind::UnexpectedEof.into())).await;
                return Err(());
            }
            Ok(n) => n,
            Err(e) => {
                let _ = tx.send(Err(e)).await;
                return Err(());
            }
        };
        buf.truncate(n);
        left -= n as u64;
        tx.send(Ok(Bytes::from(buf))).await.map_err(|_| ())?;
    }
    Ok(())
}
