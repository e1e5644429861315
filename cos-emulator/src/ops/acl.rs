//! Access control: canned ACLs, grant headers, ACL documents, and anonymous access.

use cos_xml::acl::ALL_USERS_URI;
use cos_xml::op::Access;
use cos_xml::{AccessControlPolicy, Grant, Grantee, Owner, Permission};
use hyper::{Response, StatusCode};

use super::{Ctx, owner_id, response, xml};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::storage::Acl;

const GRANT_HEADERS: [(&str, &str); 5] = [
    ("x-cos-grant-read", "READ"),
    ("x-cos-grant-write", "WRITE"),
    ("x-cos-grant-read-acp", "READ_ACP"),
    ("x-cos-grant-write-acp", "WRITE_ACP"),
    ("x-cos-grant-full-control", "FULL_CONTROL"),
];

fn all_users() -> String {
    format!("uri:{ALL_USERS_URI}")
}

/// A canned ACL (`private`, `public-read`, `public-read-write`, `default`).
pub(crate) fn canned(name: &str, object: bool) -> Result<Acl, ApiError> {
    let mut acl = Acl::default();
    match name {
        "private" => {}
        "public-read" => acl.grants.push(("READ".into(), all_users())),
        "public-read-write" => {
            acl.grants.push(("READ".into(), all_users()));
            acl.grants.push(("WRITE".into(), all_users()));
        }
        "default" if object => acl.inherit = true,
        other => {
            return Err(ApiError::invalid_argument(format!(
                "Invalid x-cos-acl value {other:?}."
            )));
        }
    }
    Ok(acl)
}

/// Normalises a grantee id: a bare uin becomes `qcs::cam::uin/<uin>:uin/<uin>`.
fn normalise_id(id: &str) -> String {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        format!("qcs::cam::uin/{id}:uin/{id}")
    } else {
        id.to_owned()
    }
}

/// The ACL set by `x-cos-acl` and `x-cos-grant-*` headers, if any.
pub(crate) fn from_headers(ctx: &Ctx<'_>, object: bool) -> Result<Option<Acl>, ApiError> {
    let mut acl = match ctx.h("x-cos-acl") {
        Some(name) => Some(canned(name.trim(), object)?),
        None => None,
    };
    for (header, permission) in GRANT_HEADERS {
        let Some(value) = ctx.h(header) else { continue };
        let acl = acl.get_or_insert_with(Acl::default);
        acl.inherit = false;
        for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (kind, v) = item
                .split_once('=')
                .ok_or_else(|| ApiError::invalid_argument(format!("Invalid grant {item:?}.")))?;
            let v = v.trim().trim_matches('"');
            let grantee = match kind.trim() {
                "id" => format!("id:{}", normalise_id(v)),
                "uri" => format!("uri:{v}"),
                _ => {
                    return Err(ApiError::invalid_argument(format!(
                        "Invalid grant {item:?}."
                    )));
                }
            };
            acl.grants.push((permission.to_owned(), grantee));
        }
    }
    Ok(acl)
}

fn permission_name(p: Permission) -> &'static str {
    match p {
        Permission::FullControl => "FULL_CONTROL",
        Permission::Write => "WRITE",
        Permission::Read => "READ",
        Permission::ReadAcp => "READ_ACP",
        Permission::WriteAcp => "WRITE_ACP",
        _ => "READ",
    }
}

fn permission(name: &str) -> Permission {
    match name {
        "FULL_CONTROL" => Permission::FullControl,
        "WRITE" => Permission::Write,
        "READ_ACP" => Permission::ReadAcp,
        "WRITE_ACP" => Permission::WriteAcp,
        _ => Permission::Read,
    }
}

/// A request `<AccessControlPolicy>`, parsed leniently: the official Python SDK writes
/// the grantee type as a `<Type>` element, `cos_xml::Grantee` wants `xsi:type`.
#[derive(Debug, serde::Deserialize)]
struct RequestPolicy {
    #[serde(rename = "AccessControlList", default)]
    list: RequestList,
}

#[derive(Debug, Default, serde::Deserialize)]
struct RequestList {
    #[serde(rename = "Grant", default)]
    grants: Vec<RequestGrant>,
}

#[derive(Debug, serde::Deserialize)]
struct RequestGrant {
    #[serde(rename = "Grantee")]
    grantee: RequestGrantee,
    #[serde(rename = "Permission")]
    permission: Permission,
}

#[derive(Debug, serde::Deserialize)]
struct RequestGrantee {
    #[serde(rename = "@type", alias = "@xsi:type", alias = "Type", default)]
    grantee_type: Option<String>,
    #[serde(rename = "ID", default)]
    id: Option<String>,
    #[serde(rename = "URI", default)]
    uri: Option<String>,
}

fn from_document(doc: &RequestPolicy) -> Acl {
    let owner = owner_id();
    let mut acl = Acl::default();
    for g in &doc.list.grants {
        let grantee = match (&g.grantee.uri, &g.grantee.id) {
            (Some(uri), _) => format!("uri:{uri}"),
            (None, Some(id)) => {
                let id = normalise_id(id);
                if id == owner && g.permission == Permission::FullControl {
                    continue;
                }
                format!("id:{id}")
            }
            (None, None) => continue,
        };
        acl.grants
            .push((permission_name(g.permission).to_owned(), grantee));
    }
    acl
}

/// The ACL document: the owner's FULL_CONTROL, then the grants.
fn document(acl: &Acl) -> AccessControlPolicy {
    let owner = owner_id();
    let mut grants = vec![Grant {
        grantee: Grantee::canonical_user(owner.clone()),
        permission: Permission::FullControl,
    }];
    for (p, who) in &acl.grants {
        let grantee = match who.split_once(':') {
            Some(("uri", uri)) => Grantee::group(uri),
            Some((_, id)) => Grantee::canonical_user(id),
            None => continue,
        };
        grants.push(Grant::new(grantee, permission(p)));
    }
    AccessControlPolicy::new(Owner::new(owner), grants)
}

/// The ACL of a PUT acl request: headers, or else the XML body.
async fn requested(ctx: &mut Ctx<'_>, object: bool) -> OpResult<Acl> {
    if let Some(acl) = from_headers(ctx, object)? {
        ctx.body.drain().await?;
        return Ok(acl);
    }
    let doc: RequestPolicy = ctx.xml_body().await?;
    if doc
        .list
        .grants
        .iter()
        .any(|g| g.grantee.grantee_type.as_deref() == Some("Group") && g.grantee.uri.is_none())
    {
        return Err(ApiError::malformed_xml("a Group grantee needs a URI").into());
    }
    Ok(from_document(&doc))
}

pub(crate) async fn put_bucket_acl(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let acl = requested(ctx, false).await?;
    let name = ctx.bucket().to_owned();
    ctx.shared
        .store
        .update(|st| {
            st.bucket_mut(&name)?.acl = acl;
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::OK))
}

pub(crate) fn get_bucket_acl(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let acl = ctx.shared.store.lock().bucket(ctx.bucket())?.acl.clone();
    xml(&document(&acl))
}

pub(crate) async fn put_object_acl(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let acl = requested(ctx, true).await?;
    let (name, key) = (ctx.bucket().to_owned(), ctx.key().to_owned());
    ctx.shared
        .store
        .update(|st| {
            st.bucket_mut(&name)?.object_mut(&key, None)?.acl = acl;
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::OK))
}

pub(crate) fn get_object_acl(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    // `?versionId=` reads that version's ACL (the official Node SDK's `getObjectAcl`
    // sends `VersionId` as `versionId`: tencentyun/cos-nodejs-sdk-v5 sdk/base.js).
    let v = b.version(ctx.key(), ctx.q("versionId"))?;
    let obj = v.object.as_ref().ok_or_else(ApiError::no_such_key)?;
    let acl = if obj.acl.inherit {
        b.acl.clone()
    } else {
        obj.acl.clone()
    };
    drop(st);
    xml(&document(&acl))
}

pub(crate) fn allows(acl: &Acl, write: bool) -> bool {
    let everyone = all_users();
    acl.grants.iter().any(|(p, who)| {
        *who == everyone && (p == "FULL_CONTROL" || p == if write { "WRITE" } else { "READ" })
    })
}

/// Lets an unsigned request through only where ACLs make the resource public.
pub(crate) fn check_anonymous(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    let denied = || ApiError::access_denied("Access Denied.");
    let write = match ctx.op.spec().access {
        Access::Open => return Ok(()),
        Access::Read => false,
        Access::Write => true,
        Access::Owner => return Err(denied()),
    };
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    // A read is authorised against the version it serves: `?versionId=` names an older
    // version, whose ACL may be private while the current one is public-read.
    if !write
        && let Some(obj) = ctx
            .key
            .as_deref()
            .and_then(|k| served(b, k, ctx.q("versionId")))
        && !obj.acl.inherit
    {
        return if allows(&obj.acl, false) {
            Ok(())
        } else {
            Err(denied())
        };
    }
    if allows(&b.acl, write) {
        Ok(())
    } else {
        Err(denied())
    }
}

/// The object a read of `key` (at `version`, if given) serves: `None` when there is
/// none (a delete marker, or no such key or version), which the operation answers.
fn served<'a>(
    b: &'a crate::storage::Bucket,
    key: &str,
    version: Option<&str>,
) -> Option<&'a crate::storage::ObjectRecord> {
    b.version(key, version).ok()?.object.as_ref()
}

/// The ACL an object gets from its PUT headers (`default`: the bucket's).
pub(crate) fn object_acl(ctx: &Ctx<'_>) -> Result<Acl, ApiError> {
    Ok(from_headers(ctx, true)?.unwrap_or(Acl {
        grants: Vec::new(),
        inherit: true,
    }))
}
