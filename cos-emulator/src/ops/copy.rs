//! PUT Object - Copy, and the copy source Upload Part - Copy shares.

use cos_xml::CopyObjectResult;
use hyper::Response;

use super::object::{commit, conditions, forbid_overwrite, is_archive, record_from_headers};
use super::{Ctx, set_header, xml};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::storage::ObjectRecord;
use crate::time::iso8601;

/// `bucket.cos.region.myqcloud.com/key?versionId=x` → (bucket, key, version).
pub(crate) fn parse_copy_source(v: &str) -> Result<(String, String, Option<String>), ApiError> {
    let bad = || ApiError::invalid_argument("Invalid x-cos-copy-source.");
    let v = v.trim();
    let v = v
        .strip_prefix("http://")
        .or_else(|| v.strip_prefix("https://"))
        .unwrap_or(v);
    let (v, version) = match v.split_once("?versionId=") {
        Some((p, id)) => (p, Some(cos_auth::encode::decode_path(id))),
        None => (v, None),
    };
    let (host, raw_path) = v.split_once('/').ok_or_else(bad)?;
    let target = crate::routing::resolve(host, &format!("/{raw_path}"))?;
    let target = if target.bucket.is_none() && !host.contains('.') {
        crate::routing::resolve("127.0.0.1", &format!("/{host}/{raw_path}"))?
    } else {
        target
    };
    match (target.bucket, target.key) {
        (Some(b), Some(k)) => Ok((b, k, version)),
        _ => Err(bad()),
    }
}

/// The current (or given) version of a copy source, checked for conditions.
pub(crate) fn copy_source(ctx: &Ctx<'_>) -> Result<(ObjectRecord, String, String), ApiError> {
    let header = ctx.h("x-cos-copy-source").unwrap_or("");
    let (bucket, key, version) = parse_copy_source(header)?;
    let st = ctx.shared.store.lock();
    let b = st.bucket(&bucket)?;
    let v = b.version(&key, version.as_deref())?;
    let obj = v.object.as_ref().ok_or_else(ApiError::no_such_key)?;
    super::sse::check_key(ctx, "x-cos-copy-source-", &obj.headers)?;
    if !conditions(ctx, "x-cos-copy-source-", obj)? {
        return Err(ApiError::precondition_failed());
    }
    if is_archive(&obj.storage_class) && !super::restore::readable(obj, ctx.now()) {
        return Err(ApiError::new(
            403,
            "InvalidObjectState",
            "The source object is archived and not restored.",
        ));
    }
    Ok((obj.clone(), bucket, key))
}

pub(crate) async fn copy_object(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let (src, src_bucket, src_key) = copy_source(ctx)?;
    ctx.body.drain().await?;
    let directive = ctx.h("x-cos-metadata-directive").unwrap_or("Copy");
    let replace = match directive {
        "Copy" => false,
        "Replaced" => true,
        other => {
            return Err(ApiError::invalid_argument(format!(
                "Invalid x-cos-metadata-directive {other:?}."
            ))
            .into());
        }
    };
    let same = src_bucket == ctx.bucket() && src_key == ctx.key();
    if same && !replace && ctx.h("x-cos-storage-class").is_none() {
        return Err(ApiError::new(
            400,
            "InvalidRequest",
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        )
        .into());
    }
    ctx.shared.store.lock().bucket(ctx.bucket())?;
    let fresh = record_from_headers(ctx)?;
    let mut record = if replace {
        fresh.clone()
    } else {
        ObjectRecord {
            storage_class: fresh.storage_class.clone(),
            acl: fresh.acl.clone(),
            ..src.clone()
        }
    };
    super::sse::replace_kept(&mut record.headers, &fresh.headers);
    super::replication::replace_status(&mut record.headers, &fresh.headers);
    if ctx.h("x-cos-tagging-directive") != Some("Replaced") {
        record.tags = src.tags.clone();
    }
    record.size = src.size;
    record.etag = src.etag.clone();
    record.crc64 = src.crc64;
    record.appendable = false;
    record.restored_until = None;
    record.restore_ready_at = None;
    record.retain_until = None;
    record.last_modified = ctx.now();
    record.segments = ctx.shared.store.clone_segments(&src.segments).await?;
    let (etag, crc, modified) = (record.etag.clone(), record.crc64, record.last_modified);
    let sse = record.headers.clone();
    let version = commit(ctx, record, forbid_overwrite(ctx)).await?;
    let mut doc = CopyObjectResult::new(etag.clone(), iso8601(modified));
    doc.version_id = (version != "null").then(|| version.clone());
    doc.crc64 = Some(crc.to_string());
    let mut r = xml(&doc)?;
    if version != "null" {
        set_header(&mut r, "x-cos-version-id", &version);
    }
    set_header(&mut r, "x-cos-hash-crc64ecma", &crc.to_string());
    super::sse::report(&mut r, &sse);
    Ok(r)
}
