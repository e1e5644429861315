//! [`CosBackend`]: the [`Backend`] of a `cos-core` [`Client`], with the object options
//! (ACL, grants, storage class, metadata, content headers, traffic limit) applied to
//! PUT Object and Initiate Multipart Upload.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use cos_core::{BucketName, Client, ObjectKey, ReadOptions, StorageClass, WriteOptions};

use crate::backend::{Backend, ByteStream, ObjectInfo, Page, RangeRequest, UploadMarker, Written};
use crate::error::RemoteError;
use crate::resume::{ListedPart, ListedUpload};

/// Adds `Content-MD5` (when the engine computed one) to a request that carries a body.
macro_rules! with_md5 {
    ($req:expr, $md5:expr) => {{
        let req = $req;
        match $md5 {
            Some(m) => req.content_md5(STANDARD.encode(m)),
            None => req,
        }
    }};
}

/// Runs transfers on a `cos-core` client.
#[derive(Debug, Clone)]
pub struct CosBackend {
    client: Client,
    options: WriteOptions,
}

impl CosBackend {
    /// A backend on `client` with default write options. The transfer engines check
    /// the CRC-64 of every part, range and object themselves, so `cos-core`'s own
    /// per-request check is off for the requests of this backend.
    pub fn new(client: Client) -> Self {
        Self {
            client,
            options: WriteOptions::default(),
        }
    }

    /// Sets the options the uploaded and copied objects are written with (validated
    /// before the first request of each transfer).
    pub fn write_options(mut self, options: WriteOptions) -> Self {
        self.options = options;
        self
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

impl Backend for CosBackend {
    async fn head(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        get: &ReadOptions,
    ) -> Result<ObjectInfo, RemoteError> {
        let req = self.client.head_object(bucket, key).options(get)?;
        let h = req.send().await?;
        Ok(ObjectInfo {
            size: h.content_length,
            etag: h.etag.unwrap_or_default(),
            last_modified: h.last_modified.unwrap_or_default(),
            crc64: h.crc64,
        })
    }

    async fn put_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> Result<Written, RemoteError> {
        let req = self
            .client
            .put_object(bucket, key)
            .verify_crc64(false)
            .options(&self.options)?;
        let req = with_md5!(req.body(body), md5);
        let out = req.send().await?;
        Ok(Written {
            etag: out.etag.unwrap_or_default(),
            crc64: out.crc64,
        })
    }

    async fn create_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> Result<String, RemoteError> {
        let req = self
            .client
            .initiate_multipart_upload(bucket, key)
            .options(&self.options)?;
        Ok(req.send().await?.upload_id)
    }

    async fn upload_part(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        number: u32,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> Result<Written, RemoteError> {
        let req = self
            .client
            .upload_part(bucket, key, upload_id, number)
            .verify_crc64(false)
            .body(body)
            .options(&self.options)?;
        let req = with_md5!(req, md5);
        let out = req.send().await?;
        Ok(Written {
            etag: out.etag.unwrap_or_default(),
            crc64: out.crc64,
        })
    }

    async fn list_parts(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        marker: Option<u32>,
    ) -> Result<Page<ListedPart, u32>, RemoteError> {
        let mut req = self.client.list_parts(bucket, key, upload_id);
        if let Some(m) = marker {
            req = req.part_number_marker(m);
        }
        let page = req.send().await?;
        let next = if page.is_truncated {
            page.next_part_number_marker
                .or_else(|| page.parts.last().map(|p| p.part_number))
        } else {
            None
        };
        let items = page
            .parts
            .into_iter()
            .map(|p| ListedPart {
                number: p.part_number,
                etag: p.etag,
                size: p.size,
            })
            .collect();
        Ok(Page { items, next })
    }

    async fn list_multipart_uploads(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        marker: Option<&UploadMarker>,
    ) -> Result<Page<ListedUpload, UploadMarker>, RemoteError> {
        let mut req = self
            .client
            .list_multipart_uploads(bucket)
            .prefix(key.as_str());
        if let Some(m) = marker {
            req = req
                .key_marker(m.key.clone())
                .upload_id_marker(m.upload_id.clone());
        }
        let page = req.send().await?;
        let next = match (page.is_truncated, page.next_key_marker) {
            (true, Some(k)) if !k.is_empty() => Some(UploadMarker {
                key: k,
                upload_id: page.next_upload_id_marker.unwrap_or_default(),
            }),
            _ => None,
        };
        let items = page
            .uploads
            .into_iter()
            .map(|u| ListedUpload {
                upload_id: u.upload_id,
                key: u.key,
                initiated: u.initiated,
                storage_class: u.storage_class,
            })
            .collect();
        Ok(Page { items, next })
    }

    fn write_customer_key(&self) -> Option<&cos_core::SseCustomerKey> {
        self.options.customer_key()
    }

    fn upload_storage_class(&self) -> Option<&str> {
        self.options
            .storage_class
            .as_ref()
            .map(StorageClass::as_str)
    }

    async fn complete_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        parts: Vec<(u32, String)>,
    ) -> Result<Written, RemoteError> {
        let mut req = self
            .client
            .complete_multipart_upload(bucket, key, upload_id);
        for (n, etag) in parts {
            req = req.part(n, etag);
        }
        let out = req.send().await?;
        let crc64 = match out.crc64.as_deref().and_then(|c| c.parse().ok()) {
            Some(c) => Some(c),
            // The result document may not carry it: HEAD has the header (an SSE-C
            // object answers HEAD only with its key).
            None => {
                let mut read = ReadOptions::new();
                read.sse_customer_key = self.options.customer_key().cloned();
                let req = self.client.head_object(bucket, key).options(&read)?;
                req.send().await?.crc64
            }
        };
        Ok(Written {
            etag: out.etag,
            crc64,
        })
    }

    async fn abort_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Result<(), RemoteError> {
        self.client
            .abort_multipart_upload(bucket, key, upload_id)
            .send()
            .await?;
        Ok(())
    }

    async fn get(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        range: Option<RangeRequest<'_>>,
        get: &ReadOptions,
    ) -> Result<ByteStream, RemoteError> {
        let mut req = self.get_request(bucket, key, get)?;
        if let Some(r) = range {
            req = req.range(r.start, Some(r.end.saturating_sub(1)));
            if let Some(m) = r.if_match {
                req = req.if_match(m.to_owned());
            }
        }
        let out = req.send().await?;
        Ok(Box::pin(out.body))
    }

    async fn get_with_info(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        get: &ReadOptions,
    ) -> Result<(ObjectInfo, ByteStream), RemoteError> {
        let out = self.get_request(bucket, key, get)?.send().await?;
        let info = ObjectInfo {
            size: out.content_length,
            etag: out.etag.unwrap_or_default(),
            last_modified: out.last_modified.unwrap_or_default(),
            crc64: out.crc64,
        };
        Ok((info, Box::pin(out.body)))
    }
}

impl CosBackend {
    /// A GET of `get`'s version with its options and the backend's traffic limit; the
    /// CRC-64 is the engines' business (they check every range and the whole).
    fn get_request(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        get: &ReadOptions,
    ) -> Result<cos_core::ops::object::GetObject, RemoteError> {
        let mut read = get.clone();
        if read.traffic_limit.is_none() {
            // The backend's traffic limit applies to every request of a transfer.
            read.traffic_limit = self.options.traffic_limit;
        }
        Ok(self
            .client
            .get_object(bucket, key)
            .verify_crc64(false)
            .options(&read)?)
    }
}

// The copy and folder operations, in files of their own.
mod bucket;
mod copy;
