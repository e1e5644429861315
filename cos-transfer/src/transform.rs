//! A per-byte body transform for `upload_file` / `download_file`, keyed by the object
//! offset: what a client-side encryption layer (`cos-crypto`) plugs into the engines so
//! that encrypted transfers stay parallel, resumable and bounded in memory.
//!
//! The transform must be positional: transforming bytes `a..b` gives the same result
//! however the range is split (a stream cipher in counter mode is). Uploads transform
//! each part after reading it (the service's CRC-64 and ETag are then those of the
//! transformed bytes); downloads transform each received batch before writing it. A
//! checkpoint records the transform's [`tag`](BodyTransform::checkpoint_tag): a transfer
//! resumes only from a checkpoint written with the same tag. Without a transform
//! (the default) the engines run exactly as before: one `Option` check per part or
//! per 1 MiB batch.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use crate::error::TransferError;
use crate::fileio::ReadPart;
use cos_crc64 as crc64;

/// A positional transform of object bytes, for `upload_file` / `download_file`
/// ([`UploadOptions::transform`](crate::UploadOptions::transform),
/// [`DownloadOptions::transform`](crate::DownloadOptions::transform)): what a client-side
/// encryption layer plugs into the engines.
///
/// It must be positional: transforming bytes `a..b` gives the same result however the
/// range is split (a stream cipher in counter mode is). Uploads transform each part after
/// reading it (the service's CRC-64 and ETag are then those of the transformed bytes);
/// downloads transform each received batch before writing it. Checkpoints record the
/// [`checkpoint_tag`](BodyTransform::checkpoint_tag): a transfer resumes only from a
/// checkpoint with the same tag.
pub trait BodyTransform: Send + Sync + 'static {
    /// Transforms `buf` in place; `buf[0]` is the byte at `offset` of the object.
    fn apply(&self, offset: u64, buf: &mut [u8]);
    /// Recorded in checkpoints: a checkpoint with another tag is not resumed. Not secret
    /// (checkpoints are plain files): for encryption, the wrapped envelope.
    fn checkpoint_tag(&self) -> String;
    /// Downloads: the CRC-64 the transformed (written) object must have, when known; the
    /// finished file is then read back and compared with it before the rename, and a
    /// mismatch fails the download with [`TransferError::Integrity`] (nothing is left at
    /// the destination).
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

    /// The tag a checkpoint must carry to be resumed by this transfer.
    pub(crate) fn tag(&self) -> Option<String> {
        self.0.as_ref().map(|t| t.checkpoint_tag())
    }
}

/// Applies the upload transform to a part read at `offset`, on the blocking pool, and
/// recomputes its CRC-64 (and MD5 when it had one) over the transformed bytes. Without
/// a transform the part is returned untouched.
pub(crate) async fn upload_part(
    transform: &Transform,
    read: ReadPart,
    offset: u64,
    path: &Path,
) -> Result<ReadPart, TransferError> {
    let Some(t) = transform.0.clone() else {
        return Ok(read);
    };
    let want_md5 = read.md5.is_some();
    let mut buf = read.buf;
    tokio::task::spawn_blocking(move || {
        use md5::Digest;
        t.apply(offset, &mut buf);
        let mut crc = crc64::Crc64::new();
        crc.update(&buf);
        let md5 = want_md5.then(|| md5::Md5::digest(&buf[..]).into());
        ReadPart {
            buf,
            crc64: crc.value(),
            md5,
        }
    })
    .await
    .map_err(|e| TransferError::io(path, std::io::Error::other(e)))
}

/// Applies the download transform to a batch of received chunks that go to `offset`,
/// on the blocking pool: the batch comes back as one transformed chunk. Without a
/// transform the batch is returned untouched.
pub(crate) async fn download_batch(
    transform: &Transform,
    batch: Vec<Bytes>,
    offset: u64,
    path: &Path,
) -> Result<Vec<Bytes>, TransferError> {
    let Some(t) = transform.0.clone() else {
        return Ok(batch);
    };
    tokio::task::spawn_blocking(move || {
        let mut buf = BytesMut::with_capacity(batch.iter().map(Bytes::len).sum());
        for chunk in &batch {
            buf.extend_from_slice(chunk);
        }
        t.apply(offset, &mut buf);
        let mut batch = batch;
        batch.clear();
        batch.push(buf.freeze());
        batch
    })
    .await
    .map_err(|e| TransferError::io(path, std::io::Error::other(e)))
}

/// What the finished file must hash to: the CRC-64 of the bytes received without a
/// transform, the transform's expectation (maybe none) with one.
pub(crate) fn expected_on_disk(transform: &Transform, received: u64) -> Option<u64> {
    match &transform.0 {
        None => Some(received),
        Some(t) => t.expected_crc64(),
    }
}
