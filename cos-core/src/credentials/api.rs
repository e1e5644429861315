//! Calls to Tencent Cloud API 3.0 (STS) and to the instance-metadata server, over the
//! crate's [`Transport`] (TLS, proxy, timeouts and retries as for COS requests).
//!
//! An API call is `POST /` with a JSON body and the headers `X-TC-Action`,
//! `X-TC-Version`, `X-TC-Region`, `X-TC-Timestamp` and `Authorization`
//! (TC3-HMAC-SHA256, or `SKIP` for the unsigned `AssumeRoleWithWebIdentity`, as the
//! official SDK sends it). The answer is `{"Response": {...}}`, with `Error: {Code,
//! Message}` inside on failure.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cos_auth::tc3::{SignableRequest, sign};
use cos_auth::{Credentials, CredentialsError};
use serde_json::Value;

use crate::transport::{Authorizer, Transport, TransportConfig, WireRequest};

/// Where and how a provider calls: the endpoint's host and a transport connecting there.
#[derive(Debug)]
pub(crate) struct Endpoint {
    host: String,
    transport: Transport,
}

impl Endpoint {
    /// An endpoint at `origin` (`http(s)://host[:port]`), with `config`'s TLS, proxy,
    /// timeouts and retries.
    ///
    /// Errors: [`CredentialsError::Provider`] when `origin` is not such an origin.
    pub(crate) fn new(
        provider: &'static str,
        origin: &str,
        config: TransportConfig,
    ) -> Result<Self, CredentialsError> {
        let bad = |reason: String| CredentialsError::Provider { provider, reason };
        let uri: http::Uri = origin
            .parse()
            .map_err(|_| bad(format!("endpoint {origin:?} is not a URL")))?;
        let host = uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .ok_or_else(|| bad(format!("endpoint {origin:?} has no host")))?;
        let transport = Transport::new(config.connect_to(origin))
            .map_err(|e| bad(format!("endpoint {origin:?}: {e}")))?;
        Ok(Endpoint { host, transport })
    }

    /// `GET path`: the status and body.
    pub(crate) async fn get(
        &self,
        provider: &'static str,
        path: &str,
    ) -> Result<(u16, bytes::Bytes), CredentialsError> {
        let req = WireRequest::new("MetadataGet", http::Method::GET, &self.host, path);
        let r = self
            .transport
            .send(req, &Authorizer::None)
            .await
            .map_err(|e| CredentialsError::Provider {
                provider,
                reason: e.to_string(),
            })?;
        Ok((r.status.as_u16(), r.body))
    }

    /// Calls `action` of `service` (`version`, `region`) with `params`, signed with
    /// `signer` (TC3) or unsigned (`Authorization: SKIP`); the `Response` object.
    ///
    /// Errors: [`CredentialsError::Provider`] for a transport failure, a body that is
    /// not a Tencent Cloud API answer, or an `Error` answer (its code and message).
    pub(crate) async fn call(
        &self,
        provider: &'static str,
        call: &ApiCall<'_>,
        signer: Option<&Credentials>,
    ) -> Result<Value, CredentialsError> {
        let fail = |reason: String| CredentialsError::Provider { provider, reason };
        let payload = call.params.to_string();
        let content_type = "application/json";
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut req = WireRequest::new(call.action_name(), http::Method::POST, &self.host, "/")
            .header("Content-Type", content_type)
            .header("X-TC-Action", call.action)
            .header("X-TC-Version", call.version)
            .header("X-TC-Region", call.region);
        match signer {
            Some(creds) => {
                let signable =
                    SignableRequest::new("POST", &self.host, content_type, payload.as_bytes());
                for (name, value) in sign(&signable, creds, call.service, now).headers() {
                    req = req.header(name, value);
                }
            }
            None => {
                req = req
                    .header("X-TC-Timestamp", now.to_string())
                    .header("Authorization", "SKIP");
            }
        }
        let req = req.body(payload.into_bytes());
        let r = self
            .transport
            .send(req, &Authorizer::None)
            .await
            .map_err(|e| fail(e.to_string()))?;
        let doc: Value = serde_json::from_slice(&r.body).map_err(|e| {
            fail(format!(
                "{} answered status {} with a body that is not JSON ({e})",
                call.action, r.status
            ))
        })?;
        let response = doc
            .get("Response")
            .cloned()
            .ok_or_else(|| fail(format!("{} answered without a Response", call.action)))?;
        if let Some(error) = response.get("Error") {
            let code = error.get("Code").and_then(Value::as_str).unwrap_or("");
            let message = error.get("Message").and_then(Value::as_str).unwrap_or("");
            return Err(fail(format!("{} failed: {code}: {message}", call.action)));
        }
        Ok(response)
    }
}

/// One Tencent Cloud API call.
pub(crate) struct ApiCall<'a> {
    pub service: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    pub region: &'a str,
    pub params: Value,
}

impl ApiCall<'_> {
    fn action_name(&self) -> &'static str {
        match self.action {
            "AssumeRole" => "StsAssumeRole",
            "AssumeRoleWithWebIdentity" => "StsAssumeRoleWithWebIdentity",
            _ => "TencentCloudApi",
        }
    }
}

/// The temporary credentials of an STS answer (`Credentials.TmpSecretId`,
/// `TmpSecretKey`, `Token`, and `ExpiredTime`) or of the metadata server's (the same
/// names at the top level).
pub(crate) fn temporary_credentials(
    provider: &'static str,
    doc: &Value,
) -> Result<Credentials, CredentialsError> {
    let fail = |what: &str| CredentialsError::Provider {
        provider,
        reason: format!("the answer has no {what}"),
    };
    let keys = doc.get("Credentials").unwrap_or(doc);
    let field = |name: &'static str| {
        keys.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| fail(name))
    };
    let expiry = doc
        .get("ExpiredTime")
        .and_then(Value::as_u64)
        .ok_or_else(|| fail("ExpiredTime"))?;
    Ok(
        Credentials::new(field("TmpSecretId")?, field("TmpSecretKey")?)?
            .with_token(field("Token")?)?
            .with_expiry(UNIX_EPOCH + Duration::from_secs(expiry)),
    )
}

/// A transport configuration for credential calls: `connect` and `whole` timeouts over
/// the defaults.
pub(crate) fn transport_config(connect: Duration, whole: Duration) -> TransportConfig {
    TransportConfig::default()
        .connect_timeout(connect)
        .read_timeout(whole)
        .operation_timeout(whole)
}
