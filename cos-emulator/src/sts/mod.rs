//! Mock Tencent Cloud credential services, both off by default: an STS
//! (`AssumeRole`, `AssumeRoleWithWebIdentity`, `GetFederationToken`; Tencent Cloud API
//! 3.0, TC3-HMAC-SHA256 verified) and a CVM instance-metadata server
//! (`/latest/meta-data/cam/security-credentials/`). Both mint temporary credentials
//! the emulator then accepts with their token until they expire by the emulator's
//! clock ([`crate::EmulatorHandle::advance_clock`]).
//!
//! Routing, ahead of the COS API on the same listener:
//! - a request carrying `X-TC-Action` goes to the STS (when on): a real client posts to
//!   `https://sts.tencentcloudapi.com/`, pointed here by its STS endpoint setting;
//! - a `GET` whose path starts with `/latest/meta-data/` goes to the metadata server
//!   (when on), as a client configured with this origin as its metadata endpoint asks.

mod api;
mod metadata;

use std::borrow::Cow;

use bytes::Bytes;
use cos_auth::Credentials;
use hyper::{HeaderMap, Method, Response};

use crate::body::{ReqBody, RespBody};
use crate::errors::OpResult;
use crate::state::Shared;
pub(crate) use crate::state::mock::expired;

/// The configured credentials and the minted ones.
pub(crate) fn lookup(shared: &Shared, secret_id: &str) -> Option<Credentials> {
    shared
        .config
        .credentials
        .iter()
        .find(|c| c.secret_id() == secret_id)
        .cloned()
        .or_else(|| shared.minted.get(secret_id))
}

/// The operation name a request to a mock service is logged and matched by faults
/// under: the STS action (`AssumeRole`, `AssumeRoleWithWebIdentity`,
/// `GetFederationToken`, else `StsCall`) or `InstanceMetadata`; `None` for COS requests.
pub(crate) fn operation(
    shared: &Shared,
    raw_path: &str,
    headers: &HeaderMap,
) -> Option<&'static str> {
    let mock = &shared.config.mock;
    if mock.sts
        && let Some(action) = headers.get("x-tc-action")
    {
        return Some(match action.as_bytes() {
            b"AssumeRole" => "AssumeRole",
            b"AssumeRoleWithWebIdentity" => "AssumeRoleWithWebIdentity",
            b"GetFederationToken" => "GetFederationToken",
            _ => "StsCall",
        });
    }
    (mock.metadata_role.is_some() && raw_path.starts_with(metadata::PREFIX))
        .then_some("InstanceMetadata")
}

/// What the mock services read of a request.
pub(crate) struct MockRequest<'a> {
    pub method: &'a Method,
    pub raw_path: &'a str,
    pub raw_query: &'a str,
    pub header_map: &'a HeaderMap,
    pub headers: &'a [(&'a str, Cow<'a, str>)],
}

/// The answer of a mock service when the request is for one (see the module docs).
pub(crate) async fn answer(
    shared: &Shared,
    req: &MockRequest<'_>,
    body: &mut ReqBody,
) -> Option<OpResult<Response<RespBody>>> {
    let mock = &shared.config.mock;
    if mock.sts && req.header_map.contains_key("x-tc-action") {
        return Some(api::answer(shared, req, body).await);
    }
    if let Some(role) = &mock.metadata_role
        && req.raw_path.starts_with(metadata::PREFIX)
    {
        return Some(Ok(metadata::answer(shared, req, role)));
    }
    None
}

/// A response with `status`, `content_type` and `body`.
fn respond(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Response<RespBody> {
    let body: Bytes = body.into();
    let mut r = Response::new(RespBody::full(body.clone()));
    *r.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let h = r.headers_mut();
    h.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    h.insert(hyper::header::CONTENT_LENGTH, body.len().into());
    r
}
