//! Object operations: put, get/head, restore, and the helpers the other writes share
//! (copy, append, multipart); deletes are in `delete.rs`.

use hyper::header::{CONTENT_LENGTH, ETAG, HeaderName, HeaderValue};
use hyper::{Method, Response, StatusCode};

// The v4 API deletes through `object::delete_object`.
pub(crate) use super::delete::delete_object;
use super::{Ctx, acl, check_md5_digest, response, set_header};
use crate::body::RespBody;
use crate::errors::{ApiError, Failure, OpResult};
use crate::storage::{Digests, ObjectRecord, Segment, Version, read_range};
use crate::time::{http_date, parse_http_date};

/// Standard headers stored with an object and returned by GET/HEAD.
pub(crate) const STORED_HEADERS: [&str; 6] = [
    "Content-Type",
    "Cache-Control",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Expires",
];

pub(crate) const STORAGE_CLASSES: [&str; 9] = [
    "STANDARD",
    "STANDARD_IA",
    "ARCHIVE",
    "DEEP_ARCHIVE",
    "INTELLIGENT_TIERING",
    "MAZ_STANDARD",
    "MAZ_STANDARD_IA",
    "MAZ_INTELLIGENT_TIERING",
    "MAZ_ARCHIVE",
];

/// Largest object accepted by a single PUT (5 GiB).
pub(crate) const MAX_PUT: u64 = 5 << 30;

pub(crate) fn is_archive(class: &str) -> bool {
    class.ends_with("ARCHIVE")
}

/// Checks `x-cos-traffic-limit` (bit/s, 819200..=838860800).
pub(crate) fn check_traffic_limit(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    let Some(v) = ctx
        .h("x-cos-traffic-limit")
        .or_else(|| ctx.q("x-cos-traffic-limit"))
    else {
        return Ok(());
    };
    match v.trim().parse::<u64>() {
        Ok(n) if (819_200..=838_860_800).contains(&n) => Ok(()),
        _ => Err(ApiError::invalid_argument(format!(
            "x-cos-traffic-limit {v:?} is out of range 819200..838860800."
        ))),
    }
}

fn parse_tagging_header(v: &str) -> Result<Vec<(String, String)>, ApiError> {
    let tags = cos_auth::encode::decode_query(v);
    if tags.len() > 10 || tags.iter().any(|(k, _)| k.is_empty()) {
        return Err(ApiError::invalid_argument("Invalid x-cos-tagging."));
    }
    Ok(tags)
}

/// The `Content-Type` COS gives an object uploaded without one: the type its key's
/// extension names (`1.zip` → `application/zip`, `1.txt` → `text/plain`), else
/// `application/octet-stream`: the official Node SDK's tests against COS expect
/// exactly that of `putObject` and `sliceUploadFile` without `Content-Type`
/// (`cos-nodejs-sdk-v5` `test/test.js`, "putObject string Content-Type null ->
/// application/zip", "sliceUploadFile string Content-Type null -> text/plain",
/// "text 2" → `application/octet-stream`).
pub(crate) fn content_type_of_key(key: &str) -> String {
    mime_guess::from_path(key)
        .first_raw()
        .unwrap_or("application/octet-stream")
        .to_owned()
}

/// The metadata of a new object from its request headers (sizes and hashes empty).
///
/// An empty standard header counts as absent, as in COS: the official Node SDK sends
/// `Cache-Control:` (and `Content-Type:` on multipart init) empty on purpose, "so that
/// a proxy's value is not stored as the object's" (`cos-nodejs-sdk-v5` `sdk/base.js`
/// `putObject`, `multipartInit`).
pub(crate) fn record_from_headers(ctx: &Ctx<'_>) -> Result<ObjectRecord, ApiError> {
    let mut headers = Vec::new();
    for name in STORED_HEADERS {
        if let Some(v) = ctx.h(name).map(str::trim).filter(|v| !v.is_empty()) {
            headers.push((name.to_owned(), v.to_owned()));
        }
    }
    if !headers.iter().any(|(k, _)| k == "Content-Type") {
        headers.insert(
            0,
            ("Content-Type".to_owned(), content_type_of_key(ctx.key())),
        );
    }
    headers.extend(super::sse::kept_headers(ctx)?);
    // Default encryption of the bucket (ops/encryption.rs).
    headers.extend(super::encryption::default_headers(ctx)?);
    headers.extend(super::replication::source_headers(ctx)?);
    let meta = ctx
        .headers
        .iter()
        .filter(|(k, _)| k.as_str().starts_with("x-cos-meta-"))
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let storage_class = match ctx.h("x-cos-storage-class") {
        None => "STANDARD".to_owned(),
        Some(c) => {
            let c = c.trim().to_ascii_uppercase();
            if !STORAGE_CLASSES.contains(&c.as_str()) {
                return Err(ApiError::new(
                    400,
                    "InvalidStorageClass",
                    "The storage class you specified is not valid.",
                ));
            }
            c
        }
    };
    let tags = match ctx.h("x-cos-tagging") {
        Some(v) => parse_tagging_header(v)?,
        None => Vec::new(),
    };
    Ok(ObjectRecord {
        size: 0,
        etag: String::new(),
        crc64: 0,
        segments: Vec::new(),
        headers,
        meta,
        storage_class,
        acl: acl::object_acl(ctx)?,
        tags,
        restored_until: None,
        restore_ready_at: None,
        retain_until: None,
        appendable: false,
        last_modified: ctx.now(),
    })
}

/// `"<md5 hex>"`, or in bench mode without MD5 a stand-in of the same shape.
pub(crate) fn etag_of(d: &Digests) -> String {
    let digest = d.md5.unwrap_or_else(|| {
        let mut stand_in = [0u8; 16];
        stand_in[..8].copy_from_slice(&d.crc64.to_be_bytes());
        stand_in[8..].copy_from_slice(&d.len.to_be_bytes());
        stand_in
    });
    let mut etag = String::with_capacity(34);
    etag.push('"');
    crate::storage::push_hex(&mut etag, &digest);
    etag.push('"');
    etag
}

/// Streams the request body into a new blob, checking `Content-MD5`.
pub(crate) async fn receive_body(ctx: &mut Ctx<'_>) -> OpResult<(Vec<Segment>, Digests)> {
    let md5_header = ctx.h("content-md5").map(str::to_owned);
    let want_md5 = !ctx.shared.store.bench_mode || md5_header.is_some();
    let mut w = ctx.shared.store.writer(want_md5).await?;
    while let Some(chunk) = ctx.body.chunk().await? {
        if w.len() + chunk.len() as u64 > MAX_PUT {
            return Err(ApiError::new(
                400,
                "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed object size.",
            )
            .into());
        }
        w.write(chunk).await?;
    }
    let (segments, digests) = w.finish().await?;
    if let (Some(h), Some(m)) = (md5_header, digests.md5)
        && let Err(e) = check_md5_digest(&h, &m)
    {
        ctx.shared.store.forget(segments).await;
        return Err(e.into());
    }
    Ok((segments, digests))
}

pub(crate) fn forbid_overwrite(ctx: &Ctx<'_>) -> bool {
    ctx.h("x-cos-forbid-overwrite")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

fn overwrite_forbidden() -> ApiError {
    ApiError::new(
        409,
        "FileAlreadyExists",
        "The object already exists and x-cos-forbid-overwrite is set.",
    )
}

/// Stores `record` as the new version of the addressed key; removes its files on failure.
pub(crate) async fn commit(ctx: &Ctx<'_>, record: ObjectRecord, forbid: bool) -> OpResult<String> {
    let (name, key, now) = (ctx.bucket(), ctx.key(), ctx.now());
    // Only files need removing on failure: memory is freed with the record.
    let files = if ctx.shared.store.on_disk() {
        record.segments.clone()
    } else {
        Vec::new()
    };
    let r = ctx
        .shared
        .store
        .update(|st| {
            if forbid && st.bucket(name)?.current(key).is_some() {
                return Err(overwrite_forbidden());
            }
            st.put_version(name, key, Some(record), now)
        })
        .await;
    if r.is_err() {
        ctx.shared.store.forget(files).await;
    }
    r
}

/// Adds the headers every write answer carries.
pub(crate) fn write_headers(r: &mut Response<RespBody>, etag: &str, crc64: u64, version: &str) {
    const CRC64: HeaderName = HeaderName::from_static("x-cos-hash-crc64ecma");
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(ETAG, v);
    }
    r.headers_mut().insert(CRC64, HeaderValue::from(crc64));
    if version != "null" {
        set_header(r, "x-cos-version-id", version);
    }
}

pub(crate) async fn put_object(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    check_traffic_limit(ctx)?;
    let mut record = record_from_headers(ctx)?;
    let forbid = forbid_overwrite(ctx);
    {
        let st = ctx.shared.store.lock();
        let b = st.bucket(ctx.bucket())?;
        if forbid && b.current(ctx.key()).is_some() {
            return Err(overwrite_forbidden().into());
        }
    }
    let (segments, d) = receive_body(ctx).await?;
    record.size = d.len;
    record.crc64 = d.crc64;
    record.etag = etag_of(&d);
    record.segments = segments;
    let etag = record.etag.clone();
    let sse = record.headers.clone();
    let version = commit(ctx, record, forbid).await?;
    let mut r = response(StatusCode::OK);
    write_headers(&mut r, &etag, d.crc64, &version);
    // The encryption the object got: the request's own or the bucket's default.
    super::sse::report(&mut r, &sse);
    Ok(r)
}

fn etag_matches(list: &str, etag: &str) -> bool {
    let bare = etag.trim_matches('"');
    list.split(',')
        .map(|t| t.trim().trim_start_matches("W/").trim_matches('"'))
        .any(|t| t == "*" || t == bare)
}

/// Evaluates conditional headers (`prefix` is `""` or `x-cos-copy-source-`):
/// `Err(412)`, `Ok(false)` for 304, `Ok(true)` to proceed.
pub(crate) fn conditions(
    ctx: &Ctx<'_>,
    prefix: &str,
    obj: &ObjectRecord,
) -> Result<bool, ApiError> {
    let h = |name: &str| ctx.h(&format!("{prefix}{name}"));
    if let Some(m) = h("if-match") {
        if !etag_matches(m, &obj.etag) {
            return Err(ApiError::precondition_failed());
        }
    } else if let Some(t) = h("if-unmodified-since").and_then(parse_http_date)
        && obj.last_modified > t
    {
        return Err(ApiError::precondition_failed());
    }
    if let Some(m) = h("if-none-match") {
        if etag_matches(m, &obj.etag) {
            return Ok(false);
        }
    } else if let Some(t) = h("if-modified-since").and_then(parse_http_date)
        && obj.last_modified <= t
    {
        return Ok(false);
    }
    Ok(true)
}

/// A byte range request: `Ok(None)` for the whole object.
fn parse_range(spec: &str, size: u64) -> Result<Option<(u64, u64)>, ApiError> {
    let invalid = || ApiError::invalid_range(size);
    let Some(r) = spec.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if r.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = r.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        let Ok(n) = b.parse::<u64>() else {
            return Ok(None);
        };
        if n == 0 || size == 0 {
            return Err(invalid());
        }
        (size.saturating_sub(n), size - 1)
    } else {
        let Ok(start) = a.parse::<u64>() else {
            return Ok(None);
        };
        let end = if b.is_empty() {
            size.saturating_sub(1)
        } else {
            match b.parse::<u64>() {
                Ok(e) if e >= start => e.min(size.saturating_sub(1)),
                _ => return Ok(None),
            }
        };
        if start >= size {
            return Err(invalid());
        }
        (start, end)
    };
    Ok(Some(range))
}

/// Headers describing a stored object.
fn object_headers(r: &mut Response<RespBody>, v: &Version, obj: &ObjectRecord, now: u64) {
    for (k, val) in &obj.headers {
        set_header(r, k, val);
    }
    for (k, val) in &obj.meta {
        set_header(r, k, val);
    }
    set_header(r, "etag", &obj.etag);
    set_header(r, "last-modified", &http_date(obj.last_modified));
    set_header(r, "accept-ranges", "bytes");
    set_header(r, "x-cos-hash-crc64ecma", &obj.crc64.to_string());
    if obj.storage_class != "STANDARD" {
        set_header(r, "x-cos-storage-class", &obj.storage_class);
    }
    if v.id != "null" {
        set_header(r, "x-cos-version-id", &v.id);
    }
    if !obj.tags.is_empty() {
        set_header(r, "x-cos-tagging-count", &obj.tags.len().to_string());
    }
    set_header(
        r,
        "x-cos-object-type",
        if obj.appendable {
            "appendable"
        } else {
            "normal"
        },
    );
    for (k, val) in super::object_lock::headers(obj).into_iter().flatten() {
        set_header(r, k, &val);
    }
    if let Some(restore) = super::restore::restore_header(obj, now) {
        set_header(r, "x-cos-restore", &restore);
    }
}

pub(crate) fn get_object(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    check_traffic_limit(ctx)?;
    let is_head = ctx.method == Method::HEAD;
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    let version_id = ctx.q("versionId");
    let v = b.version(ctx.key(), version_id)?;
    let Some(obj) = &v.object else {
        let e = if version_id.is_some() {
            ApiError::method_not_allowed()
        } else {
            ApiError::no_such_key()
        };
        return Err(Failure::Api(e));
    };
    // A symlink serves its target (issue 17).
    let (v, obj) = super::symlink::follow(b, v, obj)?;
    super::sse::check_key(ctx, "x-cos-", &obj.headers)?;
    if !conditions(ctx, "", obj)? {
        let mut r = response(StatusCode::NOT_MODIFIED);
        set_header(&mut r, "etag", &obj.etag);
        set_header(&mut r, "last-modified", &http_date(obj.last_modified));
        return Ok(r);
    }
    if !is_head && is_archive(&obj.storage_class) && !super::restore::readable(obj, ctx.now()) {
        return Err(ApiError::new(
            403,
            "InvalidObjectState",
            "The operation is not valid for the object's storage class.",
        )
        .into());
    }
    let range = match ctx.h("range") {
        Some(spec) => parse_range(spec, obj.size)?,
        None => None,
    };
    let (start, end) = range.map_or((0, obj.size), |(s, e)| (s, e + 1));
    let body = if is_head {
        RespBody::empty()
    } else {
        read_range(&obj.segments, start, end, ctx.shared.store.blob_dir())
    };
    let mut r = Response::new(body);
    if range.is_some() {
        *r.status_mut() = StatusCode::PARTIAL_CONTENT;
        set_header(
            &mut r,
            "content-range",
            &format!("bytes {start}-{}/{}", end - 1, obj.size),
        );
    }
    object_headers(&mut r, v, obj, ctx.now());
    drop(st);
    r.headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(end - start));
    for (param, header) in [
        ("response-content-type", "content-type"),
        ("response-content-language", "content-language"),
        ("response-expires", "expires"),
        ("response-cache-control", "cache-control"),
        ("response-content-disposition", "content-disposition"),
        ("response-content-encoding", "content-encoding"),
    ] {
        if let Some(v) = ctx.q(param) {
            set_header(&mut r, header, v);
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_quoted_hex() {
        let mut d = Digests {
            md5: None,
            crc64: 0x1234,
            len: 4096,
        };
        assert_eq!(etag_of(&d), "\"00000000000012340000000000001000\"");
        d.md5 = Some([0xab; 16]);
        assert_eq!(etag_of(&d), format!("\"{}\"", "ab".repeat(16)));
    }
}
