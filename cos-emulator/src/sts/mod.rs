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
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use cos_auth::Credentials;
use hyper::{HeaderMap, Method, Response};

use crate::body::{ReqBody, RespBody};
use crate::errors::OpResult;
use crate::state::Shared;

/// The settings of the mock services.
#[derive(Debug, Clone)]
pub(crate) struct MockConfig {
    /// Whether the STS answers.
    pub sts: bool,
    /// When set, `AssumeRoleWithWebIdentity` accepts only this token.
    pub web_identity_token: Option<String>,
    /// When set, the metadata server answers and serves this role.
    pub metadata_role: Option<String>,
    /// How long the metadata server's keys last.
    pub metadata_lifetime: Duration,
}

/// Default lifetime of the metadata server's keys.
const DEFAULT_METADATA_LIFETIME: Duration = Duration::from_secs(7200);

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            sts: false,
            web_identity_token: None,
            metadata_role: None,
            metadata_lifetime: DEFAULT_METADATA_LIFETIME,
        }
    }
}

/// The temporary credentials minted so far, by secret id.
#[derive(Debug, Default)]
pub(crate) struct Minted {
    keys: Mutex<HashMap<String, Credentials>>,
    counter: AtomicU64,
    random: RandomState,
}

impl Minted {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Credentials>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// 32 hex digits no caller can guess.
    fn random_hex(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let a = self.random.hash_one((n, 0u8));
        let b = self.random.hash_one((n, 1u8));
        format!("{a:016x}{b:016x}")
    }

    /// New temporary credentials expiring at `expiry` (Unix seconds, emulator clock);
    /// credentials expired for a day by `now` are forgotten.
    pub fn mint(&self, now: u64, expiry: u64) -> Option<Credentials> {
        let id = format!("AKIDTMP{}", self.random_hex());
        let key = self.random_hex();
        let token = format!("{}{}", self.random_hex(), self.random_hex());
        let creds = Credentials::new(id.clone(), key)
            .and_then(|c| c.with_token(token))
            .ok()?
            .with_expiry(UNIX_EPOCH + Duration::from_secs(expiry));
        let mut keys = self.lock();
        let horizon = UNIX_EPOCH + Duration::from_secs(now.saturating_sub(86_400));
        keys.retain(|_, c| c.expiry().is_none_or(|e| e > horizon));
        keys.insert(id, creds.clone());
        Some(creds)
    }

    /// The minted credentials of `secret_id`, expired or not.
    pub fn get(&self, secret_id: &str) -> Option<Credentials> {
        self.lock().get(secret_id).cloned()
    }
}

/// Whether `creds` have expired at `now` (Unix seconds, emulator clock).
pub(crate) fn expired(creds: &Credentials, now: u64) -> bool {
    creds
        .expiry()
        .is_some_and(|e| e <= UNIX_EPOCH + Duration::from_secs(now))
}

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
