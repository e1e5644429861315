//! Listings: objects (GET Bucket), object versions, multipart uploads.

use std::collections::BTreeSet;

use cos_xml::{
    CommonPrefix, DeleteMarkerEntry, ListBucketResult, ListMultipartUploadsResult,
    ListVersionsResult, ObjectSummary, ObjectVersion, Owner, Upload as XmlUpload, VersionEntry,
};
use hyper::Response;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{Ctx, owner_id, xml};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::time::iso8601;

/// What `encoding-type=url` leaves alone.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Encodes listing strings when the client asked for `encoding-type=url`.
struct Enc(bool);

impl Enc {
    fn of(ctx: &Ctx<'_>) -> Result<Enc, ApiError> {
        match ctx.q("encoding-type") {
            None | Some("") => Ok(Enc(false)),
            Some("url") => Ok(Enc(true)),
            Some(other) => Err(ApiError::invalid_argument(format!(
                "Invalid encoding-type {other:?}."
            ))),
        }
    }

    fn s(&self, s: &str) -> String {
        if self.0 {
            utf8_percent_encode(s, KEEP).to_string()
        } else {
            s.to_owned()
        }
    }

    fn name(&self) -> Option<String> {
        self.0.then(|| "url".to_owned())
    }
}

/// Folds `key` under the delimiter: the common prefix it belongs to, if any.
fn fold(key: &str, prefix: &str, delimiter: &str) -> Option<String> {
    if delimiter.is_empty() {
        return None;
    }
    let rest = &key[prefix.len()..];
    rest.find(delimiter)
        .map(|i| key[..prefix.len() + i + delimiter.len()].to_owned())
}

pub(crate) fn list_objects(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let enc = Enc::of(ctx)?;
    let prefix = ctx.q("prefix").unwrap_or("").to_owned();
    let delimiter = ctx.q("delimiter").unwrap_or("").to_owned();
    let marker = ctx.q("marker").unwrap_or("").to_owned();
    let max = ctx.q_page_size("max-keys")?;
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    let mut contents = Vec::new();
    let mut prefixes: Vec<String> = Vec::new();
    let mut truncated = false;
    let mut last = None::<String>;
    for (key, versions) in b.objects.range::<str, _>((
        std::ops::Bound::Excluded(marker.as_str()),
        std::ops::Bound::Unbounded,
    )) {
        if !key.starts_with(&prefix) {
            if key.as_str() > prefix.as_str() {
                break;
            }
            continue;
        }
        let Some(obj) = versions.last().and_then(|v| v.object.as_ref()) else {
            continue;
        };
        let folded = fold(key, &prefix, &delimiter);
        // A common prefix already returned (on this page, or as the marker) is skipped.
        if let Some(p) = &folded
            && (prefixes.last() == Some(p) || p.as_str() <= marker.as_str())
        {
            continue;
        }
        if contents.len() + prefixes.len() >= max {
            truncated = true;
            break;
        }
        match folded {
            Some(p) => {
                last = Some(p.clone());
                prefixes.push(p);
            }
            None => {
                last = Some(key.clone());
                let mut o = ObjectSummary::default();
                o.key = enc.s(key);
                o.last_modified = iso8601(obj.last_modified);
                o.etag = obj.etag.clone();
                o.size = obj.size;
                o.owner = Some(Owner::new(super::OWNER_UIN));
                o.storage_class = obj.storage_class.clone();
                contents.push(o);
            }
        }
    }
    let mut doc = ListBucketResult::default();
    doc.name = b.name.clone();
    doc.encoding_type = enc.name();
    doc.prefix = enc.s(&prefix);
    doc.marker = enc.s(&marker);
    doc.max_keys = u32::try_from(max).unwrap_or(1000);
    doc.delimiter = (!delimiter.is_empty()).then(|| enc.s(&delimiter));
    doc.is_truncated = truncated;
    doc.next_marker = if truncated {
        last.map(|l| enc.s(&l))
    } else {
        None
    };
    doc.common_prefixes = prefixes
        .iter()
        .map(|p| CommonPrefix::new(enc.s(p)))
        .collect();
    doc.contents = contents;
    drop(st);
    xml(&doc)
}

pub(crate) fn list_versions(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let enc = Enc::of(ctx)?;
    let prefix = ctx.q("prefix").unwrap_or("").to_owned();
    let delimiter = ctx.q("delimiter").unwrap_or("").to_owned();
    let key_marker = ctx.q("key-marker").unwrap_or("").to_owned();
    let vid_marker = ctx.q("version-id-marker").unwrap_or("").to_owned();
    let max = ctx.q_page_size("max-keys")?;
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    let mut entries = Vec::new();
    let mut prefixes: Vec<String> = Vec::new();
    let mut truncated = false;
    let mut next: Option<(String, String)> = None;
    'keys: for (key, versions) in &b.objects {
        if !key.starts_with(&prefix) || key.as_str() < key_marker.as_str() {
            continue;
        }
        if !key_marker.is_empty() && *key == key_marker && vid_marker.is_empty() {
            continue;
        }
        let folded = fold(key, &prefix, &delimiter);
        if let Some(p) = folded {
            // A common prefix at or before the key marker was returned on an earlier
            // page (it is the marker when a page ended on it).
            if p.as_str() <= key_marker.as_str() {
                continue;
            }
            if prefixes.last() != Some(&p) {
                if entries.len() + prefixes.len() >= max {
                    truncated = true;
                    break;
                }
                next = Some((p.clone(), String::new()));
                prefixes.push(p);
            }
            continue;
        }
        let n = versions.len();
        let mut skipping = *key == key_marker && !vid_marker.is_empty();
        for (i, v) in versions.iter().enumerate().rev() {
            if skipping {
                if v.id == vid_marker {
                    skipping = false;
                }
                continue;
            }
            if entries.len() + prefixes.len() >= max {
                truncated = true;
                break 'keys;
            }
            let is_latest = i + 1 == n;
            next = Some((key.clone(), v.id.clone()));
            entries.push(match &v.object {
                Some(o) => {
                    let mut e = ObjectVersion::default();
                    e.key = enc.s(key);
                    e.version_id = v.id.clone();
                    e.is_latest = is_latest;
                    e.last_modified = iso8601(v.last_modified);
                    e.etag = o.etag.clone();
                    e.size = o.size;
                    e.storage_class = o.storage_class.clone();
                    e.owner = Some(Owner::new(owner_id()));
                    VersionEntry::Version(e)
                }
                None => {
                    let mut e = DeleteMarkerEntry::default();
                    e.key = enc.s(key);
                    e.version_id = v.id.clone();
                    e.is_latest = is_latest;
                    e.last_modified = iso8601(v.last_modified);
                    e.owner = Some(Owner::new(owner_id()));
                    VersionEntry::DeleteMarker(e)
                }
            });
        }
    }
    let (nk, nv) = match (truncated, next) {
        (true, Some((k, v))) => (Some(enc.s(&k)), Some(v)),
        _ => (None, None),
    };
    let mut doc = ListVersionsResult::default();
    doc.encoding_type = enc.name();
    doc.name = b.name.clone();
    doc.prefix = enc.s(&prefix);
    doc.key_marker = enc.s(&key_marker);
    doc.version_id_marker = vid_marker.clone();
    doc.max_keys = u32::try_from(max).unwrap_or(1000);
    doc.delimiter = (!delimiter.is_empty()).then(|| enc.s(&delimiter));
    doc.is_truncated = truncated;
    doc.next_key_marker = nk;
    doc.next_version_id_marker = nv;
    doc.common_prefixes = prefixes
        .iter()
        .map(|p| CommonPrefix::new(enc.s(p)))
        .collect();
    doc.entries = entries;
    drop(st);
    xml(&doc)
}

pub(crate) fn list_uploads(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let enc = Enc::of(ctx)?;
    let prefix = ctx.q("prefix").unwrap_or("").to_owned();
    let delimiter = ctx.q("delimiter").unwrap_or("").to_owned();
    let key_marker = ctx.q("key-marker").unwrap_or("").to_owned();
    let id_marker = ctx.q("upload-id-marker").unwrap_or("").to_owned();
    let max = ctx.q_page_size("max-uploads")?;
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    let mut all: Vec<_> = b
        .uploads
        .values()
        .filter(|u| u.key.starts_with(&prefix))
        .filter(|u| {
            key_marker.is_empty()
                || u.key > key_marker
                || (u.key == key_marker && !id_marker.is_empty() && u.id > id_marker)
        })
        .collect();
    all.sort_by(|a, b| (&a.key, a.initiated, &a.id).cmp(&(&b.key, b.initiated, &b.id)));
    let mut uploads = Vec::new();
    let mut prefixes = BTreeSet::new();
    let mut truncated = false;
    let mut next = None;
    for u in all {
        let folded = fold(&u.key, &prefix, &delimiter);
        // A common prefix already returned (on this page, or on an earlier one: the
        // key marker is the prefix a page ended on) is skipped.
        if let Some(p) = &folded
            && (prefixes.contains(p) || p.as_str() <= key_marker.as_str())
        {
            continue;
        }
        if uploads.len() + prefixes.len() >= max {
            truncated = true;
            break;
        }
        match folded {
            Some(p) => {
                // The next page starts after the whole prefix, not after one upload
                // under it.
                next = Some((p.clone(), String::new()));
                prefixes.insert(p);
            }
            None => {
                next = Some((u.key.clone(), u.id.clone()));
                let mut x = XmlUpload::default();
                x.key = enc.s(&u.key);
                x.upload_id = u.id.clone();
                x.storage_class = u.template.storage_class.clone();
                x.initiator = Some(Owner::new(owner_id()));
                x.owner = Some(Owner::new(owner_id()));
                x.initiated = iso8601(u.initiated);
                uploads.push(x);
            }
        }
    }
    let (nk, ni) = match (truncated, next) {
        (true, Some((k, i))) => (Some(enc.s(&k)), Some(i)),
        _ => (None, None),
    };
    let mut doc = ListMultipartUploadsResult::default();
    doc.bucket = b.name.clone();
    doc.encoding_type = enc.name();
    doc.key_marker = Some(enc.s(&key_marker));
    doc.upload_id_marker = Some(id_marker.clone());
    doc.next_key_marker = nk;
    doc.next_upload_id_marker = ni;
    doc.max_uploads = u32::try_from(max).unwrap_or(1000);
    doc.is_truncated = truncated;
    doc.prefix = Some(enc.s(&prefix));
    doc.delimiter = (!delimiter.is_empty()).then(|| enc.s(&delimiter));
    doc.uploads = uploads;
    doc.common_prefixes = prefixes
        .iter()
        .map(|p| CommonPrefix::new(enc.s(p)))
        .collect();
    drop(st);
    xml(&doc)
}
