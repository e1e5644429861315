//! The mock CVM instance-metadata server: `GET /latest/meta-data/cam/security-credentials/`
//! names the instance's role; `GET …/security-credentials/<role>` gives its temporary
//! keys (`TmpSecretId`, `TmpSecretKey`, `Token`, `ExpiredTime`, `Expiration`,
//! `Code: Success`), as documented for CVM roles (cloud.tencent.com/document/product/213/47668).

use hyper::Response;
use serde_json::json;

use super::{MockRequest, respond};
use crate::body::RespBody;
use crate::state::Shared;

/// The path prefix the metadata server answers.
pub(super) const PREFIX: &str = "/latest/meta-data/";
/// Where the role and its keys are.
const ROLES: &str = "/latest/meta-data/cam/security-credentials/";

pub(super) fn answer(shared: &Shared, req: &MockRequest<'_>, role: &str) -> Response<RespBody> {
    if req.method != hyper::Method::GET {
        return respond(405, "text/plain", "method not allowed");
    }
    let Some(rest) = req.raw_path.strip_prefix(ROLES) else {
        return respond(404, "text/plain", "not found");
    };
    if rest.is_empty() {
        return respond(200, "text/plain", role.to_owned());
    }
    if rest != role {
        return respond(404, "text/plain", "not found");
    }
    let now = shared.config.clock.now_secs();
    let expiry = now + shared.config.mock.metadata_lifetime.as_secs();
    let Some(creds) = shared.minted.mint(now, expiry) else {
        return respond(500, "text/plain", "minting failed");
    };
    let doc = json!({
        "TmpSecretId": creds.secret_id(),
        "TmpSecretKey": creds.secret_key(),
        "ExpiredTime": expiry,
        "Expiration": crate::time::iso8601(expiry).replace(".000Z", "Z"),
        "Token": creds.token().unwrap_or_default(),
        "Code": "Success",
    });
    respond(200, "application/json", doc.to_string())
}
