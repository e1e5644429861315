//! Upload, download and copy checkpoints: what a restarted transfer needs to continue, saved
//! atomically (temporary file, fsync, rename) so a crash never leaves a torn file.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// Format version written into every checkpoint.
pub const CHECKPOINT_VERSION: u32 = 1;

/// Why a checkpoint could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// Reading or writing the file failed.
    #[error("checkpoint {path}: {source}")]
    Io {
        /// The checkpoint file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file exists but is not a checkpoint of this version.
    #[error("checkpoint {path} is unreadable: {reason}")]
    Corrupt {
        /// The checkpoint file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Identifies the local source of an upload: a changed size or modification time
/// invalidates its checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFingerprint {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (0 when unknown).
    pub mtime_ns: u64,
}

impl SourceFingerprint {
    /// The fingerprint of file metadata.
    pub fn from_metadata(meta: &fs::Metadata) -> Self {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        Self {
            size: meta.len(),
            mtime_ns,
        }
    }
}

/// A part that the service acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DonePart {
    /// The part's ETag as returned by Upload Part.
    pub etag: String,
    /// CRC-64/XZ of the part's bytes.
    pub crc64: u64,
    /// Length of the part.
    pub len: u64,
}

/// State of a multipart upload in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadCheckpoint {
    /// [`CHECKPOINT_VERSION`].
    pub version: u32,
    /// Destination bucket.
    pub bucket: String,
    /// Destination key.
    pub key: String,
    /// The multipart upload id.
    pub upload_id: String,
    /// Part size the upload was planned with.
    pub part_size: u64,
    /// The source when the upload started.
    pub source: SourceFingerprint,
    /// Acknowledged parts by number.
    pub parts: BTreeMap<u32, DonePart>,
    /// Storage class the upload was initiated with (`None`: the service's default): an
    /// upload configured with another one starts afresh rather than continue this one.
    #[serde(default)]
    pub storage_class: Option<String>,
    /// Base64 MD5 of the SSE-C key the upload was initiated with (never the key): a
    /// rerun with another key (or none) starts afresh, since the service would refuse
    /// its parts.
    #[serde(default)]
    pub sse_key_md5: Option<String>,
    /// The body transform's checkpoint tag (`None`: no transform), see
    /// [`BodyTransform::checkpoint_tag`](crate::BodyTransform::checkpoint_tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<String>,
}

/// State of a ranged download in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadCheckpoint {
    /// [`CHECKPOINT_VERSION`].
    pub version: u32,
    /// Source bucket.
    pub bucket: String,
    /// Source key.
    pub key: String,
    /// Version id, when a specific version is downloaded.
    pub version_id: Option<String>,
    /// The object the download is pinned to.
    pub remote: RemoteObject,
    /// Range size the download was planned with.
    pub part_size: u64,
    /// Ranges already written to the temporary file, by 1-based number.
    pub done: BTreeMap<u32, DonePart>,
    /// File name of the temporary file (beside the destination) the ranges are in: each
    /// download writes to its own, unpredictably named file, which a restart finds here.
    #[serde(default)]
    pub partial: Option<String>,
    /// The body transform's checkpoint tag (`None`: no transform): ranges written with
    /// another transform are not reused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<String>,
}

/// A part of a multipart copy that the service acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopiedPart {
    /// The part's ETag as returned by Upload Part - Copy.
    pub etag: String,
    /// CRC-64/XZ of the part, when the service reported it.
    pub crc64: Option<u64>,
    /// Length of the part.
    pub len: u64,
}

/// State of a multipart copy in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyCheckpoint {
    /// [`CHECKPOINT_VERSION`].
    pub version: u32,
    /// Destination bucket.
    pub bucket: String,
    /// Destination key.
    pub key: String,
    /// The copy source as given (bucket, key, region, version).
    pub source: CopySourceId,
    /// The source object the copy is pinned to (from HEAD Object).
    pub remote: RemoteObject,
    /// The multipart upload id.
    pub upload_id: String,
    /// Part size the copy was planned with.
    pub part_size: u64,
    /// Acknowledged parts by number.
    pub parts: BTreeMap<u32, CopiedPart>,
    /// Base64 MD5 of the SSE-C key the upload was initiated with (never the key): a
    /// rerun with another key (or none) starts afresh, since the service would refuse
    /// its parts.
    #[serde(default)]
    pub sse_key_md5: Option<String>,
}

/// A copy source as recorded in a [`CopyCheckpoint`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopySourceId {
    /// Source bucket.
    pub bucket: String,
    /// Source key.
    pub key: String,
    /// Source region (`None`: the client's).
    pub region: Option<String>,
    /// Source version (`None`: the current one).
    pub version_id: Option<String>,
}

/// What identifies a version of a remote object (from HEAD Object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteObject {
    /// The ETag (quotes as sent).
    pub etag: String,
    /// Content length.
    pub size: u64,
    /// The Last-Modified header as sent.
    pub last_modified: String,
}

/// Reads a checkpoint: `Ok(None)` when the file does not exist.
///
/// Errors: [`CheckpointError::Io`] on read failures, [`CheckpointError::Corrupt`] when the
/// content is not a checkpoint of this version.
pub fn load<T: for<'de> Deserialize<'de> + Versioned>(
    path: &Path,
) -> Result<Option<T>, CheckpointError> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(CheckpointError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    let value: T = serde_json::from_str(&text).map_err(|e| CheckpointError::Corrupt {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    if value.version() != CHECKPOINT_VERSION {
        return Err(CheckpointError::Corrupt {
            path: path.to_owned(),
            reason: format!("version {} is not {CHECKPOINT_VERSION}", value.version()),
        });
    }
    Ok(Some(value))
}

/// Writes a checkpoint atomically: a temporary file beside `path`, fsync, rename.
///
/// Errors: [`CheckpointError::Io`].
pub fn save<T: Serialize>(path: &Path, value: &T) -> Result<(), CheckpointError> {
    let io = |source| CheckpointError::Io {
        path: path.to_owned(),
        source,
    };
    let text = serde_json::to_vec_pretty(value).map_err(|e| io(std::io::Error::other(e)))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut prefix = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    prefix.push_str(".tmp.");
    let (mut f, tmp) = crate::unique::create_unique(dir, &prefix, "").map_err(io)?;
    let result = (|| {
        f.write_all(&text)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Persist the rename itself; not every platform can open a directory.
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// Removes a checkpoint; a missing file is not an error.
///
/// Errors: [`CheckpointError::Io`].
pub fn remove(path: &Path) -> Result<(), CheckpointError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(CheckpointError::Io {
            path: path.to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Checkpoints carry a format version.
pub trait Versioned {
    /// The format version of this value.
    fn version(&self) -> u32;
}

impl Versioned for UploadCheckpoint {
    fn version(&self) -> u32 {
        self.version
    }
}

impl Versioned for CopyCheckpoint {
    fn version(&self) -> u32 {
        self.version
    }
}

impl Versioned for DownloadCheckpoint {
    fn version(&self) -> u32 {
        self.version
    }
}
