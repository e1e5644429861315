//! Service and bucket operations: list buckets, create, head, delete, location, versioning.

use cos_xml::{
    CreateBucketConfiguration, LocationConstraint, VersioningConfiguration, VersioningStatus,
};
use hyper::{Response, StatusCode};

use super::{Ctx, acl, response, set_header, xml};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::storage::Bucket;

/// List Buckets, with COS's filters (`list_buckets.rs`).
pub(crate) fn list_buckets(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    super::list_buckets::list_buckets(ctx)
}

/// `<name>-<appid>`: lowercase letters, digits and `-`, the appid all digits.
fn valid_bucket_name(name: &str) -> bool {
    let Some((base, appid)) = name.rsplit_once('-') else {
        return false;
    };
    !base.is_empty()
        && name.len() <= 60
        && !appid.is_empty()
        && appid.bytes().all(|b| b.is_ascii_digit())
        && base
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !base.starts_with('-')
}

pub(crate) async fn put_bucket(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let name = ctx.bucket().to_owned();
    if !valid_bucket_name(&name) {
        return Err(ApiError::new(
            400,
            "InvalidBucketName",
            "The specified bucket is not valid.",
        )
        .into());
    }
    let acl = acl::from_headers(ctx, false)?.unwrap_or_default();
    let body = ctx.body.collect(1 << 20).await?;
    let config: CreateBucketConfiguration = if body.iter().all(u8::is_ascii_whitespace) {
        CreateBucketConfiguration::default()
    } else {
        cos_xml::from_slice(&body).map_err(ApiError::malformed_xml)?
    };
    if let Some(az) = config.bucket_az_config.as_deref()
        && az != "MAZ"
    {
        return Err(ApiError::invalid_argument(format!("Invalid BucketAZConfig {az:?}.")).into());
    }
    let region = ctx.shared.config.region.clone();
    let now = ctx.now();
    ctx.shared
        .store
        .update(|st| {
            if st.buckets.contains_key(&name) {
                return Err(ApiError::new(
                    409,
                    "BucketAlreadyExists",
                    "The requested bucket name is not available.",
                ));
            }
            st.buckets.insert(
                name.clone(),
                Bucket {
                    name: name.clone(),
                    region,
                    created: now,
                    acl,
                    az: config.bucket_az_config.clone(),
                    ..Default::default()
                },
            );
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::OK))
}

pub(crate) fn head_bucket(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    let mut r = response(StatusCode::OK);
    set_header(&mut r, "x-cos-bucket-region", &b.region);
    set_header(
        &mut r,
        "x-cos-bucket-az-type",
        if b.az.is_some() { "MAZ" } else { "SAZ" },
    );
    Ok(r)
}

pub(crate) async fn delete_bucket(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let name = ctx.bucket().to_owned();
    ctx.shared
        .store
        .update(|st| {
            let b = st.bucket(&name)?;
            if b.objects.values().any(|v| !v.is_empty()) || !b.uploads.is_empty() {
                return Err(ApiError::new(
                    409,
                    "BucketNotEmpty",
                    "The bucket you tried to delete is not empty.",
                ));
            }
            st.buckets.remove(&name);
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::NO_CONTENT))
}

pub(crate) fn get_location(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let region = ctx.shared.store.lock().bucket(ctx.bucket())?.region.clone();
    xml(&LocationConstraint::new(region))
}

pub(crate) async fn put_versioning(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let doc: VersioningConfiguration = ctx.xml_body().await?;
    let status = match doc.status {
        Some(VersioningStatus::Enabled) => "Enabled",
        Some(VersioningStatus::Suspended) => "Suspended",
        _ => return Err(ApiError::malformed_xml("Status must be Enabled or Suspended").into()),
    };
    let name = ctx.bucket().to_owned();
    ctx.shared
        .store
        .update(|st| {
            st.bucket_mut(&name)?.versioning = Some(status.to_owned());
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::OK))
}

pub(crate) fn get_versioning(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let v = ctx
        .shared
        .store
        .lock()
        .bucket(ctx.bucket())?
        .versioning
        .clone();
    xml(&match v.as_deref() {
        Some("Enabled") => VersioningConfiguration::new(VersioningStatus::Enabled),
        Some("Suspended") => VersioningConfiguration::new(VersioningStatus::Suspended),
        _ => VersioningConfiguration::default(),
    })
}
