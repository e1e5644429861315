//! Intelligent tiering v2: configurations by id, kept in `Bucket::configs` under
//! `intelligent-tiering/<id>`; GET without `id` lists them. The emulator stores
//! `INTELLIGENT_TIERING` objects but does not move them between tiers (there is no
//! access-frequency model to drive it).

use cos_xml::config::{IntelligentTieringConfiguration, ListIntelligentTieringConfigurations};
use hyper::{Response, StatusCode};

use super::families::one_of;
use super::{Ctx, body_response, response};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};

const PREFIX: &str = "intelligent-tiering/";

/// PUT Bucket intelligent-tiering.
pub(crate) async fn put(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let id = match ctx.q("id") {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => return Err(ApiError::invalid_argument("The id parameter is required.").into()),
    };
    let c: IntelligentTieringConfiguration = ctx.xml_body().await?;
    if c.id.as_deref() != Some(id.as_str()) {
        return Err(ApiError::invalid_argument("The Id differs from the id parameter.").into());
    }
    one_of("Status", &c.status, &["Enabled", "Suspended"])?;
    if c.tierings.is_empty() {
        return Err(ApiError::malformed_xml("at least one Tiering is required").into());
    }
    for t in &c.tierings {
        one_of(
            "AccessTier",
            &t.access_tier,
            &["INFREQUENT", "ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"],
        )?;
    }
    let doc = cos_xml::to_string(&c).map_err(ApiError::internal)?;
    let name = ctx.bucket().to_owned();
    ctx.shared
        .store
        .update(|st| {
            st.bucket_mut(&name)?
                .configs
                .insert(format!("{PREFIX}{id}"), doc);
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::OK))
}

/// GET Bucket intelligent-tiering: one configuration with `id`, else the list.
pub(crate) fn get(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    if let Some(id) = ctx.q("id") {
        let doc = b
            .configs
            .get(&format!("{PREFIX}{id}"))
            .cloned()
            .ok_or_else(|| {
                ApiError::new(
                    404,
                    "NoSuchConfiguration",
                    "The specified configuration does not exist.",
                )
            })?;
        drop(st);
        return Ok(body_response(doc.into_bytes(), "application/xml"));
    }
    let mut list = ListIntelligentTieringConfigurations::default();
    for (_, doc) in b.configs.iter().filter(|(k, _)| k.starts_with(PREFIX)) {
        list.configurations
            .push(cos_xml::from_str(doc).map_err(ApiError::internal)?);
    }
    drop(st);
    super::xml(&list)
}
