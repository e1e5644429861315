//! Reading: `stat` of files and folders, `list`, and downloads through signed URLs.

use std::collections::BTreeMap;

use cos_auth::v4::V4SignatureKind;
use hyper::{HeaderMap, Method, Response};
use serde_json::{Value, json};

use super::common::{
    GROUP_HEADERS, V4Result, attrs, bad, current, not_found, object_sha, set_attrs, urls,
};
use crate::auth::Identity;
use crate::body::{ReqBody, RespBody};
use crate::errors::{ApiError, OpResult};
use crate::ops::{Ctx, object};
use crate::routing::v4::V4Path;
use crate::state::Shared;
use crate::storage::{Acl, ObjectRecord};

pub(super) fn authority(acl: &Acl) -> &'static str {
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

pub(super) fn acl_of(authority: &str) -> Option<Acl> {
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

pub(super) fn name_of(p: &V4Path) -> String {
    p.cos_path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_owned()
}

pub(super) fn file_info(shared: &Shared, p: &V4Path, obj: &ObjectRecord) -> V4Result<Value> {
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

pub(super) fn stat_file(shared: &Shared, p: &V4Path) -> V4Result<Value> {
    let obj = current(shared, &p.xml_bucket(), p.key()).ok_or_else(|| not_found(p))?;
    file_info(shared, p, &obj)
}

/// True when the folder exists: the root, a folder object, or a key below it.
pub(super) fn folder_exists(shared: &Shared, bucket: &str, key: &str) -> bool {
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

pub(super) fn stat_folder(shared: &Shared, p: &V4Path) -> V4Result<Value> {
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
        // The signature's validity is checked against the real clock, not the
        // emulator's (which tests move forward): clients sign with the real time.
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
pub(super) fn list(
    shared: &Shared,
    p: &V4Path,
    num: Option<&str>,
    context: &str,
) -> V4Result<Value> {
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
