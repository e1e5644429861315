//! The mock STS: Tencent Cloud API 3.0 requests (`POST /`, JSON body, `X-TC-Action`,
//! `X-TC-Version: 2018-08-13`), answered `200` with a `Response` document — errors
//! too, as Tencent Cloud API does (`{"Response": {"Error": {"Code", "Message"},
//! "RequestId"}}`).
//!
//! Limits follow the STS API reference (cloud.tencent.com/document/api/1312):
//! `AssumeRole` and `AssumeRoleWithWebIdentity` take `DurationSeconds` 0..=43200
//! (default 7200), `GetFederationToken` 0..=7200 (default 1800).

use hyper::Response;
use serde_json::{Value, json};

use super::{MockRequest, expired, lookup, respond};
use crate::body::{ReqBody, RespBody};
use crate::errors::OpResult;
use crate::state::Shared;

/// The API version the STS answers.
const VERSION: &str = "2018-08-13";
/// Largest request body read.
const MAX_BODY: usize = 64 << 10;
/// How far `X-TC-Timestamp` may be from the real clock (Tencent Cloud API allows 5 min).
const MAX_SKEW: u64 = 300;

/// A Tencent Cloud API error: code and message.
struct ApiErr(&'static str, String);

fn err(code: &'static str, message: impl Into<String>) -> ApiErr {
    ApiErr(code, message.into())
}

fn header<'a>(req: &'a MockRequest<'_>, name: &str) -> Option<&'a str> {
    req.header_map.get(name).and_then(|v| v.to_str().ok())
}

pub(super) async fn answer(
    shared: &Shared,
    req: &MockRequest<'_>,
    body: &mut ReqBody,
) -> OpResult<Response<RespBody>> {
    let payload = body.collect(MAX_BODY).await?;
    let request_id = shared.minted.random_hex();
    let doc = match handle(shared, req, &payload) {
        Ok(mut v) => {
            v["RequestId"] = json!(request_id);
            json!({ "Response": v })
        }
        Err(ApiErr(code, message)) => json!({
            "Response": { "Error": { "Code": code, "Message": message }, "RequestId": request_id }
        }),
    };
    Ok(respond(200, "application/json", doc.to_string()))
}

fn handle(shared: &Shared, req: &MockRequest<'_>, payload: &[u8]) -> Result<Value, ApiErr> {
    let action = header(req, "x-tc-action").unwrap_or("");
    if req.method != hyper::Method::POST {
        return Err(err(
            "UnsupportedProtocol",
            "the mock STS takes POST requests only",
        ));
    }
    match header(req, "x-tc-version") {
        Some(VERSION) => {}
        other => {
            return Err(err(
                "NoSuchVersion",
                format!("version {other:?} is not {VERSION}"),
            ));
        }
    }
    let params: Value = serde_json::from_slice(payload)
        .map_err(|e| err("InvalidParameter", format!("the body is not JSON: {e}")))?;
    if !params.is_object() {
        return Err(err("InvalidParameter", "the body is not a JSON object"));
    }
    let (duration, max) = match action {
        "AssumeRole" | "GetFederationToken" => {
            authenticate(shared, req, payload)?;
            if action == "AssumeRole" {
                required(&params, "RoleArn")?;
                required(&params, "RoleSessionName")?;
                (7200, 43_200)
            } else {
                required(&params, "Name")?;
                (1800, 7200)
            }
        }
        "AssumeRoleWithWebIdentity" => {
            web_identity(shared, &params)?;
            (7200, 43_200)
        }
        other => {
            return Err(err(
                "InvalidAction",
                format!("the mock STS has no action {other:?}"),
            ));
        }
    };
    if let Some(p) = params.get("Policy")
        && !p.is_string()
    {
        return Err(err(
            "InvalidParameter.PolicyError",
            "Policy is not a string",
        ));
    }
    let duration = match params.get("DurationSeconds") {
        None => duration,
        Some(v) => v.as_u64().filter(|d| *d <= max).ok_or_else(|| {
            err(
                "InvalidParameterValue",
                format!("DurationSeconds must be 0..={max}"),
            )
        })?,
    };
    let now = shared.config.clock.now_secs();
    let expiry = now + duration;
    let creds = shared
        .minted
        .mint(now, expiry)
        .ok_or_else(|| err("InternalError", "minting failed"))?;
    Ok(json!({
        "Credentials": {
            "Token": creds.token().unwrap_or_default(),
            "TmpSecretId": creds.secret_id(),
            "TmpSecretKey": creds.secret_key(),
        },
        "ExpiredTime": expiry,
        "Expiration": crate::time::iso8601(expiry).replace(".000Z", "Z"),
    }))
}

fn required<'a>(params: &'a Value, name: &'static str) -> Result<&'a str, ApiErr> {
    params
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| err("MissingParameter", format!("{name} is required")))
}

/// TC3 verification: the timestamp against the real clock (clients sign with it), the
/// credentials' expiry against the emulator's.
fn authenticate(shared: &Shared, req: &MockRequest<'_>, payload: &[u8]) -> Result<(), ApiErr> {
    use cos_auth::tc3::{ReceivedRequest, Tc3VerifyError as E, verify};
    let headers: Vec<(&str, &str)> = req.headers.iter().map(|(k, v)| (*k, v.as_ref())).collect();
    let received = ReceivedRequest {
        method: req.method.as_str(),
        path: req.raw_path,
        query: req.raw_query,
        headers: &headers,
        payload,
    };
    let find = |id: &str| lookup(shared, id);
    // The request's timestamp is checked against the real clock, not the emulator's
    // (which tests move forward): clients sign with the real time.
    let verified =
        verify(&received, &find, "sts", crate::time::now_secs(), MAX_SKEW).map_err(|e| {
            let code = match &e {
                E::Missing | E::Malformed(_) | E::InvalidTimestamp => {
                    "AuthFailure.InvalidAuthorization"
                }
                E::UnknownSecretId(_) => "AuthFailure.SecretIdNotFound",
                E::Skewed { .. } => "AuthFailure.SignatureExpire",
                E::MissingToken | E::InvalidToken => "AuthFailure.TokenFailure",
                _ => "AuthFailure.SignatureFailure",
            };
            err(code, e.to_string())
        })?;
    if expired(&verified.credentials, shared.config.clock.now_secs()) {
        return Err(err(
            "AuthFailure.TokenFailure",
            "the temporary credentials have expired",
        ));
    }
    Ok(())
}

/// `AssumeRoleWithWebIdentity` is not signed (the official SDK sends
/// `Authorization: SKIP`): the identity token is the proof.
fn web_identity(shared: &Shared, params: &Value) -> Result<(), ApiErr> {
    required(params, "ProviderId")?;
    required(params, "RoleArn")?;
    required(params, "RoleSessionName")?;
    let token = required(params, "WebIdentityToken")?;
    if let Some(want) = &shared.config.mock.web_identity_token
        && want != token
    {
        return Err(err(
            "InvalidParameter.WebIdentityTokenError",
            "the web identity token is not valid",
        ));
    }
    Ok(())
}
