//! The v4 API requests: reading the `op` and its fields, dispatching to the operation.
//!
//! Codes answered besides `0` (all **inferred**, no capture of COS exists): `-96`
//! signature invalid or missing, `-97` signature expired, `-98` once-signature reused
//! or required, `-133` bucket does not exist, `-197` file or folder does not exist,
//! `-177` file exists (`insertOnly=1`, or a move without `to_over_write`), `-178`
//! folder exists, `-173` folder not empty, `-4019` an unfinished slice upload of the
//! same file exists (continue with `upload_slice_list`), `-4015` a slice does not fit
//! the session, `-4016` the session is unknown or incomplete, `-4017` SHA-1 mismatch,
//! `-5998` bad parameters.

use cos_auth::v4::V4SignatureKind;
use hyper::{HeaderMap, Method};
use serde_json::Value;

use super::common::{V4Error, V4Result, bad, consume_once};
use super::form::{self, Fields};
use super::manage::{create_folder, delete, move_file, update_file, update_folder};
use super::read::{list, stat_file, stat_folder};
use super::upload::{slice_data, slice_finish, slice_init, slice_list, upload};
use crate::body::ReqBody;
use crate::routing::v4::V4Path;
use crate::state::Shared;

/// The largest v4 request body (a single upload of 20 MiB plus the form).
const MAX_BODY: usize = 21 << 20;

/// Runs an API request; `Ok` is the answer's `data`.
pub(crate) async fn api(
    shared: &Shared,
    p: &V4Path,
    method: &Method,
    query: &[(String, String)],
    headers: &HeaderMap,
    body: &mut ReqBody,
    kind: V4SignatureKind,
) -> V4Result<Value> {
    shared.store.lock().bucket(&p.xml_bucket())?;
    let q = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let folder = p.cos_path.ends_with('/');
    let (op, fields) = if *method == Method::GET {
        (q("op").unwrap_or("").to_owned(), Fields::default())
    } else if *method == Method::POST && q("op") == Some("move") {
        ("move".to_owned(), Fields::default())
    } else if *method == Method::POST {
        let bytes = body.collect(MAX_BODY).await?;
        let content_type = headers
            .get(hyper::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let fields = match form::boundary(content_type) {
            Some(b) => Fields::multipart(&bytes, b).ok_or_else(|| bad("malformed form"))?,
            None => Fields::json(&bytes).ok_or_else(|| bad("malformed JSON"))?.0,
        };
        (fields.text("op").unwrap_or_default(), fields)
    } else {
        return Err(bad(format!("method {method} is not supported")));
    };
    let needs_once = matches!(op.as_str(), "delete" | "update" | "move");
    if needs_once && kind != V4SignatureKind::Once {
        return Err(V4Error::new(
            403,
            -98,
            "ERROR_CMD_SIGN_ONCE_REQUIRED: use a once-signature",
        )
        .into());
    }
    if kind == V4SignatureKind::Once {
        consume_once(shared, headers)?;
    }
    match (op.as_str(), folder) {
        ("stat", false) => stat_file(shared, p),
        ("stat", true) => stat_folder(shared, p),
        ("list", _) => list(shared, p, q("num"), q("context").unwrap_or("")),
        ("upload", false) => upload(shared, p, &fields).await,
        ("upload_slice_init", false) => slice_init(shared, p, &fields).await,
        ("upload_slice_data", false) => slice_data(shared, p, &fields),
        ("upload_slice_finish", false) => slice_finish(shared, p, &fields).await,
        ("upload_slice_list", false) => slice_list(shared, p),
        ("update", false) => update_file(shared, p, &fields).await,
        ("update", true) => update_folder(shared, p, &fields),
        ("delete", _) => delete(shared, p, body).await,
        ("move", false) => move_file(shared, p, q("dest_fileid"), q("to_over_write"), body).await,
        ("create", true) => create_folder(shared, p, &fields).await,
        (op, _) => Err(bad(format!("op {op:?} is not valid for {}", p.cos_path))),
    }
}
