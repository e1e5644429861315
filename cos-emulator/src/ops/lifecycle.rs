//! Lifecycle rules applied by the emulator's clock: [`sweep`] (run by
//! `EmulatorHandle::run_due_work`, typically after `advance_clock`) expires current
//! versions (a delete marker in a versioned bucket), removes expired delete markers
//! and noncurrent versions, changes storage classes (transitions), and aborts
//! incomplete multipart uploads, as COS's lifecycle does (PUT Bucket lifecycle,
//! <https://cloud.tencent.com/document/product/436/8280>).
//!
//! Ages are counted in whole days since the version was written (noncurrent: since
//! the next version was), a rule with a `Date` applies from that time; COS runs its
//! rules once a day, so a sweep shows what COS shows a day after the threshold.

use cos_xml::{LifecycleConfiguration, LifecycleRule, RuleStatus};

use crate::errors::{ApiError, OpResult};
use crate::state::Shared;
use crate::storage::{Bucket, State, retained_at};

const DAY: u64 = 86_400;

/// What a sweep does to one bucket.
#[derive(Default)]
struct Actions {
    /// Keys whose current version expires.
    expire: Vec<String>,
    /// `(key, version id)` removed: noncurrent versions and lone delete markers.
    remove: Vec<(String, String)>,
    /// `(key, version id, storage class)`.
    transition: Vec<(String, String, String)>,
    /// Upload ids aborted.
    abort: Vec<String>,
}

/// The rule's prefix and tags (`Filter` `Prefix`/`Tag`, or its `And`).
fn rule_filter(rule: &LifecycleRule) -> (&str, Vec<(&str, &str)>) {
    let Some(f) = &rule.filter else {
        return ("", Vec::new());
    };
    let and = f.and.as_ref();
    let prefix = f
        .prefix
        .as_deref()
        .or_else(|| and.and_then(|a| a.prefix.as_deref()))
        .unwrap_or("");
    let tags = f
        .tags
        .iter()
        .chain(and.map_or(&[][..], |a| &a.tags[..]))
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    (prefix, tags)
}

/// Whether `days` (or `date`) have passed since `since` by `now`.
fn due(days: Option<u32>, date: Option<&str>, since: u64, now: u64) -> bool {
    if let Some(d) = days {
        return now >= since.saturating_add(u64::from(d) * DAY);
    }
    date.and_then(|d| cos_xml::time::parse_time(d).ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .is_some_and(|t| now >= t.as_secs())
}

/// What `rule` does to `b` at `now`, added to `out`.
fn plan_rule(b: &Bucket, rule: &LifecycleRule, now: u64, out: &mut Actions) {
    let (prefix, tags) = rule_filter(rule);
    for (key, versions) in b.objects.iter() {
        if !key.starts_with(prefix) {
            continue;
        }
        let Some((latest, older)) = versions.split_last() else {
            continue;
        };
        match &latest.object {
            Some(obj) => {
                let tagged = tags
                    .iter()
                    .all(|(k, v)| obj.tags.iter().any(|(ok, ov)| ok == k && ov == v));
                if !tagged {
                    continue;
                }
                let exp = rule.expiration.as_ref();
                // Retention (storage/retention.rs): "while an object is within its
                // retention period, the transition and deletion operations configured
                // in the lifecycle policy do not take effect" (COS, setting object
                // lock, <https://cloud.tencent.com/document/product/436/40136>).
                if retained_at(obj, now) {
                    // Kept as it is.
                } else if exp
                    .is_some_and(|e| due(e.days, e.date.as_deref(), obj.last_modified, now))
                {
                    out.expire.push(key.clone());
                } else if let Some(t) = (rule.transitions.iter())
                    .rfind(|t| due(t.days, t.date.as_deref(), obj.last_modified, now))
                    && t.storage_class != obj.storage_class
                {
                    out.transition
                        .push((key.clone(), latest.id.clone(), t.storage_class.clone()));
                }
            }
            // A delete marker with no versions behind it.
            None if older.is_empty()
                && (rule.expiration.as_ref())
                    .is_some_and(|e| e.expired_object_delete_marker == Some(true)) =>
            {
                out.remove.push((key.clone(), latest.id.clone()));
            }
            None => {}
        }
        for (i, v) in older.iter().enumerate() {
            // Noncurrent since the next version was written.
            let since = versions[i + 1].last_modified;
            let nc_exp = rule.noncurrent_version_expiration.as_ref();
            let locked = (v.object.as_ref()).is_some_and(|o| retained_at(o, now));
            if !locked && nc_exp.is_some_and(|e| due(e.noncurrent_days, None, since, now)) {
                out.remove.push((key.clone(), v.id.clone()));
                continue;
            }
            let Some(obj) = v.object.as_ref().filter(|_| !locked) else {
                continue;
            };
            if let Some(t) = (rule.noncurrent_version_transitions.iter())
                .rfind(|t| due(t.noncurrent_days, None, since, now))
                && t.storage_class != obj.storage_class
            {
                out.transition
                    .push((key.clone(), v.id.clone(), t.storage_class.clone()));
            }
        }
    }
    if let Some(days) =
        (rule.abort_incomplete_multipart_upload.as_ref()).and_then(|a| a.days_after_initiation)
    {
        for (id, up) in b.uploads.iter() {
            if up.key.starts_with(prefix) && due(Some(days), None, up.initiated, now) {
                out.abort.push(id.clone());
            }
        }
    }
}

/// Applies the bucket's lifecycle rules at `now` in one transaction.
fn apply(st: &mut State, name: &str, now: u64) -> Result<(), ApiError> {
    let b = st.bucket(name)?;
    let Some(text) = &b.lifecycle else {
        return Ok(());
    };
    let config: LifecycleConfiguration = cos_xml::from_str(text).map_err(ApiError::internal)?;
    let mut actions = Actions::default();
    for rule in config
        .rules
        .iter()
        .filter(|r| r.status == RuleStatus::Enabled)
    {
        plan_rule(b, rule, now, &mut actions);
    }
    actions.expire.dedup();
    for key in &actions.expire {
        kept_if_retained(super::delete::delete_in(st, name, key, None, now))?;
    }
    for (key, id) in &actions.remove {
        kept_if_retained(super::delete::delete_in(st, name, key, Some(id), now))?;
    }
    let b = st.bucket_mut(name)?;
    for (key, id, class) in actions.transition {
        if let Ok(obj) = b.object_mut(&key, Some(&id)) {
            obj.storage_class = class;
        }
    }
    for id in actions.abort {
        b.uploads.remove(&id);
    }
    Ok(())
}

/// Applies every bucket's lifecycle rules by the emulator's clock.
pub(crate) async fn sweep(shared: &Shared) -> OpResult<()> {
    let now = shared.config.clock.now_secs();
    let names: Vec<String> = {
        let st = shared.store.lock();
        (st.buckets.iter())
            .filter(|(_, b)| b.lifecycle.is_some())
            .map(|(n, _)| n.clone())
            .collect()
    };
    for name in names {
        match shared.store.update(|st| apply(st, &name, now)).await {
            Err(crate::errors::Failure::Api(e)) if e.code == "NoSuchBucket" => {}
            other => other?,
        }
    }
    Ok(())
}

/// A version under retention (storage/retention.rs) is not expired: lifecycle waits
/// for its date. Any other failure stops.
fn kept_if_retained<T>(deleted: Result<T, ApiError>) -> Result<(), ApiError> {
    match deleted {
        Ok(_) => Ok(()),
        Err(e) if e.status == 403 => Ok(()),
        Err(e) => Err(e),
    }
}
