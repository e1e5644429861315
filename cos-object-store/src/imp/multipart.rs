//! COS multipart uploads: Initiate, Upload Part, Complete and Abort, shared by
//! [`CosMultipartUpload`](super::CosMultipartUpload) and the [`MultipartStore`] impl
//! (which callers drive part by part, e.g. to resume or to upload from several
//! machines).

use async_trait::async_trait;
use bytes::Bytes;
use cos_core::{BucketName, Client, ObjectKey};

use super::object_store;
use object_store::multipart::{MultipartStore, PartId};
use object_store::path::Path;
use object_store::{MultipartId, PutMultipartOptions, PutPayload, PutResult, Result};

use super::CosObjectStore;
use super::compat::put_result;
use super::error::{generic, map};
use super::put::{TAGGING, write_options};

/// The most parts one COS multipart upload takes
/// (<https://cloud.tencent.com/document/product/436/7750>: "partNumber … 1 - 10000").
const MAX_PARTS: usize = 10_000;

/// One multipart upload on COS: where it goes and its id.
#[derive(Debug)]
pub(crate) struct Upload {
    client: Client,
    bucket: BucketName,
    key: ObjectKey,
    upload_id: String,
    /// The object_store path, for errors.
    pub(crate) path: String,
}

/// COS's part number of object_store's 0-based part index, refused past [`MAX_PARTS`]
/// before any request.
fn part_number(index: usize) -> Result<u32> {
    index
        .checked_add(1)
        .filter(|n| *n <= MAX_PARTS)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            generic(format!(
                "part index {index}: COS takes at most {MAX_PARTS} parts"
            ))
        })
}

impl Upload {
    /// Upload Part as part `index + 1`; its ETag.
    pub(crate) async fn put_part(&self, index: usize, data: PutPayload) -> Result<String> {
        let number = part_number(index)?;
        let out = self
            .client
            .upload_part(&self.bucket, &self.key, &self.upload_id, number)
            .body(Bytes::from(data))
            .send()
            .await
            .map_err(|e| map(&self.path, e))?;
        out.etag
            .ok_or_else(|| generic(format!("part {number} of {}: no ETag", self.path)))
    }

    /// Complete Multipart Upload with `etags[i]` as part `i + 1`. No part at all
    /// completes as one empty part: COS needs at least one.
    pub(crate) async fn complete(&self, mut etags: Vec<String>) -> Result<PutResult> {
        if etags.len() > MAX_PARTS {
            return Err(generic(format!(
                "{} parts: COS takes at most {MAX_PARTS}",
                etags.len()
            )));
        }
        if etags.is_empty() {
            etags.push(self.put_part(0, PutPayload::new()).await?);
        }
        let mut complete =
            self.client
                .complete_multipart_upload(&self.bucket, &self.key, &self.upload_id);
        for (index, etag) in etags.into_iter().enumerate() {
            complete = complete.part(part_number(index)?, etag);
        }
        let out = complete.send().await.map_err(|e| map(&self.path, e))?;
        Ok(put_result(Some(out.etag), None))
    }

    /// Abort Multipart Upload.
    pub(crate) async fn abort(&self) -> Result<()> {
        self.client
            .abort_multipart_upload(&self.bucket, &self.key, &self.upload_id)
            .send()
            .await
            .map_err(|e| map(&self.path, e))?;
        Ok(())
    }
}

impl CosObjectStore {
    /// Initiate Multipart Upload with `options`' attributes and tags; the upload id.
    pub(crate) async fn initiate(
        &self,
        location: &Path,
        options: PutMultipartOptions,
    ) -> Result<MultipartId> {
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
        Ok(out.upload_id)
    }

    /// The upload `upload_id` of `location`.
    pub(crate) fn upload(&self, location: &Path, upload_id: String) -> Result<Upload> {
        Ok(Upload {
            client: self.client.clone(),
            bucket: self.bucket.clone(),
            key: self.key(location)?,
            upload_id,
            path: location.to_string(),
        })
    }
}

/// Parts are numbered `part_idx + 1` and may be uploaded in any order and at once;
/// a [`PartId`] holds the part's ETag. `complete_multipart` takes the parts in index
/// order (object_store's contract), an empty list as one empty part.
#[async_trait]
impl MultipartStore for CosObjectStore {
    async fn create_multipart(&self, path: &Path) -> Result<MultipartId> {
        self.initiate(path, PutMultipartOptions::default()).await
    }

    // object_store 0.14's `create_multipart_opts` (absent from 0.13): see the version
    // module.
    create_multipart_opts!();

    async fn put_part(
        &self,
        path: &Path,
        id: &MultipartId,
        part_idx: usize,
        data: PutPayload,
    ) -> Result<PartId> {
        let content_id = self
            .upload(path, id.clone())?
            .put_part(part_idx, data)
            .await?;
        Ok(PartId { content_id })
    }

    async fn complete_multipart(
        &self,
        path: &Path,
        id: &MultipartId,
        parts: Vec<PartId>,
    ) -> Result<PutResult> {
        let etags = parts.into_iter().map(|p| p.content_id).collect();
        self.upload(path, id.clone())?.complete(etags).await
    }

    async fn abort_multipart(&self, path: &Path, id: &MultipartId) -> Result<()> {
        self.upload(path, id.clone())?.abort().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_numbers_start_at_one_and_stop_at_ten_thousand() {
        assert_eq!(part_number(0).unwrap(), 1);
        assert_eq!(part_number(9_999).unwrap(), 10_000);
        assert!(part_number(10_000).is_err());
        assert!(part_number(usize::MAX).is_err());
    }
}
