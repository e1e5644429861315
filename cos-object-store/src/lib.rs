//! [`object_store::ObjectStore`] and [`object_store::signer::Signer`] for Tencent Cloud
//! COS on `cos-core`: DataFusion, Polars, delta-rs, Lance and every other user of the
//! `object_store` crate read and write COS buckets with COS-native signing (q-sign,
//! STS tokens carried in presigned URLs), cos-core's retries and CRC-64 checks.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use cos_core::{BucketName, Client, Config};
//! use cos_object_store::CosObjectStore;
//! use object_store::{ObjectStore, ObjectStoreExt, path::Path};
//! # let emulator = cos_emulator::Emulator::builder().region("ap-guangzhou").start().await?;
//!
//! let client = Client::new(
//!     Config::builder()
//!         .region("ap-guangzhou")
//! #       .credentials(cos_core::auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?)
//! #       .connect_to(emulator.endpoint())
//!         // real COS: .credentials_provider(cos_core::auth::EnvProvider::new())
//!         .build()?,
//! )?;
//! let bucket = BucketName::new("examplebucket-1250000000")?;
//! # client.put_bucket(&bucket).send().await?;
//! let store = CosObjectStore::new(client, bucket);
//! store.put(&Path::from("data/hello.txt"), "hello".into()).await?;
//! let bytes = store.get(&Path::from("data/hello.txt")).await?.bytes().await?;
//! assert_eq!(&bytes[..], b"hello");
//! # emulator.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! What maps onto what:
//!
//! - `put_opts`: PUT Object; `PutMode::Create` sends `x-cos-forbid-overwrite: true`
//!   (an existing object is `AlreadyExists`); `PutMode::Update` is `NotImplemented`
//!   (COS has no conditional PUT). Attributes become `Content-*`/`Cache-Control` and
//!   `x-cos-meta-*`, tags `x-cos-tagging`.
//! - `put_multipart_opts`: a COS multipart upload; parts are numbered in `put_part`
//!   order and may finish in any order.
//! - `get_opts`: GET Object with `Range` (bounded, offset, suffix), `If-*` conditions and
//!   `versionId`; `head: true` is a HEAD.
//! - `list`, `list_with_offset` (COS's `marker`), `list_with_delimiter` (`/`); keys
//!   ending in `/` (COS folder objects) are not listed.
//! - `copy_opts`: PUT Object - Copy; `CopyMode::Create` forbids overwriting.
//! - `delete_stream`: Delete Multiple Objects, 1000 keys a request.
//! - Errors: see the table on the `error` mapping — 404 is `NotFound`, 409
//!   `FileAlreadyExists` `AlreadyExists`, 412 `Precondition`, 304 `NotModified`, 403
//!   `PermissionDenied`.
//!
//! When to use this rather than OpenDAL's `services-cos` or object_store's S3 backend
//! against COS's S3-compatible endpoint: see `docs/object-store.md` in the repository.

mod error;
mod get;
mod list;
mod put;
mod signer;

use std::fmt;

use async_trait::async_trait;
use cos_core::{BucketName, Client, ObjectKey};
use futures_util::stream::BoxStream;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};

pub use put::CosMultipartUpload;

/// One COS bucket as an [`ObjectStore`]. Cheap to clone (the client is shared).
#[derive(Debug, Clone)]
pub struct CosObjectStore {
    client: Client,
    bucket: BucketName,
}

impl CosObjectStore {
    /// A store over `bucket`, sending through `client` (its region, credentials,
    /// retries, timeouts and `connect_to` apply).
    pub fn new(client: Client, bucket: BucketName) -> Self {
        CosObjectStore { client, bucket }
    }

    /// The client this store sends through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The bucket.
    pub fn bucket(&self) -> &BucketName {
        &self.bucket
    }

    /// The COS key of a path (its encoded form, as object_store stores it).
    fn key(&self, location: &Path) -> Result<ObjectKey> {
        ObjectKey::new(location.as_ref())
            .map_err(|e| error::map(location.as_ref(), cos_core::Error::from(e)))
    }
}

impl fmt::Display for CosObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CosObjectStore({})", self.bucket)
    }
}

#[async_trait]
impl ObjectStore for CosObjectStore {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        let write = put::write_options(&opts.attributes)?;
        self.put_with(location, payload, &opts.mode, &write, &opts.tags)
            .await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        self.start_multipart(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        self.get_with(location, options).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        self.delete_all(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.list_after(prefix, None)
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        self.list_after(prefix, Some(offset))
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.list_level(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.copy_with(from, to, options.mode).await
    }
}
