//! PUT (with modes), multipart uploads, copies.

use std::sync::{Arc, Mutex};

use super::object_store;
use async_trait::async_trait;
use bytes::Bytes;
use cos_core::WriteOptions;
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, CopyMode, MultipartUpload, PutMode, PutMultipartOptions, PutPayload,
    PutResult, Result, TagSet, UploadPart,
};

use super::CosObjectStore;
use super::compat::put_result;
use super::error::{generic, map, not_implemented};
use super::multipart::Upload;

/// COS's header refusing to replace an existing object (PUT, copy, complete multipart),
/// answered `409 FileAlreadyExists`
/// (<https://cloud.tencent.com/document/product/436/7749>: "x-cos-forbid-overwrite").
pub(crate) const FORBID_OVERWRITE: &str = "x-cos-forbid-overwrite";

/// COS's object tagging header: `k=v&k2=v2`, percent-encoded as `TagSet::encoded` gives it.
pub(crate) const TAGGING: &str = "x-cos-tagging";

/// What object_store's attributes become on COS (tags go in [`TAGGING`]).
pub(crate) fn write_options(attributes: &Attributes) -> Result<WriteOptions> {
    let mut o = WriteOptions::new();
    for (attribute, value) in attributes {
        let value = value.as_ref().to_owned();
        match attribute {
            Attribute::ContentType => o.content_type = Some(value),
            Attribute::ContentDisposition => o.content_disposition = Some(value),
            Attribute::ContentEncoding => o.content_encoding = Some(value),
            Attribute::ContentLanguage => o.content_language = Some(value),
            Attribute::CacheControl => o.cache_control = Some(value),
            Attribute::Metadata(name) => o = o.metadata(name.as_ref(), value),
            other => {
                return Err(generic(format!(
                    "attribute {other:?} is not supported by COS"
                )));
            }
        }
    }
    Ok(o)
}

impl CosObjectStore {
    /// PUT Object; `PutMode::Create` sends `x-cos-forbid-overwrite: true`.
    pub(crate) async fn put_with(
        &self,
        location: &Path,
        payload: PutPayload,
        mode: &PutMode,
        options: &WriteOptions,
        tags: &TagSet,
    ) -> Result<PutResult> {
        let key = self.key(location)?;
        let mut put = self
            .client
            .put_object(&self.bucket, &key)
            .options(options)
            .map_err(|e| map(location.as_ref(), e.into()))?
            .body(Bytes::from(payload));
        if !tags.encoded().is_empty() {
            put = put.header(TAGGING, tags.encoded());
        }
        match mode {
            PutMode::Overwrite => {}
            PutMode::Create => put = put.header(FORBID_OVERWRITE, "true"),
            // COS has no conditional PUT on an ETag or version.
            PutMode::Update(_) => return Err(not_implemented("put_opts with PutMode::Update")),
        }
        let out = put.send().await.map_err(|e| map(location.as_ref(), e))?;
        Ok(put_result(out.etag, out.version_id))
    }

    /// Initiate Multipart Upload; the returned upload numbers parts in `put_part` order.
    pub(crate) async fn start_multipart(
        &self,
        location: &Path,
        options: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        let upload_id = self.initiate(location, options).await?;
        Ok(Box::new(CosMultipartUpload {
            upload: Arc::new(self.upload(location, upload_id)?),
            parts: Arc::new(Mutex::new(Vec::new())),
        }))
    }

    /// PUT Object - Copy within the bucket; `CopyMode::Create` forbids overwriting.
    pub(crate) async fn copy_with(&self, from: &Path, to: &Path, mode: CopyMode) -> Result<()> {
        let (src, dst) = (self.key(from)?, self.key(to)?);
        let mut copy = self
            .client
            .copy_object(&self.bucket, &dst, &self.bucket, &src);
        if matches!(mode, CopyMode::Create) {
            copy = copy.header(FORBID_OVERWRITE, "true");
        }
        copy.send().await.map_err(|e| {
            // A missing source is reported on the source's path.
            let path = if e.is_not_found() { from } else { to };
            map(path.as_ref(), e)
        })?;
        Ok(())
    }
}

/// A multipart upload in progress; see [`CosObjectStore`]'s `put_multipart_opts`.
#[derive(Debug)]
pub struct CosMultipartUpload {
    upload: Arc<Upload>,
    /// The ETag of each part, by part number - 1; `None` while it is uploading.
    parts: Arc<Mutex<Vec<Option<String>>>>,
}

impl CosMultipartUpload {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Vec<Option<String>>>> {
        self.parts
            .lock()
            .map_err(|_| generic("a part upload panicked"))
    }
}

#[async_trait]
impl MultipartUpload for CosMultipartUpload {
    fn put_part(&mut self, data: PutPayload) -> UploadPart {
        let index = match self.lock() {
            Ok(mut parts) => {
                parts.push(None);
                parts.len() - 1
            }
            Err(e) => return Box::pin(async move { Err(e) }),
        };
        let (upload, parts) = (self.upload.clone(), self.parts.clone());
        Box::pin(async move {
            let etag = upload.put_part(index, data).await?;
            let mut parts = parts
                .lock()
                .map_err(|_| generic("a part upload panicked"))?;
            if let Some(slot) = parts.get_mut(index) {
                *slot = Some(etag);
            }
            Ok(())
        })
    }

    async fn complete(&mut self) -> Result<PutResult> {
        let etags = {
            let parts = self.lock()?;
            let mut done = Vec::with_capacity(parts.len());
            for (i, etag) in parts.iter().enumerate() {
                done.push(etag.clone().ok_or_else(|| {
                    generic(format!(
                        "part {} of {} has not finished uploading",
                        i + 1,
                        self.upload.path
                    ))
                })?);
            }
            done
        };
        self.upload.complete(etags).await
    }

    async fn abort(&mut self) -> Result<()> {
        self.upload.abort().await
    }
}
