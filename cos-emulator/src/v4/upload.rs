//! Uploads: whole files, slice sessions (`upload_slice_*`) and instant uploads.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha1::Digest;

use super::common::V4Error;
use super::common::{
    Failed, MAX_SLICE, V4Result, bad, check_sha, current, file_exists, insert_only, set_attrs,
    store_object, urls,
};
use super::form::Fields;
use crate::routing::v4::V4Path;
use crate::state::Shared;
use crate::state::v4::{Attrs, Session};

pub(super) async fn upload(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
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
    let now = shared.config.clock.now_secs();
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

pub(super) async fn slice_init(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
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
    let id = format!(
        "v4-session-{:x}-{}",
        shared.config.clock.now_secs(),
        v4.counter
    );
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
pub(super) async fn instant_upload(
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
        let now = shared.config.clock.now_secs();
        record.last_modified = now;
        let (b, k) = (bucket.clone(), p.key().to_owned());
        shared
            .store
            .update(|st| st.put_version(&b, &k, Some(record), now))
            .await?;
        set_attrs(
            shared,
            &bucket,
            p.key(),
            Attrs {
                biz_attr: fields.text("biz_attr").unwrap_or_default(),
                sha: Some(sha.to_owned()),
                ctime: shared.config.clock.now_secs(),
            },
        );
        return Ok(Some(urls(shared, p)));
    }
    Ok(None)
}

fn session_error(message: &str) -> Failed {
    V4Error::new(400, -4016, format!("ERROR_PROXY_SESSION: {message}")).into()
}

pub(super) fn slice_data(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
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

pub(super) async fn slice_finish(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
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
            ctime: shared.config.clock.now_secs(),
        },
    );
    Ok(urls(shared, p))
}

pub(super) fn slice_list(shared: &Shared, p: &V4Path) -> V4Result<Value> {
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
