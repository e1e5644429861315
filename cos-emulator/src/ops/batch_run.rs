//! Running COS Batch Operations jobs (see `batch`): the manifest CSV is read from its
//! bucket, the operation applied to every listed object, and the completion report
//! written back as a CSV object.
//!
//! The manifest is `COSBatchOperations_CSV_V1`: one object a line, its `Fields` in
//! order (`Bucket`, `Key`, optionally `VersionId`), keys URL-encoded as in S3-style
//! manifests. The report (`Report_CSV_V1`) goes to
//! `<Prefix>/job-<id>/results.csv` of the report bucket: `bucket,key,versionId,
//! succeeded|failed,<HTTP status>,<error code>,<message>` a line, every task
//! (`AllTasks`) or the failed ones (`FailedTasksOnly`).

use bytes::Bytes;
use cos_xml::batch::{CreateJobRequest, JobFailure, JobOperation, ProgressSummary};
use http_body_util::BodyExt;

use super::object::{STORAGE_CLASSES, is_archive};
use super::{acl, delete, replication, restore};
use crate::errors::{ApiError, Failure};
use crate::state::Shared;
use crate::state::tasks::Job;
use crate::storage::{Acl, ObjectRecord, read_range};

/// One object of a manifest.
#[derive(Debug, Clone)]
struct Row {
    bucket: String,
    key: String,
    version: Option<String>,
}

fn api(f: Failure) -> ApiError {
    match f {
        Failure::Api(e) => e,
        Failure::Reset => ApiError::internal("the store failed"),
    }
}

/// `qcs::cos:<region>:uid/<appid>:<bucket>[/<key>]` → bucket and key.
fn parse_arn(arn: &str) -> Option<(String, Option<String>)> {
    let resource = arn.splitn(6, ':').nth(5)?;
    match resource.split_once('/') {
        Some((b, k)) if !b.is_empty() => Some((b.to_owned(), Some(k.to_owned()))),
        None if !resource.is_empty() => Some((resource.to_owned(), None)),
        _ => None,
    }
}

fn job_failure(code: &str, reason: impl Into<String>) -> JobFailure {
    JobFailure {
        failure_code: code.to_owned(),
        failure_reason: reason.into(),
    }
}

/// Reads and parses the manifest of `req`.
async fn manifest(shared: &Shared, req: &CreateJobRequest) -> Result<Vec<Row>, JobFailure> {
    let invalid = |reason: String| job_failure("InvalidManifest", reason);
    let loc = &req.manifest.location;
    let Some((bucket, Some(key))) = parse_arn(&loc.object_arn) else {
        return Err(invalid(format!(
            "ObjectArn {:?} names no object",
            loc.object_arn
        )));
    };
    let body = {
        let st = shared.store.lock();
        let obj = st
            .bucket(&bucket)
            .and_then(|b| b.version(&key, loc.object_version_id.as_deref()))
            .ok()
            .and_then(|v| v.object.as_ref())
            .ok_or_else(|| invalid(format!("the manifest {bucket}/{key} does not exist")))?;
        let want = loc.etag.trim_matches('"');
        if !want.is_empty() && want != obj.etag.trim_matches('"') {
            return Err(invalid(format!(
                "the manifest's ETag is {}, not {want}",
                obj.etag
            )));
        }
        read_range(&obj.segments, 0, obj.size, shared.store.blob_dir())
    };
    let bytes = body
        .collect()
        .await
        .map_err(|e| invalid(format!("the manifest cannot be read: {e}")))?
        .to_bytes();
    let text = std::str::from_utf8(&bytes).map_err(|_| invalid("not UTF-8".to_owned()))?;
    let fields = &req.manifest.spec.fields.members;
    let column = |name: &str, default: Option<usize>| {
        fields
            .iter()
            .position(|f| f.eq_ignore_ascii_case(name))
            .or(if fields.is_empty() { default } else { None })
    };
    let (b, k, v) = (
        column("Bucket", Some(0)),
        column("Key", Some(1)),
        column("VersionId", None),
    );
    let (Some(b), Some(k)) = (b, k) else {
        return Err(invalid(
            "the manifest's Fields need Bucket and Key".to_owned(),
        ));
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
        let cell = |i: usize| cells.get(i).map(|c| decode(c.trim()));
        let (Some(bucket), Some(key)) = (cell(b), cell(k)) else {
            return Err(invalid(format!("line {line:?} has too few fields")));
        };
        let version = v.and_then(cell).filter(|s| !s.is_empty());
        rows.push(Row {
            bucket,
            key,
            version,
        });
    }
    Ok(rows)
}

/// Copies `row` to the target bucket of `copy`.
async fn copy(
    shared: &Shared,
    c: &cos_xml::batch::CopyOperation,
    row: &Row,
    now: u64,
) -> Result<(), ApiError> {
    let (target, _) = parse_arn(&c.target_resource)
        .ok_or_else(|| ApiError::invalid_argument("TargetResource names no bucket."))?;
    let dest = format!(
        "{}{}",
        c.target_key_prefix.as_deref().unwrap_or(""),
        row.key
    );
    crate::routing::check_key(&dest)?;
    let (mut src, status) = {
        let st = shared.store.lock();
        let v = st
            .bucket(&row.bucket)?
            .version(&row.key, row.version.as_deref())?;
        let src = v.object.clone().ok_or_else(ApiError::no_such_key)?;
        (src, replication::status_for(&st, &target, &dest))
    };
    replication::replace_status(&mut src.headers, status.as_slice());
    if is_archive(&src.storage_class) && !restore::readable(&src, now) {
        return Err(ApiError::new(
            403,
            "InvalidObjectState",
            "The source object is archived and not restored.",
        ));
    }
    let storage_class = match &c.storage_class {
        Some(s) if STORAGE_CLASSES.contains(&s.as_str()) => s.clone(),
        Some(_) => {
            return Err(ApiError::new(
                400,
                "InvalidStorageClass",
                "Invalid StorageClass.",
            ));
        }
        None => src.storage_class.clone(),
    };
    let segments = shared
        .store
        .clone_segments(&src.segments)
        .await
        .map_err(api)?;
    let files = if shared.store.on_disk() {
        segments.clone()
    } else {
        Vec::new()
    };
    let record = ObjectRecord {
        segments,
        storage_class,
        last_modified: now,
        restored_until: None,
        restore_ready_at: None,
        retain_until: None,
        appendable: false,
        ..src
    };
    let stored = shared
        .store
        .update(|st| st.put_version(&target, &dest, Some(record), now))
        .await;
    if let Err(e) = stored {
        shared.store.forget(files).await;
        return Err(api(e));
    }
    // Replicated like a copy by a request (ops/replication.rs).
    replication::queue(shared, &target, dest);
    Ok(())
}

/// Applies the job's operation to one object.
async fn apply(shared: &Shared, op: &JobOperation, row: &Row, now: u64) -> Result<(), ApiError> {
    if let Some(c) = &op.copy {
        return copy(shared, c, row, now).await;
    }
    let (b, k, v) = (
        row.bucket.as_str(),
        row.key.as_str(),
        row.version.as_deref(),
    );
    let result = shared
        .store
        .update(|st| {
            if op.delete.is_some() {
                return delete::delete_in(st, b, k, v, now).map(drop);
            }
            let obj = st.bucket_mut(b)?.object_mut(k, v)?;
            if let Some(r) = &op.restore {
                let tier = match r.job_tier.as_str() {
                    "Bulk" => cos_xml::Tier::Bulk,
                    _ => cos_xml::Tier::Standard,
                };
                let days = u64::from(r.expiration_in_days.max(1)) * 86_400;
                restore::start_restore(obj, now, days, tier).map(drop)
            } else if let Some(t) = &op.tagging {
                if t.tag_set.tags.len() > 10 {
                    return Err(ApiError::invalid_argument("At most 10 tags."));
                }
                obj.tags = t
                    .tag_set
                    .tags
                    .iter()
                    .map(|t| (t.key.clone(), t.value.clone()))
                    .collect();
                Ok(())
            } else if let Some(a) = &op.acl {
                obj.acl = acl::canned(&a.canned_access_control_list, true)?;
                Ok(())
            } else {
                Err(ApiError::invalid_argument("The job has no operation."))
            }
        })
        .await;
    if result.is_ok() && op.delete.is_some() && v.is_none() {
        // Replicated like DELETE Object (ops/replication.rs).
        replication::queue(shared, b, k.to_owned());
    }
    result.map_err(api)
}

/// Stores `data` as `bucket/key` (the report).
async fn store_bytes(
    shared: &Shared,
    bucket: &str,
    key: &str,
    data: Vec<u8>,
    now: u64,
) -> Result<(), ApiError> {
    let mut w = shared.store.writer(true).await.map_err(api)?;
    w.write(Bytes::from(data))
        .await
        .map_err(ApiError::internal)?;
    let (segments, d) = w.finish().await.map_err(ApiError::internal)?;
    let files = if shared.store.on_disk() {
        segments.clone()
    } else {
        Vec::new()
    };
    let record = ObjectRecord {
        size: d.len,
        etag: super::object::etag_of(&d),
        crc64: d.crc64,
        segments,
        headers: vec![("Content-Type".to_owned(), "text/csv".to_owned())],
        meta: Vec::new(),
        storage_class: "STANDARD".to_owned(),
        acl: Acl {
            grants: Vec::new(),
            inherit: true,
        },
        tags: Vec::new(),
        restored_until: None,
        appendable: false,
        last_modified: now,
        restore_ready_at: None,
        retain_until: None,
    };
    let stored = shared
        .store
        .update(|st| st.put_version(bucket, key, Some(record), now))
        .await;
    if let Err(e) = stored {
        shared.store.forget(files).await;
        return Err(api(e));
    }
    Ok(())
}

/// Writes the completion report of `job`, if it asks for one.
async fn report(
    shared: &Shared,
    job: &Job,
    results: &[(Row, Result<(), ApiError>)],
    now: u64,
) -> Result<(), JobFailure> {
    let r = &job.request.report;
    if !r.enabled.eq_ignore_ascii_case("true") {
        return Ok(());
    }
    let fail = |reason: String| job_failure("ReportFailed", reason);
    let (bucket, _) =
        parse_arn(&r.bucket).ok_or_else(|| fail(format!("bad Bucket {:?}", r.bucket)))?;
    let prefix = r.prefix.as_deref().unwrap_or("").trim_end_matches('/');
    let key = if prefix.is_empty() {
        format!("job-{}/results.csv", job.id)
    } else {
        format!("{prefix}/job-{}/results.csv", job.id)
    };
    let failed_only = r.report_scope == "FailedTasksOnly";
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let mut csv = String::new();
    for (row, result) in results {
        let (status, http, code, message) = match result {
            Ok(()) if failed_only => continue,
            Ok(()) => ("succeeded", 200, String::new(), String::new()),
            Err(e) => (
                "failed",
                e.status,
                e.code.clone(),
                e.message.replace([',', '\n', '\r'], " "),
            ),
        };
        csv.push_str(&format!(
            "{},{},{},{status},{http},{code},{message}\n",
            row.bucket,
            enc(&row.key),
            row.version.as_deref().unwrap_or("")
        ));
    }
    store_bytes(shared, &bucket, &key, csv.into_bytes(), now)
        .await
        .map_err(|e| fail(e.to_string()))
}

/// Runs a job to its end: its progress, and why it failed if it did.
async fn execute(shared: &Shared, job: &Job, now: u64) -> (ProgressSummary, Option<JobFailure>) {
    let rows = match manifest(shared, &job.request).await {
        Ok(rows) => rows,
        Err(f) => return (ProgressSummary::default(), Some(f)),
    };
    let mut results = Vec::with_capacity(rows.len());
    for row in rows {
        let r = apply(shared, &job.request.operation, &row, now).await;
        results.push((row, r));
    }
    let failed = results.iter().filter(|(_, r)| r.is_err()).count() as u64;
    let progress = ProgressSummary {
        number_of_tasks_failed: failed,
        number_of_tasks_succeeded: results.len() as u64 - failed,
        total_number_of_tasks: results.len() as u64,
    };
    let failure = report(shared, job, &results, now).await.err();
    (progress, failure)
}

/// Runs every `Ready` job whose start time has come by `now`, highest priority first.
pub(crate) async fn run_due(shared: &Shared, now: u64) {
    loop {
        let job = {
            let mut jobs = shared.batch_jobs.lock().unwrap_or_else(|e| e.into_inner());
            let due = jobs
                .values_mut()
                .filter(|j| j.status == "Ready" && j.starts_at <= now)
                .max_by_key(|j| (j.priority, std::cmp::Reverse(j.created)));
            match due {
                None => return,
                Some(j) => {
                    j.status = "Active";
                    j.clone()
                }
            }
        };
        let (progress, failure) = execute(shared, &job, now).await;
        let mut jobs = shared.batch_jobs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(j) = jobs.get_mut(&job.id) {
            j.status = if failure
                .as_ref()
                .is_some_and(|f| f.failure_code == "InvalidManifest")
            {
                "Failed"
            } else {
                "Complete"
            };
            j.progress = progress;
            j.failure = failure;
            j.terminated = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn arns_name_buckets_and_keys() {
        assert_eq!(
            super::parse_arn("qcs::cos:ap-guangzhou:uid/1250000000:b-1/dir/m.csv"),
            Some(("b-1".to_owned(), Some("dir/m.csv".to_owned())))
        );
        assert_eq!(
            super::parse_arn("qcs::cos:ap-guangzhou:uid/1250000000:b-1"),
            Some(("b-1".to_owned(), None))
        );
        assert_eq!(super::parse_arn("b-1/x"), None);
    }
}
