//! POST Object: browser form uploads (`multipart/form-data` on the bucket's root).
//!
//! The text fields come first, the `file` field last (fields after it are ignored);
//! the policy and its signature are verified before any byte of the file is stored
//! (see `post_policy`), and the file's size against the policy's
//! `content-length-range` while it streams in. COS's answer (API "POST Object",
//! <https://cloud.tencent.com/document/product/436/14690>): `success_action_redirect`
//! gives 303 with `Location: <redirect>?bucket=..&key=..&etag=..`, else
//! `success_action_status` 200, 201 (with a `<PostResponse>` document) or 204 (the
//! default, also for any other value).

use bytes::Bytes;
use hyper::{Response, StatusCode};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::object::{
    MAX_PUT, STORAGE_CLASSES, STORED_HEADERS, commit, content_type_of_key, etag_of, write_headers,
};
use super::post_policy::{Check, Form, Limits, verify};
use super::{Ctx, acl, response, set_header, xml};
use crate::body::{ReqBody, RespBody};
use crate::errors::{ApiError, Failure, OpResult};
use crate::storage::{Digests, ObjectRecord, Segment};

/// The text fields of a form together may hold this much (the policy included).
const MAX_FIELDS: usize = 256 << 10;

fn malformed(detail: &str) -> ApiError {
    ApiError::new(
        400,
        "MalformedPOSTRequest",
        format!("The body of your POST request is not well-formed multipart/form-data: {detail}"),
    )
}

/// A broken request body ends the request as a reset; anything else multer refuses
/// is a malformed form.
fn form_error(e: multer::Error) -> Failure {
    match e {
        multer::Error::StreamReadFailed(_) => Failure::Reset,
        other => malformed(&other.to_string()).into(),
    }
}

/// The request body as the stream multer reads.
fn body_stream(
    body: &mut ReqBody,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + '_ {
    futures_util::stream::unfold(Some(body), |body| async move {
        let b = body?;
        match b.chunk().await {
            Ok(Some(c)) => Some((Ok(c), Some(b))),
            Ok(None) => None,
            Err(_) => Some((Err(std::io::Error::other("the request body broke")), None)),
        }
    })
}

/// What the form asks to store, checked before the file is read.
struct Plan {
    key: String,
    record: ObjectRecord,
    limits: Limits,
    status: u16,
    redirect: Option<String>,
}

pub(crate) async fn post_object(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let boundary = ctx
        .h("content-type")
        .and_then(|ct| multer::parse_boundary(ct).ok())
        .ok_or_else(|| malformed("no multipart/form-data boundary"))?;
    let shared = ctx.shared;
    let bucket = ctx.bucket().to_owned();
    let now = ctx.now();
    shared.store.lock().bucket(&bucket)?;
    let received = {
        let mut multipart = multer::Multipart::new(body_stream(&mut *ctx.body), boundary);
        let mut form = Form::default();
        let mut size = 0;
        loop {
            let Some(mut field) = multipart.next_field().await.map_err(form_error)? else {
                return Err(malformed("the form has no file field").into());
            };
            let name = field.name().unwrap_or_default().to_owned();
            if name.eq_ignore_ascii_case("file") {
                let plan = plan(shared, &bucket, now, &form, field.file_name())?;
                let file = receive_file(&mut field, shared, plan.limits).await?;
                break (plan, file);
            }
            let mut value = Vec::new();
            while let Some(c) = field.chunk().await.map_err(form_error)? {
                size += c.len();
                if size > MAX_FIELDS {
                    return Err(malformed("the form's fields are too large").into());
                }
                value.extend_from_slice(&c);
            }
            let value = String::from_utf8(value).map_err(|_| malformed("a field is not UTF-8"))?;
            form.fields.push((name, value));
        }
    };
    ctx.body.drain().await?;
    let (plan, (segments, d)) = received;
    store(ctx, plan, segments, &d).await
}

/// The key (`${filename}` replaced by the file's name), the verified policy and the
/// object's metadata.
fn plan(
    shared: &crate::state::Shared,
    bucket: &str,
    now: u64,
    form: &Form,
    file_name: Option<&str>,
) -> Result<Plan, ApiError> {
    let key = form
        .get("key")
        .ok_or_else(|| ApiError::invalid_argument("Bucket POST must contain a field named 'key'."))?
        .replace("${filename}", file_name.unwrap_or(""));
    if key.is_empty() {
        return Err(ApiError::invalid_argument("The key field is empty."));
    }
    crate::routing::check_key(&key)?;
    let check = Check {
        bucket,
        key: &key,
        credentials: &shared.config.credentials,
        // The signature's key time against the real clock (clients sign with it);
        // the policy's expiration against the emulator's.
        real_now: crate::time::now_secs(),
        clock_now: now,
    };
    let limits = match verify(form, &check)? {
        Some(limits) => limits,
        // Unsigned: only a bucket whose ACL grants everyone WRITE takes it.
        None if acl::allows(&shared.store.lock().bucket(bucket)?.acl, true) => Limits::default(),
        None => return Err(ApiError::access_denied("Access Denied.")),
    };
    let record = record_of(form, &key, now)?;
    let status = match form.get("success_action_status").map(str::trim) {
        Some("200") => 200,
        Some("201") => 201,
        _ => 204,
    };
    Ok(Plan {
        redirect: form
            .get("success_action_redirect")
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
        key,
        record,
        limits,
        status,
    })
}

/// The metadata of the new object from the form's fields (sizes and hashes empty).
fn record_of(form: &Form, key: &str, now: u64) -> Result<ObjectRecord, ApiError> {
    let mut headers = Vec::new();
    for name in STORED_HEADERS {
        if let Some(v) = form.get(name).map(str::trim).filter(|v| !v.is_empty()) {
            headers.push((name.to_owned(), v.to_owned()));
        }
    }
    if form.get("Content-Type").is_none_or(|v| v.trim().is_empty()) {
        headers.insert(0, ("Content-Type".to_owned(), content_type_of_key(key)));
    }
    let meta = form
        .fields
        .iter()
        .filter(|(k, _)| k.to_ascii_lowercase().starts_with("x-cos-meta-"))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    let storage_class = match form.get("x-cos-storage-class") {
        None => "STANDARD".to_owned(),
        Some(c) => {
            let c = c.trim().to_ascii_uppercase();
            if !STORAGE_CLASSES.contains(&c.as_str()) {
                return Err(ApiError::new(
                    400,
                    "InvalidStorageClass",
                    "The storage class you specified is not valid.",
                ));
            }
            c
        }
    };
    let acl = acl::canned(form.get("acl").unwrap_or("default").trim(), true)?;
    Ok(ObjectRecord {
        size: 0,
        etag: String::new(),
        crc64: 0,
        segments: Vec::new(),
        headers,
        meta,
        storage_class,
        acl,
        tags: Vec::new(),
        restored_until: None,
        restore_ready_at: None,
        retain_until: None,
        appendable: false,
        last_modified: now,
    })
}

/// Streams the file field into a new blob, within the policy's size range.
async fn receive_file(
    field: &mut multer::Field<'_>,
    shared: &crate::state::Shared,
    limits: Limits,
) -> OpResult<(Vec<Segment>, Digests)> {
    let (min, max) = limits.length.unwrap_or((0, MAX_PUT));
    let max = max.min(MAX_PUT);
    let mut w = shared.store.writer(true).await?;
    while let Some(chunk) = field.chunk().await.map_err(form_error)? {
        if w.len() + chunk.len() as u64 > max {
            return Err(ApiError::new(
                400,
                "EntityTooLarge",
                format!("Your proposed upload exceeds the maximum allowed size ({max} bytes)."),
            )
            .into());
        }
        w.write(chunk).await?;
    }
    let (segments, digests) = w.finish().await?;
    if digests.len < min {
        shared.store.forget(segments).await;
        return Err(ApiError::new(
            400,
            "EntityTooSmall",
            format!("Your proposed upload is smaller than the minimum allowed size ({min} bytes)."),
        )
        .into());
    }
    Ok((segments, digests))
}

/// Stores the object and answers as the form asked.
async fn store(
    ctx: &mut Ctx<'_>,
    plan: Plan,
    segments: Vec<Segment>,
    d: &Digests,
) -> OpResult<Response<RespBody>> {
    let mut record = plan.record;
    record.size = d.len;
    record.crc64 = d.crc64;
    record.etag = etag_of(d);
    record.segments = segments;
    let etag = record.etag.clone();
    ctx.key = Some(plan.key.clone());
    // Replicated like PUT Object (ops/replication.rs queues it from `ctx.key`).
    record
        .headers
        .extend(super::replication::source_headers(ctx)?);
    let version = commit(ctx, record, false).await?;
    let bucket = ctx.bucket().to_owned();
    let location = format!(
        "http://{}/{}",
        ctx.host,
        cos_auth::encode::url_path(&plan.key).trim_start_matches('/')
    );
    let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    let mut r = if let Some(redirect) = &plan.redirect {
        let sep = if redirect.contains('?') { '&' } else { '?' };
        let mut r = response(StatusCode::SEE_OTHER);
        let to = format!(
            "{redirect}{sep}bucket={}&key={}&etag={}",
            enc(&bucket),
            enc(&plan.key),
            enc(&etag)
        );
        set_header(&mut r, "location", &to);
        r
    } else if plan.status == 201 {
        let doc = cos_xml::PostResponse {
            location: location.clone(),
            bucket,
            key: plan.key.clone(),
            etag: etag.clone(),
        };
        let mut r = xml(&doc)?;
        *r.status_mut() = StatusCode::CREATED;
        set_header(&mut r, "location", &location);
        r
    } else {
        let status = StatusCode::from_u16(plan.status).unwrap_or(StatusCode::NO_CONTENT);
        let mut r = response(status);
        set_header(&mut r, "location", &location);
        r
    };
    write_headers(&mut r, &etag, d.crc64, &version);
    Ok(r)
}
