//! Retention, enforced once for every write path: a version whose
//! [`ObjectRecord::retain_until`] lies ahead of the emulator's clock is neither
//! replaced nor removed. Two features set that date: PUT Object `?retention`
//! (`ops/retention.rs`) and the bucket's default object lock (`ops/object_lock.rs`),
//! which [`State::put_version`](super::State::put_version) applies to each new object.
//! Every write (PUT, POST, copy, complete multipart, append, fetch, batch jobs,
//! replication) goes through `put_version` and every delete (DELETE, DELETE Multiple,
//! lifecycle, batch jobs, replication) through `ops/delete.rs` `delete_in`, which
//! both call [`Bucket::refuse_retained`]: no path can skip the check.
//!
//! COS's object lock keeps a version from being "overwritten or deleted during
//! retention" (object lock overview, <https://cloud.tencent.com/document/product/436/55294>).
//! The emulator answers such a write with 403 `AccessDenied` (the S3-compatible
//! answer; no COS document or official SDK test names the code). In a versioned bucket
//! a write without `versionId` only adds a version (or a delete marker), which leaves
//! the retained version in place and is allowed.

use cos_xml::config::ObjectLockConfiguration;

use super::model::{Bucket, ObjectRecord};
use crate::errors::ApiError;

/// The key under which [`Bucket::configs`] holds the object lock configuration
/// (`ops/families.rs` `Family::ObjectLock`).
pub(crate) const OBJECT_LOCK_CONFIG: &str = "object-lock";

/// Whether `obj` is under retention at `now`.
pub(crate) fn retained_at(obj: &ObjectRecord, now: u64) -> bool {
    obj.retain_until.is_some_and(|u| u > now)
}

impl Bucket {
    /// Refuses removing or replacing version `version_id` of `key` while it is under
    /// retention at `now`; a missing version or a delete marker has none.
    ///
    /// Errors: 403 `AccessDenied`.
    pub(crate) fn refuse_retained(
        &self,
        key: &str,
        version_id: &str,
        now: u64,
    ) -> Result<(), ApiError> {
        let until = (self.objects.get(key))
            .and_then(|vs| vs.iter().find(|v| v.id == version_id))
            .and_then(|v| v.object.as_ref())
            .filter(|o| retained_at(o, now))
            .and_then(|o| o.retain_until);
        match until {
            Some(u) => Err(ApiError::access_denied(format!(
                "The object is under retention (COMPLIANCE) until {}: it cannot be deleted or overwritten.",
                crate::time::iso8601(u)
            ))),
            None => Ok(()),
        }
    }

    /// The end of the default retention (object lock) a new object written at `now`
    /// gets, if the bucket has one.
    pub(crate) fn default_retain_until(&self, now: u64) -> Option<u64> {
        let text = self.configs.get(OBJECT_LOCK_CONFIG)?;
        // Stored only after validation (ops/families.rs): a document that no longer
        // parses has no default retention.
        let c: ObjectLockConfiguration = cos_xml::from_str(text).ok()?;
        let days = c.rule?.default_retention.days?;
        Some(now.saturating_add(u64::from(days) * 86_400))
    }
}
