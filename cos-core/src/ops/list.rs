//! The list operations — List Objects (GET Bucket), List Object Versions, List Multipart
//! Uploads, List Parts — each with `send` (one page), `into_pages` (a paginated
//! `Stream` of pages) and a stream of the entries themselves (`into_objects`,
//! `into_versions`, `into_uploads`, `into_parts`). Requests ask for `encoding-type=url` and keys are decoded
//! before you see them.

use cos_xml::op::Op;
use cos_xml::{
    ListBucketResult, ListMultipartUploadsResult, ListPartsResult, ListVersionsResult, VersionEntry,
};

use super::list_pages::{
    Received, decode_received, list_objects_page, next_objects_page, receive_objects_page,
};
use super::paginate::{Marker, Next, paginate};
use super::{
    PreparedRequest, common_setters, in_op, op_request, query_setters, upload_request, url_decode,
};
use crate::client::Client;
use crate::error::Error;
use crate::transport::{OpRequest, body_str};
use crate::types::{BucketName, ObjectKey};

pub use super::paginate::PageStream;
use futures_util::StreamExt;

/// A stream of list entries, one at a time (`into_objects`, `into_versions`,
/// `into_uploads`, `into_parts`).
pub type ItemStream<T> = PageStream<T>;

pub(super) fn dec(s: &mut String) {
    *s = url_decode(s);
}
pub(super) fn dec_opt(s: &mut Option<String>) {
    if let Some(v) = s.as_mut() {
        dec(v);
    }
}

fn set_param(req: &mut OpRequest, name: &str, value: String) {
    req.query.retain(|(k, _)| k != name);
    req.query.push((name.to_owned(), value));
}

macro_rules! list_builder_common {
    ($op:expr) => {
        common_setters!();

        /// Whether to ask COS for `encoding-type=url` (default true; results are
        /// decoded either way, so this only matters for keys XML cannot carry).
        pub fn encoding_url(mut self, yes: bool) -> Self {
            self.encode = yes;
            self
        }

        /// The request of one page (`send` sends it); nothing is sent.
        pub fn prepare(&self) -> Result<PreparedRequest, Error> {
            Ok(PreparedRequest::of($op, &self.request()))
        }

        /// The prepared request of the first page.
        fn prepared(&self) -> Result<(PreparedRequest, OpRequest), Error> {
            Ok((self.prepare()?, self.request()))
        }

        fn request(&self) -> OpRequest {
            let mut req = OpRequest::new(
                self.req.operation,
                self.req.method.clone(),
                self.req.bucket.clone(),
                self.req.key.clone(),
            );
            req.query = self.req.query.clone();
            req.headers = self.req.headers.clone();
            if self.encode {
                set_param(&mut req, "encoding-type", "url".into());
            }
            req
        }
    };
}

/// Builder of List Objects (GET Bucket); see [`Client::list_objects`].
#[derive(Debug)]
#[must_use = "call .send().await or .into_pages() to list"]
pub struct ListObjects {
    client: Client,
    req: OpRequest,
    encode: bool,
}

impl ListObjects {
    list_builder_common!(Op::ListObjects);
    query_setters! {
        /// Only keys starting with this prefix.
        prefix => "prefix",
        /// Group keys up to this delimiter into common prefixes (usually `/`).
        delimiter => "delimiter",
        /// Start after this key.
        marker => "marker",
    }

    /// At most this many entries per page (COS caps at 1000).
    pub fn max_keys(mut self, n: u32) -> Self {
        set_param(&mut self.req, "max-keys", n.to_string());
        self
    }

    /// Lists one page.
    ///
    /// Errors: `NoSuchBucket` (404), [`Error::Decode`] for a malformed listing, client errors.
    pub async fn send(self) -> Result<ListBucketResult, Error> {
        let (p, req) = self.prepared()?;
        let ctx = p.context();
        in_op(ctx, list_objects_page(&self.client, p.into_request(req))).await
    }

    /// All pages, following `NextMarker`; a marker that does not advance ends the stream
    /// with [`Error::ListingLoop`].
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use futures_util::TryStreamExt;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let mut pages = client.list_objects(&bucket).prefix("logs/").into_pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     for o in &page.contents { println!("{} {}", o.key, o.size); }
    /// }
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn into_pages(self) -> PageStream<ListBucketResult> {
        let (p, req) = match self.prepared() {
            Ok(r) => r,
            Err(e) => return futures_util::stream::once(async { Err(e) }).boxed(),
        };
        let ctx = p.context();
        // The next page is requested as soon as this one's head names its marker, and
        // this one is decoded while the service prepares the next (`buffered(2)` polls
        // the page stream, sending the next request, before it decodes).
        paginate(
            self.client,
            p,
            req,
            Marker::Key(String::new()),
            |client, req| async move { receive_objects_page(&client, req).await },
            |received| match received {
                Received::Body { next: None, .. } => Next::Done,
                Received::Body { next: Some(m), .. } => Next::From(Marker::Key(m.clone())),
                Received::Decoded(page) => next_objects_page(page),
            },
        )
        .map(move |received| {
            let ctx = ctx.clone();
            async move { decode_received(received?).map_err(|e| e.in_op(|| ctx)) }
        })
        .buffered(2)
        // The page fetched ahead is dropped after an error: the stream ends there.
        .scan(false, |failed, page| {
            let item = (!*failed).then_some(page);
            *failed = item.as_ref().is_none_or(Result::is_err);
            futures_util::future::ready(item)
        })
        .boxed()
    }
}

/// Builder of List Object Versions (GET Bucket `?versions`); see [`Client::list_object_versions`].
#[derive(Debug)]
#[must_use = "call .send().await or .into_pages() to list"]
pub struct ListObjectVersions {
    client: Client,
    req: OpRequest,
    encode: bool,
}

async fn list_versions_page(client: &Client, req: OpRequest) -> Result<ListVersionsResult, Error> {
    let asked = req
        .query
        .iter()
        .any(|(k, v)| k == "encoding-type" && v == "url");
    let r = client.send(req).await?;
    let mut page = ListVersionsResult::from_xml_fast(body_str(&r.body)?)?;
    if asked || page.encoding_type.as_deref() == Some("url") {
        dec(&mut page.prefix);
        dec(&mut page.key_marker);
        dec_opt(&mut page.delimiter);
        dec_opt(&mut page.next_key_marker);
        for e in &mut page.entries {
            match e {
                VersionEntry::Version(v) => dec(&mut v.key),
                VersionEntry::DeleteMarker(d) => dec(&mut d.key),
            }
        }
        for p in &mut page.common_prefixes {
            dec(&mut p.prefix);
        }
        page.encoding_type = None;
    }
    Ok(page)
}

impl ListObjectVersions {
    list_builder_common!(Op::ListObjectVersions);
    query_setters! {
        /// Only keys starting with this prefix.
        prefix => "prefix",
        /// Group keys up to this delimiter.
        delimiter => "delimiter",
        /// Start after this key.
        key_marker => "key-marker",
        /// With `key_marker`: start after this version.
        version_id_marker => "version-id-marker",
    }

    /// At most this many entries per page.
    pub fn max_keys(mut self, n: u32) -> Self {
        set_param(&mut self.req, "max-keys", n.to_string());
        self
    }

    /// Lists one page.
    ///
    /// Errors: `NoSuchBucket` (404), [`Error::Decode`], client errors.
    pub async fn send(self) -> Result<ListVersionsResult, Error> {
        let (p, req) = self.prepared()?;
        let ctx = p.context();
        in_op(ctx, list_versions_page(&self.client, p.into_request(req))).await
    }

    /// All pages, following `NextKeyMarker` / `NextVersionIdMarker`; a marker that does
    /// not advance ends the stream with [`Error::ListingLoop`].
    pub fn into_pages(self) -> PageStream<ListVersionsResult> {
        let (p, req) = match self.prepared() {
            Ok(r) => r,
            Err(e) => return futures_util::stream::once(async { Err(e) }).boxed(),
        };
        paginate(
            self.client,
            p,
            req,
            Marker::KeyId("version-id-marker", String::new(), String::new()),
            |client, req| async move { list_versions_page(&client, req).await },
            |page| {
                if !page.is_truncated {
                    return Next::Done;
                }
                let last = page.entries.last().map(|e| match e {
                    VersionEntry::Version(v) => (&v.key, &v.version_id),
                    VersionEntry::DeleteMarker(d) => (&d.key, &d.version_id),
                });
                let (key, id) = match (&page.next_key_marker, last) {
                    (Some(k), _) => (k.clone(), page.next_version_id_marker.clone()),
                    (None, Some((k, v))) => (k.clone(), Some(v.clone())),
                    (None, None) => {
                        return Next::Stuck("a truncated page without NextKeyMarker or entries");
                    }
                };
                let id = id.unwrap_or_default();
                Next::From(Marker::KeyId("version-id-marker", key, id))
            },
        )
    }
}

/// Builder of List Multipart Uploads (GET Bucket `?uploads`); see [`Client::list_multipart_uploads`].
#[derive(Debug)]
#[must_use = "call .send().await or .into_pages() to list"]
pub struct ListMultipartUploads {
    client: Client,
    req: OpRequest,
    encode: bool,
}

async fn list_uploads_page(
    client: &Client,
    req: OpRequest,
) -> Result<ListMultipartUploadsResult, Error> {
    let asked = req
        .query
        .iter()
        .any(|(k, v)| k == "encoding-type" && v == "url");
    let r = client.send(req).await?;
    let mut page: ListMultipartUploadsResult = cos_xml::from_slice(&r.body)?;
    if asked || page.encoding_type.as_deref() == Some("url") {
        dec_opt(&mut page.prefix);
        dec_opt(&mut page.delimiter);
        dec_opt(&mut page.key_marker);
        dec_opt(&mut page.next_key_marker);
        for u in &mut page.uploads {
            dec(&mut u.key);
        }
        for p in &mut page.common_prefixes {
            dec(&mut p.prefix);
        }
        page.encoding_type = None;
    }
    Ok(page)
}

impl ListMultipartUploads {
    list_builder_common!(Op::ListMultipartUploads);
    query_setters! {
        /// Only keys starting with this prefix.
        prefix => "prefix",
        /// Group keys up to this delimiter.
        delimiter => "delimiter",
        /// Start after this key.
        key_marker => "key-marker",
        /// With `key_marker`: start after this upload id.
        upload_id_marker => "upload-id-marker",
    }

    /// At most this many uploads per page.
    pub fn max_uploads(mut self, n: u32) -> Self {
        set_param(&mut self.req, "max-uploads", n.to_string());
        self
    }

    /// Lists one page.
    ///
    /// Errors: `NoSuchBucket` (404), [`Error::Decode`], client errors.
    pub async fn send(self) -> Result<ListMultipartUploadsResult, Error> {
        let (p, req) = self.prepared()?;
        let ctx = p.context();
        in_op(ctx, list_uploads_page(&self.client, p.into_request(req))).await
    }

    /// All pages, following `NextKeyMarker` / `NextUploadIdMarker`; a marker that does
    /// not advance ends the stream with [`Error::ListingLoop`].
    pub fn into_pages(self) -> PageStream<ListMultipartUploadsResult> {
        let (p, req) = match self.prepared() {
            Ok(r) => r,
            Err(e) => return futures_util::stream::once(async { Err(e) }).boxed(),
        };
        paginate(
            self.client,
            p,
            req,
            Marker::KeyId("upload-id-marker", String::new(), String::new()),
            |client, req| async move { list_uploads_page(&client, req).await },
            |page| {
                if !page.is_truncated {
                    return Next::Done;
                }
                let last = page.uploads.last().map(|u| (&u.key, &u.upload_id));
                let (key, id) = match (&page.next_key_marker, last) {
                    (Some(k), _) => (k.clone(), page.next_upload_id_marker.clone()),
                    (None, Some((k, u))) => (k.clone(), Some(u.clone())),
                    (None, None) => {
                        return Next::Stuck("a truncated page without NextKeyMarker or uploads");
                    }
                };
                let id = id.unwrap_or_default();
                Next::From(Marker::KeyId("upload-id-marker", key, id))
            },
        )
    }
}

/// Builder of List Parts (GET Object `?uploadId=ID`); see [`Client::list_parts`].
#[derive(Debug)]
#[must_use = "call .send().await or .into_pages() to list"]
pub struct ListParts {
    client: Client,
    req: OpRequest,
    encode: bool,
}

async fn list_parts_page(client: &Client, req: OpRequest) -> Result<ListPartsResult, Error> {
    let asked = req
        .query
        .iter()
        .any(|(k, v)| k == "encoding-type" && v == "url");
    let r = client.send(req).await?;
    let mut page = ListPartsResult::from_xml_fast(body_str(&r.body)?)?;
    if asked || page.encoding_type.as_deref() == Some("url") {
        dec(&mut page.key);
        page.encoding_type = None;
    }
    Ok(page)
}

impl ListParts {
    list_builder_common!(Op::ListParts);

    /// At most this many parts per page.
    pub fn max_parts(mut self, n: u32) -> Self {
        set_param(&mut self.req, "max-parts", n.to_string());
        self
    }

    /// Start after this part number.
    pub fn part_number_marker(mut self, n: u32) -> Self {
        set_param(&mut self.req, "part-number-marker", n.to_string());
        self
    }

    /// Lists one page.
    ///
    /// Errors: `NoSuchUpload` (404), [`Error::Decode`], client errors.
    pub async fn send(self) -> Result<ListPartsResult, Error> {
        let (p, req) = self.prepared()?;
        let ctx = p.context();
        in_op(ctx, list_parts_page(&self.client, p.into_request(req))).await
    }

    /// All pages, following `NextPartNumberMarker`; a marker that does not advance ends
    /// the stream with [`Error::ListingLoop`].
    pub fn into_pages(self) -> PageStream<ListPartsResult> {
        let (p, req) = match self.prepared() {
            Ok(r) => r,
            Err(e) => return futures_util::stream::once(async { Err(e) }).boxed(),
        };
        paginate(
            self.client,
            p,
            req,
            Marker::Part(0),
            |client, req| async move { list_parts_page(&client, req).await },
            |page| {
                if !page.is_truncated {
                    return Next::Done;
                }
                match page
                    .next_part_number_marker
                    .or_else(|| page.parts.last().map(|p| p.part_number))
                {
                    Some(n) => Next::From(Marker::Part(n)),
                    None => Next::Stuck("a truncated page without NextPartNumberMarker or parts"),
                }
            },
        )
    }
}

impl Client {
    /// List Objects (GET Bucket): one page with `send`, every page with `into_pages`,
    /// every object with `into_objects`.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let page = client.list_objects(&bucket).prefix("a/").delimiter("/").max_keys(100).send().await?;
    /// for p in &page.common_prefixes { println!("dir {}", p.prefix); }
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    #[doc(alias = "get_bucket")]
    pub fn list_objects(&self, bucket: &BucketName) -> ListObjects {
        ListObjects {
            client: self.clone(),
            req: op_request(Op::ListObjects, Some(bucket), None),
            encode: true,
        }
    }

    /// List Object Versions (GET Bucket `?versions`).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let page = client.list_object_versions(&bucket).prefix("a/").send().await?;
    /// for v in page.versions() { println!("{} {}", v.key, v.version_id); }
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn list_object_versions(&self, bucket: &BucketName) -> ListObjectVersions {
        ListObjectVersions {
            client: self.clone(),
            req: op_request(Op::ListObjectVersions, Some(bucket), None),
            encode: true,
        }
    }

    /// List Multipart Uploads (GET Bucket `?uploads`).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let page = client.list_multipart_uploads(&bucket).prefix("big/").send().await?;
    /// for u in &page.uploads { println!("{} {}", u.key, u.upload_id); }
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn list_multipart_uploads(&self, bucket: &BucketName) -> ListMultipartUploads {
        ListMultipartUploads {
            client: self.clone(),
            req: op_request(Op::ListMultipartUploads, Some(bucket), None),
            encode: true,
        }
    }

    /// List Parts of a multipart upload (GET Object `?uploadId=ID`).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("big.bin")?;
    /// let upload = client.initiate_multipart_upload(&bucket, &key).send().await?;
    /// let page = client.list_parts(&bucket, &key, &upload.upload_id).max_parts(100).send().await?;
    /// for p in &page.parts { println!("{} {}", p.part_number, p.etag); }
    /// # assert!(page.parts.is_empty());
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn list_parts(&self, bucket: &BucketName, key: &ObjectKey, upload_id: &str) -> ListParts {
        ListParts {
            client: self.clone(),
            req: upload_request(Op::ListParts, bucket, key, &[], upload_id),
            encode: true,
        }
    }
}
