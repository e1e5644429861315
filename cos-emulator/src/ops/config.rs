//! Bucket sub-resources kept as documents (CORS, lifecycle, tagging, policy), object
//! tagging, and CORS preflight (`OPTIONS`) answered from the bucket's rules.

use cos_xml::{CorsConfiguration, LifecycleConfiguration, Tag, Tagging};
use hyper::{Response, StatusCode};

use super::{Ctx, body_response, response, set_header};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::storage::Bucket;

/// Which bucket document an operation addresses.
#[derive(Clone, Copy)]
pub(crate) enum Doc {
    Cors,
    Lifecycle,
    Tagging,
    Policy,
}

impl Doc {
    fn slot(self, b: &mut Bucket) -> &mut Option<String> {
        match self {
            Doc::Cors => &mut b.cors,
            Doc::Lifecycle => &mut b.lifecycle,
            Doc::Tagging => &mut b.tagging,
            Doc::Policy => &mut b.policy,
        }
    }

    /// The 404 without a document: the codes the official Node SDK tests for before
    /// answering "none" (`cos-nodejs-sdk-v5` `sdk/base.js` `getBucketCors`,
    /// `getBucketLifecycle`, `getBucketTagging`, `getBucketPolicy`).
    fn missing(self) -> ApiError {
        match self {
            Doc::Cors => ApiError::new(
                404,
                "NoSuchCORSConfiguration",
                "The CORS configuration does not exist.",
            ),
            Doc::Lifecycle => ApiError::new(
                404,
                "NoSuchLifecycleConfiguration",
                "The lifecycle configuration does not exist.",
            ),
            Doc::Tagging => ApiError::new(404, "NoSuchTagSet", "There is no tag set."),
            Doc::Policy => ApiError::new(
                404,
                "NoSuchPolicy",
                "The specified bucket does not have a bucket policy.",
            ),
        }
    }
}

fn validate_tags(tags: &[Tag]) -> Result<(), ApiError> {
    if tags.len() > 50 {
        return Err(ApiError::new(
            400,
            "BadRequest",
            "At most 50 tags are allowed.",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for t in tags {
        if t.key.is_empty() || t.key.len() > 128 || t.value.len() > 256 {
            return Err(ApiError::invalid_argument("Invalid tag key or value."));
        }
        if !seen.insert(&t.key) {
            return Err(ApiError::invalid_argument("Duplicate tag keys."));
        }
    }
    Ok(())
}

pub(crate) async fn put(ctx: &mut Ctx<'_>, doc: Doc) -> OpResult<Response<RespBody>> {
    let stored = match doc {
        Doc::Cors => {
            let c: CorsConfiguration = ctx.xml_body().await?;
            if c.rules.is_empty()
                || c.rules
                    .iter()
                    .any(|r| r.allowed_origins.is_empty() || r.allowed_methods.is_empty())
            {
                return Err(ApiError::malformed_xml(
                    "each CORSRule needs AllowedOrigin and AllowedMethod",
                )
                .into());
            }
            cos_xml::to_string(&c).map_err(ApiError::internal)?
        }
        Doc::Lifecycle => {
            let c: LifecycleConfiguration = ctx.xml_body().await?;
            if c.rules.is_empty() {
                return Err(ApiError::malformed_xml("no Rule").into());
            }
            cos_xml::to_string(&c).map_err(ApiError::internal)?
        }
        Doc::Tagging => {
            let t: Tagging = ctx.xml_body().await?;
            validate_tags(&t.tag_set.tags)?;
            cos_xml::to_string(&t).map_err(ApiError::internal)?
        }
        Doc::Policy => {
            let text = ctx.text_body().await?;
            let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                ApiError::new(
                    400,
                    "PolicyMalformed",
                    format!("The policy is not valid JSON: {e}"),
                )
            })?;
            if !v.is_object() {
                return Err(ApiError::new(
                    400,
                    "PolicyMalformed",
                    "The policy must be a JSON object.",
                )
                .into());
            }
            text
        }
    };
    let name = ctx.bucket().to_owned();
    ctx.shared
        .store
        .update(|st| {
            *doc.slot(st.bucket_mut(&name)?) = Some(stored);
            Ok(())
        })
        .await?;
    Ok(response(if matches!(doc, Doc::Policy) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::OK
    }))
}

pub(crate) fn get(ctx: &mut Ctx<'_>, doc: Doc) -> OpResult<Response<RespBody>> {
    let mut st = ctx.shared.store.lock();
    let b = st.bucket_mut(ctx.bucket())?;
    let text = doc.slot(b).clone().ok_or_else(|| doc.missing())?;
    drop(st);
    Ok(body_response(
        text.into_bytes(),
        if matches!(doc, Doc::Policy) {
            "application/json"
        } else {
            "application/xml"
        },
    ))
}

pub(crate) async fn delete(ctx: &mut Ctx<'_>, doc: Doc) -> OpResult<Response<RespBody>> {
    let name = ctx.bucket().to_owned();
    ctx.shared
        .store
        .update(|st| {
            *doc.slot(st.bucket_mut(&name)?) = None;
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::NO_CONTENT))
}

pub(crate) async fn put_object_tagging(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let t: Tagging = ctx.xml_body().await?;
    validate_tags(&t.tag_set.tags)?;
    let tags: Vec<(String, String)> = t
        .tag_set
        .tags
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    set_object_tags(ctx, Some(tags)).await?;
    Ok(response(StatusCode::OK))
}

pub(crate) async fn delete_object_tagging(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    set_object_tags(ctx, None).await?;
    Ok(response(StatusCode::NO_CONTENT))
}

async fn set_object_tags(ctx: &mut Ctx<'_>, tags: Option<Vec<(String, String)>>) -> OpResult<()> {
    let (name, key) = (ctx.bucket().to_owned(), ctx.key().to_owned());
    let version = ctx.q("versionId").map(str::to_owned);
    ctx.shared
        .store
        .update(|st| {
            let obj = st.bucket_mut(&name)?.object_mut(&key, version.as_deref())?;
            obj.tags = tags.unwrap_or_default();
            Ok(())
        })
        .await
}

pub(crate) fn get_object_tagging(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let st = ctx.shared.store.lock();
    let v = st
        .bucket(ctx.bucket())?
        .version(ctx.key(), ctx.q("versionId"))?;
    let obj = v.object.as_ref().ok_or_else(ApiError::no_such_key)?;
    let doc = Tagging::new(obj.tags.iter().map(|(k, v)| Tag::new(k, v)));
    drop(st);
    super::xml(&doc)
}

/// `*` in a CORS origin matches any run of characters.
fn origin_matches(pattern: &str, origin: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == origin,
        Some((pre, post)) => {
            origin.len() >= pre.len() + post.len()
                && origin.starts_with(pre)
                && origin.ends_with(post)
        }
    }
}

pub(crate) fn preflight(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let forbidden = || {
        ApiError::new(
            403,
            "AccessForbidden",
            "CORSResponse: This CORS request is not allowed. This is usually because the evaluation of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        )
    };
    let origin = ctx
        .h("origin")
        .ok_or_else(|| {
            ApiError::invalid_argument("Insufficient information. Origin request header needed.")
        })?
        .to_owned();
    let method = ctx
        .h("access-control-request-method")
        .ok_or_else(|| {
            ApiError::invalid_argument(
                "Insufficient information. Access-Control-Request-Method request header needed.",
            )
        })?
        .to_owned();
    let req_headers: Vec<String> = ctx
        .h("access-control-request-headers")
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    let st = ctx.shared.store.lock();
    let cors = st
        .bucket(ctx.bucket())?
        .cors
        .clone()
        .ok_or_else(forbidden)?;
    drop(st);
    let config: CorsConfiguration = cos_xml::from_str(&cors).map_err(ApiError::internal)?;
    let rule = config
        .rules
        .iter()
        .find(|r| {
            r.allowed_origins.iter().any(|o| origin_matches(o, &origin))
                && r.allowed_methods
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(&method))
                && req_headers.iter().all(|h| {
                    r.allowed_headers
                        .iter()
                        .any(|a| a == "*" || origin_matches(&a.to_ascii_lowercase(), h))
                })
        })
        .ok_or_else(forbidden)?;
    let mut r = response(StatusCode::OK);
    set_header(&mut r, "access-control-allow-origin", &origin);
    set_header(
        &mut r,
        "access-control-allow-methods",
        &rule.allowed_methods.join(","),
    );
    if !req_headers.is_empty() {
        set_header(
            &mut r,
            "access-control-allow-headers",
            &req_headers.join(","),
        );
    }
    if !rule.expose_headers.is_empty() {
        set_header(
            &mut r,
            "access-control-expose-headers",
            &rule.expose_headers.join(","),
        );
    }
    if let Some(age) = rule.max_age_seconds {
        set_header(&mut r, "access-control-max-age", &age.to_string());
    }
    Ok(r)
}
