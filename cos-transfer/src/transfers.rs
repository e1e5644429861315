//! [`Transfers`]: the transfer operations as builders on one handle, with validated
//! [`BucketName`] / [`ObjectKey`] arguments:
//!
//! ```no_run
//! # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use cos_core::{BucketName, ObjectKey};
//! use cos_transfer::{CancelHandle, Transfers};
//!
//! let transfers = Transfers::new(client);
//! let bucket = BucketName::new("examplebucket-1250000000")?;
//! let key = ObjectKey::new("backups/big.iso")?;
//! let cancel = CancelHandle::new();
//! let out = transfers
//!     .upload_file(&bucket, &key, "big.iso")
//!     .checkpoint("big.iso.cos-checkpoint")
//!     .cancel(&cancel)
//!     .send()
//!     .await?;
//! println!("{} bytes, crc64 {}", out.size, out.crc64);
//! # Ok(()) }
//! ```

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
    /// Uploads the file `source` to `bucket`/`key`: one PUT or concurrent parts,
    /// resumable from a checkpoint, CRC-64 verified (see [`upload_file`](crate::upload_file)
    /// for the details and errors).
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

    /// Downloads `bucket`/`key` to the file `dest`: one GET or concurrent ranges,
    /// resumable, CRC-64 verified (see [`download_file`](crate::download_file)).
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

    /// Uploads the files under `local_dir` to keys under `prefix` (see
    /// [`upload_dir`](crate::upload_dir)).
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
    /// Copies `source` to `bucket`/`key` server-side (multipart above the threshold,
    /// across buckets and regions; see [`copy`](crate::copy)).
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

    /// Copies `source` to `bucket`/`key`, then deletes the source (see
    /// [`move_object`](crate::move_object)).
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
    /// Downloads the objects under `prefix` into `local_dir` (see
    /// [`download_dir`](crate::download_dir)).
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

    /// Deletes the objects under `prefix` (see [`delete_prefix`](crate::delete_prefix)).
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
