//! [`Transfers`]: the transfer operations as builders on one handle, with validated
//! [`BucketName`] / [`ObjectKey`] arguments, each finished by `.send().await`.

use std::path::PathBuf;

use cos_core::{BucketName, Client, ObjectKey, ReadOptions};

use crate::backend::{Backend, BucketBackend, CopyBackend, CopySource};
use crate::control::{CancelHandle, ProgressFn};
use crate::copy::{CopyOptions, CopyOutcome};
use crate::cos::CosBackend;
use crate::dir::{DeleteOptions, DeleteSummary, DirOptions, DirSummary};
use crate::download::{DownloadOptions, DownloadOutcome};
use crate::error::TransferError;
use crate::upload::{UploadOptions, UploadOutcome};

/// The transfer operations on one backend (by default a `cos-core` client through
/// [`CosBackend`]). Cheap to clone when the backend is.
#[derive(Debug, Clone)]
pub struct Transfers<B = CosBackend> {
    backend: B,
}

impl Transfers<CosBackend> {
    /// Transfers on `client`, writing objects with default options (see
    /// [`CosBackend::write_options`] and [`Transfers::with_backend`] for others).
    pub fn new(client: Client) -> Self {
        Self::with_backend(CosBackend::new(client))
    }
}

impl<B> Transfers<B> {
    /// Transfers on `backend`.
    pub fn with_backend(backend: B) -> Self {
        Self { backend }
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }
}

/// The setters every transfer builder has: the whole options, a progress callback and
/// a cancel handle.
macro_rules! common_setters {
    ($options:ty) => {
        /// Replaces the options.
        pub fn options(mut self, options: $options) -> Self {
            self.options = options;
            self
        }

        /// Reports progress to `progress`.
        pub fn progress(mut self, progress: ProgressFn) -> Self {
            self.progress = Some(progress);
            self
        }

        /// Stops when `cancel` is cancelled.
        pub fn cancel(mut self, cancel: &CancelHandle) -> Self {
            self.cancel = cancel.clone();
            self
        }
    };
}

/// Declares a builder struct holding the handle's backend, its arguments, its options,
/// progress callback and cancel handle.
macro_rules! builder {
    ($(#[$doc:meta])* $name:ident<$bound:ident> { $($field:ident: $ty:ty),* $(,)? } $options:ty) => {
        $(#[$doc])*
        #[must_use = "call .send().await to run the transfer"]
        pub struct $name<'a, B: $bound> {
            backend: &'a B,
            $($field: $ty,)*
            options: $options,
            progress: Option<ProgressFn>,
            cancel: CancelHandle,
        }

        impl<B: $bound> std::fmt::Debug for $name<'_, B> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($field), &self.$field))*
                    .field("options", &self.options)
                    .finish_non_exhaustive()
            }
        }
    };
}

builder! {
    /// Uploads a local file; see [`Transfers::upload_file`].
    UploadFile<Backend> { bucket: &'a BucketName, key: &'a ObjectKey, source: PathBuf }
    UploadOptions
}
builder! {
    /// Downloads an object to a local file; see [`Transfers::download_file`].
    DownloadFile<Backend> { bucket: &'a BucketName, key: &'a ObjectKey, dest: PathBuf }
    DownloadOptions
}
builder! {
    /// Copies (or moves) an object server-side; see [`Transfers::copy`].
    Copy<CopyBackend> {
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        source: &'a CopySource,
        remove_source: bool,
    }
    CopyOptions
}
builder! {
    /// Uploads a local folder; see [`Transfers::upload_dir`].
    UploadDir<Backend> { bucket: &'a BucketName, prefix: &'a str, local_dir: PathBuf }
    DirOptions
}
builder! {
    /// Downloads everything under a prefix; see [`Transfers::download_dir`].
    DownloadDir<BucketBackend> { bucket: &'a BucketName, prefix: &'a str, local_dir: PathBuf }
    DirOptions
}
builder! {
    /// Deletes everything under a prefix; see [`Transfers::delete_prefix`].
    DeletePrefix<BucketBackend> { bucket: &'a BucketName, prefix: &'a str }
    DeleteOptions
}

impl<B: Backend> Transfers<B> {
    /// Uploads the file at `source` to `bucket`/`key`: one PUT Object up to the multipart
    /// threshold, concurrent parts above it, resumable with a checkpoint, and the object's
    /// CRC-64 (combined from the parts' CRCs) compared with the service's.
    ///
    /// Errors: [`TransferError::Io`](crate::TransferError::Io) when the file cannot be read, [`TransferError::Remote`](crate::TransferError::Remote)
    /// when a request fails after the client's retries, [`TransferError::Integrity`](crate::TransferError::Integrity) on a
    /// CRC-64 mismatch, [`TransferError::Plan`](crate::TransferError::Plan) beyond COS's size limits,
    /// [`TransferError::Checkpoint`](crate::TransferError::Checkpoint), [`TransferError::Cancelled`](crate::TransferError::Cancelled),
    /// [`TransferError::InvalidOption`](crate::TransferError::InvalidOption), [`TransferError::Listing`](crate::TransferError::Listing) when a listing read to
    /// resume does not advance. On failure or cancellation a resumable upload keeps its
    /// checkpoint; a non-resumable one (no checkpoint, `resume_existing` off) aborts its
    /// multipart upload.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use cos_core::{BucketName, ObjectKey};
    /// use cos_transfer::{Progress, Transfers};
    /// let transfers = Transfers::new(client);
    /// let (bucket, key) = (BucketName::new("examplebucket-1250000000")?, ObjectKey::new("isos/big.iso")?);
    /// let progress = std::sync::Arc::new(|p: Progress| {
    ///     if let Progress::Bytes { done, total } = p {
    ///         eprint!("\r{done}/{total}");
    ///     }
    /// });
    /// let out = transfers
    ///     .upload_file(&bucket, &key, "big.iso")
    ///     .checkpoint("big.iso.cos-checkpoint")
    ///     .progress(progress)
    ///     .send()
    ///     .await?;
    /// println!("etag {} crc64 {}", out.etag, out.crc64);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs")); fn main() { doc_run(run) }
    /// ```
    pub fn upload_file<'a>(
        &'a self,
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        source: impl Into<PathBuf>,
    ) -> UploadFile<'a, B> {
        UploadFile {
            backend: &self.backend,
            bucket,
            key,
            source: source.into(),
            options: UploadOptions::default(),
            progress: None,
            cancel: CancelHandle::new(),
        }
    }

    /// Downloads `bucket`/`key` to `dest`: HEAD, then one GET or concurrent ranged GETs
    /// pinned to the ETag, written into a temporary file beside `dest` and renamed into place
    /// once the combined CRC-64 matches the service's. A broken stream resumes with a ranged
    /// GET; with a checkpoint, a restarted download fetches only the missing ranges.
    ///
    /// The temporary file (`.NAME.<random>.cos-partial`) is this call's own: created
    /// exclusively under a name no one can predict (never through a symlink, never shared
    /// with another download of the same `dest`), and recorded in the checkpoint so that a
    /// restart finds it. Before the rename its content is read back and its CRC-64 compared
    /// with that of the bytes received (so with the service's): `dest` only ever becomes
    /// a complete file holding exactly this object. Of concurrent downloads to one `dest`,
    /// the last rename wins, each one whole.
    ///
    /// Errors: [`TransferError::Remote`](crate::TransferError::Remote) when a request fails after the client's retries
    /// (a 412 precondition failure when the object changed underway),
    /// [`TransferError::MissingHeader`](crate::TransferError::MissingHeader) when HEAD gives no `Content-Length`,
    /// [`TransferError::Integrity`](crate::TransferError::Integrity) on a CRC-64 mismatch (of the data received, or of the
    /// file as written), [`TransferError::Length`](crate::TransferError::Length) for a short body, [`TransferError::Io`](crate::TransferError::Io),
    /// [`TransferError::Checkpoint`](crate::TransferError::Checkpoint), [`TransferError::Cancelled`](crate::TransferError::Cancelled),
    /// [`TransferError::InvalidOption`](crate::TransferError::InvalidOption).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use cos_core::{BucketName, ObjectKey};
    /// use cos_transfer::Transfers;
    /// let transfers = Transfers::new(client);
    /// let (bucket, key) = (BucketName::new("examplebucket-1250000000")?, ObjectKey::new("isos/big.iso")?);
    /// let out = transfers
    ///     .download_file(&bucket, &key, "big.iso")
    ///     .checkpoint("big.iso.cos-checkpoint")
    ///     .send()
    ///     .await?;
    /// println!("{} bytes, crc64 {}", out.size, out.crc64);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs")); fn main() { doc_run(run) }
    /// ```
    pub fn download_file<'a>(
        &'a self,
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        dest: impl Into<PathBuf>,
    ) -> DownloadFile<'a, B> {
        DownloadFile {
            backend: &self.backend,
            bucket,
            key,
            dest: dest.into(),
            options: DownloadOptions::default(),
            progress: None,
            cancel: CancelHandle::new(),
        }
    }

    /// Uploads every file below `local_dir` to `bucket` under `prefix` (`prefix` + `/` +
    /// the relative path with `/` separators), several files at once.
    ///
    /// Every file gets a [`FileReport`](crate::FileReport); a failed file does not stop the others, and a
    /// cancelled operation reports the files it did not start as failed with
    /// [`TransferError::Cancelled`](crate::TransferError::Cancelled). Progress: [`Progress::FileStarted`](crate::Progress::FileStarted) /
    /// [`Progress::FileFinished`](crate::Progress::FileFinished) per file and [`Progress::Bytes`](crate::Progress::Bytes) over all files.
    ///
    /// Errors: [`TransferError::Io`](crate::TransferError::Io) when `local_dir` cannot be read,
    /// [`TransferError::InvalidOption`](crate::TransferError::InvalidOption) for a bad glob or a zero concurrency; everything
    /// else is reported per file.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use cos_core::BucketName;
    /// use cos_transfer::{DirOptions, Transfers};
    /// let transfers = Transfers::new(client);
    /// let bucket = BucketName::new("examplebucket-1250000000")?;
    /// let options = DirOptions::default().exclude("**/*.tmp").skip_unchanged(true);
    /// let summary = transfers.upload_dir(&bucket, "backup/site", "site").options(options).send().await?;
    /// println!("{} uploaded, {} unchanged, {} failed", summary.done, summary.unchanged, summary.failed);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs")); fn main() { doc_run(run) }
    /// ```
    pub fn upload_dir<'a>(
        &'a self,
        bucket: &'a BucketName,
        prefix: &'a str,
        local_dir: impl Into<PathBuf>,
    ) -> UploadDir<'a, B> {
        UploadDir {
            backend: &self.backend,
            bucket,
            prefix,
            local_dir: local_dir.into(),
            options: DirOptions::default(),
            progress: None,
            cancel: CancelHandle::new(),
        }
    }
}

impl<B: CopyBackend> Transfers<B> {
    /// Copies `source` to `bucket`/`key` on the service (the data does not pass through this
    /// machine); the source may be in another bucket or region.
    ///
    /// A multipart copy with a [`checkpoint`](CopyOptions::checkpoint) is resumable: a
    /// rerun after a failure, a cancellation or a crash continues the same upload and
    /// copies only the parts that List Parts does not confirm, provided the source is
    /// unchanged (ETag, size, Last-Modified); otherwise the outdated upload is aborted and
    /// the copy starts over.
    ///
    /// Errors: [`TransferError::Remote`](crate::TransferError::Remote) when a request fails (without a checkpoint a failed
    /// or cancelled multipart copy is aborted, leaving nothing behind),
    /// [`TransferError::Integrity`](crate::TransferError::Integrity) when the copy's CRC-64 differs from the source's,
    /// [`TransferError::Cancelled`](crate::TransferError::Cancelled), [`TransferError::Checkpoint`](crate::TransferError::Checkpoint),
    /// [`TransferError::InvalidOption`](crate::TransferError::InvalidOption) for a zero concurrency or a threshold above 5 GiB,
    /// [`TransferError::MissingHeader`](crate::TransferError::MissingHeader) when HEAD gives no `Content-Length`,
    /// [`TransferError::Listing`](crate::TransferError::Listing) when resuming meets a List Parts that does not advance.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use cos_core::{BucketName, ObjectKey};
    /// use cos_transfer::{CopySource, Transfers};
    /// let transfers = Transfers::new(client);
    /// let source = CopySource::new(&BucketName::new("sourcebucket-1250000000")?,
    ///                              &ObjectKey::new("big.iso")?).region("ap-beijing");
    /// let (bucket, key) = (BucketName::new("examplebucket-1250000000")?, ObjectKey::new("copies/big.iso")?);
    /// let out = transfers.copy(&bucket, &key, &source).send().await?;
    /// println!("{} bytes, etag {}", out.size, out.etag);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs")); fn main() { doc_run(run) }
    /// ```
    pub fn copy<'a>(
        &'a self,
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        source: &'a CopySource,
    ) -> Copy<'a, B> {
        Copy {
            backend: &self.backend,
            bucket,
            key,
            source,
            remove_source: false,
            options: CopyOptions::default(),
            progress: None,
            cancel: CancelHandle::new(),
        }
    }

    /// Moves `source` to `bucket`/`key`: [`copy`](Transfers::copy), then deletes the source (the given
    /// version, when the source names one).
    ///
    /// Errors: as [`copy`](Transfers::copy) (the source is left in place); [`TransferError::Remote`](crate::TransferError::Remote) with
    /// operation `DeleteObject` when the copy succeeded but the source could not be deleted;
    /// [`TransferError::InvalidOption`](crate::TransferError::InvalidOption) when source and destination are the same object.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use cos_core::{BucketName, ObjectKey};
    /// use cos_transfer::{CopySource, Transfers};
    /// let transfers = Transfers::new(client);
    /// let bucket = BucketName::new("examplebucket-1250000000")?;
    /// let source = CopySource::new(&bucket, &ObjectKey::new("inbox/report.pdf")?);
    /// let key = ObjectKey::new("archive/report.pdf")?;
    /// transfers.move_object(&bucket, &key, &source).send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs")); fn main() { doc_run(run) }
    /// ```
    pub fn move_object<'a>(
        &'a self,
        bucket: &'a BucketName,
        key: &'a ObjectKey,
        source: &'a CopySource,
    ) -> Copy<'a, B> {
        Copy {
            remove_source: true,
            ..self.copy(bucket, key, source)
        }
    }
}

impl<B: BucketBackend> Transfers<B> {
    /// Downloads every object in the folder `prefix` names in `bucket` into `local_dir`,
    /// several files at once. The folder is `prefix` itself when it ends in `/` (or is
    /// empty), otherwise `prefix/` ([`folder_prefix`](crate::paths::folder_prefix)): with
    /// `photos`, `photos/a.jpg` lands in `local_dir/a.jpg` and `photosa.jpg` is not part of
    /// the download. The key after the folder is the relative path, so two keys never
    /// map to one file; where the file system ignores case, a key landing on a file another
    /// key already has is refused ([`TransferError::Collision`](crate::TransferError::Collision)) rather than written over it.
    /// Keys ending in `/` (folder markers) are skipped. Downloads start with the first page
    /// of the listing, which goes on meanwhile; the byte total of [`Progress::Bytes`](crate::Progress::Bytes) grows
    /// as files are scheduled.
    ///
    /// Keys that would land outside `local_dir` (`..`, absolute paths, drive letters,
    /// backslashes, …; see [`paths`](crate::paths)) are refused without any request and
    /// reported with [`TransferError::UnsafeKey`](crate::TransferError::UnsafeKey). Folders below `local_dir` are created
    /// one at a time and symlinks are never followed: a key whose way goes through a
    /// symlink fails with [`UnsafeKey::Symlink`](crate::paths::UnsafeKey::Symlink) before anything is created. Every file
    /// gets a [`FileReport`](crate::FileReport); a failed file does not stop the others. Each file is written
    /// atomically (a temporary file of its own, CRC-64 checks, rename).
    ///
    /// Errors: [`TransferError::Remote`](crate::TransferError::Remote) when listing fails (after the files already
    /// scheduled have finished), [`TransferError::Listing`](crate::TransferError::Listing) when the listing's marker
    /// repeats or goes back, [`TransferError::Io`](crate::TransferError::Io) when
    /// `local_dir` cannot be created, [`TransferError::InvalidOption`](crate::TransferError::InvalidOption) for a bad glob or a
    /// zero concurrency; everything else is reported per file.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use cos_core::BucketName;
    /// use cos_transfer::Transfers;
    /// let transfers = Transfers::new(client);
    /// let bucket = BucketName::new("examplebucket-1250000000")?;
    /// let summary = transfers.download_dir(&bucket, "backup/site/", "restore").send().await?;
    /// for problem in summary.problems() {
    ///     eprintln!("{}: {:?}", problem.key, problem.error);
    /// }
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs")); fn main() { doc_run(run) }
    /// ```
    pub fn download_dir<'a>(
        &'a self,
        bucket: &'a BucketName,
        prefix: &'a str,
        local_dir: impl Into<PathBuf>,
    ) -> DownloadDir<'a, B> {
        DownloadDir {
            backend: &self.backend,
            bucket,
            prefix,
            local_dir: local_dir.into(),
            options: DirOptions::default(),
            progress: None,
            cancel: CancelHandle::new(),
        }
    }

    /// Deletes every object under `prefix` (every version too with
    /// [`DeleteOptions::all_versions`](crate::DeleteOptions::all_versions)) with Delete Multiple Objects, 1000 keys per request,
    /// listing and deleting page by page. Objects the service refuses to delete are listed
    /// in [`DeleteSummary::failures`](crate::DeleteSummary::failures) and do not stop the rest. A [`Progress::FileFinished`](crate::Progress::FileFinished)
    /// event is sent per key.
    ///
    /// Errors: [`TransferError::Remote`](crate::TransferError::Remote) when a listing or a batch request fails (the
    /// objects deleted so far stay deleted), [`TransferError::Listing`](crate::TransferError::Listing) when a listing's
    /// marker repeats or goes back (the listing would never end),
    /// [`TransferError::Cancelled`](crate::TransferError::Cancelled) (checked between batches),
    /// [`TransferError::InvalidOption`](crate::TransferError::InvalidOption) for a bad glob.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use cos_core::BucketName;
    /// use cos_transfer::{DeleteOptions, Transfers};
    /// let transfers = Transfers::new(client);
    /// let bucket = BucketName::new("examplebucket-1250000000")?;
    /// let summary = transfers
    ///     .delete_prefix(&bucket, "tmp/")
    ///     .options(DeleteOptions::default().all_versions(true))
    ///     .send()
    ///     .await?;
    /// println!("{} deleted, {} failed", summary.deleted, summary.failures.len());
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs")); fn main() { doc_run(run) }
    /// ```
    pub fn delete_prefix<'a>(
        &'a self,
        bucket: &'a BucketName,
        prefix: &'a str,
    ) -> DeletePrefix<'a, B> {
        DeletePrefix {
            backend: &self.backend,
            bucket,
            prefix,
            options: DeleteOptions::default(),
            progress: None,
            cancel: CancelHandle::new(),
        }
    }
}

impl<B: Backend> UploadFile<'_, B> {
    common_setters!(UploadOptions);

    /// Saves progress to the checkpoint file `path`, and resumes from it.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.options = self.options.checkpoint(path);
        self
    }

    /// Runs the upload.
    pub async fn send(self) -> Result<UploadOutcome, TransferError> {
        crate::upload::upload_file(
            self.backend,
            self.bucket,
            self.key,
            &self.source,
            &self.options,
            self.progress,
            &self.cancel,
        )
        .await
    }
}

impl<B: Backend> DownloadFile<'_, B> {
    common_setters!(DownloadOptions);

    /// Saves progress to the checkpoint file `path`, and resumes from it.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.options = self.options.checkpoint(path);
        self
    }

    /// Reads with `read` (version, conditions, `response-*` overrides, SSE-C key).
    pub fn read_options(mut self, read: ReadOptions) -> Self {
        self.options = self.options.get(read);
        self
    }

    /// Runs the download.
    pub async fn send(self) -> Result<DownloadOutcome, TransferError> {
        crate::download::download_file(
            self.backend,
            self.bucket,
            self.key,
            &self.dest,
            &self.options,
            self.progress,
            &self.cancel,
        )
        .await
    }
}

impl<B: CopyBackend> Copy<'_, B> {
    common_setters!(CopyOptions);

    /// Saves progress of a multipart copy to the checkpoint file `path`.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.options = self.options.checkpoint(path);
        self
    }

    /// Runs the copy (and, for a move, deletes the source).
    pub async fn send(self) -> Result<CopyOutcome, TransferError> {
        let (bucket, key) = (self.bucket, self.key);
        let (options, cancel) = (&self.options, &self.cancel);
        if self.remove_source {
            crate::copy::move_object(
                self.backend,
                bucket,
                key,
                self.source,
                options,
                self.progress,
                cancel,
            )
            .await
        } else {
            crate::copy::copy(
                self.backend,
                bucket,
                key,
                self.source,
                options,
                self.progress,
                cancel,
            )
            .await
        }
    }
}

impl<B: Backend> UploadDir<'_, B> {
    common_setters!(DirOptions);

    /// Runs the folder upload.
    pub async fn send(self) -> Result<DirSummary, TransferError> {
        crate::dir::upload_dir(
            self.backend,
            self.bucket,
            self.prefix,
            &self.local_dir,
            &self.options,
            self.progress,
            &self.cancel,
        )
        .await
    }
}

impl<B: BucketBackend> DownloadDir<'_, B> {
    common_setters!(DirOptions);

    /// Runs the folder download.
    pub async fn send(self) -> Result<DirSummary, TransferError> {
        crate::dir::download_dir(
            self.backend,
            self.bucket,
            self.prefix,
            &self.local_dir,
            &self.options,
            self.progress,
            &self.cancel,
        )
        .await
    }
}

impl<B: BucketBackend> DeletePrefix<'_, B> {
    common_setters!(DeleteOptions);

    /// Runs the deletion.
    pub async fn send(self) -> Result<DeleteSummary, TransferError> {
        crate::dir::delete_prefix(
            self.backend,
            self.bucket,
            self.prefix,
            &self.options,
            self.progress,
            &self.cancel,
        )
        .await
    }
}
