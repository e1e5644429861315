//! PUT (with modes), multipart uploads, copies.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use cos_core::{BucketName, Client, ObjectKey, WriteOptions};
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, CopyMode, MultipartUpload, PutMode, PutMultipartOptions, PutPayload,
    PutResult, Result, TagSet, UploadPart,
};

use crate::CosObjectStore;
use crate::error::{generic, map, not_implemented};

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
        Ok(PutResult {
            e_tag: out.etag,
            version: out.version_id,
            extensions: Default::default(),
        })
    }

    /// Initiate Multipart Upload; the returned upload numbers parts in `put_part` order.
    pub(crate) async fn start_multipart(
        &self,
        location: &Path,
        options: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        let key = self.key(location)?;
        let write = write_options(&options.attributes)?;
        let mut initiate = self
            .client
            .initiate_multipart_upload(&self.bucket, &key)
            .options(&write)
            .map_err(|e| map(location.as_ref(), e.into()))?;
        if !options.tags.encoded().is_empty() {
            initiate = initiate.header(TAGGING, options.tags.encoded());
        }
        let out = initiate
            .send()
            .await
            .map_err(|e| map(location.as_ref(), e))?;
        Ok(Box::new(CosMultipartUpload {
            client: self.client.clone(),
            bucket: self.bucket.clone(),
            key,
            path: location.to_string(),
            upload_id: out.upload_id,
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
    client: Client,
    bucket: BucketName,
    key: ObjectKey,
    path: String,
    upload_id: String,
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
        let number = match self.lock() {
            Ok(mut parts) => {
                parts.push(None);
                parts.len()
            }
            Err(e) => return Box::pin(async move { Err(e) }),
        };
        let (client, bucket, key) = (self.client.clone(), self.bucket.clone(), self.key.clone());
        let (upload_id, path, parts) = (
            self.upload_id.clone(),
            self.path.clone(),
            self.parts.clone(),
        );
        Box::pin(async move {
            let part_number =
                u32::try_from(number).map_err(|_| generic("more than 10000 parts"))?;
            let out = client
                .upload_part(&bucket, &key, &upload_id, part_number)
                .body(Bytes::from(data))
                .send()
                .await
                .map_err(|e| map(&path, e))?;
            let etag = out
                .etag
                .ok_or_else(|| generic(format!("part {number} of {path}: no ETag")))?;
            let mut parts = parts
                .lock()
                .map_err(|_| generic("a part upload panicked"))?;
            if let Some(slot) = parts.get_mut(number - 1) {
                *slot = Some(etag);
            }
            Ok(())
        })
    }

    async fn complete(&mut self) -> Result<PutResult> {
        let parts: Vec<(u32, String)> = {
            let parts = self.lock()?;
            let mut done = Vec::with_capacity(parts.len());
            for (i, etag) in parts.iter().enumerate() {
                let etag = etag.clone().ok_or_else(|| {
                    generic(format!(
                        "part {} of {} has not finished uploading",
                        i + 1,
                        self.path
                    ))
                })?;
                done.push((
                    u32::try_from(i + 1).map_err(|_| generic("too many parts"))?,
                    etag,
                ));
            }
            done
        };
        let mut complete =
            self.client
                .complete_multipart_upload(&self.bucket, &self.key, &self.upload_id);
        if parts.is_empty() {
            // COS needs at least one part: an empty upload is one empty part.
            let out = self
                .client
                .upload_part(&self.bucket, &self.key, &self.upload_id, 1)
                .body(Bytes::new())
                .send()
                .await
                .map_err(|e| map(&self.path, e))?;
            complete = complete.part(1, out.etag.unwrap_or_default());
        }
        for (number, etag) in parts {
            complete = complete.part(number, etag);
        }
        let out = complete.send().await.map_err(|e| map(&self.path, e))?;
        Ok(PutResult {
            e_tag: Some(out.etag),
            version: None,
            extensions: Default::default(),
        })
    }

    async fn abort(&mut self) -> Result<()> {
        self.client
            .abort_multipart_upload(&self.bucket, &self.key, &self.upload_id)
            .send()
            .await
            .map_err(|e| map(&self.path, e))?;
        Ok(())
    }
}
