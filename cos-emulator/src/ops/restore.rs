//! POST Object restore, completing after a delay on the emulator's clock.
//!
//! COS restores an archived object in the background (API "POST Object restore",
//! <https://cloud.tencent.com/document/product/436/12633>): the request answers 202
//! Accepted; until the copy is ready HEAD reports `x-cos-restore:
//! ongoing-request="true"` and GET answers 403 `InvalidObjectState`; a second request
//! meanwhile answers 409 `RestoreAlreadyInProgress`; once ready, HEAD reports
//! `ongoing-request="false", expiry-date="..."` and a request extends the copy's life
//! with 200. How long a restore takes depends on the tier (the same page: ARCHIVE
//! Expedited within 15 minutes, Standard 3–5 hours, Bulk 5–12 hours; DEEP_ARCHIVE
//! Standard within 24 hours, Bulk within 48 hours): the emulator takes the upper
//! bound, so a test moves its clock forward (`EmulatorHandle::advance_clock`) to
//! see a restore complete.

use cos_xml::{RestoreRequest, Tier};
use hyper::{Response, StatusCode};

use super::object::is_archive;
use super::{Ctx, response};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::storage::ObjectRecord;
use crate::time::http_date;

/// Seconds a restore of `class` at `tier` takes.
pub(crate) fn restore_delay(class: &str, tier: Tier) -> u64 {
    let deep = class.ends_with("DEEP_ARCHIVE");
    match (deep, tier) {
        (false, Tier::Expedited) => 15 * 60,
        (false, Tier::Bulk) => 12 * 3600,
        (true, Tier::Bulk) => 48 * 3600,
        // Standard, and any tier a newer cos-xml adds.
        (false, _) => 5 * 3600,
        (true, _) => 24 * 3600,
    }
}

/// Whether an archived object's restored copy can be read at `now`.
pub(crate) fn readable(obj: &ObjectRecord, now: u64) -> bool {
    obj.restore_ready_at.is_none_or(|r| r <= now) && obj.restored_until.is_some_and(|t| t >= now)
}

/// The `x-cos-restore` header of `obj` at `now`, if a restore was asked for.
pub(crate) fn restore_header(obj: &ObjectRecord, now: u64) -> Option<String> {
    if obj.restore_ready_at.is_some_and(|r| r > now) {
        return Some("ongoing-request=\"true\"".to_owned());
    }
    let until = obj.restored_until.filter(|t| *t >= now)?;
    Some(format!(
        "ongoing-request=\"false\", expiry-date=\"{}\"",
        http_date(until)
    ))
}

/// Starts (or extends) a restore of `obj` for `days` seconds at `now`: `Ok(true)`
/// when a restored copy's life was extended, `Ok(false)` when a restore started.
///
/// Errors: 403 `InvalidObjectState` for an object that is not archived, 409
/// `RestoreAlreadyInProgress`.
pub(crate) fn start_restore(
    obj: &mut ObjectRecord,
    now: u64,
    days: u64,
    tier: Tier,
) -> Result<bool, ApiError> {
    if !is_archive(&obj.storage_class) {
        return Err(ApiError::new(
            403,
            "InvalidObjectState",
            "Restore is not allowed: the object's storage class is not ARCHIVE or DEEP_ARCHIVE.",
        ));
    }
    if obj.restore_ready_at.is_some_and(|r| r > now) {
        return Err(ApiError::new(
            409,
            "RestoreAlreadyInProgress",
            "Object restore is already in progress.",
        ));
    }
    if readable(obj, now) {
        // A restored copy: its life is extended from now.
        obj.restored_until = Some(now + days);
        return Ok(true);
    }
    let ready = now + restore_delay(&obj.storage_class, tier);
    obj.restore_ready_at = Some(ready);
    obj.restored_until = Some(ready + days);
    Ok(false)
}

pub(crate) async fn restore_object(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let req: RestoreRequest = ctx.xml_body().await?;
    if req.days == 0 {
        return Err(ApiError::malformed_xml("Days must be positive").into());
    }
    let tier = req.cas_job_parameters.map(|p| p.tier).unwrap_or_default();
    let (name, key) = (ctx.bucket().to_owned(), ctx.key().to_owned());
    let version = ctx.q("versionId").map(str::to_owned);
    let now = ctx.now();
    let days = u64::from(req.days) * 86_400;
    let done = ctx
        .shared
        .store
        .update(|st| {
            let obj = st.bucket_mut(&name)?.object_mut(&key, version.as_deref())?;
            start_restore(obj, now, days, tier)
        })
        .await?;
    Ok(response(if done {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_archive_takes_longer() {
        for tier in [Tier::Expedited, Tier::Standard, Tier::Bulk] {
            assert!(restore_delay("DEEP_ARCHIVE", tier) > restore_delay("ARCHIVE", tier));
        }
        assert_eq!(restore_delay("MAZ_ARCHIVE", Tier::Expedited), 900);
    }
}
