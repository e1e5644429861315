//! What the emulator keeps of async fetch tasks and COS Batch Operations jobs (issue
//! 17): plain data, read and changed by `ops::fetch`, `ops::batch` and
//! `ops::batch_run`.

use std::collections::BTreeMap;

use cos_xml::batch::{CreateJobRequest, JobFailure, ProgressSummary};

/// A finished async fetch task.
#[derive(Debug, Clone)]
pub(crate) struct FetchTask {
    /// The bucket it fetched into.
    pub bucket: String,
    /// `TASK_SUCCESS` or `TASK_FAILED`.
    pub status: &'static str,
    /// Why it failed.
    pub code: String,
    /// A message.
    pub message: String,
}

/// A Batch Operations job.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub id: String,
    pub request: CreateJobRequest,
    pub status: &'static str,
    pub priority: i64,
    pub created: u64,
    /// When a `Ready` job starts (emulator clock).
    pub starts_at: u64,
    pub progress: ProgressSummary,
    pub terminated: Option<u64>,
    pub failure: Option<JobFailure>,
    pub status_update_reason: Option<String>,
}

/// The jobs, by id.
pub(crate) type Jobs = BTreeMap<String, Job>;
