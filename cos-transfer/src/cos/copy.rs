//! [`CopyBackend`] of [`CosBackend`]: HEAD of the source, PUT Object - Copy, the
//! multipart copy's Initiate and Upload Part - Copy, and deleting the source of a move.

use cos_core::{
    BucketName, Client, InvalidInput, MetadataDirective, ObjectKey, ReadOptions, Region,
    WriteOptions,
};

use super::CosBackend;
use crate::backend::{CopyBackend, CopyRange, CopySource, ObjectInfo, SourceInfo, Written};
use crate::error::RemoteError;

/// Headers that describe an object and that a copy keeping the source's metadata
/// carries over.
fn is_entity_header(name: &str) -> bool {
    matches!(
        name,
        "content-type"
            | "content-disposition"
            | "content-encoding"
            | "content-language"
            | "cache-control"
            | "expires"
    ) || name.starts_with("x-cos-meta-")
}

/// The write options that apply even when a copy keeps the source's metadata: ACL,
/// grants, storage class and server-side encryption.
fn access_headers(o: &WriteOptions) -> Result<Vec<(String, String)>, InvalidInput> {
    let mut h = o.headers()?;
    h.retain(|(n, _)| {
        n == "x-cos-acl"
            || n == "x-cos-storage-class"
            || n.starts_with("x-cos-grant-")
            || n.starts_with("x-cos-server-side-encryption")
    });
    Ok(h)
}

impl CosBackend {
    /// A client for the copy source's region (this one when it is the same region).
    fn client_for(&self, region: Option<&str>) -> Result<Client, RemoteError> {
        match region {
            Some(r) if Region::new(r)? != self.client.config().region => {
                let mut config = self.client.config().clone();
                config.region = Region::new(r)?;
                Ok(Client::new(config)?)
            }
            _ => Ok(self.client.clone()),
        }
    }
}

impl CopyBackend for CosBackend {
    async fn head_source(&self, source: &CopySource) -> Result<SourceInfo, RemoteError> {
        let (bucket, key) = (&source.bucket, &source.key);
        let client = self.client_for(source.region.as_deref())?;
        let mut read = ReadOptions::new();
        read.sse_customer_key = source.sse_customer_key.clone();
        let mut req = client.head_object(bucket, key).options(&read)?;
        if let Some(v) = &source.version_id {
            req = req.version_id(v.clone());
        }
        let h = req.send().await?;
        let headers = h
            .meta
            .headers
            .iter()
            .filter(|(name, _)| is_entity_header(name.as_str()))
            .filter_map(|(name, v)| Some((name.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        Ok(SourceInfo {
            object: ObjectInfo {
                size: h.content_length,
                etag: h.etag.unwrap_or_default(),
                last_modified: h.last_modified.unwrap_or_default(),
                crc64: h.crc64,
            },
            headers,
        })
    }

    async fn copy_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        source: &CopySource,
        directive: MetadataDirective,
        if_match: Option<&str>,
    ) -> Result<Written, RemoteError> {
        let mut req = self
            .client
            .copy_object(bucket, key, &source.bucket, &source.key)
            .metadata_directive(directive);
        req = match directive {
            MetadataDirective::Replaced => req.options(&self.options)?,
            _ => access_headers(&self.options)?
                .into_iter()
                .fold(req, |r, (n, v)| r.header(n, v)),
        };
        if let Some(r) = &source.region {
            req = req.source_region(r.clone());
        }
        if let Some(v) = &source.version_id {
            req = req.source_version_id(v.clone());
        }
        if let Some(m) = if_match {
            req = req.copy_source_if_match(m.to_owned());
        }
        if let Some(k) = &source.sse_customer_key {
            req = req.copy_source_sse_customer_key(k);
        }
        let out = req.send().await?;
        let crc64 = out
            .crc64
            .or_else(|| out.result.crc64.as_deref().and_then(|c| c.parse().ok()));
        Ok(Written {
            etag: out.result.etag,
            crc64,
        })
    }

    async fn create_copy_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        source_headers: Option<&[(String, String)]>,
    ) -> Result<String, RemoteError> {
        let req = self.client.initiate_multipart_upload(bucket, key);
        let req = match source_headers {
            Some(headers) => access_headers(&self.options)?
                .into_iter()
                .chain(headers.iter().cloned())
                .fold(req, |r, (n, v)| r.header(n, v)),
            None => req.options(&self.options)?,
        };
        Ok(req.send().await?.upload_id)
    }

    async fn upload_part_copy(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        number: u32,
        source: &CopySource,
        range: CopyRange<'_>,
    ) -> Result<Written, RemoteError> {
        let mut req = self
            .client
            .upload_part_copy(bucket, key, upload_id, number, &source.bucket, &source.key)
            .source_range(range.start, range.end.saturating_sub(1));
        if let Some(r) = &source.region {
            req = req.source_region(r.clone());
        }
        if let Some(v) = &source.version_id {
            req = req.source_version_id(v.clone());
        }
        if let Some(m) = range.if_match {
            req = req.copy_source_if_match(m.to_owned());
        }
        if let Some(k) = &source.sse_customer_key {
            req = req.copy_source_sse_customer_key(k);
        }
        if let Some(k) = self.options.customer_key() {
            req = req.sse_customer_key(k);
        }
        let out = req.send().await?;
        Ok(Written {
            crc64: out.crc64.as_deref().and_then(|c| c.parse().ok()),
            etag: out.etag,
        })
    }

    async fn delete_source(&self, source: &CopySource) -> Result<(), RemoteError> {
        let (bucket, key) = (&source.bucket, &source.key);
        let client = self.client_for(source.region.as_deref())?;
        match &source.version_id {
            Some(v) => {
                client
                    .delete_object_version(bucket, key, v.clone())
                    .send()
                    .await?;
            }
            None => {
                client.delete_object(bucket, key).send().await?;
            }
        }
        Ok(())
    }
}
