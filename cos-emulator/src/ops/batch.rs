//! COS Batch Operations: the job API on the control host
//! (`<uin>.cos-control.<region>.myqcloud.com/jobs`), as the official Go SDK's
//! `BatchService` calls it (`tencentyun/cos-go-sdk-v5` `batch.go`, `batch_test.go`).
//!
//! A job is created `Ready` (or `Suspended` with `ConfirmationRequired`, until its
//! status is set to `Ready`); a `Ready` job runs once the emulator's clock has moved
//! [`START_DELAY`] past the moment it became ready (`EmulatorHandle::advance_clock`),
//! when the next job request arrives: the whole manifest is processed then, in
//! priority order between jobs, and the job ends `Complete` (or `Failed` when its
//! manifest cannot be read), with its report written (`batch_run`). Nothing runs in
//! the background, so tests are deterministic.

use cos_xml::batch::{
    CreateJobRequest, CreateJobResult, DescribeJobResult, JobDescriptor, JobListDescriptor,
    ListJobsResult, Members, ProgressSummary, UpdateJobPriorityResult, UpdateJobStatusResult,
};
use hyper::{Response, StatusCode};

use super::{Ctx, response, xml};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::state::tasks::Job;
use crate::time::iso8601;

/// How long after becoming `Ready` a job starts, on the emulator's clock.
pub(crate) const START_DELAY: u64 = 60;

fn no_such_job() -> ApiError {
    ApiError::new(404, "NoSuchJob", "The specified job does not exist.")
}

fn invalid_request(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "InvalidRequest", message)
}

/// The name of a job's operation.
pub(crate) fn operation_name(req: &CreateJobRequest) -> &'static str {
    let op = &req.operation;
    if op.copy.is_some() {
        "COSPutObjectCopy"
    } else if op.restore.is_some() {
        "COSInitiateRestoreObject"
    } else if op.tagging.is_some() {
        "COSPutObjectTagging"
    } else if op.acl.is_some() {
        "COSPutObjectAcl"
    } else {
        "COSDeleteObject"
    }
}

fn check(req: &CreateJobRequest) -> Result<(), ApiError> {
    let op = &req.operation;
    let n = [
        op.copy.is_some(),
        op.restore.is_some(),
        op.tagging.is_some(),
        op.acl.is_some(),
        op.delete.is_some(),
    ]
    .into_iter()
    .filter(|x| *x)
    .count();
    if n != 1 {
        return Err(invalid_request("A job needs exactly one operation."));
    }
    if req.manifest.spec.format != "COSBatchOperations_CSV_V1" {
        return Err(invalid_request(format!(
            "Unsupported manifest format {:?}.",
            req.manifest.spec.format
        )));
    }
    if req.client_request_token.is_empty() {
        return Err(invalid_request("ClientRequestToken is required."));
    }
    Ok(())
}

/// The job `id` of the request path `jobs/<id>[/...]`.
fn job_id<'a>(ctx: &'a Ctx<'_>) -> &'a str {
    ctx.key().split('/').nth(1).unwrap_or("")
}

pub(crate) async fn create_job(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let req: CreateJobRequest = ctx.xml_body().await?;
    check(&req)?;
    let now = ctx.now();
    super::batch_run::run_due(ctx.shared, now).await;
    let mut jobs = ctx
        .shared
        .batch_jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(existing) = jobs
        .values()
        .find(|j| j.request.client_request_token == req.client_request_token)
    {
        return xml(&CreateJobResult {
            job_id: existing.id.clone(),
        });
    }
    let id = format!("{:08x}-{:04x}", now & 0xffff_ffff, jobs.len() + 1);
    let suspended = req.confirmation_required == Some(true);
    jobs.insert(
        id.clone(),
        Job {
            id: id.clone(),
            priority: req.priority,
            request: req,
            status: if suspended { "Suspended" } else { "Ready" },
            created: now,
            starts_at: now + START_DELAY,
            progress: ProgressSummary::default(),
            terminated: None,
            failure: None,
            status_update_reason: None,
        },
    );
    drop(jobs);
    xml(&CreateJobResult { job_id: id })
}

fn descriptor(j: &Job) -> JobDescriptor {
    JobDescriptor {
        confirmation_required: j.request.confirmation_required,
        creation_time: iso8601(j.created),
        description: j.request.description.clone(),
        failure_reasons: j
            .failure
            .clone()
            .map(|f| cos_xml::batch::FailureReasons { failures: vec![f] }),
        job_id: j.id.clone(),
        manifest: j.request.manifest.clone(),
        operation: j.request.operation.clone(),
        priority: j.priority,
        progress_summary: j.progress.clone(),
        report: Some(j.request.report.clone()),
        role_arn: Some(j.request.role_arn.clone()),
        status: j.status.to_owned(),
        status_update_reason: j.status_update_reason.clone(),
        termination_date: j.terminated.map(iso8601),
    }
}

pub(crate) async fn describe_job(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    super::batch_run::run_due(ctx.shared, ctx.now()).await;
    let jobs = ctx
        .shared
        .batch_jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let job = jobs.get(job_id(ctx)).ok_or_else(no_such_job)?;
    let doc = DescribeJobResult {
        job: descriptor(job),
    };
    drop(jobs);
    xml(&doc)
}

pub(crate) async fn list_jobs(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    super::batch_run::run_due(ctx.shared, ctx.now()).await;
    let max = ctx
        .q_num::<usize>("maxResults")?
        .unwrap_or(1000)
        .clamp(1, 1000);
    let statuses: Vec<&str> = ctx
        .q("jobStatuses")
        .map(|s| s.split(',').filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let after = ctx.q("nextToken").unwrap_or("");
    let jobs = ctx
        .shared
        .batch_jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let matching: Vec<&Job> = jobs
        .values()
        .filter(|j| j.id.as_str() > after)
        .filter(|j| statuses.is_empty() || statuses.contains(&j.status))
        .collect();
    let members = matching
        .iter()
        .take(max)
        .map(|j| JobListDescriptor {
            creation_time: iso8601(j.created),
            description: j.request.description.clone(),
            job_id: j.id.clone(),
            operation: operation_name(&j.request).to_owned(),
            priority: j.priority,
            progress_summary: j.progress.clone(),
            status: j.status.to_owned(),
            termination_date: j.terminated.map(iso8601),
        })
        .collect::<Vec<_>>();
    let next_token = (matching.len() > max)
        .then(|| members.last().map(|m| m.job_id.clone()))
        .flatten();
    drop(jobs);
    xml(&ListJobsResult {
        jobs: Members { members },
        next_token,
    })
}

pub(crate) async fn delete_job(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    super::batch_run::run_due(ctx.shared, ctx.now()).await;
    let id = job_id(ctx).to_owned();
    let mut jobs = ctx
        .shared
        .batch_jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let job = jobs.get(&id).ok_or_else(no_such_job)?;
    if job.status == "Active" {
        return Err(ApiError::new(409, "Conflict", "An active job cannot be deleted.").into());
    }
    jobs.remove(&id);
    Ok(response(StatusCode::NO_CONTENT))
}

pub(crate) async fn update_priority(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    super::batch_run::run_due(ctx.shared, ctx.now()).await;
    let priority = ctx
        .q_num::<i64>("priority")?
        .ok_or_else(|| ApiError::invalid_argument("priority is required."))?;
    if !(0..=i64::from(i32::MAX)).contains(&priority) {
        return Err(ApiError::invalid_argument("priority must be 0..=2147483647.").into());
    }
    let id = job_id(ctx).to_owned();
    let mut jobs = ctx
        .shared
        .batch_jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let job = jobs.get_mut(&id).ok_or_else(no_such_job)?;
    job.priority = priority;
    drop(jobs);
    xml(&UpdateJobPriorityResult {
        job_id: id,
        priority,
    })
}

pub(crate) async fn update_status(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let now = ctx.now();
    super::batch_run::run_due(ctx.shared, now).await;
    let requested = ctx.q("requestedJobStatus").unwrap_or("").to_owned();
    let reason = ctx.q("statusUpdateReason").map(str::to_owned);
    let id = job_id(ctx).to_owned();
    let mut jobs = ctx
        .shared
        .batch_jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let job = jobs.get_mut(&id).ok_or_else(no_such_job)?;
    match (requested.as_str(), job.status) {
        ("Ready", "Suspended") => {
            job.status = "Ready";
            job.starts_at = now + START_DELAY;
        }
        ("Cancelled", "Suspended" | "Ready") => {
            job.status = "Cancelled";
            job.terminated = Some(now);
        }
        (r, s) => {
            return Err(invalid_request(format!(
                "A {s} job cannot be set to {r:?}: Ready (from Suspended) and Cancelled (before it runs) are allowed."
            ))
            .into());
        }
    }
    job.status_update_reason = reason.clone();
    let status = job.status.to_owned();
    drop(jobs);
    xml(&UpdateJobStatusResult {
        job_id: id,
        status,
        status_update_reason: reason,
    })
}
