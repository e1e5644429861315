//! File operations: upload (single or slice), stat, update, delete, move (downloads: `download`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use http::Method;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::client::{Call, CosClient, FileTarget, Payload, Signing};
use crate::error::{CODE_SLICE_UNFINISHED, Error, Result};
use crate::path;
use crate::sha::{self, SlicePart};
use crate::slice::{SliceInitRequest, server_slice_size};
use crate::types::{FileStat, UploadResult};
use crate::update::UpdateFile;
use crate::wire::{Form, Json};

/// Files below this size are sent in one request (the official SDK's 8 MiB).
pub const DEFAULT_SINGLE_THRESHOLD: u64 = 8 << 20;
/// The slice size proposed by default (the official SDK's 1 MiB).
pub const DEFAULT_SLICE_SIZE: u64 = 1 << 20;
/// Attempts per slice when the service answers with an error (the SDK's 3).
const SLICE_ATTEMPTS: u32 = 3;

/// Where upload data comes from.
#[derive(Debug, Clone)]
enum Source {
    File(PathBuf),
    Memory(Bytes),
}

impl Source {
    async fn len(&self) -> Result<u64> {
        match self {
            Source::Memory(b) => Ok(b.len() as u64),
            Source::File(p) => match tokio::fs::metadata(p).await {
                Ok(m) if m.is_file() => Ok(m.len()),
                Ok(_) => Err(Error::params(format!("{} is not a file", p.display()))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::params(format!(
                    "local file {} does not exist",
                    p.display()
                ))),
                Err(e) => Err(e.into()),
            },
        }
    }

    async fn read(&self, offset: u64, len: u64) -> std::io::Result<Bytes> {
        match self {
            Source::Memory(b) => {
                let start = usize::try_from(offset).unwrap_or(usize::MAX).min(b.len());
                let end = usize::try_from(offset.saturating_add(len))
                    .unwrap_or(usize::MAX)
                    .min(b.len());
                Ok(b.slice(start..end))
            }
            Source::File(p) => {
                let mut f = tokio::fs::File::open(p).await?;
                f.seek(std::io::SeekFrom::Start(offset)).await?;
                let want = usize::try_from(len)
                    .map_err(|_| std::io::Error::other("slice too large for memory"))?;
                let mut buf = vec![0u8; want];
                f.read_exact(&mut buf).await?;
                Ok(Bytes::from(buf))
            }
        }
    }
}

/// An upload: [`CosClient::upload_file`] or [`CosClient::upload_bytes`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct UploadFile {
    client: CosClient,
    bucket: String,
    cos_path: String,
    source: Source,
    biz_attr: String,
    insert_only: bool,
    single_threshold: u64,
    slice_size: u64,
    enable_sha1: bool,
    max_concurrency: usize,
}

impl UploadFile {
    /// The file's note (default empty).
    pub fn biz_attr(mut self, biz_attr: impl Into<String>) -> Self {
        self.biz_attr = biz_attr.into();
        self
    }

    /// `true` (the default): fail with the service's error when the file exists.
    /// `false`: overwrite it (as the official SDK, by deleting and uploading again when
    /// the first attempt fails).
    pub fn insert_only(mut self, yes: bool) -> Self {
        self.insert_only = yes;
        self
    }

    /// Sizes below this go in one request (default [`DEFAULT_SINGLE_THRESHOLD`]);
    /// others use a slice upload.
    pub fn single_threshold(mut self, bytes: u64) -> Self {
        self.single_threshold = bytes;
        self
    }

    /// The slice size proposed to the server (default [`DEFAULT_SLICE_SIZE`]); the
    /// server's answer wins.
    pub fn slice_size(mut self, bytes: u64) -> Self {
        self.slice_size = bytes.max(1);
        self
    }

    /// Sends `sha` and `uploadparts` with intermediate SHA-1 states (see [`crate::sha`])
    /// in slice uploads (default off, as the official SDK).
    pub fn enable_sha1(mut self, yes: bool) -> Self {
        self.enable_sha1 = yes;
        self
    }

    /// Slices in flight at once when the server allows parallel slices (default 1).
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = n.max(1);
        self
    }

    /// Uploads. A slice upload the server reports unfinished (`-4019`) is resumed:
    /// only the slices it lacks are sent.
    ///
    /// Errors: [`Error::Params`] for a bad path or a missing local file (before any
    /// request); the service's codes; [`Error::Io`] when the file cannot be read.
    pub async fn send(self) -> Result<UploadResult> {
        path::check_file(&self.cos_path)?;
        path::check_bucket(&self.bucket)?;
        let size = self.source.len().await?;
        let first = self.attempt(size).await;
        match first {
            Err(Error::Cos { .. }) if !self.insert_only => {
                self.client
                    .del_file(&self.bucket, &self.cos_path)
                    .send()
                    .await?;
                self.attempt(size).await
            }
            other => other,
        }
    }

    async fn attempt(&self, size: u64) -> Result<UploadResult> {
        if size < self.single_threshold {
            self.single(size).await
        } else {
            self.sliced(size).await
        }
    }

    async fn single(&self, size: u64) -> Result<UploadResult> {
        let content = self.source.read(0, size).await?;
        let mut form = Form::new();
        form.part("insertOnly", if self.insert_only { b"1" } else { b"0" })
            .part("sha", sha::sha1_hex(&content).as_bytes())
            .part("biz_attr", self.biz_attr.as_bytes())
            .part("filecontent", &content)
            .part("op", b"upload");
        let reply = self
            .client
            .post_form("V4Upload", &self.bucket, &self.cos_path, form)
            .await?;
        reply.data()
    }

    async fn sliced(&self, size: u64) -> Result<UploadResult> {
        let parts: Option<Vec<SlicePart>> = if self.enable_sha1 {
            let src = &self.source;
            Some(sha::slice_parts(size, self.slice_size, |o, l| src.read(o, l)).await?)
        } else {
            None
        };
        let file_sha = parts
            .as_ref()
            .and_then(|p| p.last())
            .map(|p| p.datasha.clone());
        let mut init = SliceInitRequest::new(size, self.slice_size)
            .biz_attr(self.biz_attr.clone())
            .insert_only(self.insert_only);
        init.parts = parts;
        let client = &self.client;
        let (bucket, cos_path) = (self.bucket.as_str(), self.cos_path.as_str());
        let (session, slice_size, serial, done) =
            match client.upload_slice_init(bucket, cos_path, init).await {
                Ok(init) => {
                    if let Some(result) = init.instant() {
                        return Ok(result);
                    }
                    (
                        init.session,
                        init.slice_size,
                        init.serial_upload,
                        BTreeSet::new(),
                    )
                }
                Err(e) if e.code() == CODE_SLICE_UNFINISHED => {
                    let list = client.upload_slice_list(bucket, cos_path).await?;
                    tracing::debug!(
                        cos_path,
                        received = list.listparts.len(),
                        "resuming an unfinished slice upload"
                    );
                    let done: BTreeSet<u64> = list
                        .listparts
                        .iter()
                        .filter(|p| p.datalen > 0)
                        .map(|p| p.offset)
                        .collect();
                    (list.session, list.slice_size, list.serial_upload, done)
                }
                Err(e) => return Err(e),
            };
        if session.is_empty() {
            return Err(Error::Network {
                status: None,
                message: "upload_slice_init answered without a session".into(),
            });
        }
        let slice_size = server_slice_size(slice_size, self.slice_size)?;
        // Offsets are generated as the slices are sent: nothing is sized by the answer.
        let offsets = (0..size)
            .step_by(usize::try_from(slice_size).unwrap_or(usize::MAX))
            .filter(|o| !done.contains(o));
        let concurrency = if serial { 1 } else { self.max_concurrency };
        let sha_ref = file_sha.as_deref();
        let session_ref = session.as_str();
        let sends = futures_util::stream::iter(offsets.map(|offset| async move {
            let len = slice_size.min(size - offset);
            let data = self.source.read(offset, len).await?;
            self.send_slice(session_ref, offset, data, sha_ref).await
        }))
        .buffer_unordered(concurrency);
        let finished: Vec<Option<UploadResult>> = sends.try_collect().await?;
        if let Some(done) = finished.into_iter().flatten().next() {
            return Ok(done);
        }
        client
            .upload_slice_finish(bucket, cos_path, &session, size, sha_ref)
            .await
    }

    /// One slice, tried up to [`SLICE_ATTEMPTS`] times; `Some` when the server says
    /// the upload is complete.
    async fn send_slice(
        &self,
        session: &str,
        offset: u64,
        data: Bytes,
        sha: Option<&str>,
    ) -> Result<Option<UploadResult>> {
        let mut attempt = 1;
        loop {
            let r = self
                .client
                .upload_slice_data(
                    &self.bucket,
                    &self.cos_path,
                    session,
                    offset,
                    data.clone(),
                    sha,
                )
                .await;
            match r {
                Ok(d) => {
                    return Ok((!d.access_url.is_empty()).then(|| UploadResult {
                        access_url: d.access_url,
                        ..UploadResult::default()
                    }));
                }
                Err(e @ Error::Cos { .. }) if attempt < SLICE_ATTEMPTS => {
                    tracing::debug!(offset, error = %e, "retrying a slice");
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// `stat_file`: see [`CosClient::stat_file`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct StatFile(FileTarget);

impl StatFile {
    /// Gets the attributes.
    ///
    /// Errors: [`Error::Params`] for a bad path; the service's code when the file does
    /// not exist.
    pub async fn send(self) -> Result<FileStat> {
        let t = self.0;
        path::check_file(&t.cos_path)?;
        t.client
            .call(Call {
                operation: "V4StatFile",
                method: Method::GET,
                bucket: &t.bucket,
                cos_path: &t.cos_path,
                query: &[("op", "stat")],
                payload: Payload::Empty,
                signing: Signing::More,
            })
            .await?
            .data()
    }
}

/// `del_file`: see [`CosClient::del_file`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct DelFile(FileTarget);

impl DelFile {
    /// Deletes the file.
    ///
    /// Errors: [`Error::Params`] for a bad path; the service's codes.
    pub async fn send(self) -> Result<()> {
        let t = self.0;
        path::check_file(&t.cos_path)?;
        delete(&t.client, &t.bucket, &t.cos_path, "V4DelFile").await
    }
}

/// `POST {"op": "delete"}` with a once-signature (files and folders).
pub(crate) async fn delete(
    client: &CosClient,
    bucket: &str,
    cos_path: &str,
    operation: &'static str,
) -> Result<()> {
    let body = Json::Object(vec![("op".into(), Json::Str("delete".into()))]).dumps();
    client
        .call(Call {
            operation,
            method: Method::POST,
            bucket,
            cos_path,
            query: &[],
            payload: Payload::Typed("application/json".into(), Bytes::from(body)),
            signing: Signing::Once,
        })
        .await?;
    Ok(())
}

/// `move_file`: see [`CosClient::move_file`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct MoveFile {
    target: FileTarget,
    dest: String,
    overwrite: bool,
}

impl MoveFile {
    /// Replace an existing destination (default `false`).
    pub fn overwrite(mut self, yes: bool) -> Self {
        self.overwrite = yes;
        self
    }

    /// Moves (renames) the file.
    ///
    /// Errors: [`Error::Params`] for a bad source or destination path; the service's
    /// codes (e.g. when the destination exists and `overwrite` is off).
    pub async fn send(self) -> Result<()> {
        let t = &self.target;
        path::check_file(&t.cos_path)?;
        path::check_file(&self.dest)?;
        let overwrite = if self.overwrite { "1" } else { "0" };
        t.client
            .call(Call {
                operation: "V4MoveFile",
                method: Method::POST,
                bucket: &t.bucket,
                cos_path: &t.cos_path,
                query: &[
                    ("to_over_write", overwrite),
                    ("dest_fileid", &self.dest),
                    ("op", "move"),
                ],
                payload: Payload::Empty,
                signing: Signing::Once,
            })
            .await?;
        Ok(())
    }
}

impl CosClient {
    fn upload(&self, bucket: &str, cos_path: &str, source: Source) -> UploadFile {
        UploadFile {
            client: self.clone(),
            bucket: bucket.to_owned(),
            cos_path: cos_path.to_owned(),
            source,
            biz_attr: String::new(),
            insert_only: true,
            single_threshold: DEFAULT_SINGLE_THRESHOLD,
            slice_size: DEFAULT_SLICE_SIZE,
            enable_sha1: false,
            max_concurrency: 1,
        }
    }

    /// Uploads the local file `local_path` to `cos_path` (single request below 8 MiB,
    /// slice upload above).
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// # std::fs::write("local_file_1.txt", "hello").unwrap();
    /// let done = client
    ///     .upload_file("mybucket", "/sample_file.txt", "local_file_1.txt")
    ///     .biz_attr("a demo file")
    ///     .insert_only(false)
    ///     .send()
    ///     .await?;
    /// println!("{}", done.access_url);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn upload_file(
        &self,
        bucket: &str,
        cos_path: &str,
        local_path: impl AsRef<Path>,
    ) -> UploadFile {
        self.upload(
            bucket,
            cos_path,
            Source::File(local_path.as_ref().to_path_buf()),
        )
    }

    /// Uploads `data` to `cos_path`.
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// client.upload_bytes("mybucket", "/hello.txt", "hello").send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn upload_bytes(&self, bucket: &str, cos_path: &str, data: impl Into<Bytes>) -> UploadFile {
        self.upload(bucket, cos_path, Source::Memory(data.into()))
    }

    /// Gets a file's attributes.
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// let stat = client.stat_file("mybucket", "/sample_file.txt").send().await?;
    /// println!("{} {} {}", stat.name, stat.filesize, stat.sha);
    /// # assert_eq!(stat.filesize, 5);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn stat_file(&self, bucket: &str, cos_path: &str) -> StatFile {
        StatFile(self.file_target(bucket, cos_path))
    }

    /// Updates a file's attributes (a once-signed request).
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// use cos_v4_legacy::Authority;
    /// client
    ///     .update_file("mybucket", "/sample_file.txt")
    ///     .biz_attr("This is a demo file")
    ///     .authority(Authority::WRPrivate)
    ///     .cache_control("max-age=60")
    ///     .content_type("text/plain")
    ///     .content_disposition("attachment")
    ///     .content_language("en")
    ///     .x_cos_meta("x-cos-meta-xxx", "xxx")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn update_file(&self, bucket: &str, cos_path: &str) -> UpdateFile {
        UpdateFile::new(self.file_target(bucket, cos_path))
    }

    /// Deletes a file (a once-signed request).
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// # client.move_file("mybucket", "/sample_file.txt", "/sample_file_move.txt").send().await?;
    /// client.del_file("mybucket", "/sample_file_move.txt").send().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn del_file(&self, bucket: &str, cos_path: &str) -> DelFile {
        DelFile(self.file_target(bucket, cos_path))
    }

    /// Moves (renames) a file to `dest_path` in the same bucket.
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// client
    ///     .move_file("mybucket", "/sample_file.txt", "/sample_file_move.txt")
    ///     .overwrite(true)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn move_file(&self, bucket: &str, cos_path: &str, dest_path: &str) -> MoveFile {
        MoveFile {
            target: self.file_target(bucket, cos_path),
            dest: dest_path.to_owned(),
            overwrite: false,
        }
    }
}
