//! The COS operations, grouped by resource, and what they share.

mod acl;
mod append;
mod bucket;
mod config;
mod copy;
mod delete;
mod list;
mod multipart;
pub(crate) mod object;
pub(crate) mod sse;
// --- object operations beyond the basics (issue 17) ---
mod batch;
mod batch_run;
mod fetch;
mod post_object;
mod post_policy;
mod restore;
mod retention;
mod select;
mod symlink;
// --- bucket configuration families (issue 16) ---
mod domains;
pub(crate) mod due;
mod encryption;
mod families;
mod internal;
mod inventory;
mod lifecycle;
mod list_buckets;
pub(crate) mod logging;
pub(crate) mod object_lock;
mod referer;
pub(crate) mod replication;
mod tiering_v2;
mod website;

use cos_xml::op::Op;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{HeaderMap, Method, Response, StatusCode};
use serde::Serialize;

use crate::auth::Identity;
use crate::body::{ReqBody, RespBody};
use crate::errors::{ApiError, OpResult};
use crate::state::Shared;

/// The owner reported for every bucket and object.
pub(crate) const OWNER_UIN: &str = "100000000001";

/// `qcs::cam::uin/<uin>:uin/<uin>`.
pub(crate) fn owner_id() -> String {
    format!("qcs::cam::uin/{OWNER_UIN}:uin/{OWNER_UIN}")
}

/// Largest XML or JSON document accepted in a request body.
const MAX_DOCUMENT: usize = 4 << 20;

/// Up to this many distinct request headers, [`Ctx::h`] scans instead of hashing.
const LINEAR_SCAN_HEADERS: usize = 12;

/// One request being handled.
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub method: Method,
    pub op: Op,
    pub host: String,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub query: &'a [(String, String)],
    pub headers: &'a HeaderMap,
    pub body: &'a mut ReqBody,
    pub identity: Identity,
}

impl Ctx<'_> {
    /// Seconds since the Unix epoch by the emulator's clock.
    pub fn now(&self) -> u64 {
        self.shared.config.clock.now_secs()
    }

    /// A query parameter.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A numeric query parameter: `None` when absent or empty.
    ///
    /// Errors: `InvalidArgument` when it is not a number of type `T`.
    pub fn q_num<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match self.q(name) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::invalid_argument(format!("Invalid {name} {v:?}."))),
        }
    }

    /// A page size parameter (`max-keys`, `max-parts`, ...): 1000 when absent, at most
    /// 1000.
    ///
    /// Errors: `InvalidArgument` when it is not a number.
    pub fn q_page_size(&self, name: &str) -> Result<usize, ApiError> {
        Ok(self.q_num::<usize>(name)?.map_or(1000, |n| n.min(1000)))
    }

    /// A header, if valid text (the first, when repeated).
    pub fn h(&self, name: &str) -> Option<&str> {
        // Most requests carry a handful of headers: comparing names beats parsing and
        // hashing `name` for a map lookup.
        let value = if self.headers.keys_len() <= LINEAR_SCAN_HEADERS {
            self.headers
                .iter()
                .find(|(k, _)| k.as_str().eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        } else {
            self.headers.get(name)
        };
        value.and_then(|v| v.to_str().ok())
    }

    pub fn bucket(&self) -> &str {
        self.bucket.as_deref().unwrap_or("")
    }

    pub fn key(&self) -> &str {
        self.key.as_deref().unwrap_or("")
    }

    /// Reads a small XML body into a model.
    pub async fn xml_body<T: serde::de::DeserializeOwned>(&mut self) -> OpResult<T> {
        let bytes = self.body.collect(MAX_DOCUMENT).await?;
        check_content_md5(self.h("content-md5"), &bytes)?;
        Ok(cos_xml::from_slice(&bytes).map_err(ApiError::malformed_xml)?)
    }

    /// Reads a small body as text.
    pub async fn text_body(&mut self) -> OpResult<String> {
        let bytes = self.body.collect(MAX_DOCUMENT).await?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| ApiError::invalid_argument("The body is not UTF-8.").into())
    }
}

/// Checks a `Content-MD5` header (base64 of the MD5) against a buffered body.
pub(crate) fn check_content_md5(header: Option<&str>, body: &[u8]) -> Result<(), ApiError> {
    let Some(expected) = header else {
        return Ok(());
    };
    use md5::Digest;
    let actual: [u8; 16] = md5::Md5::digest(body).into();
    check_md5_digest(expected, &actual)
}

/// Compares a `Content-MD5` header with a computed MD5.
pub(crate) fn check_md5_digest(expected: &str, actual: &[u8; 16]) -> Result<(), ApiError> {
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(expected.trim())
        .map_err(|_| {
            ApiError::new(
                400,
                "InvalidDigest",
                "The Content-MD5 you specified is not valid.",
            )
        })?;
    if decoded.as_slice() != actual {
        return Err(ApiError::new(
            400,
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
        ));
    }
    Ok(())
}

/// Starts a response.
pub(crate) fn response(status: StatusCode) -> Response<RespBody> {
    let mut r = Response::new(RespBody::empty());
    *r.status_mut() = status;
    // Room for what every answer gets (length, ids, server, date, etag, ...) without
    // growing the map.
    *r.headers_mut() = HeaderMap::with_capacity(12);
    r.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(0));
    r
}

/// A 200 answer with an XML document.
pub(crate) fn xml<T: Serialize>(doc: &T) -> OpResult<Response<RespBody>> {
    let s = cos_xml::to_string(doc).map_err(ApiError::internal)?;
    Ok(body_response(s.into_bytes(), "application/xml"))
}

/// A 200 answer with a body.
pub(crate) fn body_response(body: Vec<u8>, content_type: &'static str) -> Response<RespBody> {
    let len = body.len();
    let mut r = Response::new(RespBody::full(body));
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CONTENT_LENGTH, HeaderValue::from(len));
    r
}

/// Sets a header from text, skipping values HTTP cannot carry.
pub(crate) fn set_header(r: &mut Response<RespBody>, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        hyper::header::HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        r.headers_mut().insert(n, v);
    }
}

/// Runs the operation `ctx.op` (see [`dispatch_op`]), noting it in the bucket's
/// access log when logging is on.
pub(crate) async fn dispatch(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let result = match guard(ctx) {
        Ok(None) => dispatch_op(ctx).await,
        Ok(Some(answered)) => Ok(answered),
        Err(e) => Err(e),
    };
    logging::note(ctx, &result);
    replication::note(ctx, &result);
    result
}

/// What every operation passes first: the anonymous ACL check and the bucket's
/// referer rules; a website request is answered here (`Some`). (Retention is checked
/// where versions are replaced or removed: `storage/retention.rs`.)
fn guard(ctx: &mut Ctx<'_>) -> OpResult<Option<Response<RespBody>>> {
    if matches!(ctx.identity, Identity::Anonymous) {
        acl::check_anonymous(ctx)?;
    }
    referer::check(ctx)?;
    website::serve(ctx)
}

/// Runs the operation `ctx.op`: one arm per operation of the table, so an operation
/// without a handler does not compile.
async fn dispatch_op(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    use config::Doc;
    use families::Family;
    match ctx.op {
        Op::ListBuckets => bucket::list_buckets(ctx),
        Op::PutBucket => bucket::put_bucket(ctx).await,
        Op::HeadBucket => bucket::head_bucket(ctx),
        Op::DeleteBucket => bucket::delete_bucket(ctx).await,
        Op::GetBucketLocation => bucket::get_location(ctx),
        Op::PutBucketVersioning => bucket::put_versioning(ctx).await,
        Op::GetBucketVersioning => bucket::get_versioning(ctx),
        Op::PutBucketAcl => acl::put_bucket_acl(ctx).await,
        Op::GetBucketAcl => acl::get_bucket_acl(ctx),
        Op::PutObjectAcl => acl::put_object_acl(ctx).await,
        Op::GetObjectAcl => acl::get_object_acl(ctx),
        Op::PutBucketCors => config::put(ctx, Doc::Cors).await,
        Op::PutBucketLifecycle => config::put(ctx, Doc::Lifecycle).await,
        Op::PutBucketTagging => config::put(ctx, Doc::Tagging).await,
        Op::PutBucketPolicy => config::put(ctx, Doc::Policy).await,
        Op::GetBucketCors => config::get(ctx, Doc::Cors),
        Op::GetBucketLifecycle => config::get(ctx, Doc::Lifecycle),
        Op::GetBucketTagging => config::get(ctx, Doc::Tagging),
        Op::GetBucketPolicy => config::get(ctx, Doc::Policy),
        Op::DeleteBucketCors => config::delete(ctx, Doc::Cors).await,
        Op::DeleteBucketLifecycle => config::delete(ctx, Doc::Lifecycle).await,
        Op::DeleteBucketTagging => config::delete(ctx, Doc::Tagging).await,
        Op::DeleteBucketPolicy => config::delete(ctx, Doc::Policy).await,
        Op::OptionsObject => config::preflight(ctx),
        Op::PutObjectTagging => config::put_object_tagging(ctx).await,
        Op::GetObjectTagging => config::get_object_tagging(ctx),
        Op::DeleteObjectTagging => config::delete_object_tagging(ctx).await,
        Op::ListObjects => list::list_objects(ctx),
        Op::ListObjectVersions => list::list_versions(ctx),
        Op::ListMultipartUploads => list::list_uploads(ctx),
        Op::PutObject => object::put_object(ctx).await,
        Op::GetObject | Op::HeadObject => object::get_object(ctx),
        Op::DeleteObject => delete::delete_object(ctx).await,
        Op::DeleteMultipleObjects => delete::delete_multiple(ctx).await,
        Op::CopyObject => copy::copy_object(ctx).await,
        Op::RestoreObject => restore::restore_object(ctx).await,
        Op::AppendObject => append::append_object(ctx).await,
        Op::InitiateMultipartUpload => multipart::initiate(ctx).await,
        Op::UploadPart => multipart::upload_part(ctx).await,
        Op::UploadPartCopy => multipart::upload_part_copy(ctx).await,
        Op::CompleteMultipartUpload => multipart::complete(ctx).await,
        Op::AbortMultipartUpload => multipart::abort(ctx).await,
        Op::ListParts => multipart::list_parts(ctx),
        // --- object operations beyond the basics (issue 17) ---
        Op::PostObject => post_object::post_object(ctx).await,
        Op::PutSymlink => symlink::put_symlink(ctx).await,
        Op::GetSymlink => symlink::get_symlink(ctx),
        Op::PutObjectRetention => retention::put_retention(ctx).await,
        Op::GetObjectRetention => retention::get_retention(ctx),
        Op::PutAsyncFetchTask => fetch::put_fetch_task(ctx).await,
        Op::GetAsyncFetchTask => fetch::get_fetch_task(ctx),
        Op::CreateJob => batch::create_job(ctx).await,
        Op::DescribeJob => batch::describe_job(ctx).await,
        Op::ListJobs => batch::list_jobs(ctx).await,
        Op::DeleteJob => batch::delete_job(ctx).await,
        Op::UpdateJobPriority => batch::update_priority(ctx).await,
        Op::UpdateJobStatus => batch::update_status(ctx).await,
        // --- select ---
        Op::SelectObjectContent => select::select_object_content(ctx).await,
        // --- bucket configuration (issue 16) ---
        Op::PutBucketWebsite => families::put(ctx, Family::Website).await,
        Op::GetBucketWebsite => families::get(ctx, Family::Website),
        Op::DeleteBucketWebsite => families::delete(ctx, Family::Website).await,
        Op::PutBucketReferer => families::put(ctx, Family::Referer).await,
        Op::GetBucketReferer => families::get(ctx, Family::Referer),
        Op::PutBucketEncryption => families::put(ctx, Family::Encryption).await,
        Op::GetBucketEncryption => families::get(ctx, Family::Encryption),
        Op::DeleteBucketEncryption => families::delete(ctx, Family::Encryption).await,
        Op::PutBucketLogging => families::put(ctx, Family::Logging).await,
        Op::GetBucketLogging => families::get(ctx, Family::Logging),
        Op::PutBucketObjectLock => families::put(ctx, Family::ObjectLock).await,
        Op::GetBucketObjectLock => families::get(ctx, Family::ObjectLock),
        Op::PutBucketReplication => families::put(ctx, Family::Replication).await,
        Op::GetBucketReplication => families::get(ctx, Family::Replication),
        Op::DeleteBucketReplication => families::delete(ctx, Family::Replication).await,
        Op::PutBucketInventory => inventory::put(ctx).await,
        Op::GetBucketInventory => inventory::get(ctx),
        Op::DeleteBucketInventory => inventory::delete(ctx).await,
        Op::PostBucketInventory => inventory::post(ctx).await,
        Op::PutBucketIntelligentTiering => families::put(ctx, Family::IntelligentTiering).await,
        Op::GetBucketIntelligentTiering => families::get(ctx, Family::IntelligentTiering),
        Op::PutBucketIntelligentTieringV2 => tiering_v2::put(ctx).await,
        Op::GetBucketIntelligentTieringV2 => tiering_v2::get(ctx),
        Op::PutBucketAccelerate => families::put(ctx, Family::Accelerate).await,
        Op::GetBucketAccelerate => families::get(ctx, Family::Accelerate),
        Op::PutBucketDomain => families::put(ctx, Family::Domain).await,
        Op::GetBucketDomain => families::get(ctx, Family::Domain),
        Op::DeleteBucketDomain => families::delete(ctx, Family::Domain).await,
        Op::PutBucketDomainCertificate => domains::put_certificate(ctx).await,
        Op::GetBucketDomainCertificate => domains::get_certificate(ctx),
        Op::DeleteBucketDomainCertificate => domains::delete_certificate(ctx).await,
        Op::PutBucketOrigin => families::put(ctx, Family::Origin).await,
        Op::GetBucketOrigin => families::get(ctx, Family::Origin),
        Op::DeleteBucketOrigin => families::delete(ctx, Family::Origin).await,
        Op::PutBucketResponseControl => families::put(ctx, Family::ResponseControl).await,
        Op::GetBucketResponseControl => families::get(ctx, Family::ResponseControl),
        Op::DeleteBucketResponseControl => families::delete(ctx, Family::ResponseControl).await,
    }
}
