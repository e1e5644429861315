//! The legacy v4 JSON API (`/files/v2/{appid}/{bucket}{path}`) and its signed download
//! URLs, on the same storage as the XML API: the v4 bucket `b` of appid `a` is the XML
//! bucket `b-a`, files are objects, folders are folder objects (keys ending in `/`).
//!
//! Answers are `{code, message, request_id, data}`. The codes and answer fields other
//! than `0` are inferred from the SDKs and the v4 documentation (no capture of COS
//! exists); see [`ops`] for the list.

mod form;
mod ops;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use cos_auth::v4::{V4Expectation, V4SignatureKind, V4VerifyError};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{HeaderMap, Method, Response, StatusCode};

use crate::body::{ReqBody, RespBody};
use crate::errors::OpResult;
use crate::routing::Target;
use crate::server::Shared;

/// What a v4 request addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// An API request.
    Api(V4Path),
    /// A download through a signed URL (`?sign=`).
    Download(V4Path),
}

/// `{appid}`, `{bucket}` and the decoded path (starting with `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct V4Path {
    pub appid: String,
    pub bucket: String,
    pub cos_path: String,
}

impl V4Path {
    /// The XML bucket: `{bucket}-{appid}`.
    pub fn xml_bucket(&self) -> String {
        format!("{}-{}", self.bucket, self.appid)
    }

    /// The object key: the path without its leading `/` (empty for the root).
    pub fn key(&self) -> &str {
        self.cos_path.strip_prefix('/').unwrap_or(&self.cos_path)
    }
}

impl Route {
    /// The v4 route of a request, if it is one: a path under `/files/v2/`, or a GET
    /// with `sign` in its query on a `{bucket}-{appid}.<host>` that is not an XML host.
    pub fn parse(method: &Method, host: &str, raw_path: &str, raw_query: &str) -> Option<Route> {
        if let Some(rest) = raw_path.strip_prefix("/files/v2/") {
            let (appid, rest) = rest.split_once('/')?;
            let (bucket, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, "/"),
            };
            return Some(Route::Api(V4Path {
                appid: appid.to_owned(),
                bucket: bucket.to_owned(),
                cos_path: cos_auth::encode::decode_path(path),
            }));
        }
        let has_sign = raw_query.split('&').any(|p| p.starts_with("sign="));
        if *method != Method::GET || !has_sign {
            return None;
        }
        let (label, rest) = host.split_once('.')?;
        if rest.starts_with("cos.") || rest.starts_with("cos-") {
            return None;
        }
        let (bucket, appid) = label.rsplit_once('-')?;
        if bucket.is_empty() || appid.is_empty() || !appid.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Route::Download(V4Path {
            appid: appid.to_owned(),
            bucket: bucket.to_owned(),
            cos_path: cos_auth::encode::decode_path(raw_path),
        }))
    }

    /// The operation name for the request log.
    pub fn operation(&self) -> &'static str {
        match self {
            Route::Api(_) => OPERATIONS[0],
            Route::Download(_) => OPERATIONS[1],
        }
    }

    /// The XML bucket and key, for the request log.
    pub fn target(&self) -> Target {
        let p = match self {
            Route::Api(p) | Route::Download(p) => p,
        };
        Target {
            bucket: Some(p.xml_bucket()),
            key: (!p.key().is_empty()).then(|| p.key().to_owned()),
            path_style: false,
        }
    }
}

/// The names v4 requests are logged under: the JSON API, and downloads.
pub(crate) const OPERATIONS: [&str; 2] = ["V4", "V4Download"];

/// An unfinished slice upload.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub id: String,
    pub bucket: String,
    pub key: String,
    pub filesize: u64,
    pub slice_size: u64,
    pub biz_attr: String,
    pub sha: Option<String>,
    pub slices: BTreeMap<u64, Bytes>,
}

/// v4 attributes COS keeps beside an object.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attrs {
    pub biz_attr: String,
    pub sha: Option<String>,
    pub ctime: u64,
}

/// What the v4 API remembers besides the objects (kept in memory only).
#[derive(Debug, Default)]
pub(crate) struct V4State {
    inner: Mutex<V4Inner>,
}

#[derive(Debug, Default)]
pub(crate) struct V4Inner {
    /// Once-signatures already accepted.
    pub used_once: HashSet<String>,
    /// Slice uploads by session id.
    pub sessions: HashMap<String, Session>,
    /// Attributes by (XML bucket, key).
    pub attrs: HashMap<(String, String), Attrs>,
    /// Source of session ids.
    pub counter: u64,
}

impl V4State {
    pub fn lock(&self) -> MutexGuard<'_, V4Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A v4 answer with a non-zero code.
#[derive(Debug, Clone)]
pub(crate) struct V4Error {
    pub status: u16,
    pub code: i64,
    pub message: String,
}

impl V4Error {
    pub fn new(status: u16, code: i64, message: impl Into<String>) -> Self {
        V4Error {
            status,
            code,
            message: message.into(),
        }
    }
}

/// Handles a v4 request (API or download).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn handle(
    shared: &Shared,
    route: &Route,
    method: &Method,
    query: &[(String, String)],
    raw_query: &str,
    headers: &HeaderMap,
    body: &mut ReqBody,
    request_id: &str,
) -> OpResult<Response<RespBody>> {
    match route {
        Route::Download(p) => {
            ops::download(shared, p, method, query, raw_query, headers, body).await
        }
        Route::Api(p) => {
            let outcome = async {
                let kind = authenticate(shared, p, headers)?;
                ops::api(shared, p, method, query, headers, body, kind).await
            }
            .await;
            Ok(match outcome {
                Ok(data) => answer(200, 0, "SUCCESS", request_id, data),
                Err(ops::Failed::V4(e)) => answer(
                    e.status,
                    e.code,
                    &e.message,
                    request_id,
                    serde_json::Value::Null,
                ),
                Err(ops::Failed::Other(f)) => return Err(f),
            })
        }
    }
}

/// Verifies the v4 signature of an API request.
fn authenticate(
    shared: &Shared,
    p: &V4Path,
    headers: &HeaderMap,
) -> Result<V4SignatureKind, ops::Failed> {
    let Some(sign) = headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(V4Error::new(403, -96, "ERROR_CMD_SIGN_MISSING: no Authorization").into());
    };
    let expect = V4Expectation {
        appid: &p.appid,
        bucket: &p.bucket,
        cos_path: &p.cos_path,
    };
    let verified = cos_auth::v4::verify(
        sign,
        &expect,
        &shared.config.credentials[..],
        crate::time::now_secs(),
    )
    .map_err(|e| {
        let code = match e {
            V4VerifyError::Expired { .. } => -97,
            _ => -96,
        };
        V4Error::new(403, code, format!("ERROR_CMD_SIGN_INVALID: {e}"))
    })?;
    Ok(verified.kind)
}

/// Marks a once-signature used; fails when it already was.
pub(crate) fn consume_once(shared: &Shared, headers: &HeaderMap) -> Result<(), V4Error> {
    let sign = headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_owned();
    if !shared.v4.lock().used_once.insert(sign) {
        return Err(V4Error::new(
            403,
            -98,
            "ERROR_CMD_SIGN_REUSED: a once-signature can be used only once",
        ));
    }
    Ok(())
}

/// A JSON answer `{code, message, request_id, data}`.
fn answer(
    status: u16,
    code: i64,
    message: &str,
    request_id: &str,
    data: serde_json::Value,
) -> Response<RespBody> {
    let mut doc = serde_json::Map::new();
    doc.insert("code".into(), code.into());
    doc.insert("message".into(), message.into());
    doc.insert("request_id".into(), request_id.into());
    if !data.is_null() {
        doc.insert("data".into(), data);
    }
    let body = serde_json::Value::Object(doc).to_string();
    let len = body.len();
    let mut r = Response::new(RespBody::full(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(CONTENT_LENGTH, HeaderValue::from(len));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = Route::parse(
            &Method::POST,
            "sh.file.myqcloud.com",
            "/files/v2/125/b/dir/a%20b.txt",
            "",
        );
        assert_eq!(
            r,
            Some(Route::Api(V4Path {
                appid: "125".into(),
                bucket: "b".into(),
                cos_path: "/dir/a b.txt".into()
            }))
        );
        let r = Route::parse(&Method::GET, "x", "/files/v2/125/b", "op=list").unwrap();
        assert_eq!(r.target().bucket.as_deref(), Some("b-125"));
        assert_eq!(r.target().key, None);
        let d = Route::parse(&Method::GET, "b-125.costj.myqcloud.com", "/a.txt", "sign=x").unwrap();
        assert_eq!(d.operation(), "V4Download");
        assert!(
            Route::parse(
                &Method::GET,
                "b-125.cos.ap-guangzhou.myqcloud.com",
                "/a",
                "sign=x"
            )
            .is_none()
        );
        assert!(Route::parse(&Method::GET, "b-125.costj.myqcloud.com", "/a", "").is_none());
    }
}
