//! [`CopyBackend`] of the in-memory [`Fake`](super::Fake).

use cos_core::{BucketName, ObjectKey};
use cos_crc64::checksum;
use cos_transfer::{
    Backend, CopyBackend, CopyRange, CopySource, MetadataDirective, ReadOptions, RemoteError,
    SourceInfo, Written,
};
use std::sync::atomic::Ordering;

use super::{Fake, err, etag_of};

impl CopyBackend for Fake {
    async fn head_source(&self, source: &CopySource) -> Result<SourceInfo, RemoteError> {
        Ok(SourceInfo {
            object: self
                .head(&source.bucket, &source.key, &ReadOptions::default())
                .await?,
            headers: vec![("content-type".into(), "application/x-fake".into())],
        })
    }

    async fn copy_object(
        &self,
        _bucket: &BucketName,
        key: &ObjectKey,
        source: &CopySource,
        _directive: MetadataDirective,
        if_match: Option<&str>,
    ) -> Result<Written, RemoteError> {
        let key = key.as_str();
        self.copy_calls.fetch_add(1, Ordering::SeqCst);
        let data = self
            .object(source.key.as_str())
            .ok_or_else(|| err("NoSuchKey"))?;
        if if_match.is_some_and(|m| m != etag_of(&data)) {
            return Err(err("PreconditionFailed"));
        }
        let w = Written {
            etag: etag_of(&data),
            crc64: Some(checksum(&data)),
        };
        self.objects.lock().unwrap().insert(key.into(), data);
        Ok(w)
    }

    async fn create_copy_upload(
        &self,
        _bucket: &BucketName,
        key: &ObjectKey,
        source_headers: Option<&[(String, String)]>,
    ) -> Result<String, RemoteError> {
        let key = key.as_str();
        self.copy_upload_headers
            .lock()
            .unwrap()
            .push(source_headers.map(<[_]>::to_vec));
        Ok(self.start_upload(key, "2026-11-21T10:00:00.000Z"))
    }

    async fn upload_part_copy(
        &self,
        _bucket: &BucketName,
        _key: &ObjectKey,
        upload_id: &str,
        number: u32,
        source: &CopySource,
        range: CopyRange<'_>,
    ) -> Result<Written, RemoteError> {
        self.copy_part_calls.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        if self
            .faults
            .lock()
            .unwrap()
            .fail_copy_parts
            .contains(&number)
        {
            return Err(err(format!("injected failure of copy part {number}")));
        }
        let data = self
            .object(source.key.as_str())
            .ok_or_else(|| err("NoSuchKey"))?;
        if range.if_match.is_some_and(|m| m != etag_of(&data)) {
            return Err(err("PreconditionFailed"));
        }
        let body = data.slice(range.start as usize..range.end as usize);
        let mut uploads = self.uploads.lock().unwrap();
        let up = uploads
            .get_mut(upload_id)
            .ok_or_else(|| err("NoSuchUpload"))?;
        let w = Written {
            etag: etag_of(&body),
            crc64: Some(checksum(&body)),
        };
        up.parts.insert(number, body);
        Ok(w)
    }

    async fn delete_source(&self, source: &CopySource) -> Result<(), RemoteError> {
        self.objects
            .lock()
            .unwrap()
            .remove(source.key.as_str())
            .map(|_| ())
            .ok_or_else(|| err("NoSuchKey"))
    }
}
