//! [`CosBackend`]: the [`Backend`] of a `cos-core` [`Client`], with the object options
//! (ACL, grants, storage class, metadata, content headers, traffic limit) applied to
//! PUT Object and Initiate Multipart Upload.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use cos_core::ops::object::{GetObject, HeadObject};
use cos_core::{Acl, BucketName, Client, ObjectKey, StorageClass};
use futures_util::StreamExt;

use crate::backend::{
    Backend, ByteStream, GetOptions, ObjectInfo, Page, RangeRequest, UploadMarker, Written,
};
use crate::error::RemoteError;
use crate::resume::{ListedPart, ListedUpload};

/// Headers applied to the uploaded object (every upload option of PUT Object).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectOptions {
    /// Canned ACL (`x-cos-acl`).
    pub acl: Option<Acl>,
    /// `x-cos-grant-read`.
    pub grant_read: Option<String>,
    /// `x-cos-grant-read-acp`.
    pub grant_read_acp: Option<String>,
    /// `x-cos-grant-write-acp`.
    pub grant_write_acp: Option<String>,
    /// `x-cos-grant-full-control`.
    pub grant_full_control: Option<String>,
    /// Storage class.
    pub storage_class: Option<StorageClass>,
    /// `x-cos-meta-*` metadata (names without the prefix).
    pub metadata: Vec<(String, String)>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Content-Disposition`.
    pub content_disposition: Option<String>,
    /// `Content-Encoding`.
    pub content_encoding: Option<String>,
    /// `Content-Language`.
    pub content_language: Option<String>,
    /// `Cache-Control`.
    pub cache_control: Option<String>,
    /// `Expires`.
    pub expires: Option<String>,
    /// `x-cos-traffic-limit` in bit/s, applied to every request of the transfer.
    pub traffic_limit: Option<u64>,
}

macro_rules! string_setters {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: impl Into<String>) -> Self {
                self.$name = Some(value.into());
                self
            }
        )*
    };
}

impl ObjectOptions {
    /// Default options: nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the canned ACL.
    pub fn acl(mut self, acl: Acl) -> Self {
        self.acl = Some(acl);
        self
    }

    /// Sets the storage class.
    pub fn storage_class(mut self, class: StorageClass) -> Self {
        self.storage_class = Some(class);
        self
    }

    /// Adds `x-cos-meta-{name}: value`.
    pub fn metadata(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((name.into(), value.into()));
        self
    }

    /// Sets the traffic limit in bit/s (819200..=838860800; checked by cos-core before
    /// any request).
    pub fn traffic_limit(mut self, bits_per_second: u64) -> Self {
        self.traffic_limit = Some(bits_per_second);
        self
    }

    string_setters! {
        /// Sets `x-cos-grant-read`.
        grant_read,
        /// Sets `x-cos-grant-read-acp`.
        grant_read_acp,
        /// Sets `x-cos-grant-write-acp`.
        grant_write_acp,
        /// Sets `x-cos-grant-full-control`.
        grant_full_control,
        /// Sets `Content-Type`.
        content_type,
        /// Sets `Content-Disposition`.
        content_disposition,
        /// Sets `Content-Encoding`.
        content_encoding,
        /// Sets `Content-Language`.
        content_language,
        /// Sets `Cache-Control`.
        cache_control,
        /// Sets `Expires`.
        expires,
    }
}

/// Applies the access options (ACL, grants, storage class) to a builder.
macro_rules! apply_access_options {
    ($builder:expr, $o:expr) => {{
        let mut b = $builder;
        let o = $o;
        if let Some(acl) = &o.acl {
            b = b.acl(acl.clone());
        }
        if let Some(v) = &o.grant_read {
            b = b.grant_read(v.clone());
        }
        if let Some(v) = &o.grant_read_acp {
            b = b.grant_read_acp(v.clone());
        }
        if let Some(v) = &o.grant_write_acp {
            b = b.grant_write_acp(v.clone());
        }
        if let Some(v) = &o.grant_full_control {
            b = b.grant_full_control(v.clone());
        }
        if let Some(c) = &o.storage_class {
            b = b.storage_class(c.clone());
        }
        b
    }};
}

/// Applies every object option: access options, metadata and entity headers.
macro_rules! apply_object_options {
    ($builder:expr, $o:expr) => {{
        let o = $o;
        let mut b = apply_access_options!($builder, o);
        for (k, v) in &o.metadata {
            b = b.metadata(k, v.clone());
        }
        if let Some(v) = &o.content_type {
            b = b.content_type(v.clone());
        }
        if let Some(v) = &o.content_disposition {
            b = b.content_disposition(v.clone());
        }
        if let Some(v) = &o.content_encoding {
            b = b.content_encoding(v.clone());
        }
        if let Some(v) = &o.content_language {
            b = b.content_language(v.clone());
        }
        if let Some(v) = &o.cache_control {
            b = b.cache_control(v.clone());
        }
        if let Some(v) = &o.expires {
            b = b.expires(v.clone());
        }
        b
    }};
}

/// Adds `Content-MD5` (when the engine computed one) and the options' traffic limit to
/// a request that carries a body (PUT Object, Upload Part).
macro_rules! apply_body_options {
    ($req:expr, $md5:expr, $options:expr) => {{
        let mut req = $req;
        if let Some(m) = $md5 {
            req = req.content_md5(STANDARD.encode(m));
        }
        if let Some(t) = $options.traffic_limit {
            req = req.traffic_limit(t);
        }
        req
    }};
}

/// Runs transfers on a `cos-core` client.
#[derive(Debug, Clone)]
pub struct CosBackend {
    client: Client,
    options: ObjectOptions,
}

impl CosBackend {
    /// A backend on `client` with default object options.
    ///
    /// The transfer engines check the CRC-64 of every part, range and object themselves,
    /// so the backend uses a copy of the client (same configuration and credentials)
    /// with `cos-core`'s own per-request CRC-64 check turned off: every byte is hashed
    /// once, not twice.
    pub fn new(client: Client) -> Self {
        let mut config = client.config().clone();
        let client = if config.verify_crc64 {
            config.verify_crc64 = false;
            Client::new(config).unwrap_or(client)
        } else {
            client
        };
        Self {
            client,
            options: ObjectOptions::default(),
        }
    }

    /// Sets the options applied to uploaded objects.
    pub fn object_options(mut self, options: ObjectOptions) -> Self {
        self.options = options;
        self
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

fn names(bucket: &str, key: &str) -> Result<(BucketName, ObjectKey), RemoteError> {
    Ok((BucketName::new(bucket)?, ObjectKey::new(key)?))
}

fn boxed(e: cos_core::Error) -> RemoteError {
    Box::new(e)
}

impl Backend for CosBackend {
    async fn head(
        &self,
        bucket: &str,
        key: &str,
        get: &GetOptions,
    ) -> Result<ObjectInfo, RemoteError> {
        let (b, k) = names(bucket, key)?;
        let mut req = self.client.head_object(&b, &k);
        if let Some(v) = &get.version_id {
            req = req.version_id(v.clone());
        }
        for (value, set) in [
            (
                &get.if_match,
                HeadObject::if_match as fn(HeadObject, String) -> HeadObject,
            ),
            (&get.if_none_match, HeadObject::if_none_match),
            (&get.if_modified_since, HeadObject::if_modified_since),
            (&get.if_unmodified_since, HeadObject::if_unmodified_since),
        ] {
            if let Some(v) = value {
                req = set(req, v.clone());
            }
        }
        let h = req.send().await.map_err(boxed)?;
        Ok(ObjectInfo {
            size: h.content_length,
            etag: h.etag.unwrap_or_default(),
            last_modified: h.last_modified.unwrap_or_default(),
            crc64: h.crc64,
        })
    }

    async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> Result<Written, RemoteError> {
        let (b, k) = names(bucket, key)?;
        let req = apply_object_options!(self.client.put_object(&b, &k), &self.options);
        let req = apply_body_options!(req.body(body), md5, &self.options);
        let out = req.send().await.map_err(boxed)?;
        Ok(Written {
            etag: out.etag.unwrap_or_default(),
            crc64: out.crc64,
        })
    }

    async fn create_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
    ) -> Result<String, RemoteError> {
        let (b, k) = names(bucket, key)?;
        let req =
            apply_object_options!(self.client.initiate_multipart_upload(&b, &k), &self.options);
        Ok(req.send().await.map_err(boxed)?.upload_id)
    }

    async fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        number: u32,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> Result<Written, RemoteError> {
        let (b, k) = names(bucket, key)?;
        let req = self
            .client
            .upload_part(&b, &k, upload_id, number)
            .body(body);
        let req = apply_body_options!(req, md5, &self.options);
        let out = req.send().await.map_err(boxed)?;
        Ok(Written {
            etag: out.etag.unwrap_or_default(),
            crc64: out.crc64,
        })
    }

    async fn list_parts(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        marker: Option<u32>,
    ) -> Result<Page<ListedPart, u32>, RemoteError> {
        let (b, k) = names(bucket, key)?;
        let mut req = self.client.list_parts(&b, &k, upload_id);
        if let Some(m) = marker {
            req = req.part_number_marker(m);
        }
        let page = req.send().await.map_err(boxed)?;
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
        bucket: &str,
        key: &str,
        marker: Option<&UploadMarker>,
    ) -> Result<Page<ListedUpload, UploadMarker>, RemoteError> {
        let b = BucketName::new(bucket)?;
        let mut req = self.client.list_multipart_uploads(&b).prefix(key);
        if let Some(m) = marker {
            req = req
                .key_marker(m.key.clone())
                .upload_id_marker(m.upload_id.clone());
        }
        let page = req.send().await.map_err(boxed)?;
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

    fn upload_storage_class(&self) -> Option<&str> {
        self.options
            .storage_class
            .as_ref()
            .map(StorageClass::as_str)
    }

    async fn complete_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: Vec<(u32, String)>,
    ) -> Result<Written, RemoteError> {
        let (b, k) = names(bucket, key)?;
        let mut req = self.client.complete_multipart_upload(&b, &k, upload_id);
        for (n, etag) in parts {
            req = req.part(n, etag);
        }
        let out = req.send().await.map_err(boxed)?;
        let crc64 = match out.crc64.as_deref().and_then(|c| c.parse().ok()) {
            Some(c) => Some(c),
            // The result document may not carry it: HEAD has the header.
            None => {
                self.client
                    .head_object(&b, &k)
                    .send()
                    .await
                    .map_err(boxed)?
                    .crc64
            }
        };
        Ok(Written {
            etag: out.etag,
            crc64,
        })
    }

    async fn abort_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> Result<(), RemoteError> {
        let (b, k) = names(bucket, key)?;
        self.client
            .abort_multipart_upload(&b, &k, upload_id)
            .send()
            .await
            .map_err(boxed)?;
        Ok(())
    }

    async fn get(
        &self,
        bucket: &str,
        key: &str,
        range: Option<RangeRequest<'_>>,
        get: &GetOptions,
    ) -> Result<ByteStream, RemoteError> {
        let (b, k) = names(bucket, key)?;
        let mut req = self.client.get_object(&b, &k);
        for (value, set) in [
            (
                &get.version_id,
                GetObject::version_id as fn(GetObject, String) -> GetObject,
            ),
            (&get.response_content_type, GetObject::response_content_type),
            (
                &get.response_content_language,
                GetObject::response_content_language,
            ),
            (&get.response_expires, GetObject::response_expires),
            (
                &get.response_cache_control,
                GetObject::response_cache_control,
            ),
            (
                &get.response_content_disposition,
                GetObject::response_content_disposition,
            ),
            (
                &get.response_content_encoding,
                GetObject::response_content_encoding,
            ),
        ] {
            if let Some(v) = value {
                req = set(req, v.clone());
            }
        }
        if let Some(r) = range {
            req = req.range(r.start, Some(r.end.saturating_sub(1)));
            if let Some(m) = r.if_match {
                req = req.if_match(m.to_owned());
            }
        }
        if let Some(t) = self.options.traffic_limit {
            req = req.traffic_limit(t);
        }
        let out = req.send().await.map_err(boxed)?;
        Ok(Box::pin(out.body.map(|r| r.map_err(boxed))))
    }
}

// The copy and folder operations, in files of their own (they use the macros above).
mod bucket;
mod copy;
