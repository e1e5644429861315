//! The legacy v4 JSON API (`/files/v2/{appid}/{bucket}{path}`) and its signed download
//! URLs, on the same storage as the XML API: the v4 bucket `b` of appid `a` is the XML
//! bucket `b-a`, files are objects, folders are folder objects (keys ending in `/`).
//!
//! Answers are `{code, message, request_id, data}`. The codes and answer fields other
//! than `0` are inferred from the SDKs and the v4 documentation (no capture of COS
//! exists); see [`api`] for the list.

mod api;
mod common;
mod form;
mod manage;
mod read;
mod upload;

use cos_auth::v4::{V4Expectation, V4SignatureKind, V4VerifyError};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{HeaderMap, Method, Response, StatusCode};

use crate::body::{ReqBody, RespBody};
use crate::errors::OpResult;
use crate::routing::v4::{Route, V4Path};
use crate::state::Shared;
use common::Failed;
pub(crate) use common::V4Error;

/// A v4 request as [`handle`] reads it.
pub(crate) struct V4Request<'a> {
    pub route: &'a Route,
    pub method: &'a Method,
    /// The decoded query pairs.
    pub query: &'a [(String, String)],
    pub raw_query: &'a str,
    pub headers: &'a HeaderMap,
    pub request_id: &'a str,
}

/// Handles a v4 request (API or download).
pub(crate) async fn handle(
    shared: &Shared,
    request: &V4Request<'_>,
    body: &mut ReqBody,
) -> OpResult<Response<RespBody>> {
    let V4Request {
        route,
        method,
        query,
        raw_query,
        headers,
        request_id,
    } = *request;
    match route {
        Route::Download(p) => {
            read::download(shared, p, method, query, raw_query, headers, body).await
        }
        Route::Api(p) => {
            let outcome = async {
                let kind = authenticate(shared, p, headers)?;
                api::api(shared, p, method, query, headers, body, kind).await
            }
            .await;
            Ok(match outcome {
                Ok(data) => answer(200, 0, "SUCCESS", request_id, data),
                Err(Failed::V4(e)) => answer(
                    e.status,
                    e.code,
                    &e.message,
                    request_id,
                    serde_json::Value::Null,
                ),
                Err(Failed::Other(f)) => return Err(f),
            })
        }
    }
}

/// Verifies the v4 signature of an API request.
fn authenticate(
    shared: &Shared,
    p: &V4Path,
    headers: &HeaderMap,
) -> Result<V4SignatureKind, Failed> {
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
        // The signature's validity is checked against the real clock, not the
        // emulator's (which tests move forward): clients sign with the real time.
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
