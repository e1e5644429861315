//! GET and HEAD: ranges, conditions, versions.

use std::ops::Range;

use super::object_store;
use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, GetOptions, GetRange, GetResult, GetResultPayload, ObjectMeta, Result,
};

use super::CosObjectStore;
use super::compat::get_result;
use super::error::{generic, map};

/// `If-*` dates as HTTP dates.
fn http_date(t: DateTime<Utc>) -> String {
    httpdate::fmt_http_date(t.into())
}

/// Parses an HTTP date (`Last-Modified`); the epoch when absent or unreadable.
pub(crate) fn parse_http_date(s: Option<&str>) -> DateTime<Utc> {
    s.and_then(|s| httpdate::parse_http_date(s).ok())
        .map_or(DateTime::<Utc>::UNIX_EPOCH, DateTime::<Utc>::from)
}

/// The conditions and version of `options` as cos-core read options.
fn read_options(options: &GetOptions) -> cos_core::ReadOptions {
    let mut o = cos_core::ReadOptions::new();
    o.if_match = options.if_match.clone();
    o.if_none_match = options.if_none_match.clone();
    o.if_modified_since = options.if_modified_since.map(http_date);
    o.if_unmodified_since = options.if_unmodified_since.map(http_date);
    o.version_id = options.version.clone();
    o
}

/// `bytes a-b/total` → (`a..b+1`, total).
fn parse_content_range(v: &str) -> Option<(Range<u64>, u64)> {
    let rest = v.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let (a, b) = span.split_once('-')?;
    let (a, b, total): (u64, u64, u64) = (a.parse().ok()?, b.parse().ok()?, total.parse().ok()?);
    (a <= b && b < total).then_some((a..b + 1, total))
}

/// The object's attributes from response headers: `Content-*`, `Cache-Control` and
/// `x-cos-meta-*` (as [`Attribute::Metadata`] without the prefix).
fn attributes_of(headers: &http::HeaderMap) -> Attributes {
    let mut out = Attributes::new();
    for (name, value) in headers {
        let Ok(value) = value.to_str() else { continue };
        let attribute = match name.as_str() {
            "content-type" => Attribute::ContentType,
            "content-disposition" => Attribute::ContentDisposition,
            "content-encoding" => Attribute::ContentEncoding,
            "content-language" => Attribute::ContentLanguage,
            "cache-control" => Attribute::CacheControl,
            other => match other.strip_prefix("x-cos-meta-") {
                Some(meta) => Attribute::Metadata(meta.to_owned().into()),
                None => continue,
            },
        };
        out.insert(attribute, value.to_owned().into());
    }
    out
}

impl CosObjectStore {
    /// HEAD with the options' conditions and version.
    pub(crate) async fn head_opts(
        &self,
        location: &Path,
        options: &GetOptions,
    ) -> Result<ObjectMeta> {
        let key = self.key(location)?;
        let out = self
            .client
            .head_object(&self.bucket, &key)
            .options(&read_options(options))
            .map_err(|e| map(location.as_ref(), e.into()))?
            .send()
            .await
            .map_err(|e| map(location.as_ref(), e))?;
        Ok(ObjectMeta {
            location: location.clone(),
            last_modified: parse_http_date(out.last_modified.as_deref()),
            size: out.content_length.unwrap_or(0),
            e_tag: out.etag,
            version: out.version_id,
        })
    }

    /// GET (or HEAD when `options.head`), with a range, conditions and a version.
    pub(crate) async fn get_with(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        if options.head {
            let meta = self.head_opts(location, &options).await?;
            let range = 0..meta.size;
            let payload = GetResultPayload::Stream(futures_util::stream::empty().boxed());
            return Ok(get_result(payload, meta, range, Attributes::new()));
        }
        let key = self.key(location)?;
        let mut get = self
            .client
            .get_object(&self.bucket, &key)
            .options(&read_options(&options))
            .map_err(|e| map(location.as_ref(), e.into()))?;
        match &options.range {
            None => {}
            Some(GetRange::Bounded(r)) => {
                if r.start >= r.end {
                    return Err(generic(format!("invalid range {}..{}", r.start, r.end)));
                }
                get = get.range(r.start, Some(r.end - 1));
            }
            Some(GetRange::Offset(o)) => get = get.range(*o, None),
            Some(GetRange::Suffix(n)) => get = get.range_header(format!("bytes=-{n}")),
        }
        let out = get.send().await.map_err(|e| map(location.as_ref(), e))?;
        let (range, size) = match out.content_range.as_deref() {
            Some(v) => parse_content_range(v)
                .ok_or_else(|| generic(format!("unreadable Content-Range {v:?}")))?,
            None => {
                let len = out.content_length.unwrap_or(0);
                (0..len, len)
            }
        };
        let attributes = attributes_of(&out.meta.headers);
        let path = location.to_string();
        let stream = out.body.map_err(move |e| map(&path, e)).boxed();
        let meta = ObjectMeta {
            location: location.clone(),
            last_modified: parse_http_date(out.last_modified.as_deref()),
            size,
            e_tag: out.etag,
            version: out.version_id,
        };
        let payload = GetResultPayload::Stream(stream);
        Ok(get_result(payload, meta, range, attributes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_give_the_span_and_the_total() {
        assert_eq!(parse_content_range("bytes 2-4/14"), Some((2..5, 14)));
        assert_eq!(parse_content_range("bytes 0-13/14"), Some((0..14, 14)));
        assert_eq!(parse_content_range("bytes 5-4/14"), None);
        assert_eq!(parse_content_range("bytes 2-14/14"), None);
        assert_eq!(parse_content_range("bytes */14"), None);
    }

    #[test]
    fn attributes_come_from_headers() {
        let mut h = http::HeaderMap::new();
        h.insert("content-type", "text/html".parse().unwrap());
        h.insert("x-cos-meta-test_key", "v".parse().unwrap());
        h.insert("etag", "\"x\"".parse().unwrap());
        let a = attributes_of(&h);
        assert_eq!(a.len(), 2);
        assert_eq!(
            a.get(&Attribute::ContentType).map(AsRef::as_ref),
            Some("text/html")
        );
        assert_eq!(
            a.get(&Attribute::Metadata("test_key".into()))
                .map(AsRef::as_ref),
            Some("v")
        );
    }

    #[test]
    fn http_dates_round_trip() {
        let t = parse_http_date(Some("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(http_date(t), "Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(parse_http_date(None), DateTime::<Utc>::UNIX_EPOCH);
    }
}
