//! Encrypted `upload_file` / `download_file` through cos-transfer's engines: the data
//! cipher is their [`BodyTransform`], so encrypted transfers are parallel, resumable
//! (the upload checkpoint keeps the envelope) and bounded in memory like the plain ones.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cos_core::{BucketName, ObjectKey, ReadOptions, WriteOptions};
use cos_transfer::checkpoint::{self, SourceFingerprint, UploadCheckpoint};
use cos_transfer::{
    BodyTransform, CancelHandle, CosBackend, DownloadOptions, DownloadOutcome, ProgressFn,
    TransferError, Transfers, UploadOptions, UploadOutcome,
};

use crate::cipher::{BLOCK, DataKey};
use crate::client::{EncryptionClient, with_envelope};
use crate::envelope::Envelope;
use crate::error::CryptoError;

/// Progress and cancellation of an encrypted `upload_file` / `download_file`, handed to
/// cos-transfer's engines as the plain transfers take them: byte and part
/// [`Progress`](cos_transfer::Progress) events through `progress`, and `cancel` stops the
/// transfer between parts ([`TransferError::Cancelled`] inside
/// [`CryptoError::Transfer`]; a resumable transfer keeps its checkpoint, a non-resumable
/// upload is aborted on the service). Plain data; the default reports nothing and is
/// never cancelled.
#[derive(Clone, Default)]
pub struct Control {
    /// Called with the engine's progress events.
    pub progress: Option<ProgressFn>,
    /// Cancels the transfer when triggered.
    pub cancel: Option<CancelHandle>,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("progress", &self.progress.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

/// The data cipher as a cos-transfer body transform.
struct CtrTransform {
    key: DataKey,
    tag: String,
    expected_crc64: Option<u64>,
}

impl BodyTransform for CtrTransform {
    fn apply(&self, offset: u64, buf: &mut [u8]) {
        self.key.apply(offset, buf);
    }
    fn checkpoint_tag(&self) -> String {
        self.tag.clone()
    }
    fn expected_crc64(&self) -> Option<u64> {
        self.expected_crc64
    }
}

/// CRC-64 of the first `len` bytes of the file (its length when the upload started),
/// for the envelope.
///
/// Why a pass of its own before the upload: the envelope's metadata must go with
/// InitiateMultipartUpload (or the single PUT), and Complete Multipart Upload takes no
/// metadata, so the plaintext CRC must be known before the first request, while the
/// parts' own pass hashes the encrypted bytes the service checks. The pass costs a read
/// of the file (from the page cache, usually) and a CRC, far less than the encryption;
/// it runs off the async threads, a large file split into contiguous ranges on up to
/// four threads (one per core) whose CRCs are combined in order.
async fn file_crc64(path: &Path, len: u64) -> Result<u64, CryptoError> {
    let owned = path.to_owned();
    tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
        let file = std::fs::File::open(&owned)?;
        cos_transfer::file_crc64(&file, len).map_err(|e| match e.kind() {
            // The file shrank since its length was taken: the envelope would be wrong.
            std::io::ErrorKind::UnexpectedEof => std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("the file changed while it was read (shorter than {len} bytes)"),
            ),
            _ => e,
        })
    })
    .await
    .map_err(|e| CryptoError::io(path, std::io::Error::other(e)))?
    .map_err(|e| CryptoError::io(path, e))
}

impl EncryptionClient {
    /// The envelope an upload resumes with: the checkpoint's, when it is for this
    /// object and this unchanged file.
    fn checkpoint_envelope(
        cp_path: Option<&PathBuf>,
        bucket: &BucketName,
        key: &ObjectKey,
        fingerprint: &SourceFingerprint,
    ) -> Option<(Envelope, String)> {
        let cp = checkpoint::load::<UploadCheckpoint>(cp_path?).ok()??;
        (cp.bucket == bucket.as_str() && cp.key == key.as_str() && &cp.source == fingerprint)
            .then(|| Envelope::from_tag(cp.transform.as_deref()?))
            .flatten()
    }

    /// Uploads the file `source` encrypted, with cos-transfer's `upload_file` engine
    /// (`options`: sizing, concurrency, checkpoint; `write`: the object's options). The
    /// plaintext length and CRC-64 go into the envelope (one extra read of the file
    /// before the upload, on all cores, skipped when resuming; the parts are encrypted
    /// and hashed as they are read, in parallel); the checkpoint keeps the envelope, so
    /// a restarted upload continues with the same data key.
    ///
    /// Errors, before any request: [`CryptoError::PartSize`] for a part size that is not
    /// a multiple of 16, [`CryptoError::InvalidOption`] for `resume_existing` (an upload
    /// found by listing has another data key), [`CryptoError::Io`]; then the engine's
    /// errors as [`CryptoError::Transfer`].
    pub async fn upload_file(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        source: impl AsRef<Path>,
        options: UploadOptions,
        write: &WriteOptions,
    ) -> Result<UploadOutcome, CryptoError> {
        let control = Control::default();
        self.upload_file_with(bucket, key, source, options, write, &control)
            .await
    }

    /// [`upload_file`](Self::upload_file) with progress events and a cancel handle.
    pub async fn upload_file_with(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        source: impl AsRef<Path>,
        options: UploadOptions,
        write: &WriteOptions,
        control: &Control,
    ) -> Result<UploadOutcome, CryptoError> {
        let source = source.as_ref();
        if options.sizing.part_size == 0 || !options.sizing.part_size.is_multiple_of(BLOCK) {
            return Err(CryptoError::PartSize(options.sizing.part_size));
        }
        if options.resume_existing {
            return Err(CryptoError::InvalidOption(
                "resume_existing cannot be used with encryption: an upload found by listing has another data key".into(),
            ));
        }
        let meta = std::fs::metadata(source).map_err(|e| CryptoError::io(source, e))?;
        let fingerprint = SourceFingerprint::from_metadata(&meta);
        let resumed =
            Self::checkpoint_envelope(options.checkpoint.as_ref(), bucket, key, &fingerprint);
        // The checkpoint's envelope, when it unwraps to the key it was written with (with
        // another master key, the upload starts afresh: the engine sees another tag).
        let resumed = match resumed {
            Some((env, check)) => match self.unwrap(&env).await {
                Ok(k) if k.check_value() == check => Some((k, env)),
                _ => None,
            },
            None => None,
        };
        let (data_key, envelope) = match resumed {
            Some(resumed) => resumed,
            None => {
                if control
                    .cancel
                    .as_ref()
                    .is_some_and(CancelHandle::is_cancelled)
                {
                    return Err(TransferError::Cancelled.into());
                }
                let crc = file_crc64(source, meta.len()).await?;
                self.new_envelope(Some((meta.len(), crc))).await?
            }
        };
        let transform = CtrTransform {
            tag: envelope.to_tag(&data_key.check_value()),
            key: data_key,
            expected_crc64: None,
        };
        let backend =
            CosBackend::new(self.client.clone()).write_options(with_envelope(write, &envelope));
        let options = options.transform(Arc::new(transform));
        let transfers = Transfers::with_backend(backend);
        let mut up = transfers.upload_file(bucket, key, source).options(options);
        if let Some(p) = &control.progress {
            up = up.progress(p.clone());
        }
        if let Some(c) = &control.cancel {
            up = up.cancel(c);
        }
        Ok(up.send().await?)
    }

    /// Downloads and decrypts `bucket`/`key` to `dest` with cos-transfer's
    /// `download_file` engine (parallel ranges, resumable with `options.checkpoint`).
    /// When the envelope stores the plaintext CRC-64, the decrypted bytes are checked
    /// against it before the file is renamed into place (hashed as they are decrypted; a
    /// download resumed from a checkpoint reads the file back instead), which also
    /// covers the transfer (CTR maps a changed encrypted byte to a changed plaintext
    /// byte); otherwise (objects the official SDKs wrote) the CRC-64 of the encrypted
    /// bytes is checked against the service's. A wrong master key is a
    /// [`CryptoError::Integrity`], and a failed download leaves nothing at `dest`.
    ///
    /// Errors: [`CryptoError::MissingEnvelope`] / [`CryptoError::InvalidEnvelope`] /
    /// [`CryptoError::Unwrap`] before anything is fetched, [`CryptoError::Integrity`],
    /// and the engine's errors as [`CryptoError::Transfer`].
    pub async fn download_file(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        dest: impl AsRef<Path>,
        options: DownloadOptions,
    ) -> Result<DownloadOutcome, CryptoError> {
        let control = Control::default();
        self.download_file_with(bucket, key, dest, options, &control)
            .await
    }

    /// [`download_file`](Self::download_file) with progress events and a cancel handle.
    pub async fn download_file_with(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        dest: impl AsRef<Path>,
        options: DownloadOptions,
        control: &Control,
    ) -> Result<DownloadOutcome, CryptoError> {
        let head = self.head_object(bucket, key, &options.get).await?;
        let data_key = self.unwrap(&head.envelope).await?;
        let expected = head.envelope.plaintext_crc64;
        let transform = CtrTransform {
            tag: head.envelope.to_tag(&data_key.check_value()),
            key: data_key,
            expected_crc64: expected,
        };
        let mut options = options.transform(Arc::new(transform));
        // Pinned to the object whose envelope was read.
        let mut get: ReadOptions = options.get.clone();
        get.if_match = head.head.etag.clone();
        options = options.get(get);
        let transfers = Transfers::new(self.client.clone());
        let mut down = transfers
            .download_file(bucket, key, dest.as_ref())
            .options(options);
        if let Some(p) = &control.progress {
            down = down.progress(p.clone());
        }
        if let Some(c) = &control.cancel {
            down = down.cancel(c);
        }
        let result = down.send().await;
        match result {
            Ok(outcome) => Ok(outcome),
            Err(TransferError::Integrity { local, remote, .. }) if Some(remote) == expected => {
                Err(CryptoError::Integrity {
                    what: format!("{bucket}/{key}"),
                    check: "crc64",
                    expected: remote,
                    got: local,
                })
            }
            Err(e) => Err(e.into()),
        }
    }
}
