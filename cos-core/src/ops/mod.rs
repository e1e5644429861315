//! Every COS XML API operation, as a builder returned by a [`Client`]
//! method and finished with `.send().await`.
//!
//! - [`service`]: List Buckets;
//! - [`bucket`]: create/delete/head bucket, location, ACL, versioning;
//! - [`bucket_config`]: CORS, lifecycle, tagging and policy of a bucket;
//! - [`object`]: put/get/head/delete/copy/restore/append objects, object ACL and tagging;
//! - [`multipart`]: multipart uploads;
//! - [`list`]: the list operations and their paginated streams;
//! - [`presign`]: presigned URLs and `Authorization` values.

use base64::Engine;
use md5::Digest;

use crate::client::{Client, ResponseMeta};
use crate::error::Error;
use crate::transport::{OpRequest, RawResponse};

pub mod bucket;
pub mod bucket_config;
pub mod list;
pub mod multipart;
pub mod object;
mod paginate;
pub mod presign;
pub mod service;

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
                Err(e) => self.err = Some(e.into()),
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
    pub(crate) req: OpRequest,
    pub(crate) parse: fn(RawResponse) -> Result<T, Error>,
    pub(crate) err: Option<Error>,
}

impl<T> std::fmt::Debug for Operation<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operation")
            .field("operation", &self.req.operation)
            .finish_non_exhaustive()
    }
}

impl<T> Operation<T> {
    pub(crate) fn new(
        client: &Client,
        req: OpRequest,
        parse: fn(RawResponse) -> Result<T, Error>,
    ) -> Self {
        Operation {
            client: client.clone(),
            req,
            parse,
            err: None,
        }
    }

    /// An operation whose request failed to build: `send` returns the error unsent.
    pub(crate) fn checked(
        client: &Client,
        req: Result<OpRequest, Error>,
        parse: fn(RawResponse) -> Result<T, Error>,
        op: &'static str,
    ) -> Self {
        match req {
            Ok(r) => Self::new(client, r, parse),
            Err(e) => {
                let mut o = Self::new(
                    client,
                    OpRequest::new(op, http::Method::GET, None, None),
                    parse,
                );
                o.err = Some(e);
                o
            }
        }
    }

    common_setters!();

    /// Sends the request.
    ///
    /// Errors: [`Error::Service`] when COS answers with an error, and the client errors
    /// of [`Error`] (connection, timeout, decode…).
    pub async fn send(self) -> Result<T, Error> {
        if let Some(e) = self.err {
            return Err(e);
        }
        let r = self.client.send(self.req).await?;
        (self.parse)(r)
    }
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

/// Puts an XML document in the request body, with `Content-Type` and `Content-MD5`.
pub(crate) fn set_xml_body<T: serde::Serialize>(req: &mut OpRequest, doc: &T) -> Result<(), Error> {
    let xml = cos_xml::to_string(doc)?;
    req.header("Content-Type", "application/xml");
    req.header("Content-MD5", content_md5(xml.as_bytes()));
    req.body = crate::body::Body::from(xml);
    Ok(())
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
