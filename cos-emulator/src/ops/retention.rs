//! Object retention: PUT/GET Object `?retention`, and the writes it forbids.
//!
//! COS keeps an object with a retention (mode `COMPLIANCE`, the only one the official
//! Go SDK's tests send: `tencentyun/cos-go-sdk-v5` `bucket_object_lock_test.go`) from
//! being deleted or overwritten until its `RetainUntilDate`; a retention can be
//! extended, never shortened. The date is kept in [`ObjectRecord::retain_until`],
//! which the bucket's default object lock sets too (`ops/object_lock.rs`); one check
//! refuses the writes it forbids, on every path (`storage/retention.rs`). It does not
//! require the bucket's object-lock configuration (`?object-lock`, a bucket
//! configuration), and answers GET of an object without retention with 404
//! `NoSuchObjectLockConfiguration` (the S3-compatible code).

use cos_xml::Retention;
use hyper::{Response, StatusCode};

use super::{Ctx, response, xml};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::time::iso8601;

pub(crate) async fn put_retention(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let doc: Retention = ctx.xml_body().await?;
    let mode = doc.mode.as_deref().unwrap_or("COMPLIANCE");
    if mode != "COMPLIANCE" {
        return Err(ApiError::malformed_xml(format!("unknown retention Mode {mode:?}")).into());
    }
    let date = doc
        .retain_until_date
        .as_deref()
        .ok_or_else(|| ApiError::malformed_xml("RetainUntilDate is missing"))?;
    let until = cos_xml::time::parse_time(date)
        .map(cos_auth::qsign::to_unix)
        .map_err(ApiError::malformed_xml)?;
    let now = ctx.now();
    if until <= now {
        return Err(ApiError::invalid_argument("RetainUntilDate must be in the future.").into());
    }
    let (name, key) = (ctx.bucket().to_owned(), ctx.key().to_owned());
    let version = ctx.q("versionId").map(str::to_owned);
    ctx.shared
        .store
        .update(|st| {
            let obj = st.bucket_mut(&name)?.object_mut(&key, version.as_deref())?;
            if obj.retain_until.is_some_and(|u| u > until) {
                return Err(ApiError::access_denied(
                    "A COMPLIANCE retention can be extended, not shortened.",
                ));
            }
            obj.retain_until = Some(until);
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::OK))
}

pub(crate) fn get_retention(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let st = ctx.shared.store.lock();
    let v = st
        .bucket(ctx.bucket())?
        .version(ctx.key(), ctx.q("versionId"))?;
    let obj = v.object.as_ref().ok_or_else(ApiError::no_such_key)?;
    let until = obj.retain_until.ok_or_else(|| {
        ApiError::new(
            404,
            "NoSuchObjectLockConfiguration",
            "The object has no retention.",
        )
    })?;
    drop(st);
    xml(&Retention {
        retain_until_date: Some(iso8601(until)),
        mode: Some("COMPLIANCE".to_owned()),
    })
}
