//! Default encryption: an object written to a bucket with an encryption
//! configuration and without its own `x-cos-server-side-encryption` reports the
//! bucket's (`AES256` for SSE-COS, `cos/kms` with its key id for SSE-KMS, `SM4`), as
//! COS does (PUT Bucket encryption, 436/40136).

use cos_xml::config::ServerSideEncryptionConfiguration;

use super::Ctx;
use super::families::{Family, load};
use crate::errors::ApiError;

/// The encryption headers a new object of the addressed bucket gets by default.
///
/// Errors: `NoSuchBucket`.
pub(crate) fn default_headers(ctx: &Ctx<'_>) -> Result<Vec<(String, String)>, ApiError> {
    // An explicit choice of the request (SSE-COS, SSE-KMS or SSE-C) wins over the
    // bucket's default.
    if ctx.h("x-cos-server-side-encryption").is_some()
        || ctx
            .h("x-cos-server-side-encryption-customer-algorithm")
            .is_some()
    {
        return Ok(Vec::new());
    }
    let Some(c) = load::<ServerSideEncryptionConfiguration>(ctx, ctx.bucket(), Family::Encryption)?
    else {
        return Ok(Vec::new());
    };
    let Some(rule) = c.rules.first() else {
        return Ok(Vec::new());
    };
    let apply = &rule.apply_server_side_encryption_by_default;
    let mut out = Vec::new();
    if apply.sse_algorithm == "KMS" {
        out.push((
            "x-cos-server-side-encryption".to_owned(),
            "cos/kms".to_owned(),
        ));
        if let Some(id) = &apply.kms_master_key_id {
            out.push((
                "x-cos-server-side-encryption-cos-kms-key-id".to_owned(),
                id.clone(),
            ));
        }
    } else {
        out.push((
            "x-cos-server-side-encryption".to_owned(),
            apply.sse_algorithm.clone(),
        ));
    }
    Ok(out)
}
