//! COS Batch Operations: jobs that copy, restore, tag, set the ACL of or delete every
//! object a manifest lists, with a completion report.
//!
//! The API is on the control host `<uin>.cos-control.<region>.myqcloud.com` under
//! `/jobs`, with the account's APPID in `x-cos-appid`, as the official Go SDK's
//! `BatchService` sends it (`tencentyun/cos-go-sdk-v5` `batch.go`): create, describe,
//! list and delete jobs, update a job's priority and status.

use bytes::Bytes;
use cos_xml::batch::{
    CreateJobRequest, CreateJobResult, DescribeJobResult, ListJobsResult, UpdateJobPriorityResult,
    UpdateJobStatusResult,
};
use cos_xml::op::Op;

use super::{PreparedRequest, meta, op_request, xml};
use crate::client::{Client, ResponseMeta};
use crate::error::{Error, InvalidInput};
use crate::transport::{Accept, RawResponse, WireRequest};

/// The Batch Operations jobs of one account; see [`Client::batch_jobs`].
#[derive(Debug, Clone)]
pub struct BatchJobs {
    client: Client,
    uin: String,
    appid: String,
}

/// A request of the job API; finish with `send`.
#[must_use = "call .send().await to perform the request"]
pub struct BatchRequest<T> {
    client: Client,
    op: Op,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    appid: String,
    body: Option<Bytes>,
    err: Option<InvalidInput>,
    parse: fn(RawResponse) -> Result<T, Error>,
}

impl<T> std::fmt::Debug for BatchRequest<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchRequest")
            .field("operation", &self.op)
            .field("host", &self.host)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<T> BatchRequest<T> {
    /// Adds a query parameter (signed), e.g. `jobStatuses`, `maxResults`, `nextToken`
    /// of List Jobs.
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// The request `send` sends (query, `x-cos-appid`, XML body); nothing is sent.
    ///
    /// Errors: [`InvalidInput`] for an empty job id or an APPID or UIN that is not
    /// a number.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut req = op_request(self.op, None, None);
        req.query = self.query.clone();
        req.header("x-cos-appid", self.appid.clone());
        let mut p = PreparedRequest::of(self.op, &req);
        if let Some(e) = &self.err {
            return Err(Error::from(e.clone()).in_op(|| p.context()));
        }
        if let Some(body) = &self.body {
            p.set_xml_bytes(body.clone());
        }
        Ok(p)
    }

    /// Sends the request.
    ///
    /// Errors: [`Error::Service`] (e.g. 404 `NoSuchJob`, 400 `InvalidRequest`), client
    /// errors.
    pub async fn send(self) -> Result<T, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(op_request(self.op, None, None));
        let mut path_and_query = self.path.clone();
        for (i, (k, v)) in req.query.iter().enumerate() {
            path_and_query.push(if i == 0 { '?' } else { '&' });
            cos_auth::encode::push_form_encoded(&mut path_and_query, k);
            path_and_query.push('=');
            cos_auth::encode::push_form_encoded(&mut path_and_query, v);
        }
        let mut wire =
            WireRequest::new(req.operation, req.method.clone(), self.host, path_and_query)
                .accept(Accept::Success);
        wire.headers = req.headers;
        wire.body = req.body;
        let (client, parse) = (self.client, self.parse);
        let sent = async move { parse(client.transport().send(wire, client.authorizer()).await?) };
        sent.await.map_err(|e| e.in_op(|| ctx))
    }
}

impl BatchJobs {
    fn request<T>(
        &self,
        op: Op,
        path: String,
        parse: fn(RawResponse) -> Result<T, Error>,
    ) -> BatchRequest<T> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let err = (!digits(&self.uin) || !digits(&self.appid)).then(|| {
            InvalidInput::Other(format!(
                "Batch Operations need a numeric UIN and APPID, not {:?} and {:?}",
                self.uin, self.appid
            ))
        });
        BatchRequest {
            client: self.client.clone(),
            op,
            host: format!(
                "{}.cos-control.{}.myqcloud.com",
                self.uin,
                self.client.config().region
            ),
            path,
            query: Vec::new(),
            appid: self.appid.clone(),
            body: None,
            err,
            parse,
        }
    }

    fn job_request<T>(
        &self,
        op: Op,
        id: &str,
        suffix: &str,
        parse: fn(RawResponse) -> Result<T, Error>,
    ) -> BatchRequest<T> {
        let encoded = cos_auth::encode::url_path(id);
        let mut r = self.request(op, format!("/jobs{encoded}{suffix}"), parse);
        if id.is_empty() || id.contains('/') {
            r.err = Some(InvalidInput::Other(format!("invalid job id {id:?}")));
        }
        r
    }

    /// Create Job: `POST /jobs` with the `<CreateJobRequest>`.
    pub fn create_job(&self, job: &CreateJobRequest) -> BatchRequest<CreateJobResult> {
        let mut r = self.request(Op::CreateJob, "/jobs".to_owned(), xml);
        match cos_xml::to_string(job) {
            Ok(doc) => r.body = Some(doc.into()),
            Err(e) => {
                r.err = Some(InvalidInput::Other(format!(
                    "the job cannot be serialized: {e}"
                )))
            }
        }
        r
    }

    /// Describe Job.
    pub fn describe_job(&self, id: &str) -> BatchRequest<DescribeJobResult> {
        self.job_request(Op::DescribeJob, id, "", xml)
    }

    /// List Jobs (filter with `.query_param("jobStatuses", "Complete")`, page with
    /// `maxResults` and `nextToken`).
    pub fn list_jobs(&self) -> BatchRequest<ListJobsResult> {
        self.request(Op::ListJobs, "/jobs".to_owned(), xml)
    }

    /// Delete Job.
    pub fn delete_job(&self, id: &str) -> BatchRequest<ResponseMeta> {
        self.job_request(Op::DeleteJob, id, "", meta)
    }

    /// Update Job Priority (higher runs first).
    pub fn update_job_priority(
        &self,
        id: &str,
        priority: u32,
    ) -> BatchRequest<UpdateJobPriorityResult> {
        self.job_request(Op::UpdateJobPriority, id, "/priority", xml)
            .query_param("priority", priority.to_string())
    }

    /// Update Job Status: `Ready` (confirm a job created with `ConfirmationRequired`)
    /// or `Cancelled`.
    pub fn update_job_status(
        &self,
        id: &str,
        requested: &str,
        reason: Option<&str>,
    ) -> BatchRequest<UpdateJobStatusResult> {
        let mut r = self
            .job_request(Op::UpdateJobStatus, id, "/status", xml)
            .query_param("requestedJobStatus", requested);
        if let Some(reason) = reason {
            r = r.query_param("statusUpdateReason", reason);
        }
        r
    }
}

impl Client {
    /// The COS Batch Operations jobs of the account `uin` whose APPID is `appid`.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// # use cos_xml::batch::*;
    /// # let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// # let arn = "qcs::cos:ap-guangzhou:uid/1250000000";
    /// # let manifest = cos_core::ObjectKey::new("manifest.csv")?;
    /// # let put = client.put_object(&bucket, &manifest).body(format!("{bucket},a.txt\n")).send().await?;
    /// # let job = CreateJobRequest {
    /// #     client_request_token: "doc-example".into(),
    /// #     manifest: JobManifest {
    /// #         location: ManifestLocation {
    /// #             etag: put.etag.unwrap_or_default(),
    /// #             object_arn: format!("{arn}:{bucket}/manifest.csv"),
    /// #             object_version_id: None,
    /// #         },
    /// #         spec: ManifestSpec {
    /// #             fields: Members { members: vec!["Bucket".into(), "Key".into()] },
    /// #             format: "COSBatchOperations_CSV_V1".into(),
    /// #         },
    /// #     },
    /// #     operation: JobOperation { delete: Some(DeleteOperation {}), ..Default::default() },
    /// #     priority: 10,
    /// #     report: JobReport {
    /// #         bucket: format!("{arn}:{bucket}"),
    /// #         enabled: "true".into(),
    /// #         format: "Report_CSV_V1".into(),
    /// #         prefix: None,
    /// #         report_scope: "AllTasks".into(),
    /// #     },
    /// #     role_arn: "qcs::cam::uin/100000000001:roleName/COSBatch".into(),
    /// #     ..Default::default()
    /// # };
    /// let jobs = client.batch_jobs("100000000001", "1250000000");
    /// let id = jobs.create_job(&job).send().await?.job_id;
    /// let state = jobs.describe_job(&id).send().await?;
    /// println!("{} {:?}", state.job.status, state.job.progress_summary);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn batch_jobs(&self, uin: impl Into<String>, appid: impl Into<String>) -> BatchJobs {
        BatchJobs {
            client: self.clone(),
            uin: uin.into(),
            appid: appid.into(),
        }
    }
}
