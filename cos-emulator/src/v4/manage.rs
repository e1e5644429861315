//! Changing files and folders: `update`, `create` (folders), `delete` and `move`.

use hyper::{HeaderMap, Method};
use serde_json::Value;

use super::common::V4Error;
use super::common::{
    GROUP_HEADERS, V4Result, attrs, bad, current, file_exists, not_found, set_attrs, store_object,
};
use super::form::Fields;
use super::read::{acl_of, folder_exists};
use crate::auth::Identity;
use crate::body::ReqBody;
use crate::ops::{Ctx, object};
use crate::routing::v4::V4Path;
use crate::state::Shared;
use crate::state::v4::Attrs;

pub(super) async fn update_file(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
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

pub(super) fn update_folder(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
    let bucket = p.xml_bucket();
    if !folder_exists(shared, &bucket, p.key()) {
        return Err(not_found(p));
    }
    let mut a = attrs(shared, &bucket, p.key());
    a.biz_attr = fields.text("biz_attr").unwrap_or_default();
    set_attrs(shared, &bucket, p.key(), a);
    Ok(Value::Object(serde_json::Map::new()))
}

pub(super) async fn create_folder(shared: &Shared, p: &V4Path, fields: &Fields) -> V4Result<Value> {
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
            ctime: shared.config.clock.now_secs(),
        },
    );
    Ok(Value::Object(serde_json::Map::new()))
}

/// Deletes an object with the XML API's semantics (a delete marker when versioned).
pub(super) async fn delete_object(
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

pub(super) async fn delete(shared: &Shared, p: &V4Path, body: &mut ReqBody) -> V4Result<Value> {
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

pub(super) async fn move_file(
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
        .update(|st| st.put_version(&b, &k, Some(record), shared.config.clock.now_secs()))
        .await?;
    let a = attrs(shared, &bucket, p.key());
    delete_object(shared, &bucket, p.key(), body).await?;
    set_attrs(shared, &bucket, &dest_key, a);
    Ok(Value::Object(serde_json::Map::new()))
}
