//! COS Batch Operations: the documents of the job API on
//! `<uin>.cos-control.<region>.myqcloud.com/jobs`.
//!
//! Element names are those of the official Go SDK's `BatchService`
//! (`tencentyun/cos-go-sdk-v5` `batch.go`: `CreateJobRequest`, `CreateJobResult`,
//! `DescribeJobResult`, `ListJobsResult`, `UpdateJobPriorityResult`,
//! `UpdateJobStatusResult`, the `COSPutObjectCopy`, `COSInitiateRestoreObject` and
//! `COSPutObjectTagging` operations). `COSPutObjectAcl` and `COSDeleteObject`, which
//! that SDK does not model, follow the same pattern (S3 Batch Operations'
//! `S3PutObjectAcl` shape: a canned ACL).

use serde::{Deserialize, Serialize};

/// A list of `<member>` elements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members<T> {
    /// The members.
    #[serde(rename = "member", default)]
    pub members: Vec<T>,
}

/// `<CreateJobRequest>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "CreateJobRequest")]
pub struct CreateJobRequest {
    /// An idempotency token: a second request with the same token creates no job.
    #[serde(rename = "ClientRequestToken", default)]
    pub client_request_token: String,
    /// `true`: the job waits (`Suspended`) until its status is set to `Ready`.
    #[serde(
        rename = "ConfirmationRequired",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub confirmation_required: Option<bool>,
    /// A description.
    #[serde(
        rename = "Description",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// The objects to act on.
    #[serde(rename = "Manifest")]
    pub manifest: JobManifest,
    /// What to do with each object.
    #[serde(rename = "Operation")]
    pub operation: JobOperation,
    /// Higher runs first.
    #[serde(rename = "Priority", default)]
    pub priority: i64,
    /// The completion report.
    #[serde(rename = "Report")]
    pub report: JobReport,
    /// The role the job acts as (`qcs::cam::uin/<uin>:roleName/<name>`).
    #[serde(rename = "RoleArn", default)]
    pub role_arn: String,
}

/// `<Manifest>`: a CSV object listing the objects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobManifest {
    /// Where the manifest is.
    #[serde(rename = "Location")]
    pub location: ManifestLocation,
    /// Its format.
    #[serde(rename = "Spec")]
    pub spec: ManifestSpec,
}

/// `<Location>` of a manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestLocation {
    /// The manifest object's ETag (quoted or not).
    #[serde(rename = "ETag", default)]
    pub etag: String,
    /// `qcs::cos:<region>:uid/<appid>:<bucket>/<key>`.
    #[serde(rename = "ObjectArn", default)]
    pub object_arn: String,
    /// A version of the manifest object.
    #[serde(
        rename = "ObjectVersionId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub object_version_id: Option<String>,
}

/// `<Spec>` of a manifest: `COSBatchOperations_CSV_V1` with `Bucket`, `Key` (and
/// `VersionId`) fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSpec {
    /// The CSV columns.
    #[serde(rename = "Fields", default)]
    pub fields: Members<String>,
    /// `COSBatchOperations_CSV_V1`.
    #[serde(rename = "Format", default)]
    pub format: String,
}

/// `<Operation>`: exactly one of the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobOperation {
    /// Copy each object.
    #[serde(
        rename = "COSPutObjectCopy",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub copy: Option<CopyOperation>,
    /// Restore each (archived) object.
    #[serde(
        rename = "COSInitiateRestoreObject",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub restore: Option<RestoreOperation>,
    /// Replace each object's tags.
    #[serde(
        rename = "COSPutObjectTagging",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tagging: Option<TaggingOperation>,
    /// Set each object's ACL.
    #[serde(
        rename = "COSPutObjectAcl",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub acl: Option<AclOperation>,
    /// Delete each object.
    #[serde(
        rename = "COSDeleteObject",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delete: Option<DeleteOperation>,
}

/// `<COSPutObjectCopy>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyOperation {
    /// The destination bucket, `qcs::cos:<region>:uid/<appid>:<bucket>`.
    #[serde(rename = "TargetResource", default)]
    pub target_resource: String,
    /// Prepended to each key at the destination.
    #[serde(
        rename = "TargetKeyPrefix",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub target_key_prefix: Option<String>,
    /// The copies' storage class.
    #[serde(
        rename = "StorageClass",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub storage_class: Option<String>,
}

/// `<COSInitiateRestoreObject>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreOperation {
    /// Days the restored copy stays readable.
    #[serde(rename = "ExpirationInDays", default)]
    pub expiration_in_days: u32,
    /// `Standard` or `Bulk`.
    #[serde(rename = "JobTier", default)]
    pub job_tier: String,
}

/// `<COSTag>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CosTag {
    /// The tag's key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// The tag's value.
    #[serde(rename = "Value", default)]
    pub value: String,
}

/// `<TagSet>` of a tagging operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchTagSet {
    /// The tags.
    #[serde(rename = "COSTag", default)]
    pub tags: Vec<CosTag>,
}

/// `<COSPutObjectTagging>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaggingOperation {
    /// The tags each object gets (replacing its own).
    #[serde(rename = "TagSet", default)]
    pub tag_set: BatchTagSet,
}

/// `<COSPutObjectAcl>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclOperation {
    /// `private`, `public-read` or `default`.
    #[serde(rename = "CannedAccessControlList", default)]
    pub canned_access_control_list: String,
}

/// `<COSDeleteObject>` (no parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteOperation {}

/// `<Report>`: where the completion report goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobReport {
    /// The report's bucket, `qcs::cos:<region>:uid/<appid>:<bucket>`.
    #[serde(rename = "Bucket", default)]
    pub bucket: String,
    /// `true` to write a report.
    #[serde(rename = "Enabled", default)]
    pub enabled: String,
    /// `Report_CSV_V1`.
    #[serde(rename = "Format", default)]
    pub format: String,
    /// The report's key prefix.
    #[serde(rename = "Prefix", default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// `AllTasks` or `FailedTasksOnly`.
    #[serde(rename = "ReportScope", default)]
    pub report_scope: String,
}

/// `<CreateJobResult>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "CreateJobResult")]
pub struct CreateJobResult {
    /// The new job's id.
    #[serde(rename = "JobId", default)]
    pub job_id: String,
}

/// `<ProgressSummary>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressSummary {
    /// Objects the operation failed on.
    #[serde(rename = "NumberOfTasksFailed", default)]
    pub number_of_tasks_failed: u64,
    /// Objects the operation succeeded on.
    #[serde(rename = "NumberOfTasksSucceeded", default)]
    pub number_of_tasks_succeeded: u64,
    /// Objects in the manifest.
    #[serde(rename = "TotalNumberOfTasks", default)]
    pub total_number_of_tasks: u64,
}

/// `<JobFailure>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobFailure {
    /// A code.
    #[serde(rename = "FailureCode", default)]
    pub failure_code: String,
    /// Why.
    #[serde(rename = "FailureReason", default)]
    pub failure_reason: String,
}

/// `<FailureReasons>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureReasons {
    /// The failures.
    #[serde(rename = "JobFailure", default)]
    pub failures: Vec<JobFailure>,
}

/// `<Job>` of a `DescribeJobResult`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobDescriptor {
    /// `true` when the job waits for confirmation.
    #[serde(
        rename = "ConfirmationRequired",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub confirmation_required: Option<bool>,
    /// ISO 8601.
    #[serde(rename = "CreationTime", default)]
    pub creation_time: String,
    /// The description.
    #[serde(
        rename = "Description",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// Why the job failed.
    #[serde(
        rename = "FailureReasons",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub failure_reasons: Option<FailureReasons>,
    /// The id.
    #[serde(rename = "JobId", default)]
    pub job_id: String,
    /// The manifest.
    #[serde(rename = "Manifest", default)]
    pub manifest: JobManifest,
    /// The operation.
    #[serde(rename = "Operation", default)]
    pub operation: JobOperation,
    /// The priority.
    #[serde(rename = "Priority", default)]
    pub priority: i64,
    /// The progress.
    #[serde(rename = "ProgressSummary", default)]
    pub progress_summary: ProgressSummary,
    /// The report settings.
    #[serde(rename = "Report", default, skip_serializing_if = "Option::is_none")]
    pub report: Option<JobReport>,
    /// The role.
    #[serde(rename = "RoleArn", default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// `New`, `Preparing`, `Suspended`, `Ready`, `Active`, `Complete`, `Failed`,
    /// `Cancelled`, ...
    #[serde(rename = "Status", default)]
    pub status: String,
    /// Why the status last changed.
    #[serde(
        rename = "StatusUpdateReason",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub status_update_reason: Option<String>,
    /// When the job ended (ISO 8601).
    #[serde(
        rename = "TerminationDate",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub termination_date: Option<String>,
}

/// `<DescribeJobResult>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "DescribeJobResult")]
pub struct DescribeJobResult {
    /// The job.
    #[serde(rename = "Job", default)]
    pub job: JobDescriptor,
}

/// A `<member>` of `ListJobsResult`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobListDescriptor {
    /// ISO 8601.
    #[serde(rename = "CreationTime", default)]
    pub creation_time: String,
    /// The description.
    #[serde(
        rename = "Description",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// The id.
    #[serde(rename = "JobId", default)]
    pub job_id: String,
    /// The operation's name (`COSPutObjectCopy`, ...).
    #[serde(rename = "Operation", default)]
    pub operation: String,
    /// The priority.
    #[serde(rename = "Priority", default)]
    pub priority: i64,
    /// The progress.
    #[serde(rename = "ProgressSummary", default)]
    pub progress_summary: ProgressSummary,
    /// The status.
    #[serde(rename = "Status", default)]
    pub status: String,
    /// When the job ended.
    #[serde(
        rename = "TerminationDate",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub termination_date: Option<String>,
}

/// `<ListJobsResult>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ListJobsResult")]
pub struct ListJobsResult {
    /// The jobs.
    #[serde(rename = "Jobs", default)]
    pub jobs: Members<JobListDescriptor>,
    /// The token of the next page.
    #[serde(rename = "NextToken", default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `<UpdateJobPriorityResult>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "UpdateJobPriorityResult")]
pub struct UpdateJobPriorityResult {
    /// The job.
    #[serde(rename = "JobId", default)]
    pub job_id: String,
    /// Its new priority.
    #[serde(rename = "Priority", default)]
    pub priority: i64,
}

/// `<UpdateJobStatusResult>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "UpdateJobStatusResult")]
pub struct UpdateJobStatusResult {
    /// The job.
    #[serde(rename = "JobId", default)]
    pub job_id: String,
    /// Its new status.
    #[serde(rename = "Status", default)]
    pub status: String,
    /// The reason given.
    #[serde(
        rename = "StatusUpdateReason",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub status_update_reason: Option<String>,
}
