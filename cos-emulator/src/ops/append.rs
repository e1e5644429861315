//! APPEND Object.

use hyper::{Response, StatusCode};

use super::object::{check_traffic_limit, receive_body, record_from_headers, write_headers};
use super::{Ctx, response, set_header};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::storage::{ObjectRecord, State};

pub(crate) async fn append_object(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let position: u64 = ctx
        .q("position")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| ApiError::invalid_argument("Invalid position."))?;
    check_traffic_limit(ctx)?;
    let template = record_from_headers(ctx)?;
    let check = |st: &State, name: &str, key: &str| -> Result<(), ApiError> {
        let b = st.bucket(name)?;
        if b.versioning.is_some() {
            return Err(ApiError::new(
                409,
                "InvalidRequest",
                "Append is not supported in versioned buckets.",
            ));
        }
        let size = match b.current(key) {
            None => 0,
            Some(o) if !o.appendable => {
                return Err(ApiError::new(
                    409,
                    "ObjectNotAppendable",
                    "The object is not appendable.",
                ));
            }
            Some(o) => o.size,
        };
        if size != position {
            return Err(ApiError::new(
                409,
                "PositionNotEqualToLength",
                "The position is not equal to the object length.",
            ));
        }
        Ok(())
    };
    let (name, key) = (ctx.bucket().to_owned(), ctx.key().to_owned());
    check(&ctx.shared.store.lock(), &name, &key)?;
    let (segments, d) = receive_body(ctx).await?;
    let new_segments = segments.clone();
    let now = ctx.now();
    let result = ctx
        .shared
        .store
        .update(|st| {
            check(st, &name, &key)?;
            // The appended object replaces the current one through put_version, which
            // refuses it while that version is under retention (storage/retention.rs).
            let mut obj = match st.bucket(&name)?.current(&key) {
                Some(o) => o.clone(),
                None => ObjectRecord {
                    appendable: true,
                    ..template
                },
            };
            obj.crc64 = cos_crc64::combine(obj.crc64, d.crc64, d.len);
            obj.size += d.len;
            obj.segments.extend(segments);
            obj.etag = format!("\"{:016x}{:016x}\"", obj.crc64, obj.size);
            obj.last_modified = now;
            let out = (obj.size, obj.etag.clone(), obj.crc64);
            st.put_version(&name, &key, Some(obj), now)?;
            Ok(out)
        })
        .await;
    let (size, etag, crc) = match result {
        Ok(v) => v,
        Err(e) => {
            ctx.shared.store.forget(new_segments).await;
            return Err(e);
        }
    };
    let mut r = response(StatusCode::OK);
    write_headers(&mut r, &etag, crc, "null");
    set_header(&mut r, "x-cos-next-append-position", &size.to_string());
    Ok(r)
}
