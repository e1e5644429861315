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

use std::collections::BTreeMap;

use bytes::Bytes;
use cos_auth::v4::V4SignatureKind;
use hyper::{HeaderMap, Method, Response};
use serde_json::{Value, json};
use sha1::Digest;

use super::form::{self, Fields};
use super::{Attrs, Session, V4Error, V4Path, consume_once};
use crate::auth::Identity;
use crate::body::{ReqBody, RespBody};
use crate::errors::{ApiError, Failure, OpResult};
use crate::ops::{Ctx, object};
use crate::state::Shared;
use crate::storage::{Acl, ObjectRecord, Segment, SegmentData};

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

fn authority(acl: &Acl) -> &'static str {
    if acl.inherit {
        "eInvalid"
    } else if acl
        .grants
        .iter()
        .any(|(perm, who)| perm == "READ" && who == &format!("uri:{}", cos_xml::acl::ALL_USERS_URI))
    {
        "eWPrivateRPublic"
    } else {
        "eWRPrivate"
    }
}

fn acl_of(authority: &str) -> Option<Acl> {
    match authority {
        "eInvalid" => Some(Acl {
            grants: Vec::new(),
            inherit: true,
        }),
        "eWRPrivate" => Some(Acl::default()),
        "eWPrivateRPublic" => Some(Acl {
            grants: vec![(
                "READ".into(),
                format!("uri:{}", cos_xml::acl::ALL_USERS_URI),
            )],
            inherit: false,
        }),
        _ => None,
    }
}

fn name_of(p: &V4Path) -> String {
    p.cos_path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_owned()
}

fn file_info(shared: &Shared, p: &V4Path, obj: &ObjectRecord) -> V4Result<Value> {
    let bucket = p.xml_bucket();
    let mut a = attrs(shared, &bucket, p.key());
    let sha = match &a.sha {
        Some(s) => s.clone(),
        None => {
            let s = object_sha(shared, obj)?;
            a.sha = Some(s.clone());
            set_attrs(shared, &bucket, p.key(), a.clone());
            s
        }
    };
    let mut custom = serde_json::Map::new();
    for (k, v) in obj.headers.iter().chain(obj.meta.iter()) {
        if GROUP_HEADERS.contains(&k.as_str()) || k.starts_with("x-cos-meta-") {
            custom.insert(k.clone(), Value::String(v.clone()));
        }
    }
    let u = urls(shared, p);
    Ok(json!({
        "name": name_of(p),
        "biz_attr": a.biz_attr,
        "filesize": obj.size,
        "filelen": obj.size,
        "sha": sha,
        "ctime": if a.ctime == 0 { obj.last_modified } else { a.ctime },
        "mtime": obj.last_modified,
        "access_url": u["access_url"],
        "source_url": u["source_url"],
        "authority": authority(&obj.acl),
        "custom_headers": custom,
    }))
}

fn stat_file(shared: &Shared, p: &V4Path) -> V4Result<Value> {
    let obj = current(shared, &p.xml_bucket(), p.key()).ok_or_else(|| not_found(p))?;
    file_info(shared, p, &obj)
}

/// True when the folder exists: the root, a folder object, or a key below it.
fn folder_exists(shared: &Shared, bucket: &str, key: &str) -> bool {
    if key.is_empty() {
        return true;
    }
    let st = shared.store.lock();
    st.buckets.get(bucket).is_some_and(|b| {
        b.objects
            .range(key.to_owned()..)
            .take_while(|(k, _)| k.starts_with(key))
            .any(|(k, _)| b.current(k).is_some())
    })
}

fn stat_folder(shared: &Shared, p: &V4Path) -> V4Result<Value> {
    let bucket = p.xml_bucket();
    if !folder_exists(shared, &bucket, p.key()) {
        return Err(not_found(p));
    }
    let a = attrs(shared, &bucket, p.key());
    let mtime = current(shared, &bucket, p.key()).map_or(0, |o| o.last_modified);
    Ok(json!({
        "name": name_of(p),
        "biz_attr": a.biz_attr,
        "ctime": if a.ctime == 0 { mtime } else { a.ctime },
        "mtime": mtime,
    }))
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

async fn upload(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
    let content = fields
        .bytes("filecontent")
        .cloned()
        .ok_or_else(|| bad("filecontent is missing"))?;
    let sha = crate::storage::hex(&sha1::Sha1::digest(&content));
    check_sha(fields.text("sha"), &sha)?;
    let bucket = p.xml_bucket();
    let io = insert_only(fields);
    if io && current(shared, &bucket, p.key()).is_some() {
        return Err(file_exists(&p.cos_path));
    }
    store_object(shared, &bucket, p.key(), [content], io).await?;
    let now = crate::time::now_secs();
    set_attrs(
        shared,
        &bucket,
        p.key(),
        Attrs {
            biz_attr: fields.text("biz_attr").unwrap_or_default(),
            sha: Some(sha),
            ctime: now,
        },
    );
    Ok(urls(shared, p))
}

async fn slice_init(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
    let filesize = fields
        .number("filesize")
        .ok_or_else(|| bad("filesize is missing"))?;
    let proposed = fields.number("slice_size").unwrap_or(MAX_SLICE);
    if proposed == 0 {
        return Err(bad("slice_size must not be 0"));
    }
    let slice_size = proposed.min(MAX_SLICE);
    let bucket = p.xml_bucket();
    let io = insert_only(fields);
    if io && current(shared, &bucket, p.key()).is_some() {
        return Err(file_exists(&p.cos_path));
    }
    let sha = fields.text("sha").filter(|s| !s.is_empty());
    if let Some(sha) = &sha
        && fields.bytes("uploadparts").is_some()
        && let Some(url) = instant_upload(shared, p, sha, filesize, fields).await?
    {
        return Ok(url);
    }
    let mut v4 = shared.v4.lock();
    let unfinished = v4
        .sessions
        .values()
        .find(|s| s.bucket == bucket && s.key == p.key())
        .map(|s| (s.id.clone(), s.filesize, s.sha.clone()));
    if let Some((id, size, old_sha)) = unfinished {
        let same_file = size == filesize && (sha.is_none() || old_sha.is_none() || sha == old_sha);
        if same_file {
            return Err(V4Error::new(
                400,
                -4019,
                "ERROR_PROXY_UPLOAD_NOT_FINISH: an unfinished slice upload exists; continue it with upload_slice_list",
            )
            .into());
        }
        v4.sessions.remove(&id);
    }
    v4.counter += 1;
    let id = format!("v4-session-{:x}-{}", crate::time::now_secs(), v4.counter);
    v4.sessions.insert(
        id.clone(),
        Session {
            id: id.clone(),
            bucket,
            key: p.key().to_owned(),
            filesize,
            slice_size,
            biz_attr: fields.text("biz_attr").unwrap_or_default(),
            sha,
            slices: BTreeMap::new(),
        },
    );
    Ok(json!({ "session": id, "slice_size": slice_size, "serial_upload": 0 }))
}

/// An instant upload: a file of the bucket with the same SHA-1 and size is copied.
async fn instant_upload(
    shared: &Shared,
    p: &V4Path,
    sha: &str,
    filesize: u64,
    fields: &Fields,
) -> V4Result<Option<Value>> {
    let bucket = p.xml_bucket();
    let candidates: Vec<String> = shared
        .v4
        .lock()
        .attrs
        .iter()
        .filter(|((b, _), a)| *b == bucket && a.sha.as_deref() == Some(sha))
        .map(|((_, k), _)| k.clone())
        .collect();
    for key in candidates {
        let Some(src) = current(shared, &bucket, &key) else {
            continue;
        };
        if src.size != filesize {
            continue;
        }
        let segments = shared.store.clone_segments(&src.segments).await?;
        let mut record = src.clone();
        record.segments = segments;
        record.last_modified = crate::time::now_secs();
        let (b, k) = (bucket.clone(), p.key().to_owned());
        shared
            .store
            .update(|st| st.put_version(&b, &k, Some(record)))
            .await?;
        set_attrs(
            shared,
            &bucket,
            p.key(),
            Attrs {
                biz_attr: fields.text("biz_attr").unwrap_or_default(),
                sha: Some(sha.to_owned()),
                ctime: crate::time::now_secs(),
            },
        );
        return Ok(Some(urls(shared, p)));
    }
    Ok(None)
}

fn session_error(message: &str) -> Failed {
    V4Error::new(400, -4016, format!("ERROR_PROXY_SESSION: {message}")).into()
}

fn slice_data(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
    let id = fields.text("session").unwrap_or_default();
    let offset = fields
        .number("offset")
        .ok_or_else(|| bad("offset is missing"))?;
    let data = fields
        .bytes("filecontent")
        .cloned()
        .ok_or_else(|| bad("filecontent is missing"))?;
    let bucket = p.xml_bucket();
    let mut v4 = shared.v4.lock();
    let s = v4
        .sessions
        .get_mut(&id)
        .filter(|s| s.bucket == bucket && s.key == p.key())
        .ok_or_else(|| session_error("unknown session"))?;
    let expected = s.slice_size.min(s.filesize.saturating_sub(offset));
    if offset % s.slice_size != 0 || offset >= s.filesize || data.len() as u64 != expected {
        return Err(V4Error::new(
            400,
            -4015,
            format!(
                "ERROR_PROXY_SLICE_MISMATCH: slice at {offset} of {} bytes does not fit",
                data.len()
            ),
        )
        .into());
    }
    s.slices.insert(offset, data);
    Ok(json!({ "session": id, "offset": offset }))
}

async fn slice_finish(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
    let id = fields.text("session").unwrap_or_default();
    let bucket = p.xml_bucket();
    let session = {
        let v4 = shared.v4.lock();
        v4.sessions
            .get(&id)
            .filter(|s| s.bucket == bucket && s.key == p.key())
            .cloned()
            .ok_or_else(|| session_error("unknown session"))?
    };
    if fields.number("filesize") != Some(session.filesize) {
        return Err(bad("filesize differs from upload_slice_init"));
    }
    let received: u64 = session.slices.values().map(|b| b.len() as u64).sum();
    if received != session.filesize {
        return Err(session_error(&format!(
            "{received} of {} bytes received",
            session.filesize
        )));
    }
    let mut h = sha1::Sha1::new();
    for b in session.slices.values() {
        h.update(b);
    }
    let sha = crate::storage::hex(&h.finalize());
    check_sha(fields.text("sha").or(session.sha.clone()), &sha)?;
    store_object(
        shared,
        &bucket,
        p.key(),
        session.slices.into_values(),
        false,
    )
    .await?;
    shared.v4.lock().sessions.remove(&id);
    set_attrs(
        shared,
        &bucket,
        p.key(),
        Attrs {
            biz_attr: session.biz_attr,
            sha: Some(sha),
            ctime: crate::time::now_secs(),
        },
    );
    Ok(urls(shared, p))
}

fn slice_list(shared: &Shared, p: &V4Path) -> V4Result<Value> {
    let bucket = p.xml_bucket();
    let v4 = shared.v4.lock();
    let s = v4
        .sessions
        .values()
        .find(|s| s.bucket == bucket && s.key == p.key())
        .ok_or_else(|| session_error("no unfinished slice upload"))?;
    let parts: Vec<Value> = s
        .slices
        .iter()
        .map(|(o, b)| json!({ "offset": o, "datalen": b.len() }))
        .collect();
    Ok(json!({
        "session": s.id,
        "filesize": s.filesize,
        "slice_size": s.slice_size,
        "serial_upload": 0,
        "listparts": parts,
    }))
}

async fn update_file(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
    let bucket = p.xml_bucket();
    let key = p.key().to_owned();
    let acl = match fields.text("authority") {
        Some(a) => Some(acl_of(&a).ok_or_else(|| bad(format!("authority {a:?} is not valid")))?),
        None => None,
    };
    let custom: Option<Vec<(String, String)>> = match fields.text("custom_headers") {
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(h)) => Some(
                h.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect(),
            ),
            _ => return Err(bad("custom_headers must be an object")),
        },
        None => None,
    };
    shared
        .store
        .update(|st| {
            let obj = st.bucket_mut(&bucket)?.object_mut(&key, None)?;
            if let Some(acl) = acl {
                obj.acl = acl;
            }
            if let Some(custom) = custom {
                obj.headers
                    .retain(|(k, _)| !GROUP_HEADERS.contains(&k.as_str()));
                obj.meta.clear();
                for (k, v) in custom {
                    let lower = k.to_ascii_lowercase();
                    if lower.starts_with("x-cos-meta-") {
                        obj.meta.push((lower, v));
                    } else if let Some(name) =
                        GROUP_HEADERS.iter().find(|h| h.eq_ignore_ascii_case(&k))
                    {
                        obj.headers.push(((*name).to_owned(), v));
                    }
                }
                if !obj.headers.iter().any(|(k, _)| k == "Content-Type") {
                    obj.headers.insert(
                        0,
                        (
                            "Content-Type".to_owned(),
                            "application/octet-stream".to_owned(),
                        ),
                    );
                }
            }
            Ok(())
        })
        .await?;
    if let Some(biz) = fields.text("biz_attr") {
        let mut a = attrs(shared, &bucket, &key);
        a.biz_attr = biz;
        set_attrs(shared, &bucket, &key, a);
    }
    Ok(Value::Object(serde_json::Map::new()))
}

fn update_folder(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
    let bucket = p.xml_bucket();
    if !folder_exists(shared, &bucket, p.key()) {
        return Err(not_found(p));
    }
    let mut a = attrs(shared, &bucket, p.key());
    a.biz_attr = fields.text("biz_attr").unwrap_or_default();
    set_attrs(shared, &bucket, p.key(), a);
    Ok(Value::Object(serde_json::Map::new()))
}

async fn create_folder(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
    let bucket = p.xml_bucket();
    if p.key().is_empty() || current(shared, &bucket, p.key()).is_some() {
        return Err(V4Error::new(
            409,
            -178,
            format!("ERROR_CMD_COS_PATH_CONFLICT: folder {} exists", p.cos_path),
        )
        .into());
    }
    store_object(shared, &bucket, p.key(), [], true).await?;
    set_attrs(
        shared,
        &bucket,
        p.key(),
        Attrs {
            biz_attr: fields.text("biz_attr").unwrap_or_default(),
            sha: None,
            ctime: crate::time::now_secs(),
        },
    );
    Ok(Value::Object(serde_json::Map::new()))
}

/// Deletes an object with the XML API's semantics (a delete marker when versioned).
async fn delete_object(
    shared: &Shared,
    bucket: &str,
    key: &str,
    body: &mut ReqBody,
) -> V4Result<()> {
    let headers = HeaderMap::new();
    let Some(credentials) = shared.config.credentials.first().cloned() else {
        return Err(bad("no credentials configured"));
    };
    let mut ctx = Ctx {
        shared,
        method: Method::DELETE,
        op: cos_xml::op::Op::DeleteObject,
        host: String::new(),
        bucket: Some(bucket.to_owned()),
        key: Some(key.to_owned()),
        query: &[],
        headers: &headers,
        body,
        identity: Identity::Signed(credentials),
    };
    object::delete_object(&mut ctx).await?;
    shared
        .v4
        .lock()
        .attrs
        .remove(&(bucket.to_owned(), key.to_owned()));
    Ok(())
}

async fn delete(shared: &Shared, p: &V4Path, body: &mut ReqBody) -> V4Result<Value> {
    let bucket = p.xml_bucket();
    let key = p.key();
    if p.cos_path.ends_with('/') {
        if key.is_empty() {
            return Err(bad("the bucket root cannot be deleted"));
        }
        if !folder_exists(shared, &bucket, key) {
            return Err(not_found(p));
        }
        let non_empty = {
            let st = shared.store.lock();
            st.bucket(&bucket)?
                .objects
                .range(key.to_owned()..)
                .take_while(|(k, _)| k.starts_with(key))
                .any(|(k, v)| k != key && v.last().is_some_and(|v| v.object.is_some()))
        };
        if non_empty {
            return Err(V4Error::new(
                409,
                -173,
                format!("ERROR_CMD_COS_DIR_NOT_EMPTY: {} is not empty", p.cos_path),
            )
            .into());
        }
    } else if current(shared, &bucket, key).is_none() {
        return Err(not_found(p));
    }
    delete_object(shared, &bucket, key, body).await?;
    Ok(Value::Object(serde_json::Map::new()))
}

async fn move_file(
    shared: &Shared,
    p: &V4Path,
    dest: Option<&str>,
    overwrite: Option<&str>,
    body: &mut ReqBody,
) -> V4Result<Value> {
    let dest = dest.ok_or_else(|| bad("dest_fileid is missing"))?;
    if !dest.starts_with('/') || dest.ends_with('/') {
        return Err(bad(format!("dest_fileid {dest:?} is not a file path")));
    }
    let bucket = p.xml_bucket();
    let dest_key = dest.trim_start_matches('/').to_owned();
    let src = current(shared, &bucket, p.key()).ok_or_else(|| not_found(p))?;
    if dest_key == p.key() {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    let replace = overwrite.is_some_and(|v| v.trim() == "1");
    if !replace && current(shared, &bucket, &dest_key).is_some() {
        return Err(file_exists(dest));
    }
    let segments = shared.store.clone_segments(&src.segments).await?;
    let mut record = src;
    record.segments = segments;
    let (b, k) = (bucket.clone(), dest_key.clone());
    shared
        .store
        .update(|st| st.put_version(&b, &k, Some(record)))
        .await?;
    let a = attrs(shared, &bucket, p.key());
    delete_object(shared, &bucket, p.key(), body).await?;
    set_attrs(shared, &bucket, &dest_key, a);
    Ok(Value::Object(serde_json::Map::new()))
}

/// A download through a signed URL: checks the download signature, then answers as
/// the XML API's GET Object (an XML error on failure).
pub(crate) async fn download(
    shared: &Shared,
    p: &V4Path,
    method: &Method,
    query: &[(String, String)],
    raw_query: &str,
    headers: &HeaderMap,
    body: &mut ReqBody,
) -> OpResult<Response<RespBody>> {
    let sign = raw_query
        .split('&')
        .find_map(|kv| kv.strip_prefix("sign="))
        .map(cos_auth::encode::decode_path)
        .unwrap_or_default();
    let expect = cos_auth::v4::V4Expectation {
        appid: &p.appid,
        bucket: &p.bucket,
        cos_path: &p.cos_path,
    };
    let verified = cos_auth::v4::verify(
        &sign,
        &expect,
        &shared.config.credentials[..],
        crate::time::now_secs(),
    )
    .map_err(|e| ApiError::access_denied(format!("invalid download signature: {e}")))?;
    let wanted = cos_auth::v4::file_id(&p.appid, &p.bucket, &p.cos_path, true);
    if verified.kind != V4SignatureKind::Multiple || verified.decoded.file_id != wanted {
        return Err(ApiError::access_denied("the download signature is for another file").into());
    }
    let credentials = shared
        .config
        .credentials
        .first()
        .cloned()
        .ok_or_else(|| ApiError::access_denied("no credentials"))?;
    let mut ctx = Ctx {
        shared,
        method: method.clone(),
        op: cos_xml::op::Op::GetObject,
        host: String::new(),
        bucket: Some(p.xml_bucket()),
        key: Some(p.key().to_owned()),
        query,
        headers,
        body,
        identity: Identity::Signed(credentials),
    };
    object::get_object(&mut ctx)
}

/// Members of a folder: files, and folders (folder objects or common prefixes).
fn list(shared: &Shared, p: &V4Path, num: Option<&str>, context: &str) -> V4Result<Value> {
    let num: usize = match num {
        None => 199,
        Some(n) => n.trim().parse().map_err(|_| bad("num is not a number"))?,
    };
    if num == 0 || num > 199 {
        return Err(bad("num must be between 1 and 199"));
    }
    let bucket = p.xml_bucket();
    // The path is the folder plus a name prefix.
    let full = p.key();
    let (folder, prefix) = match full.rfind('/') {
        Some(i) => (&full[..=i], &full[i + 1..]),
        None => ("", full),
    };
    let start = format!("{folder}{prefix}");
    let mut entries: BTreeMap<String, Option<ObjectRecord>> = BTreeMap::new();
    {
        let st = shared.store.lock();
        let b = st.bucket(&bucket)?;
        for (k, _) in b.objects.range(start.clone()..) {
            if !k.starts_with(&start) {
                break;
            }
            let Some(obj) = b.current(k) else { continue };
            let rest = &k[folder.len()..];
            match rest.split_once('/') {
                Some((sub, _)) if !sub.is_empty() => {
                    entries.entry(sub.to_owned()).or_insert(None);
                }
                Some(_) => {}
                None if rest.is_empty() => {}
                None => {
                    entries.insert(rest.to_owned(), Some(obj.clone()));
                }
            }
        }
    }
    let mut infos = Vec::new();
    let mut last = String::new();
    let mut remaining = entries
        .into_iter()
        .filter(|(name, _)| context.is_empty() || name.as_str() > context)
        .peekable();
    while infos.len() < num {
        let Some((name, obj)) = remaining.next() else {
            break;
        };
        let child = V4Path {
            appid: p.appid.clone(),
            bucket: p.bucket.clone(),
            cos_path: format!("/{folder}{name}{}", if obj.is_none() { "/" } else { "" }),
        };
        let info = match &obj {
            Some(o) => file_info(shared, &child, o)?,
            None => {
                let a = attrs(shared, &bucket, child.key());
                let mtime = current(shared, &bucket, child.key()).map_or(0, |o| o.last_modified);
                json!({ "name": name, "biz_attr": a.biz_attr, "ctime": a.ctime.max(mtime), "mtime": mtime })
            }
        };
        infos.push(info);
        last = name;
    }
    let listover = remaining.peek().is_none();
    Ok(json!({
        "context": if listover { String::new() } else { last },
        "listover": listover,
        "infos": infos,
    }))
}
