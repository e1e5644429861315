//! Object lock: with a default retention, new objects carry
//! `x-cos-object-lock-mode: COMPLIANCE` and `x-cos-object-lock-retain-until-date`;
//! until that date the version cannot be deleted or overwritten (403 `AccessDenied`,
//! whoever asks: COS's COMPLIANCE mode, object lock overview 436/40133). In a
//! versioned bucket a write without `versionId` adds a version (or a delete marker)
//! and is allowed; deleting the locked version itself is refused.

use cos_xml::config::ObjectLockConfiguration;
use cos_xml::op::Op;

use super::Ctx;
use super::families::{Family, load};
use crate::errors::ApiError;

/// The header holding a version's retention date (ISO 8601).
pub(crate) const RETAIN_UNTIL: &str = "x-cos-object-lock-retain-until-date";

/// The lock headers a new object of the addressed bucket gets.
///
/// Errors: `NoSuchBucket`.
pub(crate) fn default_headers(ctx: &Ctx<'_>) -> Result<Vec<(String, String)>, ApiError> {
    let Some(c) = load::<ObjectLockConfiguration>(ctx, ctx.bucket(), Family::ObjectLock)? else {
        return Ok(Vec::new());
    };
    let Some(days) = c.rule.and_then(|r| r.default_retention.days) else {
        return Ok(Vec::new());
    };
    let until = ctx.now().saturating_add(u64::from(days) * 86_400);
    Ok(vec![
        ("x-cos-object-lock-mode".to_owned(), "COMPLIANCE".to_owned()),
        (RETAIN_UNTIL.to_owned(), crate::time::iso8601(until)),
    ])
}

/// The end of a version's retention (Unix seconds), if it has one.
pub(crate) fn retained_until(obj: &crate::storage::ObjectRecord) -> Option<u64> {
    (obj.headers.iter())
        .find(|(k, _)| k == RETAIN_UNTIL)
        .and_then(|(_, v)| cos_xml::time::parse_time(v).ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
}

/// Refuses a delete or overwrite of a version still within its retention.
///
/// Errors: 403 `AccessDenied`; `NoSuchBucket`.
pub(crate) fn check(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    if !matches!(
        ctx.op,
        Op::DeleteObject
            | Op::PutObject
            | Op::CopyObject
            | Op::CompleteMultipartUpload
            | Op::AppendObject
    ) {
        return Ok(());
    }
    let st = ctx.shared.store.lock();
    let Ok(b) = st.bucket(ctx.bucket()) else {
        return Ok(());
    };
    let version = ctx.q("versionId").filter(|_| ctx.op == Op::DeleteObject);
    refuse_locked(b, ctx.key(), version, ctx.now())
}

/// Refuses deleting version `version` of `key` (or overwriting / deleting its
/// latest version without one, in a bucket that is not versioned) while it is
/// within its retention at `now`.
///
/// Errors: 403 `AccessDenied`.
pub(crate) fn refuse_locked(
    b: &crate::storage::Bucket,
    key: &str,
    version: Option<&str>,
    now: u64,
) -> Result<(), ApiError> {
    if !b.configs.contains_key(Family::ObjectLock.name()) {
        return Ok(());
    }
    let target = match version {
        Some(id) => b.version(key, Some(id)).ok(),
        None if b.versioning_enabled() => None,
        None => b.latest(key),
    };
    let until = (target.and_then(|v| v.object.as_ref())).and_then(retained_until);
    match until {
        Some(u) if u > now => Err(ApiError::access_denied(format!(
            "The object is locked until {} (object lock retention): it cannot be deleted or overwritten.",
            crate::time::iso8601(u)
        ))),
        _ => Ok(()),
    }
}
