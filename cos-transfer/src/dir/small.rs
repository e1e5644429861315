//! The small-object path of folder downloads. A folder of many small files is bound by
//! per-file costs, not bytes, so an object listed at up to [`SMALL_OBJECT_MAX`] takes:
//! - one GET: no HEAD first, the response carries the size, ETag and CRC-64;
//! - its body held in memory and its CRC-64 checked against the service's before
//!   anything is written (a mismatch leaves nothing on disk);
//! - one blocking step that creates the temporary file exclusively beside the
//!   destination, writes the checked buffer in one call (so there is nothing to read
//!   back), syncs it only when [`DownloadOptions::fsync`] asks, and renames it into
//!   place; on any failure the temporary file is removed, so a failed download never
//!   leaves a file at the destination.
//!
//! An object that grew beyond the small size since it was listed, or whose stream
//! broke, goes the general way ([`download_file`](crate::download::download_file)),
//! which resumes broken streams; nothing was written by then.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use bytes::{Bytes, BytesMut};
use cos_core::{BucketName, ObjectKey};
use cos_crc64::Crc64;
use futures_util::StreamExt;

use super::download::make_parents;
use crate::backend::Backend;
use crate::control::{PartProgress, ProgressFn};
use crate::download::{DownloadOptions, PARTIAL_SUFFIX, parent_dir, partial_prefix};
use crate::error::TransferError;
use crate::unique::create_unique;

/// Objects listed at up to this size (and within the single-GET threshold) take the
/// small-object path: at most this much is held in memory per file in flight.
pub(crate) const SMALL_OBJECT_MAX: u64 = 1024 * 1024;

/// Whether an object listed at `size` takes the small-object path with `options` (a
/// body transform needs the general path, which applies it range by range).
pub(super) fn is_small(size: u64, options: &DownloadOptions) -> bool {
    size <= SMALL_OBJECT_MAX.min(options.single_threshold) && !options.transform.is_set()
}

/// What the small-object path did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Small {
    /// The file is in place.
    Done,
    /// Nothing was written: the object is to take the general path (it is larger than
    /// listed, or its stream broke).
    General,
}

/// Where a small object goes: the folder download's root, the path below it, and the
/// key (for errors).
pub(super) struct Dest<'a> {
    pub(super) root: &'a Path,
    pub(super) rel: &'a Path,
    pub(super) key: &'a ObjectKey,
}

/// Downloads a small object to `dest` (see the module docs).
pub(super) async fn download_small<B: Backend>(
    backend: &B,
    bucket: &BucketName,
    dest: Dest<'_>,
    options: &DownloadOptions,
    progress: Option<ProgressFn>,
) -> Result<Small, TransferError> {
    let key = dest.key;
    let (info, mut body) = backend
        .get_with_info(bucket, key, &options.get)
        .await
        .map_err(|e| {
            if e.is_not_found() {
                TransferError::head(bucket, key, e)
            } else {
                TransferError::remote("GetObject", e)
            }
        })?;
    let size = info.size.ok_or(TransferError::MissingHeader {
        operation: "GetObject",
        header: "Content-Length",
    })?;
    if size > SMALL_OBJECT_MAX {
        return Ok(Small::General);
    }
    // At most SMALL_OBJECT_MAX, so it fits a usize.
    let mut buf = BytesMut::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut crc = Crc64::new();
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else {
            tracing::debug!(%key, "stream broke; downloading it the general way");
            return Ok(Small::General);
        };
        let got = (buf.len() + chunk.len()) as u64;
        if got > size {
            return Err(TransferError::Length {
                what: format!("{bucket}/{key}"),
                expected: size,
                got,
            });
        }
        crc.update(&chunk);
        buf.extend_from_slice(&chunk);
    }
    if (buf.len() as u64) < size {
        // A body that ended early is as broken as one that errored.
        return Ok(Small::General);
    }
    let local = crc.value();
    if let Some(remote) = info.crc64
        && remote != local
    {
        return Err(TransferError::Integrity {
            what: format!("{bucket}/{key}"),
            local,
            remote,
        });
    }
    let (root, rel, owned_key) = (dest.root.to_owned(), dest.rel.to_owned(), key.to_string());
    let (data, fsync) = (buf.freeze(), options.fsync);
    tokio::task::spawn_blocking(move || {
        make_parents(&root, &rel, &owned_key)?;
        write_new(&root.join(&rel), &data, fsync)
    })
    .await
    .map_err(|e| TransferError::io(dest.root, std::io::Error::other(e)))??;
    PartProgress::new(progress, 0, size).part_done(1, size);
    Ok(Small::Done)
}

/// Writes `data` to a new temporary file beside `dest` and renames it into place; the
/// temporary file is removed on any failure.
fn write_new(dest: &Path, data: &Bytes, fsync: bool) -> Result<(), TransferError> {
    let (mut file, temp): (std::fs::File, PathBuf) =
        create_unique(parent_dir(dest), &partial_prefix(dest), PARTIAL_SUFFIX)
            .map_err(|e| TransferError::io(dest, e))?;
    let written = file
        .write_all(data)
        .and_then(|()| if fsync { file.sync_all() } else { Ok(()) })
        .map_err(|e| TransferError::io(&temp, e));
    drop(file);
    let result =
        written.and_then(|()| std::fs::rename(&temp, dest).map_err(|e| TransferError::io(dest, e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_neither_the_file_nor_a_temporary_one() {
        let dir = std::env::temp_dir().join(format!("cos-small-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // The destination is a non-empty folder: the rename fails.
        let dest = dir.join("taken");
        std::fs::create_dir_all(dest.join("inside")).unwrap();
        let err = write_new(&dest, &Bytes::from_static(b"data"), false).unwrap_err();
        assert!(matches!(err, TransferError::Io { .. }), "{err:?}");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("taken")]);
        assert!(dest.join("inside").is_dir());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_small_objects_without_a_transform_take_the_small_path() {
        let o = DownloadOptions::default();
        assert!(is_small(0, &o));
        assert!(is_small(SMALL_OBJECT_MAX, &o));
        assert!(!is_small(SMALL_OBJECT_MAX + 1, &o));
        assert!(!is_small(4096, &o.clone().single_threshold(1024)));
    }
}
