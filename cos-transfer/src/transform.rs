//! A per-byte body transform for `upload_file` / `download_file`, keyed by the object
//! offset: what a client-side encryption layer (`cos-crypto`) plugs into the engines so
//! that encrypted transfers stay parallel, resumable and bounded in memory.
//!
//! The transform must be positional: transforming bytes `a..b` gives the same result
//! however the range is split (a stream cipher in counter mode is). Uploads transform
//! each part as they read it, chunk by chunk (the service's CRC-64 and ETag are then those of the
//! transformed bytes); downloads transform each received batch before writing it. A
//! checkpoint records the transform's [`tag`](BodyTransform::checkpoint_tag): a transfer
//! resumes only from a checkpoint written with the same tag. Without a transform
//! (the default) the engines run exactly as before: one `Option` check per part or
//! per 1 MiB batch.

use std::fmt;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use cos_crc64::Crc64;

use crate::error::TransferError;
use crate::fileio::{self, ReadPart};

/// A positional transform of object bytes, for `upload_file` / `download_file`
/// ([`UploadOptions::transform`](crate::UploadOptions::transform),
/// [`DownloadOptions::transform`](crate::DownloadOptions::transform)): what a client-side
/// encryption layer plugs into the engines.
///
/// It must be positional: transforming bytes `a..b` gives the same result however the
/// range is split (a stream cipher in counter mode is). Uploads transform each part as
/// they read it, in chunks of 256 KiB (the service's CRC-64 and ETag are then those of the transformed bytes);
/// downloads transform each received batch before writing it. Checkpoints record the
/// [`checkpoint_tag`](BodyTransform::checkpoint_tag): a transfer resumes only from a
/// checkpoint with the same tag.
pub trait BodyTransform: Send + Sync + 'static {
    /// Transforms `buf` in place; `buf[0]` is the byte at `offset` of the object.
    fn apply(&self, offset: u64, buf: &mut [u8]);
    /// Recorded in checkpoints: a checkpoint with another tag is not resumed. Not secret
    /// (checkpoints are plain files): for encryption, the wrapped envelope.
    fn checkpoint_tag(&self) -> String;
    /// Downloads: the CRC-64 the transformed (written) object must have, when known; it
    /// is compared before the rename with the CRC-64 of the transformed bytes (hashed as
    /// each batch is transformed, or read back from the file when ranges were reused from
    /// a checkpoint or `verify_on_disk` is set), and a mismatch fails the download with
    /// [`TransferError::Integrity`] (nothing is left at the destination). When it is
    /// known, the received bytes are not hashed themselves: a positional transform maps
    /// a changed input byte to a changed output byte, which this check catches.
    fn expected_crc64(&self) -> Option<u64> {
        None
    }
}

/// The transform slot of [`UploadOptions`](crate::UploadOptions) and
/// [`DownloadOptions`](crate::DownloadOptions) (empty by default).
#[derive(Clone, Default)]
pub struct Transform(pub(crate) Option<Arc<dyn BodyTransform>>);

impl fmt::Debug for Transform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the transform itself: it may hold key material.
        f.write_str(if self.0.is_some() {
            "Transform(Some(..))"
        } else {
            "Transform(None)"
        })
    }
}

impl Transform {
    /// A slot holding `transform`.
    pub(crate) fn new(transform: Arc<dyn BodyTransform>) -> Self {
        Self(Some(transform))
    }

    /// Whether a transform is set.
    pub(crate) fn is_set(&self) -> bool {
        self.0.is_some()
    }

    /// The CRC-64 the transform's output must have, when it states one.
    pub(crate) fn expected(&self) -> Option<u64> {
        self.0.as_ref().and_then(|t| t.expected_crc64())
    }

    /// The tag a checkpoint must carry to be resumed by this transfer.
    pub(crate) fn tag(&self) -> Option<String> {
        self.0.as_ref().map(|t| t.checkpoint_tag())
    }
}

/// Reads an upload part of `len` bytes at `offset` of `file` into `buf` and hashes it,
/// transformed chunk by chunk as it is read when a transform is set (the CRC-64 and MD5
/// are then those of the transformed bytes, which is what the service sees).
pub(crate) async fn read_part(
    transform: &Transform,
    file: Arc<File>,
    path: &Path,
    buf: BytesMut,
    offset: u64,
    len: u64,
    md5: bool,
) -> Result<ReadPart, TransferError> {
    let Some(t) = transform.0.clone() else {
        return fileio::read_part(file, path, buf, offset, len, md5, None).await;
    };
    // Transformed reads are CPU-bound (AES-CTR runs at about a quarter of the speed of
    // the read and CRC): at most one per core at a time, so that the first parts are
    // ready (and on the wire) after one part's work instead of `concurrency` parts'
    // interleaved on the cores. Memory is unchanged: the engine bounds the buffers.
    let _slot = cpu_slots()
        .acquire()
        .await
        .map_err(|e| TransferError::io(path, std::io::Error::other(e)))?;
    let apply: fileio::ChunkFn = Arc::new(move |at, chunk: &mut [u8]| t.apply(at, chunk));
    fileio::read_part(file, path, buf, offset, len, md5, Some(apply)).await
}

/// The process-wide slots for transformed part reads: one per core.
fn cpu_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    })
}

/// Applies the download transform to a batch of received chunks that go to `offset`,
/// on the blocking pool, into `spare` when given (a buffer of an earlier batch, written
/// already): the batch comes back as one transformed chunk, and `written`
/// (the CRC-64 of the range's transformed bytes so far) is updated with it while it is
/// still in the cache, so that no read-back of the finished file is needed. Each
/// received chunk is copied and transformed in turn (the copy is still hot when the
/// transform runs). Without a transform the batch is returned untouched.
pub(crate) async fn download_batch(
    transform: &Transform,
    batch: Vec<Bytes>,
    offset: u64,
    path: &Path,
    written: &mut Crc64,
    spare: Option<BytesMut>,
) -> Result<Vec<Bytes>, TransferError> {
    let Some(t) = transform.0.clone() else {
        return Ok(batch);
    };
    let mut crc = written.clone();
    let (batch, crc) = tokio::task::spawn_blocking(move || {
        let mut buf = spare.unwrap_or_default();
        buf.clear();
        buf.reserve(batch.iter().map(Bytes::len).sum());
        for chunk in &batch {
            let at = buf.len();
            buf.extend_from_slice(chunk);
            t.apply(offset + at as u64, &mut buf[at..]);
            crc.update(&buf[at..]);
        }
        let mut batch = batch;
        batch.clear();
        batch.push(buf.freeze());
        (batch, crc)
    })
    .await
    .map_err(|e| TransferError::io(path, std::io::Error::other(e)))?;
    *written = crc;
    Ok(batch)
}

/// What the finished file must hash to: the CRC-64 of the bytes received without a
/// transform, the transform's expectation (maybe none) with one.
pub(crate) fn expected_on_disk(transform: &Transform, received: u64) -> Option<u64> {
    match &transform.0 {
        None => Some(received),
        Some(t) => t.expected_crc64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unique::create_unique;
    use cos_crc64 as crc64;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// XORs each byte with its offset's low byte, and records how many `apply` calls ran
    /// at once.
    #[derive(Default)]
    struct Counting {
        now: AtomicUsize,
        max: AtomicUsize,
    }

    impl BodyTransform for Counting {
        fn apply(&self, offset: u64, buf: &mut [u8]) {
            let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.max.fetch_max(n, Ordering::SeqCst);
            // Long enough that unlimited reads would overlap.
            std::thread::sleep(std::time::Duration::from_millis(20));
            for (i, b) in buf.iter_mut().enumerate() {
                *b ^= (offset + i as u64) as u8;
            }
            self.now.fetch_sub(1, Ordering::SeqCst);
        }
        fn checkpoint_tag(&self) -> String {
            "counting".into()
        }
    }

    /// Transformed part reads: each chunk transformed at its own offset, the CRC-64 and
    /// MD5 those of the transformed bytes, and no more of them at once than there are
    /// cores, however many the engine starts.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn transformed_reads_hash_what_they_transform_one_per_core_at_a_time() {
        use md5::Digest;
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..3 * 1024 * 1024 + 77)
            .map(|i: usize| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let (file, path) = create_unique(dir.path(), ".t.", ".src").unwrap();
        std::io::Write::write_all(&mut &file, &data).unwrap();
        let file = Arc::new(file);
        let counting = Arc::new(Counting::default());
        let transform = Transform::new(counting.clone());
        let part = 512 * 1024 + 16;
        let reads = (0..data.len() as u64).step_by(part).map(|offset| {
            let len = (data.len() as u64 - offset).min(part as u64);
            let (file, path, transform) = (file.clone(), path.clone(), transform.clone());
            async move {
                let read = read_part(&transform, file, &path, BytesMut::new(), offset, len, true)
                    .await
                    .unwrap();
                (offset, read)
            }
        });
        let reads = futures_util::future::join_all(reads).await;
        assert_eq!(reads.len(), data.len().div_ceil(part));
        for (offset, read) in reads {
            let start = offset as usize;
            let want: Vec<u8> = data[start..start + read.buf.len()]
                .iter()
                .enumerate()
                .map(|(i, b)| b ^ (offset + i as u64) as u8)
                .collect();
            assert_eq!(&read.buf[..], &want[..], "part at {offset}");
            assert_eq!(read.crc64, crc64::checksum(&want));
            assert_eq!(read.md5, Some(md5::Md5::digest(&want).into()));
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let max = counting.max.load(Ordering::SeqCst);
        assert!(
            max >= 1 && max <= cores,
            "{max} transforms at once on {cores} cores"
        );
    }
}
