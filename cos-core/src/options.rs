//! Options as plain data: what an object is written with ([`WriteOptions`]) and how it is
//! read ([`ReadOptions`]), shared by cos-core's builders and by `cos-transfer`.
//!
//! Each option type turns into request headers and query parameters in exactly one
//! place ([`WriteOptions::headers`], [`ReadOptions::parts`]), validated before any
//! request: a bad traffic limit, metadata name or tag fails with [`InvalidInput`]. The
//! builders take them through `options(&o)` (PUT Object, Initiate Multipart Upload,
//! PUT Object - Copy, Upload Part; GET and HEAD Object), which only uses their public
//! `header` / `query_param` setters.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::InvalidInput;
use crate::ops::multipart::{InitiateMultipartUpload, UploadPart};
use crate::ops::object::{GetObject, HeadObject, PutObject};
use crate::ops::object_manage::CopyObject;
pub use crate::sse::{KmsOptions, Sse, SseCustomerKey};
use crate::types::{Acl, StorageClass, TrafficLimit};

/// A header or query parameter: name and value.
pub type Pair = (String, String);

/// How an object is written: ACL, grants, storage class, `Content-*` headers,
/// `Expires`, user metadata, tags, server-side encryption and traffic limit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WriteOptions {
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
    /// `x-cos-storage-class`.
    pub storage_class: Option<StorageClass>,
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
    /// User metadata, `x-cos-meta-{name}` (names without the prefix).
    pub metadata: Vec<Pair>,
    /// Object tags (`x-cos-tagging`, encoded here).
    pub tagging: Vec<Pair>,
    /// Server-side encryption: SSE-COS, SSE-KMS (key id, context) or SSE-C (key).
    pub sse: Option<Sse>,
    /// `x-cos-traffic-limit` in bit/s (819200..=838860800).
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

/// The headers that also go on every Upload Part of a multipart upload.
const PART_HEADERS: &[&str] = &[
    "x-cos-traffic-limit",
    "x-cos-server-side-encryption-customer-algorithm",
    "x-cos-server-side-encryption-customer-key",
    "x-cos-server-side-encryption-customer-key-MD5",
];

/// Tag keys and values are sent URL-encoded in `x-cos-tagging` (`k1=v1&k2=v2`).
const TAG_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

// Limits from the PUT Object and PUT Object tagging API documentation
// (cloud.tencent.com/document/product/436/7749, /document/api/436/42997): metadata
// suffixes use `-`, digits and letters (no `_`), each header at most 2 KB, all of them
// at most 4 KB; at most 10 tags, keys 1..128 bytes, values under 256 bytes.
const META_ONE_MAX: usize = 2048;
const META_TOTAL_MAX: usize = 4096;
const TAGS_MAX: usize = 10;
const TAG_KEY_MAX: usize = 128;
const TAG_VALUE_MAX: usize = 256;

fn invalid(msg: String) -> InvalidInput {
    InvalidInput::Other(msg)
}

fn check_header_value(what: &str, v: &str) -> Result<(), InvalidInput> {
    if v.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
        Ok(())
    } else {
        Err(invalid(format!(
            "{what}: value {v:?} must be printable ASCII (percent-encode other text)"
        )))
    }
}

fn metadata_headers(meta: &[Pair], out: &mut Vec<Pair>) -> Result<(), InvalidInput> {
    let mut total = 0;
    for (name, value) in meta {
        let suffix = name
            .get(..11)
            .filter(|p| p.eq_ignore_ascii_case("x-cos-meta-"))
            .map_or(name.as_str(), |_| &name[11..]);
        if suffix.is_empty()
            || !suffix
                .bytes()
                .all(|b| b == b'-' || b.is_ascii_alphanumeric())
        {
            return Err(invalid(format!(
                "metadata name {name:?}: only letters, digits and '-' are allowed"
            )));
        }
        check_header_value("metadata", value)?;
        let header = format!("x-cos-meta-{}", suffix.to_ascii_lowercase());
        let size = header.len() + value.len();
        total += size;
        if size > META_ONE_MAX || total > META_TOTAL_MAX {
            return Err(invalid(format!(
                "metadata {header}: over COS's {META_ONE_MAX}-byte limit per header or {META_TOTAL_MAX} in all"
            )));
        }
        out.push((header, value.clone()));
    }
    Ok(())
}

fn tagging_header(tags: &[Pair]) -> Result<String, InvalidInput> {
    if tags.len() > TAGS_MAX {
        return Err(invalid(format!(
            "{} tags: COS allows at most {TAGS_MAX}",
            tags.len()
        )));
    }
    let mut encoded = Vec::with_capacity(tags.len());
    for (k, v) in tags {
        if k.is_empty() || k.len() >= TAG_KEY_MAX || v.len() >= TAG_VALUE_MAX {
            return Err(invalid(format!(
                "tag {k:?}: keys must be 1..{TAG_KEY_MAX} bytes, values under {TAG_VALUE_MAX}"
            )));
        }
        encoded.push(format!(
            "{}={}",
            utf8_percent_encode(k, TAG_ENCODE),
            utf8_percent_encode(v, TAG_ENCODE)
        ));
    }
    Ok(encoded.join("&"))
}

impl WriteOptions {
    /// Nothing set.
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

    /// Adds user metadata `x-cos-meta-{name}: value`.
    pub fn metadata(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((name.into(), value.into()));
        self
    }

    /// Adds the tag `key=value` (encoded when sent).
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tagging.push((key.into(), value.into()));
        self
    }

    /// Encrypts the object with `sse` (SSE-COS, SSE-KMS or SSE-C).
    pub fn sse(mut self, sse: Sse) -> Self {
        self.sse = Some(sse);
        self
    }

    /// Encrypts with the customer key `key` (SSE-C): `sse(Sse::Customer(key))`.
    pub fn sse_customer_key(self, key: SseCustomerKey) -> Self {
        self.sse(Sse::Customer(key))
    }

    /// The SSE-C key the object is written with, if any.
    pub fn customer_key(&self) -> Option<&SseCustomerKey> {
        self.sse.as_ref().and_then(Sse::customer_key)
    }

    /// Limits the bandwidth of every request (bit/s, 819200..=838860800).
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

    /// The request headers of these options, validated: the one place they turn into
    /// headers. Errors: [`InvalidInput::TrafficLimit`], or [`InvalidInput::Other`] for a
    /// bad metadata name or value, too many or too long tags, or a header value that is
    /// not printable ASCII.
    pub fn headers(&self) -> Result<Vec<Pair>, InvalidInput> {
        let mut out: Vec<Pair> = Vec::new();
        if let Some(acl) = self.acl {
            out.push(("x-cos-acl".into(), acl.as_str().into()));
        }
        let strings = [
            ("x-cos-grant-read", &self.grant_read),
            ("x-cos-grant-read-acp", &self.grant_read_acp),
            ("x-cos-grant-write-acp", &self.grant_write_acp),
            ("x-cos-grant-full-control", &self.grant_full_control),
            ("Content-Type", &self.content_type),
            ("Content-Disposition", &self.content_disposition),
            ("Content-Encoding", &self.content_encoding),
            ("Content-Language", &self.content_language),
            ("Cache-Control", &self.cache_control),
            ("Expires", &self.expires),
        ];
        for (name, value) in strings {
            if let Some(v) = value {
                check_header_value(name, v)?;
                out.push((name.into(), v.clone()));
            }
        }
        if let Some(class) = &self.storage_class {
            out.push(("x-cos-storage-class".into(), class.as_str().into()));
        }
        metadata_headers(&self.metadata, &mut out)?;
        if !self.tagging.is_empty() {
            out.push(("x-cos-tagging".into(), tagging_header(&self.tagging)?));
        }
        if let Some(sse) = &self.sse {
            if let Sse::Kms(k) = sse
                && let Some(id) = &k.key_id
            {
                check_header_value("SSE-KMS key id", id)?;
            }
            sse.push_headers(&mut out)?;
        }
        if let Some(t) = self.traffic_limit {
            let t = TrafficLimit::new(t)?;
            out.push(("x-cos-traffic-limit".into(), t.get().to_string()));
        }
        Ok(out)
    }

    /// The headers of [`headers`](Self::headers) that also go on each Upload Part
    /// (SSE-C key, traffic limit).
    pub fn part_headers(&self) -> Result<Vec<Pair>, InvalidInput> {
        let mut h = self.headers()?;
        h.retain(|(n, _)| PART_HEADERS.contains(&n.as_str()));
        Ok(h)
    }
}

/// How an object is read: version, `If-*` conditions, `response-*` overrides, SSE-C key
/// and traffic limit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Read this version (`versionId`).
    pub version_id: Option<String>,
    /// `If-Match`: only when the ETag matches (412 otherwise).
    pub if_match: Option<String>,
    /// `If-None-Match`: only when the ETag differs (304 otherwise).
    pub if_none_match: Option<String>,
    /// `If-Modified-Since` (HTTP date; 304 otherwise).
    pub if_modified_since: Option<String>,
    /// `If-Unmodified-Since` (HTTP date; 412 otherwise).
    pub if_unmodified_since: Option<String>,
    /// `response-content-type`.
    pub response_content_type: Option<String>,
    /// `response-content-language`.
    pub response_content_language: Option<String>,
    /// `response-expires`.
    pub response_expires: Option<String>,
    /// `response-cache-control`.
    pub response_cache_control: Option<String>,
    /// `response-content-disposition`.
    pub response_content_disposition: Option<String>,
    /// `response-content-encoding`.
    pub response_content_encoding: Option<String>,
    /// The SSE-C key the object was written with.
    pub sse_customer_key: Option<SseCustomerKey>,
    /// `x-cos-traffic-limit` of GETs in bit/s (819200..=838860800).
    pub traffic_limit: Option<u64>,
}

impl ReadOptions {
    /// Nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decrypts with the customer key `key` (SSE-C).
    pub fn sse_customer_key(mut self, key: SseCustomerKey) -> Self {
        self.sse_customer_key = Some(key);
        self
    }

    /// Limits the bandwidth of GETs (bit/s, 819200..=838860800).
    pub fn traffic_limit(mut self, bits_per_second: u64) -> Self {
        self.traffic_limit = Some(bits_per_second);
        self
    }

    /// The same options without the `If-*` conditions (e.g. for the GETs that follow a
    /// conditional HEAD and are pinned to the ETag it saw).
    pub fn without_conditions(&self) -> Self {
        Self {
            if_match: None,
            if_none_match: None,
            if_modified_since: None,
            if_unmodified_since: None,
            ..self.clone()
        }
    }

    string_setters! {
        /// Reads version `value`.
        version_id,
        /// Sets `If-Match`.
        if_match,
        /// Sets `If-None-Match`.
        if_none_match,
        /// Sets `If-Modified-Since` (an HTTP date).
        if_modified_since,
        /// Sets `If-Unmodified-Since` (an HTTP date).
        if_unmodified_since,
        /// Overrides the response `Content-Type`.
        response_content_type,
        /// Overrides the response `Content-Language`.
        response_content_language,
        /// Overrides the response `Expires`.
        response_expires,
        /// Overrides the response `Cache-Control`.
        response_cache_control,
        /// Overrides the response `Content-Disposition`.
        response_content_disposition,
        /// Overrides the response `Content-Encoding`.
        response_content_encoding,
    }

    /// The headers and query parameters of these options, validated: the one place they
    /// turn into a request. Errors: [`InvalidInput::TrafficLimit`], or
    /// [`InvalidInput::Other`] for a condition that is not printable ASCII.
    pub fn parts(&self) -> Result<(Vec<Pair>, Vec<Pair>), InvalidInput> {
        let mut headers: Vec<Pair> = Vec::new();
        for (name, value) in [
            ("If-Match", &self.if_match),
            ("If-None-Match", &self.if_none_match),
            ("If-Modified-Since", &self.if_modified_since),
            ("If-Unmodified-Since", &self.if_unmodified_since),
        ] {
            if let Some(v) = value {
                check_header_value(name, v)?;
                headers.push((name.into(), v.clone()));
            }
        }
        if let Some(key) = &self.sse_customer_key {
            key.push_headers("x-cos-", &mut headers);
        }
        if let Some(t) = self.traffic_limit {
            let t = TrafficLimit::new(t)?;
            headers.push(("x-cos-traffic-limit".into(), t.get().to_string()));
        }
        let mut query: Vec<Pair> = Vec::new();
        for (name, value) in [
            ("versionId", &self.version_id),
            ("response-content-type", &self.response_content_type),
            ("response-content-language", &self.response_content_language),
            ("response-expires", &self.response_expires),
            ("response-cache-control", &self.response_cache_control),
            (
                "response-content-disposition",
                &self.response_content_disposition,
            ),
            ("response-content-encoding", &self.response_content_encoding),
        ] {
            if let Some(v) = value {
                query.push((name.into(), v.clone()));
            }
        }
        Ok((headers, query))
    }
}

/// Adds `headers` and `query` through the builder's public setters.
macro_rules! apply_pairs {
    ($b:expr, $headers:expr, $query:expr) => {{
        let mut b = $b;
        for (n, v) in $headers {
            b = b.header(n, v);
        }
        for (n, v) in $query {
            b = b.query_param(n, v);
        }
        b
    }};
}

impl PutObject {
    /// Applies every write option. Errors before any request: see
    /// [`WriteOptions::headers`].
    pub fn options(self, o: &WriteOptions) -> Result<Self, InvalidInput> {
        Ok(apply_pairs!(self, o.headers()?, Vec::<Pair>::new()))
    }
}

impl InitiateMultipartUpload {
    /// Applies the write options of the object (all but the traffic limit, which goes
    /// on each part: [`UploadPart::options`]).
    pub fn options(self, o: &WriteOptions) -> Result<Self, InvalidInput> {
        let mut h = o.headers()?;
        h.retain(|(n, _)| n != "x-cos-traffic-limit");
        Ok(apply_pairs!(self, h, Vec::<Pair>::new()))
    }
}

impl UploadPart {
    /// Applies the write options that go on each part (SSE-C key, traffic limit).
    pub fn options(self, o: &WriteOptions) -> Result<Self, InvalidInput> {
        Ok(apply_pairs!(self, o.part_headers()?, Vec::<Pair>::new()))
    }
}

impl CopyObject {
    /// Applies the write options of the new object (all but the traffic limit). The
    /// metadata and `Content-*` headers only count with
    /// [`MetadataDirective::Replaced`](crate::MetadataDirective::Replaced).
    pub fn options(self, o: &WriteOptions) -> Result<Self, InvalidInput> {
        let mut h = o.headers()?;
        h.retain(|(n, _)| n != "x-cos-traffic-limit");
        Ok(apply_pairs!(self, h, Vec::<Pair>::new()))
    }
}

impl GetObject {
    /// Applies every read option. Errors before any request: see [`ReadOptions::parts`].
    pub fn options(self, o: &ReadOptions) -> Result<Self, InvalidInput> {
        let (h, q) = o.parts()?;
        Ok(apply_pairs!(self, h, q))
    }
}

impl HeadObject {
    /// Applies the read options that HEAD takes: version, conditions, SSE-C key (not
    /// the `response-*` overrides nor the traffic limit, which concern a body).
    pub fn options(self, o: &ReadOptions) -> Result<Self, InvalidInput> {
        let (mut h, mut q) = o.parts()?;
        h.retain(|(n, _)| n != "x-cos-traffic-limit");
        q.retain(|(n, _)| !n.starts_with("response-"));
        Ok(apply_pairs!(self, h, q))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_headers_validate_and_encode() {
        let o = WriteOptions::new()
            .acl(Acl::Private)
            .metadata("Color", "red")
            .tag("a b", "1/2")
            .traffic_limit(819_200);
        let h = o.headers().unwrap();
        assert!(h.contains(&("x-cos-meta-color".into(), "red".into())));
        assert!(h.contains(&("x-cos-tagging".into(), "a%20b=1%2F2".into())));
        assert!(h.contains(&("x-cos-traffic-limit".into(), "819200".into())));
        assert!(matches!(
            WriteOptions::new().traffic_limit(1).headers(),
            Err(InvalidInput::TrafficLimit(1))
        ));
        assert!(
            WriteOptions::new()
                .metadata("bad_name", "x")
                .headers()
                .is_err()
        );
        assert!(
            WriteOptions::new()
                .metadata("ok", "line\r\nbreak")
                .headers()
                .is_err()
        );
        let many = (0..11).fold(WriteOptions::new(), |o, i| o.tag(format!("k{i}"), "v"));
        assert!(many.headers().is_err());
    }

    #[test]
    fn sse_c_key_is_not_in_debug_and_goes_on_parts() {
        let o = WriteOptions::new().sse_customer_key(SseCustomerKey::new([7; 32]));
        let dbg = format!("{o:?}");
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [7u8; 32]);
        assert!(!dbg.contains(&b64) && dbg.contains("redacted"));
        let parts = o.part_headers().unwrap();
        assert_eq!(parts.len(), 3);
        assert!(parts[1].1 == b64);
    }

    #[test]
    fn read_parts_split_headers_and_query() {
        let o = ReadOptions::new()
            .version_id("v1")
            .if_match("\"e\"")
            .response_content_type("text/plain");
        let (h, q) = o.parts().unwrap();
        assert_eq!(h, vec![("If-Match".into(), "\"e\"".into())]);
        assert_eq!(q.len(), 2);
        assert!(o.without_conditions().parts().unwrap().0.is_empty());
    }
}
