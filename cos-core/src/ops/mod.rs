//! Every COS XML API operation, as a builder returned by a [`Client`]
//! method and finished with `.send().await`.
//!
//! Each builder names its [`Op`] (method and sub-resource come from the operation
//! table, [`Op::spec`]) and has a `prepare()` that validates its arguments and returns
//! the [`PreparedRequest`] `send` sends, without any I/O. Methods carry the COS
//! operation names; the S3 spellings are `#[doc(alias)]`es.
//!
//! - [`service`]: List Buckets;
//! - [`bucket`]: create/delete/head bucket, location, ACL, versioning;
//! - [`bucket_config`]: CORS, lifecycle, tagging and policy of a bucket;
//! - [`object`]: put/get/head objects;
//! - [`object_manage`]: delete, delete multiple, copy, restore and append objects;
//! - [`object_acl`]: object ACL and tagging;
//! - [`multipart`]: multipart uploads;
//! - [`list`]: the list operations and their paginated streams;
//! - [`presign`]: presigned URLs and `Authorization` values;
//! - [`post_object`]: browser form uploads (POST Object) and their signed policies;
//! - [`symlink`]: symlinks (PUT/GET Object symlink);
//! - [`object_helpers`]: storage class and metadata changes in place, appends with the
//!   position tracked, a restore's progress;
//! - [`retention`]: object retention (PUT/GET Object retention);
//! - [`async_fetch`]: async fetch tasks (COS downloads a URL into an object);
//! - [`batch`]: COS Batch Operations jobs.

use base64::Engine;
use md5::Digest;

use cos_xml::op::Op;

use crate::client::{Client, ResponseMeta};
use crate::error::{Error, InvalidInput};
use crate::transport::{OpRequest, RawResponse};

pub mod async_fetch;
pub mod batch;
pub mod bucket;
pub mod bucket_config;
pub mod bucket_meta;
pub mod list;
mod list_items;
mod list_pages;
pub mod multipart;
pub mod object;
pub mod object_acl;
pub mod object_helpers;
pub mod object_manage;
mod object_url;
mod paginate;
pub mod post_object;
mod prepared;
pub mod presign;
pub mod retention;
pub mod select;
pub mod service;
pub mod symlink;
// --- bucket configuration families (issue 16) ---
pub mod accelerate;
pub mod domain;
pub mod encryption;
pub mod intelligent_tiering;
pub mod inventory;
pub mod logging;
pub mod object_lock;
pub mod origin;
pub mod referer;
pub mod replication;
pub mod response_control;
pub mod website;

pub use prepared::PreparedRequest;
pub(crate) use prepared::{op_request, upload_request};

/// Adds `fn name(self, value) -> Self` setters that each send one header.
macro_rules! header_setters {
    ($( $(#[$m:meta])* $name:ident => $header:literal ),* $(,)?) => {
        $(
            $(#[$m])*
            pub fn $name(mut self, value: impl Into<String>) -> Self {
                self.req.header($header, value);
                self
            }
        )*
    };
}
pub(crate) use header_setters;

/// Adds `fn name(self, value) -> Self` setters that each send one query parameter.
macro_rules! query_setters {
    ($( $(#[$m:meta])* $name:ident => $param:literal ),* $(,)?) => {
        $(
            $(#[$m])*
            pub fn $name(mut self, value: impl Into<String>) -> Self {
                self.req.query($param, value);
                self
            }
        )*
    };
}
pub(crate) use query_setters;

/// Adds the setters every builder has: an extra header, an extra query parameter.
macro_rules! common_setters {
    () => {
        /// Adds a header to the request (signed when COS signs that header).
        pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.req.headers.push((name.into(), value.into()));
            self
        }
        /// Adds a query parameter to the request (signed).
        pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.req.query.push((name.into(), value.into()));
            self
        }
        /// Turns CRC-64 verification on or off for this request (default: the
        /// configuration's `verify_crc64`).
        pub fn verify_crc64(mut self, yes: bool) -> Self {
            self.req.verify_crc64 = Some(yes);
            self
        }
    };
}
pub(crate) use common_setters;

/// Adds ACL setters (`x-cos-acl` and the `x-cos-grant-*` headers).
macro_rules! acl_setters {
    () => {
        /// Sets a canned ACL (`x-cos-acl`).
        pub fn acl(mut self, acl: crate::types::Acl) -> Self {
            self.req.header("x-cos-acl", acl.as_str());
            self
        }
        crate::ops::header_setters! {
            /// Grants read permission (`x-cos-grant-read`, e.g. `id="100000000001"`).
            grant_read => "x-cos-grant-read",
            /// Grants write permission (`x-cos-grant-write`).
            grant_write => "x-cos-grant-write",
            /// Grants reading the ACL (`x-cos-grant-read-acp`).
            grant_read_acp => "x-cos-grant-read-acp",
            /// Grants writing the ACL (`x-cos-grant-write-acp`).
            grant_write_acp => "x-cos-grant-write-acp",
            /// Grants full control (`x-cos-grant-full-control`).
            grant_full_control => "x-cos-grant-full-control",
        }
    };
}
pub(crate) use acl_setters;

/// Adds the standard entity headers of an upload and user metadata.
macro_rules! entity_setters {
    () => {
        crate::ops::header_setters! {
            /// Sets `Content-Type`.
            content_type => "Content-Type",
            /// Sets `Content-Disposition`.
            content_disposition => "Content-Disposition",
            /// Sets `Content-Encoding`.
            content_encoding => "Content-Encoding",
            /// Sets `Content-Language`.
            content_language => "Content-Language",
            /// Sets `Cache-Control`.
            cache_control => "Cache-Control",
            /// Sets `Expires`.
            expires => "Expires",
        }
        /// Adds user metadata: `x-cos-meta-<name>` (the prefix is added when missing).
        pub fn metadata(mut self, name: impl AsRef<str>, value: impl Into<String>) -> Self {
            let name = name.as_ref();
            let full = if name.to_ascii_lowercase().starts_with("x-cos-meta-") {
                name.to_owned()
            } else {
                format!("x-cos-meta-{name}")
            };
            self.req.headers.push((full, value.into()));
            self
        }
        /// Sets the storage class (`x-cos-storage-class`).
        pub fn storage_class(mut self, class: crate::types::StorageClass) -> Self {
            self.req.header("x-cos-storage-class", class.as_str());
            self
        }
    };
}
pub(crate) use entity_setters;

/// Adds a `traffic_limit` setter validated at `send`.
macro_rules! traffic_limit_setter {
    () => {
        /// Limits the bandwidth of this request (`x-cos-traffic-limit`, bit/s,
        /// 819200..=838860800); an out-of-range value fails at `send` with
        /// [`InvalidInput::TrafficLimit`](crate::InvalidInput::TrafficLimit) before any request.
        pub fn traffic_limit(mut self, bits_per_second: u64) -> Self {
            match crate::types::TrafficLimit::new(bits_per_second) {
                Ok(t) => self.req.header("x-cos-traffic-limit", t.get().to_string()),
                Err(e) => self.err = Some(e),
            }
            self
        }
    };
}
pub(crate) use traffic_limit_setter;

/// A builder for operations with no parameters of their own; finish with `send`.
#[must_use = "call .send().await to perform the request"]
pub struct Operation<T> {
    pub(crate) client: Client,
    pub(crate) op: Op,
    pub(crate) req: OpRequest,
    /// An XML document to send (serialized when the builder was made).
    pub(crate) xml: Option<bytes::Bytes>,
    pub(crate) parse: fn(RawResponse) -> Result<T, Error>,
    pub(crate) err: Option<InvalidInput>,
}

impl<T> std::fmt::Debug for Operation<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operation")
            .field("operation", &self.op)
            .finish_non_exhaustive()
    }
}

impl<T> Operation<T> {
    pub(crate) fn new(
        client: &Client,
        op: Op,
        req: OpRequest,
        parse: fn(RawResponse) -> Result<T, Error>,
    ) -> Self {
        Operation {
            client: client.clone(),
            op,
            req,
            xml: None,
            parse,
            err: None,
        }
    }

    /// An operation sending `doc` as its XML body; a document that cannot be
    /// serialized fails in `prepare`.
    pub(crate) fn with_xml<D: serde::Serialize>(
        client: &Client,
        op: Op,
        req: OpRequest,
        doc: &D,
        parse: fn(RawResponse) -> Result<T, Error>,
    ) -> Self {
        let mut o = Self::new(client, op, req, parse);
        match cos_xml::to_string(doc) {
            Ok(x) => o.xml = Some(x.into()),
            Err(e) => {
                o.err = Some(InvalidInput::Other(format!(
                    "the {op} document cannot be serialized: {e}"
                )))
            }
        }
        o
    }

    common_setters!();

    /// The request `send` sends (method, sub-resource, query, headers, XML body with
    /// its `Content-MD5`), without sending anything.
    ///
    /// Errors: [`Error::InvalidInput`] for an invalid argument.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut p = PreparedRequest::of(self.op, &self.req);
        if let Some(e) = &self.err {
            return Err(Error::from(e.clone()).in_op(|| p.context()));
        }
        if let Some(x) = &self.xml {
            p.set_xml_bytes(x.clone());
        }
        Ok(p)
    }

    /// Sends the request.
    ///
    /// Errors: [`Error::Service`] when COS answers with an error, and the client errors
    /// of [`Error`] (connection, timeout, decode…), each in an [`Error::Op`] naming the
    /// operation, bucket and key.
    pub async fn send(self) -> Result<T, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let (client, parse) = (self.client, self.parse);
        let req = p.into_request(self.req);
        let result = async move { parse(client.send(req).await?) }.await;
        result.map_err(|e| e.in_op(|| ctx))
    }
}

/// Awaits `f`, naming the operation, bucket and key of `ctx` in its error.
pub(crate) async fn in_op<T>(
    ctx: crate::error::ErrorContext,
    f: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    f.await.map_err(|e| e.in_op(|| ctx))
}

pub(crate) fn meta(r: RawResponse) -> Result<ResponseMeta, Error> {
    Ok(ResponseMeta::from_raw(&r))
}

pub(crate) fn xml<T: serde::de::DeserializeOwned>(r: RawResponse) -> Result<T, Error> {
    crate::transport::parse_xml(&r.body)
}

/// Base64 of the MD5 of `data` (a `Content-MD5` value).
pub(crate) fn content_md5(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(data))
}

/// An error document inside a `200` (copy, upload part copy, complete): a service error.
pub(crate) fn error_in_200(r: &RawResponse) -> Option<Error> {
    let s = std::str::from_utf8(&r.body).ok()?;
    let head = s.trim_start_matches('\u{feff}').trim_start();
    let head = if head.starts_with("<?xml") {
        head.split_once("?>")
            .map(|(_, rest)| rest.trim_start())
            .unwrap_or(head)
    } else {
        head
    };
    if head.starts_with("<Error>") || head.starts_with("<Error ") {
        Some(
            crate::error::ServiceError::from_response(
                r.status,
                r.headers.clone(),
                r.body.clone(),
                false,
            )
            .into(),
        )
    } else {
        None
    }
}

/// Percent-decodes a value COS sent URL-encoded (`encoding-type=url`).
pub(crate) fn url_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
