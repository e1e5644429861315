//! Replication: writes and deletes of keys a rule covers are queued and, when the
//! due work runs (`EmulatorHandle::run_due_work`), copied to the destination bucket
//! of the same emulator. The source version reports `x-cos-replication-status`
//! `PENDING` until then and `COMPLETED` after; replicas report `REPLICA` (COS
//! cross-bucket replication, <https://cloud.tencent.com/document/product/436/19923>).

use cos_xml::config::ReplicationConfiguration;
use cos_xml::op::Op;
use hyper::Response;

use super::Ctx;
use super::families::{Family, load};
use crate::body::RespBody;
use crate::errors::{ApiError, Failure, OpResult};
use crate::state::Shared;
use crate::storage::State;

const STATUS: &str = "x-cos-replication-status";

/// The destination and storage class of the first enabled rule covering `key`.
fn rule_for(c: &ReplicationConfiguration, key: &str) -> Option<(String, Option<String>)> {
    c.rules
        .iter()
        .find(|r| r.status == "Enabled" && key.starts_with(r.prefix.as_str()))
        .map(|r| {
            (
                r.destination.bucket_name().to_owned(),
                r.destination.storage_class.clone(),
            )
        })
}

/// `x-cos-replication-status: PENDING` for a new object a rule covers.
///
/// Errors: `NoSuchBucket`.
pub(crate) fn source_headers(ctx: &Ctx<'_>) -> Result<Vec<(String, String)>, ApiError> {
    let c = load::<ReplicationConfiguration>(ctx, ctx.bucket(), Family::Replication)?;
    Ok(match c.and_then(|c| rule_for(&c, ctx.key())) {
        Some(_) => vec![(STATUS.to_owned(), "PENDING".to_owned())],
        None => Vec::new(),
    })
}

/// The replication status a new object `key` of `bucket` starts with, written by the
/// emulator itself (batch jobs): `PENDING` when a rule covers it.
pub(crate) fn status_for(st: &State, bucket: &str, key: &str) -> Option<(String, String)> {
    let text = st
        .bucket(bucket)
        .ok()?
        .configs
        .get(Family::Replication.name())?;
    let c: ReplicationConfiguration = cos_xml::from_str(text).ok()?;
    rule_for(&c, key).map(|_| (STATUS.to_owned(), "PENDING".to_owned()))
}

/// Replaces the replication status among `headers` (a copy keeping its source's
/// metadata) with the one the new object gets (`fresh`, from
/// [`source_headers`] or [`status_for`]): a copy of a `COMPLETED` or `REPLICA` object
/// is a new object, replicated (or not) by its own bucket's rules.
pub(crate) fn replace_status(headers: &mut Vec<(String, String)>, fresh: &[(String, String)]) {
    headers.retain(|(k, _)| k != STATUS);
    headers.extend(fresh.iter().filter(|(k, _)| k == STATUS).cloned());
}

/// Queues the key of a successful write or delete on a replicated bucket (DELETE
/// Multiple queues its keys itself: `ops/delete.rs`).
pub(crate) fn note(ctx: &Ctx<'_>, result: &OpResult<Response<RespBody>>) {
    let write = matches!(
        ctx.op,
        Op::PutObject
            | Op::PostObject
            | Op::CopyObject
            | Op::CompleteMultipartUpload
            | Op::AppendObject
            | Op::DeleteObject
    );
    if !write || result.is_err() || (ctx.op == Op::DeleteObject && ctx.q("versionId").is_some()) {
        return;
    }
    if let Some(bucket) = ctx.bucket.as_deref() {
        queue(ctx.shared, bucket, ctx.key().to_owned());
    }
}

/// Queues `key` of `bucket` for replication when the bucket is replicated (the rules
/// are matched when the due work runs).
pub(crate) fn queue(shared: &Shared, bucket: &str, key: String) {
    {
        let st = shared.store.lock();
        if !st
            .bucket(bucket)
            .is_ok_and(|b| b.configs.contains_key(Family::Replication.name()))
        {
            return;
        }
    }
    shared.replication.keys().push((bucket.to_owned(), key));
}

/// What replicating one key needs, read under the lock.
struct Job {
    dest: String,
    class: Option<String>,
    /// The source's current version (id and record), `None` after a delete.
    current: Option<(String, crate::storage::ObjectRecord)>,
}

fn job(st: &State, bucket: &str, key: &str) -> Option<Job> {
    let b = st.bucket(bucket).ok()?;
    let text = b.configs.get(Family::Replication.name())?;
    let c: ReplicationConfiguration = cos_xml::from_str(text).ok()?;
    let (dest, class) = rule_for(&c, key)?;
    let current = b
        .latest(key)
        .and_then(|v| v.object.clone().map(|o| (v.id.clone(), o)));
    Some(Job {
        dest,
        class,
        current,
    })
}

/// Sets the replication status of version `id` of `key` in the source bucket.
fn set_status(
    st: &mut State,
    bucket: &str,
    key: &str,
    id: &str,
    status: &str,
) -> Result<(), ApiError> {
    let src = st.bucket_mut(bucket)?.object_mut(key, Some(id))?;
    for (k, v) in src.headers.iter_mut() {
        if k == STATUS {
            status.clone_into(v);
        }
    }
    Ok(())
}

/// Replicates every queued key.
pub(crate) async fn flush(shared: &Shared) -> OpResult<()> {
    let queued = std::mem::take(&mut *shared.replication.keys());
    let now = shared.config.clock.now_secs();
    for (bucket, key) in queued {
        let Some(job) = job(&shared.store.lock(), &bucket, &key) else {
            continue;
        };
        let result = match job.current {
            Some((id, mut rec)) => {
                rec.segments = shared.store.clone_segments(&rec.segments).await?;
                let files = if shared.store.on_disk() {
                    rec.segments.clone()
                } else {
                    Vec::new()
                };
                rec.headers.retain(|(k, _)| k != STATUS);
                rec.headers.push((STATUS.to_owned(), "REPLICA".to_owned()));
                if let Some(c) = job.class {
                    rec.storage_class = c;
                }
                let stored = shared
                    .store
                    .update(|st| {
                        st.put_version(&job.dest, &key, Some(rec), now)?;
                        set_status(st, &bucket, &key, &id, "COMPLETED")
                    })
                    .await;
                if stored.is_err() {
                    shared.store.forget(files).await;
                }
                match stored {
                    // The destination's version is under retention
                    // (storage/retention.rs): the replica cannot replace it.
                    Err(Failure::Api(e)) if e.status == 403 => {
                        (shared.store)
                            .update(|st| set_status(st, &bucket, &key, &id, "FAILED"))
                            .await
                    }
                    other => other,
                }
            }
            None => {
                shared
                    .store
                    .update(|st| super::delete::delete_in(st, &job.dest, &key, None, now).map(drop))
                    .await
            }
        };
        match result {
            // The destination or the source version went away meanwhile: nothing to
            // do. A delete refused by the destination's retention leaves the replica.
            Err(Failure::Api(e)) if e.status == 404 || e.status == 403 => {}
            other => other?,
        }
    }
    Ok(())
}
