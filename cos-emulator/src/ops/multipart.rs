//! Multipart uploads: initiate, upload part (and part copy), list parts, complete, abort.

use std::collections::BTreeMap;

use cos_xml::{
    CompleteMultipartUpload, CompleteMultipartUploadResult, CopyPartResult,
    InitiateMultipartUploadResult, ListPartsResult, Owner, Part,
};
use http_body_util::BodyExt;
use hyper::{Response, StatusCode};
use md5::Digest;

use super::copy::copy_source;
use super::object::{check_traffic_limit, etag_of, receive_body, record_from_headers};
use super::{Ctx, owner_id, response, set_header, xml};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::storage::{ObjectRecord, PartRecord, Segment, Upload, hex, read_range};
use crate::time::iso8601;

/// Smallest part other than the last.
const MIN_PART: u64 = 1 << 20;

fn upload_id(ctx: &Ctx<'_>) -> String {
    ctx.q("uploadId").unwrap_or("").to_owned()
}

fn part_number(ctx: &Ctx<'_>) -> Result<u32, ApiError> {
    ctx.q("partNumber")
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|n| (1..=10_000).contains(n))
        .ok_or_else(|| {
            ApiError::invalid_argument(
                "Part number must be an integer between 1 and 10000, inclusive.",
            )
        })
}

pub(crate) async fn initiate(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let template = record_from_headers(ctx)?;
    let sse = template.headers.clone();
    ctx.body.drain().await?;
    let (name, key) = (ctx.bucket().to_owned(), ctx.key().to_owned());
    let now = ctx.now();
    let id = ctx
        .shared
        .store
        .update(|st| {
            st.bucket(&name)?;
            let n = st.next_id();
            let digest: [u8; 16] = md5::Md5::digest(format!("{name}/{key}/{n}/{now}")).into();
            let id = format!("{now}{}", hex(&digest));
            st.bucket_mut(&name)?.uploads.insert(
                id.clone(),
                Upload {
                    key: key.clone(),
                    id: id.clone(),
                    initiated: now,
                    template,
                    parts: BTreeMap::new(),
                },
            );
            Ok(id)
        })
        .await?;
    let mut r = xml(&InitiateMultipartUploadResult::new(
        ctx.bucket(),
        ctx.key(),
        id,
    ))?;
    super::sse::report(&mut r, &sse);
    Ok(r)
}

fn check_upload(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    let st = ctx.shared.store.lock();
    let u = st
        .bucket(ctx.bucket())?
        .uploads
        .get(&upload_id(ctx))
        .ok_or_else(ApiError::no_such_upload)?;
    if u.key != ctx.key() {
        return Err(ApiError::no_such_upload());
    }
    // A part of an SSE-C upload carries the key the upload was initiated with.
    super::sse::check_key(ctx, "x-cos-", &u.template.headers)
}

/// Records a received part, replacing any earlier one with the same number.
async fn store_part(ctx: &Ctx<'_>, number: u32, part: PartRecord) -> OpResult<()> {
    let (name, id) = (ctx.bucket().to_owned(), upload_id(ctx));
    let segments = part.segments.clone();
    let r = ctx
        .shared
        .store
        .update(|st| {
            let u = st
                .bucket_mut(&name)?
                .uploads
                .get_mut(&id)
                .ok_or_else(ApiError::no_such_upload)?;
            u.parts.insert(number, part);
            Ok(())
        })
        .await;
    if r.is_err() {
        ctx.shared.store.forget(segments).await;
    }
    r
}

pub(crate) async fn upload_part(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    check_traffic_limit(ctx)?;
    let number = part_number(ctx)?;
    check_upload(ctx)?;
    let (segments, d) = receive_body(ctx).await?;
    let etag = etag_of(&d);
    store_part(
        ctx,
        number,
        PartRecord {
            size: d.len,
            etag: etag.clone(),
            crc64: d.crc64,
            last_modified: ctx.now(),
            segments,
        },
    )
    .await?;
    let mut r = response(StatusCode::OK);
    set_header(&mut r, "etag", &etag);
    set_header(&mut r, "x-cos-hash-crc64ecma", &d.crc64.to_string());
    Ok(r)
}

fn parse_source_range(spec: &str, size: u64) -> Result<(u64, u64), ApiError> {
    let bad = || ApiError::invalid_argument("Invalid x-cos-copy-source-range.");
    let (a, b) = spec
        .trim()
        .strip_prefix("bytes=")
        .and_then(|r| r.split_once('-'))
        .ok_or_else(bad)?;
    let (a, b): (u64, u64) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
    if a > b || b >= size {
        return Err(ApiError::new(
            416,
            "InvalidRange",
            "The requested range is not satisfiable.",
        ));
    }
    Ok((a, b + 1))
}

pub(crate) async fn upload_part_copy(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let number = part_number(ctx)?;
    check_upload(ctx)?;
    let (src, _, _) = copy_source(ctx)?;
    ctx.body.drain().await?;
    let (start, end) = match ctx.h("x-cos-copy-source-range") {
        Some(spec) => parse_source_range(spec, src.size)?,
        None => (0, src.size),
    };
    let mut source = read_range(&src.segments, start, end, ctx.shared.store.blob_dir());
    let mut w = ctx.shared.store.writer(true).await?;
    while let Some(frame) = source.frame().await {
        if let Ok(data) = frame?.into_data() {
            w.write(data).await?;
        }
    }
    let (segments, d) = w.finish().await?;
    let etag = etag_of(&d);
    let modified = ctx.now();
    store_part(
        ctx,
        number,
        PartRecord {
            size: d.len,
            etag: etag.clone(),
            crc64: d.crc64,
            last_modified: modified,
            segments,
        },
    )
    .await?;
    let mut doc = CopyPartResult::new(etag, iso8601(modified));
    doc.crc64 = Some(d.crc64.to_string());
    xml(&doc)
}

fn unquote(etag: &str) -> &str {
    etag.trim().trim_matches('"')
}

/// Raw bytes of a hex MD5 (ETags of parts); `None` if not hex.
fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

pub(crate) async fn complete(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let doc: CompleteMultipartUpload = ctx.xml_body().await?;
    if doc.parts.is_empty() {
        return Err(ApiError::malformed_xml("no Part").into());
    }
    let (name, key, id) = (
        ctx.bucket().to_owned(),
        ctx.key().to_owned(),
        upload_id(ctx),
    );
    let forbid = ctx
        .h("x-cos-forbid-overwrite")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let now = ctx.now();
    let (etag, crc, version, sse) = ctx
        .shared
        .store
        .update(|st| {
            let b = st.bucket(&name)?;
            let u = b.uploads.get(&id).filter(|u| u.key == key).ok_or_else(ApiError::no_such_upload)?;
            if forbid && b.current(&key).is_some() {
                return Err(ApiError::new(409, "FileAlreadyExists", "The object already exists and x-cos-forbid-overwrite is set."));
            }
            if doc.parts.windows(2).any(|w| w[1].part_number <= w[0].part_number) {
                return Err(ApiError::new(400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number."));
            }
            let mut md5s = md5::Md5::new();
            let mut crc = 0u64;
            let mut size = 0u64;
            let mut segments: Vec<Segment> = Vec::new();
            let n = doc.parts.len();
            for (i, p) in doc.parts.iter().enumerate() {
                let invalid = || ApiError::new(400, "InvalidPart", "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.");
                let part = u.parts.get(&p.part_number).ok_or_else(invalid)?;
                if unquote(&p.etag) != unquote(&part.etag) {
                    return Err(invalid());
                }
                if i + 1 < n && part.size < MIN_PART {
                    return Err(ApiError::new(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size."));
                }
                md5s.update(unhex(unquote(&part.etag)).unwrap_or_default());
                crc = cos_crc64::combine(crc, part.crc64, part.size);
                size += part.size;
                segments.extend(part.segments.iter().cloned());
            }
            let etag = format!("\"{}-{n}\"", hex(&md5s.finalize()));
            let b = st.bucket_mut(&name)?;
            let Some(upload) = b.uploads.remove(&id) else {
                return Err(ApiError::no_such_upload());
            };
            // Parts left out of the list are dropped (with the upload).
            let sse = upload.template.headers.clone();
            let record = ObjectRecord {
                size,
                etag: etag.clone(),
                crc64: crc,
                segments,
                last_modified: now,
                ..upload.template
            };
            let version = st.put_version(&name, &key, Some(record), now)?;
            Ok((etag, crc, version, sse))
        })
        .await?;
    let mut doc = CompleteMultipartUploadResult::default();
    doc.location = format!("{}/{}", ctx.host, key);
    doc.bucket = name;
    doc.key = key;
    doc.etag = etag;
    let mut r = xml(&doc)?;
    set_header(&mut r, "x-cos-hash-crc64ecma", &crc.to_string());
    if version != "null" {
        set_header(&mut r, "x-cos-version-id", &version);
    }
    super::sse::report(&mut r, &sse);
    Ok(r)
}

pub(crate) async fn abort(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let (name, key, id) = (
        ctx.bucket().to_owned(),
        ctx.key().to_owned(),
        upload_id(ctx),
    );
    ctx.shared
        .store
        .update(|st| {
            let b = st.bucket_mut(&name)?;
            if b.uploads.get(&id).is_none_or(|u| u.key != key) {
                return Err(ApiError::no_such_upload());
            }
            b.uploads.remove(&id);
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::NO_CONTENT))
}

pub(crate) fn list_parts(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let marker: u32 = ctx.q_num("part-number-marker")?.unwrap_or(0);
    let max = ctx.q_page_size("max-parts")?;
    let encode = ctx.q("encoding-type") == Some("url");
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    let u = b
        .uploads
        .get(&upload_id(ctx))
        .filter(|u| u.key == ctx.key())
        .ok_or_else(ApiError::no_such_upload)?;
    let all: Vec<_> = u.parts.range(marker + 1..).collect();
    let truncated = all.len() > max;
    let parts: Vec<Part> = all
        .iter()
        .take(max)
        .map(|(n, p)| {
            let mut part = Part::default();
            part.part_number = **n;
            part.last_modified = iso8601(p.last_modified);
            part.etag = p.etag.clone();
            part.size = p.size;
            part
        })
        .collect();
    let mut doc = ListPartsResult::default();
    doc.bucket = b.name.clone();
    doc.encoding_type = encode.then(|| "url".to_owned());
    doc.key = if encode {
        percent_encoding::utf8_percent_encode(&u.key, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
    } else {
        u.key.clone()
    };
    doc.upload_id = u.id.clone();
    doc.initiator = Some(Owner::new(owner_id()));
    doc.owner = Some(Owner::new(owner_id()));
    doc.part_number_marker = marker;
    doc.next_part_number_marker = parts.last().map(|p| p.part_number);
    doc.parts = parts;
    doc.storage_class = u.template.storage_class.clone();
    doc.max_parts = u32::try_from(max).unwrap_or(1000);
    doc.is_truncated = truncated;
    drop(st);
    xml(&doc)
}
