//! The v4 operations on the shared storage.
//!
//! Codes answered besides `0` (all **inferred**, no capture of COS exists): `-96`
//! signature invalid or missing, `-97` signature expired, `-98` once-signature reused
//! or required, `-133` bucket does not exist, `-197` file or folder does not exist,
//! `-177` file exists (`insertOnly=1`, or a move without `to_over_write`), `-178`
//! folder exists, `-173` folder not empty, `-4019` an unfinished slice upload of the
//! same file exists (continue with `upload_slice_list`), `-4015` a slice does not fit
//! the session, `-4016` the session is unknown or incomplete, `-4017` SHA-1 mismatch,
//! `-5998` bad parameters.

mod manage;
mod read;
mod upload;

use bytes::Bytes;
use cos_auth::v4::V4SignatureKind;
use hyper::{HeaderMap, Method};
use serde_json::{Value, json};
use sha1::Digest;

use super::form::{self, Fields};
use super::{Attrs, V4Error, V4Path, consume_once};
use crate::body::ReqBody;
use crate::errors::{ApiError, Failure};
use crate::ops::object;
use crate::state::Shared;
use crate::storage::{Acl, ObjectRecord, Segment, SegmentData};

use manage::{create_folder, delete, move_file, update_file, update_folder};
pub(crate) use read::download;
use read::{list, stat_file, stat_folder};
use upload::{slice_data, slice_finish, slice_init, slice_list, upload};

/// The largest v4 request body (a single upload of 20 MiB plus the form).
const MAX_BODY: usize = 21 << 20;
/// The largest slice the emulator accepts; larger proposals are answered with this.
pub(crate) const MAX_SLICE: u64 = 1 << 20;
/// The headers `update` replaces as a group.
const GROUP_HEADERS: [&str; 5] = [
    "Cache-Control",
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Content-Encoding",
];

/// How a v4 operation failed.
#[derive(Debug)]
pub(crate) enum Failed {
    /// Answer with this code.
    V4(V4Error),
    /// Not answerable in JSON (a reset connection).
    Other(Failure),
}

impl From<V4Error> for Failed {
    fn from(e: V4Error) -> Self {
        Failed::V4(e)
    }
}

impl From<ApiError> for Failed {
    fn from(e: ApiError) -> Self {
        let code = match e.code.as_str() {
            "NoSuchBucket" => -133,
            "NoSuchKey" => -197,
            "FileAlreadyExists" => -177,
            _ => -5999,
        };
        Failed::V4(V4Error::new(
            e.status,
            code,
            format!("{}: {}", e.code, e.message),
        ))
    }
}

impl From<Failure> for Failed {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Api(e) => e.into(),
            other => Failed::Other(other),
        }
    }
}

impl From<std::io::Error> for Failed {
    fn from(e: std::io::Error) -> Self {
        Failure::from(e).into()
    }
}

type V4Result<T> = Result<T, Failed>;

/// The SHA-1 the client announced (hex, any case; none or empty: not checked) against
/// the content's.
fn check_sha(given: Option<String>, actual: &str) -> Result<(), Failed> {
    match given {
        Some(g) if !g.is_empty() && !g.eq_ignore_ascii_case(actual) => Err(V4Error::new(
            400,
            -4017,
            "ERROR_PROXY_SHA_MISMATCH: sha does not match the content",
        )
        .into()),
        _ => Ok(()),
    }
}

fn bad(message: impl Into<String>) -> Failed {
    V4Error::new(
        400,
        -5998,
        format!("ERROR_CMD_PARAM_INVALID: {}", message.into()),
    )
    .into()
}

fn not_found(p: &V4Path) -> Failed {
    V4Error::new(
        404,
        -197,
        format!(
            "ERROR_CMD_COS_FILE_NOT_EXIST: {} does not exist",
            p.cos_path
        ),
    )
    .into()
}

fn file_exists(path: &str) -> Failed {
    V4Error::new(
        409,
        -177,
        format!("ERROR_CMD_COS_FILE_EXIST: {path} exists"),
    )
    .into()
}

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

/// The URLs of a file in upload answers.
fn urls(shared: &Shared, p: &V4Path) -> Value {
    let quoted = cos_auth::encode::url_path(p.key());
    json!({
        "access_url": format!("http://{}.file.myqcloud.com{quoted}", p.xml_bucket()),
        "url": format!("http://file.myqcloud.com/files/v2/{}/{}{quoted}", p.appid, p.bucket),
        "resource_path": format!("/{}/{}{}", p.appid, p.bucket, p.cos_path),
        "source_url": format!("http://{}.cos.{}.myqcloud.com{quoted}", p.xml_bucket(), shared.config.region),
        "vid": format!("{:x}", crate::time::now_secs()),
    })
}

fn current(shared: &Shared, bucket: &str, key: &str) -> Option<ObjectRecord> {
    let st = shared.store.lock();
    st.buckets.get(bucket).and_then(|b| b.current(key)).cloned()
}

fn attrs(shared: &Shared, bucket: &str, key: &str) -> Attrs {
    shared
        .v4
        .lock()
        .attrs
        .get(&(bucket.to_owned(), key.to_owned()))
        .cloned()
        .unwrap_or_default()
}

fn set_attrs(shared: &Shared, bucket: &str, key: &str, a: Attrs) {
    shared
        .v4
        .lock()
        .attrs
        .insert((bucket.to_owned(), key.to_owned()), a);
}

/// The hex SHA-1 of an object's body.
fn object_sha(shared: &Shared, obj: &ObjectRecord) -> std::io::Result<String> {
    let mut h = sha1::Sha1::new();
    for s in &obj.segments {
        match &s.data {
            SegmentData::Memory(b) => h.update(b),
            SegmentData::File(name) => {
                let dir = shared
                    .store
                    .blob_dir()
                    .map_or(std::path::Path::new("."), |b| b.path());
                h.update(std::fs::read(dir.join(name))?);
            }
        }
    }
    Ok(crate::storage::hex(&h.finalize()))
}

/// A fresh object record with the default headers.
fn new_record(segments: Vec<Segment>, d: &crate::storage::Digests) -> ObjectRecord {
    ObjectRecord {
        size: d.len,
        etag: object::etag_of(d),
        crc64: d.crc64,
        segments,
        headers: vec![(
            "Content-Type".to_owned(),
            "application/octet-stream".to_owned(),
        )],
        meta: Vec::new(),
        storage_class: "STANDARD".to_owned(),
        acl: Acl {
            grants: Vec::new(),
            inherit: true,
        },
        tags: Vec::new(),
        restored_until: None,
        appendable: false,
        last_modified: crate::time::now_secs(),
    }
}

/// Writes `chunks` as the object `key`; with `insert_only`, fails when it exists.
async fn store_object(
    shared: &Shared,
    bucket: &str,
    key: &str,
    chunks: impl IntoIterator<Item = Bytes>,
    insert_only: bool,
) -> V4Result<()> {
    let mut w = shared.store.writer(!shared.store.bench_mode).await?;
    for c in chunks {
        w.write(c).await?;
    }
    let (segments, d) = w.finish().await?;
    let record = new_record(segments.clone(), &d);
    let r = shared
        .store
        .update(|st| {
            if insert_only && st.bucket(bucket)?.current(key).is_some() {
                return Err(ApiError::new(409, "FileAlreadyExists", "the file exists"));
            }
            st.put_version(bucket, key, Some(record))
        })
        .await;
    if let Err(e) = r {
        shared.store.forget(segments).await;
        return Err(e.into());
    }
    Ok(())
}

fn insert_only(fields: &Fields) -> bool {
    fields.text("insertOnly").is_none_or(|v| v.trim() != "0")
}
