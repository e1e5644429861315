//! Async fetch tasks: COS downloads a URL into an object, in the background.
//!
//! The API is not on the bucket's host but on the migration host
//! `<region>.migration.myqcloud.com` (`POST /<bucket>/` with a JSON body, `GET
//! /<bucket>/<task id>`), answering JSON, as the official SDKs call it
//! (`tencentyun/cos-go-sdk-v5` `object.go` `PutFetchTask`/`GetFetchTask`,
//! `cos-python-sdk-v5` `put_async_fetch_task`/`get_async_fetch_task`).

use cos_xml::op::Op;
use serde::{Deserialize, Serialize};

use super::{PreparedRequest, op_request};
use crate::client::{Client, ResponseMeta};
use crate::error::{Error, InvalidInput};
use crate::request::OpRequest;
use crate::transport::{Accept, RawResponse, WireRequest};
use crate::types::{BucketName, ObjectKey};

/// The JSON document of PUT async fetch task.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct FetchTaskConfiguration {
    url: String,
    key: String,
    #[serde(rename = "MD5", skip_serializing_if = "Option::is_none")]
    md5: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    ignore_same_key: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    success_callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_callback_url: Option<String>,
}

/// Builder of PUT async fetch task; see [`Client::put_async_fetch_task`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct PutAsyncFetchTask {
    client: Client,
    bucket: BucketName,
    doc: FetchTaskConfiguration,
}

/// The answer to PUT async fetch task.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AsyncFetchTaskCreated {
    /// The task's id, for [`Client::get_async_fetch_task`].
    pub task_id: String,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
}

/// A fetch task's state.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct AsyncFetchTaskStatus {
    /// `TASK_SUCCESS`, `TASK_FAILED`, or a state of a task in progress.
    #[serde(default)]
    pub status: String,
    /// Why a failed task failed (e.g. `Forbidden`).
    #[serde(default)]
    pub code: String,
    /// A message about the task.
    #[serde(default, rename = "msg")]
    pub message: String,
    /// How much of the download is done, in percent.
    #[serde(default)]
    pub percent: u32,
}

impl AsyncFetchTaskStatus {
    /// Whether the object was stored.
    pub fn succeeded(&self) -> bool {
        self.status == "TASK_SUCCESS"
    }
}

/// The JSON envelope of the migration host's answers.
#[derive(Debug, Deserialize)]
struct Envelope<T> {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(alias = "Data")]
    data: Option<T>,
}

#[derive(Debug, Deserialize)]
struct Created {
    #[serde(alias = "taskId")]
    taskid: String,
}

fn envelope<T: serde::de::DeserializeOwned>(r: &RawResponse) -> Result<T, Error> {
    let e: Envelope<T> = serde_json::from_slice(&r.body)
        .map_err(|e| Error::Decode(format!("the fetch task answer is not JSON: {e}").into()))?;
    if e.code != 0 {
        return Err(Error::Decode(
            format!("the fetch task API answered code {}: {}", e.code, e.message).into(),
        ));
    }
    e.data
        .ok_or_else(|| Error::Decode("the fetch task answer has no data".into()))
}

/// The migration host of `client`'s region.
fn migration_host(client: &Client) -> String {
    format!("{}.migration.myqcloud.com", client.config().region)
}

/// Sends a prepared fetch-task request to the migration host at `path`.
async fn send(
    client: &Client,
    p: PreparedRequest,
    req: OpRequest,
    path: String,
) -> Result<RawResponse, Error> {
    let req = p.into_request(req);
    let mut wire = WireRequest::new(
        req.operation,
        req.method.clone(),
        migration_host(client),
        path,
    )
    .accept(Accept::Success);
    wire.headers = req.headers;
    wire.body = req.body;
    client.transport().send(wire, client.authorizer()).await
}

impl PutAsyncFetchTask {
    /// The object's MD5 (hex), checked against the download.
    pub fn md5(mut self, md5: impl Into<String>) -> Self {
        self.doc.md5 = Some(md5.into());
        self
    }

    /// Skip the download when the key already exists.
    pub fn ignore_same_key(mut self, yes: bool) -> Self {
        self.doc.ignore_same_key = yes;
        self
    }

    /// A URL COS calls when the task succeeds.
    pub fn success_callback_url(mut self, url: impl Into<String>) -> Self {
        self.doc.success_callback_url = Some(url.into());
        self
    }

    /// A URL COS calls when the task fails.
    pub fn failure_callback_url(mut self, url: impl Into<String>) -> Self {
        self.doc.failure_callback_url = Some(url.into());
        self
    }

    /// The request `send` sends (its JSON body); nothing is sent.
    ///
    /// Errors: [`InvalidInput`] for a URL that is not `http://` or `https://`.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let req = op_request(Op::PutAsyncFetchTask, Some(&self.bucket), None);
        let mut p = PreparedRequest::of(Op::PutAsyncFetchTask, &req);
        let url = self.doc.url.to_ascii_lowercase();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            let e = InvalidInput::Other(format!("{:?} is not an http(s) URL", self.doc.url));
            return Err(Error::from(e).in_op(|| p.context()));
        }
        let body = serde_json::to_vec(&self.doc)
            .map_err(|e| Error::Decode(format!("cannot encode the fetch task: {e}").into()))?;
        p.set_body("application/json", body.into());
        Ok(p)
    }

    /// Creates the task.
    ///
    /// Errors: [`InvalidInput`] (see [`prepare`](Self::prepare)), [`Error::Service`] for
    /// a refused task, [`Error::Decode`] for an answer with a non-zero `code`, client
    /// errors.
    pub async fn send(self) -> Result<AsyncFetchTaskCreated, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = op_request(Op::PutAsyncFetchTask, Some(&self.bucket), None);
        let path = format!("/{}/", self.bucket);
        let sent = async {
            let r = send(&self.client, p, req, path).await?;
            let created: Created = envelope(&r)?;
            Ok(AsyncFetchTaskCreated {
                task_id: created.taskid,
                meta: ResponseMeta::from_raw(&r),
            })
        };
        sent.await.map_err(|e: Error| e.in_op(|| ctx))
    }
}

/// Builder of GET async fetch task; see [`Client::get_async_fetch_task`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct GetAsyncFetchTask {
    client: Client,
    bucket: BucketName,
    task_id: String,
}

impl GetAsyncFetchTask {
    fn request(&self) -> OpRequest {
        let mut req = op_request(Op::GetAsyncFetchTask, Some(&self.bucket), None);
        req.key = Some(self.task_id.clone());
        req
    }

    /// The request `send` sends; nothing is sent.
    ///
    /// Errors: [`InvalidInput`] for an empty task id.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let p = PreparedRequest::of(Op::GetAsyncFetchTask, &self.request());
        if self.task_id.is_empty() {
            let e = InvalidInput::Other("the task id is empty".into());
            return Err(Error::from(e).in_op(|| p.context()));
        }
        Ok(p)
    }

    /// Reads the task's state.
    ///
    /// Errors: [`Error::Service`] for an unknown task, [`Error::Decode`] for an answer
    /// with a non-zero `code`, client errors.
    pub async fn send(self) -> Result<AsyncFetchTaskStatus, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let path = format!(
            "/{}{}",
            self.bucket,
            cos_auth::encode::url_path(&self.task_id)
        );
        let sent = async {
            let r = send(&self.client, p, self.request(), path).await?;
            envelope(&r)
        };
        sent.await.map_err(|e: Error| e.in_op(|| ctx))
    }
}

impl Client {
    /// PUT async fetch task: COS downloads `url` into `key` of `bucket`.
    ///
    /// ```no_run
    /// # // Not run: COS fetches a public URL; the emulator fetches only from loopback.
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("mirror/logo.png")?;
    /// let task = client
    ///     .put_async_fetch_task(&bucket, "https://example.com/logo.png", &key)
    ///     .send()
    ///     .await?;
    /// let state = client.get_async_fetch_task(&bucket, &task.task_id).send().await?;
    /// println!("{} {}%", state.status, state.percent);
    /// # Ok(()) }
    /// ```
    pub fn put_async_fetch_task(
        &self,
        bucket: &BucketName,
        url: impl Into<String>,
        key: &ObjectKey,
    ) -> PutAsyncFetchTask {
        PutAsyncFetchTask {
            client: self.clone(),
            bucket: bucket.clone(),
            doc: FetchTaskConfiguration {
                url: url.into(),
                key: key.as_str().to_owned(),
                md5: None,
                ignore_same_key: false,
                success_callback_url: None,
                failure_callback_url: None,
            },
        }
    }

    /// GET async fetch task: the state of task `task_id`.
    pub fn get_async_fetch_task(
        &self,
        bucket: &BucketName,
        task_id: impl Into<String>,
    ) -> GetAsyncFetchTask {
        GetAsyncFetchTask {
            client: self.clone(),
            bucket: bucket.clone(),
            task_id: task_id.into(),
        }
    }
}
