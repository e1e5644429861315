//! What the v4 operations share: their errors, the object and attribute helpers.

use bytes::Bytes;
use hyper::HeaderMap;
use serde_json::{Value, json};
use sha1::Digest;

use super::form::Fields;
use crate::errors::{ApiError, Failure};
use crate::ops::object;
use crate::routing::v4::V4Path;
use crate::state::Shared;
use crate::state::v4::Attrs;
use crate::storage::{Acl, ObjectRecord, Segment, SegmentData};

/// A v4 answer with a non-zero code.
#[derive(Debug, Clone)]
pub(crate) struct V4Error {
    pub status: u16,
    pub code: i64,
    pub message: String,
}

impl V4Error {
    pub fn new(status: u16, code: i64, message: impl Into<String>) -> Self {
        V4Error {
            status,
            code,
            message: message.into(),
        }
    }
}

/// Marks a once-signature used; fails when it already was.
pub(super) fn consume_once(shared: &Shared, headers: &HeaderMap) -> Result<(), V4Error> {
    let sign = headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_owned();
    if !shared.v4.lock().used_once.insert(sign) {
        return Err(V4Error::new(
            403,
            -98,
            "ERROR_CMD_SIGN_REUSED: a once-signature can be used only once",
        ));
    }
    Ok(())
}

/// The largest slice the emulator accepts; larger proposals are answered with this.
pub(crate) const MAX_SLICE: u64 = 1 << 20;
/// The headers `update` replaces as a group.
pub(super) const GROUP_HEADERS: [&str; 5] = [
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

pub(super) type V4Result<T> = Result<T, Failed>;

/// The SHA-1 the client announced (hex, any case; none or empty: not checked) against
/// the content's.
pub(super) fn check_sha(given: Option<String>, actual: &str) -> Result<(), Failed> {
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

pub(super) fn bad(message: impl Into<String>) -> Failed {
    V4Error::new(
        400,
        -5998,
        format!("ERROR_CMD_PARAM_INVALID: {}", message.into()),
    )
    .into()
}

pub(super) fn not_found(p: &V4Path) -> Failed {
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

pub(super) fn file_exists(path: &str) -> Failed {
    V4Error::new(
        409,
        -177,
        format!("ERROR_CMD_COS_FILE_EXIST: {path} exists"),
    )
    .into()
}

/// The URLs of a file in upload answers.
pub(super) fn urls(shared: &Shared, p: &V4Path) -> Value {
    let quoted = cos_auth::encode::url_path(p.key());
    json!({
        "access_url": format!("http://{}.file.myqcloud.com{quoted}", p.xml_bucket()),
        "url": format!("http://file.myqcloud.com/files/v2/{}/{}{quoted}", p.appid, p.bucket),
        "resource_path": format!("/{}/{}{}", p.appid, p.bucket, p.cos_path),
        "source_url": format!("http://{}.cos.{}.myqcloud.com{quoted}", p.xml_bucket(), shared.config.region),
        "vid": format!("{:x}", shared.config.clock.now_secs()),
    })
}

pub(super) fn current(shared: &Shared, bucket: &str, key: &str) -> Option<ObjectRecord> {
    let st = shared.store.lock();
    st.buckets.get(bucket).and_then(|b| b.current(key)).cloned()
}

pub(super) fn attrs(shared: &Shared, bucket: &str, key: &str) -> Attrs {
    shared
        .v4
        .lock()
        .attrs
        .get(&(bucket.to_owned(), key.to_owned()))
        .cloned()
        .unwrap_or_default()
}

pub(super) fn set_attrs(shared: &Shared, bucket: &str, key: &str, a: Attrs) {
    shared
        .v4
        .lock()
        .attrs
        .insert((bucket.to_owned(), key.to_owned()), a);
}

/// The hex SHA-1 of an object's body.
pub(super) fn object_sha(shared: &Shared, obj: &ObjectRecord) -> std::io::Result<String> {
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
pub(super) fn new_record(
    segments: Vec<Segment>,
    d: &crate::storage::Digests,
    now: u64,
) -> ObjectRecord {
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
        restore_ready_at: None,
        retain_until: None,
        appendable: false,
        last_modified: now,
    }
}

/// Writes `chunks` as the object `key`; with `insert_only`, fails when it exists.
pub(super) async fn store_object(
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
    let now = shared.config.clock.now_secs();
    let record = new_record(segments.clone(), &d, now);
    let r = shared
        .store
        .update(|st| {
            if insert_only && st.bucket(bucket)?.current(key).is_some() {
                return Err(ApiError::new(409, "FileAlreadyExists", "the file exists"));
            }
            st.put_version(bucket, key, Some(record), now)
        })
        .await;
    if let Err(e) = r {
        shared.store.forget(segments).await;
        return Err(e.into());
    }
    Ok(())
}

pub(super) fn insert_only(fields: &Fields) -> bool {
    fields.text("insertOnly").is_none_or(|v| v.trim() != "0")
}
