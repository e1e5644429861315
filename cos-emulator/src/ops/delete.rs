//! Deleting objects: DELETE Object (a delete marker in versioned buckets, or one
//! version) and DELETE Multiple Objects.

use cos_xml::{Delete, DeleteError, DeleteResult, DeletedObject};
use hyper::{Response, StatusCode};

use super::{Ctx, response, set_header, xml};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::storage::State;

/// What deleting a key did.
pub(crate) struct Deleted {
    version_id: Option<String>,
    delete_marker: bool,
}

/// Deletes a key (a delete marker in versioned buckets) or one version of it at `now`
/// (the emulator's clock). Every delete goes through here or through
/// [`State::put_version`] (a delete marker), which both refuse to remove a version
/// under retention (`storage/retention.rs`).
///
/// Errors: `NoSuchBucket`; 403 `AccessDenied` for a retained version.
pub(crate) fn delete_in(
    st: &mut State,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
    now: u64,
) -> Result<Deleted, ApiError> {
    let b = st.bucket(bucket)?;
    let versioning = b.versioning.clone();
    match (version_id, versioning.as_deref()) {
        (Some(id), _) => b.refuse_retained(key, id, now)?,
        // Without versioning the key has only its "null" version, removed below.
        (None, None) => b.refuse_retained(key, "null", now)?,
        // A delete marker: put_version checks the version it replaces, if any.
        (None, Some(_)) => {}
    }
    if let Some(id) = version_id {
        let b = st.bucket_mut(bucket)?;
        let Some(versions) = b.objects.get_mut(key) else {
            return Ok(Deleted {
                version_id: Some(id.to_owned()),
                delete_marker: false,
            });
        };
        let Some(pos) = versions.iter().position(|v| v.id == id) else {
            return Ok(Deleted {
                version_id: Some(id.to_owned()),
                delete_marker: false,
            });
        };
        let v = versions.remove(pos);
        if versions.is_empty() {
            b.objects.remove(key);
        }
        let marker = v.object.is_none();
        return Ok(Deleted {
            version_id: Some(id.to_owned()),
            delete_marker: marker,
        });
    }
    match versioning.as_deref() {
        None => {
            st.bucket_mut(bucket)?.objects.remove(key);
            Ok(Deleted {
                version_id: None,
                delete_marker: false,
            })
        }
        Some(_) => {
            if !st.bucket(bucket)?.objects.contains_key(key)
                && versioning.as_deref() != Some("Enabled")
            {
                return Ok(Deleted {
                    version_id: None,
                    delete_marker: false,
                });
            }
            let id = st.put_version(bucket, key, None, now)?;
            Ok(Deleted {
                version_id: Some(id),
                delete_marker: true,
            })
        }
    }
}

pub(crate) async fn delete_object(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let (name, key) = (ctx.bucket().to_owned(), ctx.key().to_owned());
    let version = ctx.q("versionId").map(str::to_owned);
    let now = ctx.now();
    let d = ctx
        .shared
        .store
        .update(|st| delete_in(st, &name, &key, version.as_deref(), now))
        .await?;
    let mut r = response(StatusCode::NO_CONTENT);
    if let Some(id) = &d.version_id {
        set_header(&mut r, "x-cos-version-id", id);
    }
    if d.delete_marker {
        set_header(&mut r, "x-cos-delete-marker", "true");
    }
    Ok(r)
}

pub(crate) async fn delete_multiple(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let doc: Delete = ctx.xml_body().await?;
    if doc.objects.len() > 1000 {
        return Err(ApiError::malformed_xml("more than 1000 objects").into());
    }
    let quiet = doc.quiet.unwrap_or(false);
    let name = ctx.bucket().to_owned();
    let now = ctx.now();
    // The keys deleted without a version id, for replication (as DELETE Object's).
    let mut replicated = Vec::new();
    let result = ctx
        .shared
        .store
        .update(|st| {
            st.bucket(&name)?;
            let mut out = DeleteResult::default();
            for o in &doc.objects {
                let v = o.version_id.as_deref();
                let deleted = delete_in(st, &name, &o.key, v, now);
                if deleted.is_ok() && v.is_none() {
                    replicated.push(o.key.clone());
                }
                match deleted {
                    Ok(d) if !quiet => {
                        let mut x = DeletedObject::new(o.key.clone());
                        x.version_id = o.version_id.clone();
                        x.delete_marker = d.delete_marker.then_some(true);
                        x.delete_marker_version_id = if d.delete_marker && o.version_id.is_none() {
                            d.version_id
                        } else {
                            None
                        };
                        out.deleted.push(x);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let mut x = DeleteError::new(o.key.clone(), e.code, e.message);
                        x.version_id = o.version_id.clone();
                        out.errors.push(x);
                    }
                }
            }
            Ok(out)
        })
        .await?;
    for key in replicated {
        super::replication::queue(ctx.shared, &name, key);
    }
    xml(&result)
}
