//! Server-side encryption: the request headers of SSE-COS, SSE-KMS and SSE-C checked,
//! what an object keeps of them (algorithm, KMS key id, the SSE-C key's MD5 — never the
//! key), the key an SSE-C object needs again on GET, HEAD, copy and Upload Part, and the
//! headers the answers report.
//!
//! The emulator stores no ciphertext: it checks what COS checks and reports what COS
//! reports. The kept headers live in the object's standard headers, so GET and HEAD
//! report them like `Content-Type`.
//!
//! Evidence: the PUT/GET/HEAD Object, Initiate Multipart Upload, Upload Part and PUT
//! Object - Copy API documentation (cloud.tencent.com/document/product/436/7749, /7753,
//! /7745, /7746, /7750, /10881) list `x-cos-server-side-encryption` (`AES256`,
//! `cos/kms`), `-cos-kms-key-id`, `-context` and the SSE-C trio
//! `-customer-algorithm` (`AES256`), `-customer-key` (Base64 of 32 bytes),
//! `-customer-key-MD5` (Base64 of its MD5) as request headers, the same headers with
//! `x-cos-copy-source-` for an SSE-C copy source, and `x-cos-server-side-encryption`,
//! `-cos-kms-key-id`, `-customer-algorithm`, `-customer-key-MD5` as response headers
//! of the writes, GET and HEAD; an SSE-C object must be read with its key. Parts of an
//! SSE-C upload carry the key too: the official Python SDK's `upload_file` copies the
//! three headers onto every Upload Part ("SSE-C对象在上传段时也要求传入加密头域",
//! `cos-python-sdk-v5` `qcloud_cos/cos_client.py`). The code of a
//! missing, malformed or wrong key is COS's generic `InvalidArgument` (400, "请求参数不合法",
//! error code list /document/api/436/7730).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::Response;
use md5::Digest;

use super::{Ctx, set_header};
use crate::body::RespBody;
use crate::errors::ApiError;

const SSE: &str = "x-cos-server-side-encryption";
const KMS_KEY_ID: &str = "x-cos-server-side-encryption-cos-kms-key-id";
const KMS_CONTEXT: &str = "x-cos-server-side-encryption-context";
const C_ALGORITHM: &str = "x-cos-server-side-encryption-customer-algorithm";
const C_KEY_MD5: &str = "x-cos-server-side-encryption-customer-key-MD5";

/// The headers an object keeps (and reports) of its encryption.
const KEPT: [&str; 4] = [SSE, KMS_KEY_ID, C_ALGORITHM, C_KEY_MD5];

fn invalid(msg: &str) -> ApiError {
    ApiError::invalid_argument(msg.to_owned())
}

/// The SSE-C key of a request with `prefix` (`x-cos-` or `x-cos-copy-source-`),
/// checked: `Ok(None)` when none is given, else the Base64 MD5 of the key.
fn customer_key(ctx: &Ctx<'_>, prefix: &str) -> Result<Option<String>, ApiError> {
    let h = |suffix: &str| ctx.h(&format!("{prefix}server-side-encryption-customer-{suffix}"));
    let (alg, key, md5) = (h("algorithm"), h("key"), h("key-MD5"));
    if alg.is_none() && key.is_none() && md5.is_none() {
        return Ok(None);
    }
    let (Some(alg), Some(key), Some(md5)) = (alg, key, md5) else {
        return Err(invalid(
            "Requests specifying Server Side Encryption with Customer provided keys must provide the algorithm, the key and the key's MD5.",
        ));
    };
    if alg.trim() != "AES256" {
        return Err(invalid(
            "The encryption algorithm specified is not valid: only AES256 is supported.",
        ));
    }
    let bytes = STANDARD
        .decode(key.trim())
        .ok()
        .filter(|b| b.len() == 32)
        .ok_or_else(|| invalid("The secret key was invalid for the specified algorithm."))?;
    let actual = STANDARD.encode(md5::Md5::digest(&bytes));
    if actual != md5.trim() {
        return Err(invalid(
            "The calculated MD5 hash of the key did not match the hash that was provided.",
        ));
    }
    Ok(Some(actual))
}

/// The encryption headers a new object (or upload) keeps, from its write request:
/// validated, the SSE-C key reduced to its MD5.
pub(crate) fn kept_headers(ctx: &Ctx<'_>) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::new();
    let customer = customer_key(ctx, "x-cos-")?;
    if let Some(alg) = ctx.h(SSE).map(str::trim) {
        if customer.is_some() {
            return Err(invalid(
                "Server Side Encryption with Customer provided key is incompatible with x-cos-server-side-encryption.",
            ));
        }
        match alg {
            "AES256" => out.push((SSE.to_owned(), alg.to_owned())),
            "cos/kms" => {
                out.push((SSE.to_owned(), alg.to_owned()));
                if let Some(id) = ctx.h(KMS_KEY_ID).map(str::trim).filter(|v| !v.is_empty()) {
                    out.push((KMS_KEY_ID.to_owned(), id.to_owned()));
                }
                if let Some(c) = ctx.h(KMS_CONTEXT) {
                    let json = STANDARD.decode(c.trim()).ok();
                    let ok = json
                        .and_then(|j| serde_json::from_slice::<serde_json::Value>(&j).ok())
                        .is_some_and(|v| v.is_object());
                    if !ok {
                        return Err(invalid(
                            "x-cos-server-side-encryption-context must be Base64 of a JSON object.",
                        ));
                    }
                }
            }
            _ => {
                return Err(invalid(
                    "The encryption method specified is not supported: use AES256 or cos/kms.",
                ));
            }
        }
    } else if ctx.h(KMS_KEY_ID).is_some() {
        return Err(invalid(
            "x-cos-server-side-encryption-cos-kms-key-id needs x-cos-server-side-encryption: cos/kms.",
        ));
    }
    if let Some(md5) = customer {
        out.push((C_ALGORITHM.to_owned(), "AES256".to_owned()));
        out.push((C_KEY_MD5.to_owned(), md5));
    }
    Ok(out)
}

/// The kept encryption headers among an object's standard headers.
fn kept_of(headers: &[(String, String)]) -> impl Iterator<Item = &(String, String)> {
    headers
        .iter()
        .filter(|(k, _)| KEPT.iter().any(|n| n.eq_ignore_ascii_case(k)))
}

/// The SSE-C key MD5 an object (or upload template) was written with.
fn stored_key_md5(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(C_KEY_MD5))
        .map(|(_, v)| v.as_str())
}

/// Checks that a request reading an object with the headers `stored` (GET, HEAD, Upload
/// Part into an SSE-C upload: `prefix` `x-cos-`; a copy source: `x-cos-copy-source-`)
/// carries the same SSE-C key the object was written with.
pub(crate) fn check_key(
    ctx: &Ctx<'_>,
    prefix: &str,
    stored: &[(String, String)],
) -> Result<(), ApiError> {
    let given = customer_key(ctx, prefix)?;
    match (stored_key_md5(stored), given) {
        (None, _) => Ok(()),
        (Some(_), None) => Err(invalid(
            "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.",
        )),
        (Some(want), Some(got)) if want == got => Ok(()),
        (Some(_), Some(_)) => Err(invalid(
            "The provided customer key does not match the key the object was encrypted with.",
        )),
    }
}

/// Replaces the encryption headers among `headers` (an object copied with its source's
/// metadata) with those of the copy request (`fresh`): a copy is encrypted as its own
/// request says, never as its source was.
pub(crate) fn replace_kept(headers: &mut Vec<(String, String)>, fresh: &[(String, String)]) {
    headers.retain(|(k, _)| !KEPT.iter().any(|n| n.eq_ignore_ascii_case(k)));
    headers.extend(kept_of(fresh).cloned());
}

/// True for a header holding an SSE-C key (`x-cos-server-side-encryption-customer-key`,
/// `x-cos-copy-source-server-side-encryption-customer-key`): the request log keeps it
/// redacted, so the emulator holds a key nowhere.
pub(crate) fn is_customer_key(name: &str) -> bool {
    let n = name.as_bytes();
    let suffix = b"server-side-encryption-customer-key";
    n.len() >= suffix.len() && n[n.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Reports the encryption headers of a written object (PUT, initiate, complete, copy).
pub(crate) fn report(r: &mut Response<RespBody>, headers: &[(String, String)]) {
    for (k, v) in kept_of(headers) {
        set_header(r, k, v);
    }
}
