// The store, included (`include!`) at the root of each version module, so that the
// modules below it use their parent as they would a crate root: one bucket as an
// `ObjectStore`, each operation a call into `get`, `put`, `list` or `multipart`.

use std::fmt;

use async_trait::async_trait;
use cos_core::{BucketName, Client, ObjectKey};
use futures_util::stream::BoxStream;
use object_store::list::{PaginatedListOptions, PaginatedListResult, PaginatedListStore};
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};

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

#[async_trait]
impl PaginatedListStore for CosObjectStore {
    async fn list_paginated(
        &self,
        prefix: Option<&str>,
        opts: PaginatedListOptions,
    ) -> Result<PaginatedListResult> {
        self.list_page(prefix, opts).await
    }
}
