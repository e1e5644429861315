//! Static website hosting: requests to `<bucket>.cos-website.<region>.myqcloud.com`
//! are answered from the bucket's website configuration (COS static website,
//! <https://cloud.tencent.com/document/product/436/14984>): redirect-all first, then
//! the index document for paths ending in `/`, key-prefix routing rules, the object,
//! and on a missing object the error-code routing rules and the error document.

use cos_xml::config::{RoutingRedirect, WebsiteConfiguration};
use cos_xml::op::Op;
use hyper::{Method, Response, StatusCode};

use super::families::{Family, load};
use super::{Ctx, object, response, set_header};
use crate::body::RespBody;
use crate::errors::{ApiError, Failure, OpResult};

/// Whether `host` is a website endpoint.
fn is_website_host(host: &str) -> bool {
    host.split('.').nth(1).is_some_and(|l| l == "cos-website")
}

/// A redirect answer to `location`.
fn redirect(status: u16, location: &str) -> Response<RespBody> {
    let mut r = response(StatusCode::from_u16(status).unwrap_or(StatusCode::MOVED_PERMANENTLY));
    set_header(&mut r, "location", location);
    r
}

/// The `Location` a routing rule sends `key` to; `prefix` is the matched prefix.
fn rule_target(host: &str, key: &str, prefix: &str, r: &RoutingRedirect) -> (u16, String) {
    let new_key = if let Some(k) = &r.replace_key_with {
        k.clone()
    } else if let Some(p) = &r.replace_key_prefix_with {
        format!("{p}{}", key.strip_prefix(prefix).unwrap_or(key))
    } else {
        key.to_owned()
    };
    let proto = r.protocol.as_deref().unwrap_or("http");
    let host = r.host_name.as_deref().unwrap_or(host);
    (
        r.http_redirect_code.unwrap_or(301),
        format!("{proto}://{host}/{new_key}"),
    )
}

/// Answers a GET/HEAD on a website endpoint; `None` for any other request.
///
/// Errors: `NoSuchWebsiteConfiguration` (404) when the bucket has none, `NoSuchKey`
/// when neither the object nor an error document exists.
pub(crate) fn serve(ctx: &mut Ctx<'_>) -> OpResult<Option<Response<RespBody>>> {
    if !is_website_host(&ctx.host)
        || !matches!(ctx.op, Op::GetObject | Op::HeadObject | Op::ListObjects)
    {
        return Ok(None);
    }
    let bucket = ctx.bucket().to_owned();
    let site: WebsiteConfiguration = load(ctx, &bucket, Family::Website)?.ok_or_else(|| {
        ApiError::new(
            404,
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration.",
        )
    })?;
    let host = ctx.host.clone();
    let mut key = ctx.key().to_owned();
    if let Some(all) = &site.redirect_all_requests_to {
        let proto = all.protocol.as_deref().unwrap_or("http");
        let to = all.host_name.as_deref().unwrap_or(&host);
        return Ok(Some(redirect(301, &format!("{proto}://{to}/{key}"))));
    }
    if (key.is_empty() || key.ends_with('/'))
        && let Some(index) = &site.index_document
    {
        key.push_str(&index.suffix);
    }
    let rules = site
        .routing_rules
        .as_ref()
        .map_or(&[][..], |r| &r.rules[..]);
    for rule in rules {
        if let Some(prefix) = &rule.condition.key_prefix_equals
            && key.starts_with(prefix.as_str())
        {
            let (status, location) = rule_target(&host, &key, prefix, &rule.redirect);
            return Ok(Some(redirect(status, &location)));
        }
    }
    ctx.op = if ctx.method == Method::HEAD {
        Op::HeadObject
    } else {
        Op::GetObject
    };
    ctx.key = Some(key.clone());
    let err = match object::get_object(ctx) {
        Err(Failure::Api(e)) if e.status == 404 => e,
        other => return other.map(Some),
    };
    for rule in rules {
        if rule.condition.http_error_code_returned_equals == Some(404) {
            let (status, location) = rule_target(&host, &key, "", &rule.redirect);
            return Ok(Some(redirect(status, &location)));
        }
    }
    let Some(doc) = &site.error_document else {
        return Err(err.into());
    };
    ctx.key = Some(doc.key.clone());
    let mut r = match object::get_object(ctx) {
        Ok(r) => r,
        Err(_) => return Err(err.into()),
    };
    // `OriginalHttpStatus` `Disabled` serves the error document with 200; otherwise it
    // keeps the status of the failed request (COS PUT Bucket website, 436/31930).
    let disabled = doc.original_http_status.as_deref() == Some("Disabled");
    *r.status_mut() = if disabled {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok(Some(r))
}
