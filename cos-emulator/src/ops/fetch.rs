//! Async fetch tasks: COS downloads a URL into an object.
//!
//! The wire format is the official SDKs' (`tencentyun/cos-go-sdk-v5` `object.go`
//! `PutFetchTask`/`GetFetchTask` and their tests in `object_test.go`;
//! `cos-python-sdk-v5` `put_async_fetch_task`): on `<region>.migration.myqcloud.com`,
//! `POST /<bucket>/` with a JSON body (`Url`, `Key`, `MD5`, `IgnoreSameKey`, ...)
//! answers `{"code":0,"message":"SUCCESS","data":{"taskid":".."}}`, and
//! `GET /<bucket>/<task id>` answers `{"code":0,"message":"SUCCESS","data":{"code":..,
//! "msg":..,"percent":..,"status":"TASK_SUCCESS" | "TASK_FAILED"}}`.
//!
//! The emulator fetches before it answers (a task is finished when its id is returned,
//! so tests need no polling), and only from loopback: `http://127.0.0.1`,
//! `http://localhost` or `http://[::1]` (any port); any other URL is refused with 400
//! `InvalidArgument`, so that tests stay offline. A fetch that fails (the origin
//! answers an error, breaks, or the MD5 does not match) makes a `TASK_FAILED` task and
//! stores nothing.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::Response;
use serde::Deserialize;
use serde_json::json;

use super::object::{MAX_PUT, commit, content_type_of_key, etag_of};
use super::{Ctx, body_response};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::state::tasks::FetchTask;
use crate::storage::{Acl, Digests, ObjectRecord, Segment};

/// How long one fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// The JSON body of PUT async fetch task.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FetchRequest {
    url: String,
    key: String,
    #[serde(rename = "MD5", default)]
    md5: Option<String>,
    #[serde(default)]
    ignore_same_key: bool,
}

fn json_answer(v: &serde_json::Value) -> Response<RespBody> {
    body_response(v.to_string().into_bytes(), "application/json")
}

/// `host:port` of a loopback `http://` URL, and the path to ask for.
fn loopback(url: &str) -> Result<(String, String), ApiError> {
    let refuse = || {
        ApiError::invalid_argument(format!(
            "The emulator fetches only from http://127.0.0.1, http://localhost or http://[::1], not {url:?}."
        ))
    };
    let uri: hyper::Uri = url.parse().map_err(|_| refuse())?;
    let host = uri.host().ok_or_else(refuse)?;
    if uri.scheme_str() != Some("http") || !["127.0.0.1", "localhost", "[::1]"].contains(&host) {
        return Err(refuse());
    }
    let port = uri.port_u16().unwrap_or(80);
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    Ok((format!("{host}:{port}"), path))
}

/// Why a fetch failed: the task's `code` and `msg`.
type FetchFailure = (String, String);

fn failure(code: &str, msg: impl Into<String>) -> FetchFailure {
    (code.to_owned(), msg.into())
}

/// Downloads `path` from `authority` into a new blob, with the origin's
/// `Content-Type`.
async fn download(
    ctx: &Ctx<'_>,
    authority: &str,
    path: &str,
) -> Result<(Vec<Segment>, Digests, Option<String>), FetchFailure> {
    let broken = |e: &dyn std::fmt::Display| failure("FetchFailed", format!("{authority}: {e}"));
    let stream = tokio::net::TcpStream::connect(authority)
        .await
        .map_err(|e| broken(&e))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| broken(&e))?;
    tokio::spawn(conn);
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, authority)
        .body(http_body_util::Empty::<Bytes>::new())
        .map_err(|e| broken(&e))?;
    let answer = sender.send_request(request).await.map_err(|e| broken(&e))?;
    if !answer.status().is_success() {
        return Err(failure(
            "FetchFailed",
            format!("the origin answered {}", answer.status()),
        ));
    }
    let content_type = answer
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut body = answer.into_body();
    let mut w = ctx
        .shared
        .store
        .writer(true)
        .await
        .map_err(|_| failure("InternalError", "cannot store"))?;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| broken(&e))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if w.len() + data.len() as u64 > MAX_PUT {
            return Err(failure(
                "EntityTooLarge",
                "the origin's object is over 5 GiB",
            ));
        }
        w.write(data)
            .await
            .map_err(|_| failure("InternalError", "cannot store"))?;
    }
    let (segments, digests) = w
        .finish()
        .await
        .map_err(|_| failure("InternalError", "cannot store"))?;
    Ok((segments, digests, content_type))
}

/// Whether `expected` (hex or base64) is the MD5 `actual`.
fn md5_matches(expected: &str, actual: &[u8; 16]) -> bool {
    use base64::Engine;
    let hex = crate::storage::hex(actual);
    expected.eq_ignore_ascii_case(&hex)
        || base64::engine::general_purpose::STANDARD
            .decode(expected.trim())
            .is_ok_and(|d| d.as_slice() == actual)
}

/// Runs a task: `Ok(message)` once stored (or skipped), else why not.
async fn run(ctx: &mut Ctx<'_>, req: &FetchRequest) -> Result<String, FetchFailure> {
    let (authority, path) = loopback(&req.url).map_err(|e| failure(&e.code, e.message))?;
    if req.ignore_same_key
        && ctx
            .shared
            .store
            .lock()
            .bucket(ctx.bucket())
            .is_ok_and(|b| b.current(&req.key).is_some())
    {
        return Ok("The key exists: skipped (IgnoreSameKey).".to_owned());
    }
    let fetched = tokio::time::timeout(FETCH_TIMEOUT, download(ctx, &authority, &path))
        .await
        .map_err(|_| failure("FetchFailed", "the origin took too long"))?;
    let (segments, d, content_type) = fetched?;
    if let (Some(want), Some(md5)) = (&req.md5, d.md5)
        && !md5_matches(want, &md5)
    {
        ctx.shared.store.forget(segments).await;
        return Err(failure(
            "InvalidDigest",
            "The MD5 does not match the fetched data.",
        ));
    }
    let record = ObjectRecord {
        size: d.len,
        etag: etag_of(&d),
        crc64: d.crc64,
        segments,
        headers: vec![(
            "Content-Type".to_owned(),
            content_type.unwrap_or_else(|| content_type_of_key(&req.key)),
        )],
        meta: Vec::new(),
        storage_class: "STANDARD".to_owned(),
        acl: Acl {
            grants: Vec::new(),
            inherit: true,
        },
        tags: Vec::new(),
        restored_until: None,
        appendable: false,
        last_modified: ctx.now(),
        restore_ready_at: None,
        retain_until: None,
    };
    ctx.key = Some(req.key.clone());
    commit(ctx, record, false)
        .await
        .map_err(|_| failure("InternalError", "The object could not be stored."))?;
    Ok("SUCCESS".to_owned())
}

pub(crate) async fn put_fetch_task(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let text = ctx.text_body().await?;
    let req: FetchRequest = serde_json::from_str(&text)
        .map_err(|e| ApiError::invalid_argument(format!("Invalid fetch task: {e}")))?;
    crate::routing::check_key(&req.key)?;
    if req.key.is_empty() {
        return Err(ApiError::invalid_argument("Key is empty.").into());
    }
    loopback(&req.url)?;
    let bucket = ctx.bucket().to_owned();
    ctx.shared.store.lock().bucket(&bucket)?;
    let task = match run(ctx, &req).await {
        Ok(message) => FetchTask {
            bucket,
            status: "TASK_SUCCESS",
            code: String::new(),
            message,
        },
        Err((code, message)) => FetchTask {
            bucket,
            status: "TASK_FAILED",
            code,
            message,
        },
    };
    let id = format!(
        "{:08x}{:08x}",
        ctx.now() & 0xffff_ffff,
        ctx.shared.next_request_number()
    );
    ctx.shared
        .fetch_tasks
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id.clone(), task);
    Ok(json_answer(&json!({
        "code": 0,
        "message": "SUCCESS",
        "data": { "taskid": id },
    })))
}

pub(crate) fn get_fetch_task(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let tasks = ctx
        .shared
        .fetch_tasks
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let task = tasks
        .get(ctx.key())
        .filter(|t| t.bucket == ctx.bucket())
        .ok_or_else(|| ApiError::new(404, "NoSuchTask", "The fetch task does not exist."))?;
    Ok(json_answer(&json!({
        "code": 0,
        "message": "SUCCESS",
        "data": {
            "code": task.code,
            "msg": task.message,
            "percent": 100,
            "status": task.status,
        },
    })))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_loopback_urls_are_fetched() {
        assert!(super::loopback("http://127.0.0.1:8080/a?b=1").is_ok());
        assert!(super::loopback("http://localhost/a").is_ok());
        for bad in [
            "https://127.0.0.1/a",
            "http://example.com/a",
            "http://10.0.0.1/a",
            "x",
        ] {
            assert!(super::loopback(bad).is_err(), "{bad}");
        }
    }
}
