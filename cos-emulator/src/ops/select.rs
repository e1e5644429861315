//! SELECT Object Content's handler: reads and checks the `<SelectRequest>`, finds the
//! object and answers 200 with the event stream the engine (`crate::select`) produces.

use cos_xml::select::SelectRequest;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};

use super::Ctx;
use crate::body::RespBody;
use crate::errors::{ApiError, Failure, OpResult};
use crate::storage::read_range;

/// Largest `<SelectRequest>` accepted.
const MAX_REQUEST: usize = 256 << 10;

/// Runs SELECT Object Content.
pub(crate) async fn select_object_content(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let bytes = ctx.body.collect(MAX_REQUEST).await?;
    super::check_content_md5(ctx.h("content-md5"), &bytes)?;
    let text = std::str::from_utf8(&bytes).map_err(ApiError::malformed_xml)?;
    let req = SelectRequest::from_xml(text).map_err(ApiError::malformed_xml)?;
    if ctx.q("select-type") != Some("2") {
        return Err(ApiError::invalid_argument("select-type must be 2.").into());
    }
    if !req.expression_type.eq_ignore_ascii_case("SQL") {
        return Err(ApiError::invalid_argument(format!(
            "ExpressionType {:?} is not supported; use SQL.",
            req.expression_type
        ))
        .into());
    }
    // Validate the serialization options before answering 200.
    crate::select::validate(&req).map_err(ApiError::invalid_argument)?;
    let body = {
        let st = ctx.shared.store.lock();
        let b = st.bucket(ctx.bucket())?;
        let v = b.version(ctx.key(), ctx.q("versionId"))?;
        let Some(obj) = &v.object else {
            return Err(Failure::Api(ApiError::no_such_key()));
        };
        if super::object::is_archive(&obj.storage_class)
            && obj.restored_until.is_none_or(|t| t < ctx.now())
        {
            return Err(ApiError::new(
                403,
                "InvalidObjectState",
                "The operation is not valid for the object's storage class.",
            )
            .into());
        }
        read_range(&obj.segments, 0, obj.size, ctx.shared.store.blob_dir())
    };
    let mut r = Response::new(crate::select::start(req, body));
    *r.status_mut() = StatusCode::OK;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    Ok(r)
}
