//! Access logging: every request on a bucket whose logging is enabled becomes a log
//! line, and [`flush`] (run by `EmulatorHandle::run_due_work`) writes the pending
//! lines as objects of the target bucket.
//!
//! COS's format (logging overview, <https://cloud.tencent.com/document/product/436/16920>):
//! objects at `<prefix>{YYYY}/{MM}/{DD}/{time}_{random}_{index}`, one record per
//! line, fields separated by spaces, in this order: eventVersion bucketName qcsRegion
//! eventTime eventSource eventName remoteIp userSecretKeyId reservedFiled
//! reqBytesSent deltaDataSize reqPath reqMethod userAgent resHttpCode resErrorCode
//! resErrorMsg resBytesSent resTotalTime logSourceType storageClass accountId
//! resTurnAroundTime requester requestId objectSize versionId targetStorageClass
//! referer requestUri. Values that would hold a space are percent-encoded; unknown
//! values are `-`.

use std::sync::atomic::Ordering;

use cos_xml::config::BucketLoggingStatus;
use hyper::Response;
use hyper::header::CONTENT_LENGTH;

use super::families::{Family, load};
use super::{Ctx, OWNER_UIN};
use crate::auth::Identity;
use crate::body::RespBody;
use crate::errors::{Failure, OpResult};
use crate::state::Shared;
use crate::state::pending::LogLine;

/// A field: `-` when empty, percent-encoded when it holds spaces or controls.
fn field(s: &str) -> String {
    if s.is_empty() {
        return "-".to_owned();
    }
    {
        const SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ').add(b'%');
        percent_encoding::utf8_percent_encode(s, SET)
    }
    .to_string()
}

/// Notes the request of `ctx`, answered with `result`, when its bucket logs access.
pub(crate) fn note(ctx: &Ctx<'_>, result: &OpResult<Response<RespBody>>) {
    let Some(bucket) = ctx.bucket.as_deref() else {
        return;
    };
    {
        let st = ctx.shared.store.lock();
        if !st
            .bucket(bucket)
            .is_ok_and(|b| b.configs.contains_key(Family::Logging.name()))
        {
            return;
        }
    }
    let Ok(Some(status)) = load::<BucketLoggingStatus>(ctx, bucket, Family::Logging) else {
        return;
    };
    let Some(target) = status.logging_enabled else {
        return;
    };
    let (code, err_code, err_msg, sent) = match result {
        Ok(r) => {
            let sent = r
                .headers()
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("0")
                .to_owned();
            (r.status().as_u16(), String::new(), String::new(), sent)
        }
        Err(Failure::Api(e)) => (e.status, e.code.clone(), e.message.clone(), "0".into()),
        Err(Failure::Reset) => (0, String::new(), String::new(), "0".into()),
    };
    let key_id = match &ctx.identity {
        Identity::Signed(c) => c.secret_id().to_owned(),
        Identity::Anonymous => String::new(),
    };
    let path = format!("/{}", ctx.key());
    let fields = [
        "1.0".to_owned(),
        field(bucket),
        field(&ctx.shared.config.region),
        crate::time::iso8601(ctx.now()).replace(".000Z", "Z"),
        field(&ctx.host),
        ctx.op.name().to_owned(),
        "127.0.0.1".to_owned(),
        field(&key_id),
        "-".to_owned(),
        field(ctx.h("content-length").unwrap_or("0")),
        "-".to_owned(),
        field(&path),
        ctx.method.as_str().to_ascii_lowercase(),
        field(ctx.h("user-agent").unwrap_or("")),
        code.to_string(),
        field(&err_code),
        field(&err_msg),
        sent,
        "0".to_owned(),
        "USER".to_owned(),
        "-".to_owned(),
        OWNER_UIN.to_owned(),
        "0".to_owned(),
        format!("{OWNER_UIN}:{OWNER_UIN}"),
        "-".to_owned(),
        "-".to_owned(),
        field(ctx.q("versionId").unwrap_or("")),
        "-".to_owned(),
        field(ctx.h("referer").unwrap_or("")),
        field(&path),
    ];
    let pending = LogLine {
        target_bucket: target.target_bucket,
        target_prefix: target.target_prefix,
        line: fields.join(" "),
    };
    ctx.shared.access_logs.pending().push(pending);
}

/// `{YYYY}/{MM}/{DD}/{YYYYMMDDhhmmss}` of `secs`.
fn log_path(secs: u64) -> String {
    let iso = crate::time::iso8601(secs);
    let (y, m, d) = (&iso[0..4], &iso[5..7], &iso[8..10]);
    let (hh, mm, ss) = (&iso[11..13], &iso[14..16], &iso[17..19]);
    format!("{y}/{m}/{d}/{y}{m}{d}{hh}{mm}{ss}")
}

/// Writes the pending lines, one object per target bucket and prefix. Lines for a
/// target bucket that no longer exists are dropped.
pub(crate) async fn flush(shared: &Shared) -> OpResult<()> {
    let pending = std::mem::take(&mut *shared.access_logs.pending());
    let mut groups: std::collections::BTreeMap<(String, String), Vec<String>> =
        std::collections::BTreeMap::new();
    for p in pending {
        groups
            .entry((p.target_bucket, p.target_prefix))
            .or_default()
            .push(p.line);
    }
    let now = shared.config.clock.now_secs();
    for ((bucket, prefix), lines) in groups {
        let n = shared.access_logs.files.fetch_add(1, Ordering::Relaxed);
        let key = format!("{prefix}{}_{n:08x}_0", log_path(now));
        let mut body = lines.join("\n");
        body.push('\n');
        let stored =
            super::internal::write_object(shared, &bucket, &key, body.into_bytes(), "text/plain")
                .await;
        if let Err(Failure::Api(e)) = &stored
            && e.code == "NoSuchBucket"
        {
            continue;
        }
        stored?;
    }
    Ok(())
}
