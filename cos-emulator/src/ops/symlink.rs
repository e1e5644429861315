//! Symlinks: PUT/GET Object `?symlink`, and GET/HEAD Object through a symlink.
//!
//! As COS describes them ("软链接概述", <https://cloud.tencent.com/document/product/436/109082>):
//! a symlink is a special STANDARD object of the same bucket whose content is its
//! target's key, with its own metadata, ACL, `ETag` (the MD5 of that content) and
//! `Last-Modified`; its `Content-Type` defaults to the one the target key's suffix
//! names. GET and HEAD Object through a symlink answer the target's content and
//! metadata. The target is named by `x-cos-symlink-target` (PUT) and reported in that
//! header (GET `?symlink`), as the official Go SDK sends and reads it
//! (`tencentyun/cos-go-sdk-v5` `object_test.go`, `TestObjectService_PutSymlink`,
//! `TestObjectService_GetSymlink`).
//!
//! The target is resolved at read time (it need not exist when the symlink is made):
//! a missing target, or a target that is itself a symlink (one level is followed),
//! answers 404 `NoSuchKey`.

use bytes::Bytes;
use hyper::{Response, StatusCode};

use super::object::{commit, etag_of, forbid_overwrite, record_from_headers, write_headers};
use super::{Ctx, response, set_header};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::storage::{Bucket, ObjectRecord, Version};
use crate::time::http_date;

/// Where a symlink keeps its target among the stored headers (never sent as one:
/// reads follow the symlink).
const TARGET: &str = "x-cos-symlink-target";

/// The target of `obj`, if it is a symlink.
pub(crate) fn target_of(obj: &ObjectRecord) -> Option<&str> {
    obj.headers
        .iter()
        .find(|(k, _)| k == TARGET)
        .map(|(_, v)| v.as_str())
}

/// What a read of `v` serves: `v` itself, or for a symlink its target's current
/// version.
///
/// Errors: 404 `NoSuchKey` when the target is missing, a delete marker or a symlink.
pub(crate) fn follow<'a>(
    b: &'a Bucket,
    v: &'a Version,
    obj: &'a ObjectRecord,
) -> Result<(&'a Version, &'a ObjectRecord), ApiError> {
    let Some(target) = target_of(obj) else {
        return Ok((v, obj));
    };
    let tv = b.version(target, None)?;
    match &tv.object {
        Some(t) if target_of(t).is_none() => Ok((tv, t)),
        _ => Err(ApiError::no_such_key()),
    }
}

pub(crate) async fn put_symlink(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let raw = ctx
        .h(TARGET)
        .ok_or_else(|| ApiError::invalid_argument("x-cos-symlink-target is missing."))?;
    let target = percent_encoding::percent_decode_str(raw.trim_start_matches('/'))
        .decode_utf8()
        .map_err(|_| ApiError::invalid_argument("x-cos-symlink-target is not UTF-8."))?
        .into_owned();
    if target.is_empty() || target == ctx.key() {
        return Err(ApiError::invalid_argument(
            "x-cos-symlink-target must name another object of the bucket.",
        )
        .into());
    }
    crate::routing::check_key(&target)?;
    let mut record = record_from_headers(ctx)?;
    if ctx.h("content-type").is_none() {
        record.headers.retain(|(k, _)| k != "Content-Type");
        record.headers.insert(
            0,
            (
                "Content-Type".to_owned(),
                super::object::content_type_of_key(&target),
            ),
        );
    }
    let mut w = ctx.shared.store.writer(true).await?;
    w.write(Bytes::from(target.clone().into_bytes())).await?;
    let (segments, d) = w.finish().await?;
    record.size = d.len;
    record.crc64 = d.crc64;
    record.etag = etag_of(&d);
    record.segments = segments;
    record.headers.push((TARGET.to_owned(), target));
    let etag = record.etag.clone();
    let version = commit(ctx, record, forbid_overwrite(ctx)).await?;
    let mut r = response(StatusCode::OK);
    write_headers(&mut r, &etag, d.crc64, &version);
    Ok(r)
}

pub(crate) fn get_symlink(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    let v = b.version(ctx.key(), ctx.q("versionId"))?;
    let obj = v.object.as_ref().ok_or_else(ApiError::no_such_key)?;
    let target = target_of(obj).ok_or_else(|| {
        ApiError::invalid_argument("The object is not a symlink: it has no x-cos-symlink-target.")
    })?;
    let mut r = response(StatusCode::OK);
    set_header(
        &mut r,
        TARGET,
        cos_auth::encode::url_path(target).trim_start_matches('/'),
    );
    set_header(&mut r, "etag", &obj.etag);
    set_header(&mut r, "last-modified", &http_date(obj.last_modified));
    if v.id != "null" {
        set_header(&mut r, "x-cos-version-id", &v.id);
    }
    Ok(r)
}
