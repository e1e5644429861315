//! `cos config get|put|delete FAMILY cos://bucket`: the bucket configuration families
//! of cos-core, as the XML documents COS takes (parsed into the cos-xml models before
//! any request, so a malformed file is a usage error that sends nothing).

use std::path::Path;

use cos_core::xml::config::{
    AccelerateConfiguration, BucketLoggingStatus, DomainConfiguration,
    IntelligentTieringConfiguration, InventoryConfiguration, ObjectLockConfiguration,
    OriginConfiguration, RefererConfiguration, ReplicationConfiguration,
    ResponseControlConfiguration, ServerSideEncryptionConfiguration, WebsiteConfiguration,
};
use cos_core::xml::{CorsConfiguration, LifecycleConfiguration, Tagging, VersioningConfiguration};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Ctx;
use crate::cli::{ConfigAction, ConfigArgs, ConfigFamily};
use crate::error::CliError;
use crate::location::CosPath;

/// The `--file` of `put`, read (as text) before any request.
fn file_text(a: &ConfigArgs) -> Result<String, CliError> {
    let path: &Path = a
        .file
        .as_deref()
        .ok_or_else(|| CliError::Usage("config put needs --file FILE".into()))?;
    std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("--file {}: {e}", path.display())))
}

/// The `--file` of `put` parsed into the family's model.
fn doc<T: DeserializeOwned>(a: &ConfigArgs) -> Result<T, CliError> {
    let text = file_text(a)?;
    cos_core::xml::from_str(&text).map_err(|e| {
        let path = a.file.as_deref().unwrap_or(Path::new("-"));
        CliError::Usage(format!(
            "--file {}: not a valid document: {e}",
            path.display()
        ))
    })
}

/// Prints a configuration: its XML, or with `--json` the same fields as JSON.
fn show<T: Serialize>(
    ctx: &Ctx,
    what: &str,
    r: Result<T, cos_core::Error>,
) -> Result<(), CliError> {
    let v = r.map_err(|e| CliError::op(what, &e))?;
    if ctx.out.json {
        let j = serde_json::to_value(&v)
            .map_err(|e| CliError::Failed(format!("{what}: as JSON: {e}")))?;
        ctx.out.json_line(&j);
    } else {
        let xml = cos_core::xml::to_string(&v)
            .map_err(|e| CliError::Failed(format!("{what}: as XML: {e}")))?;
        // Printed even with --quiet: it is the command's only output.
        println!("{xml}");
    }
    Ok(())
}

/// Reports a put or delete.
fn done<T>(ctx: &Ctx, what: &str, r: Result<T, cos_core::Error>) -> Result<(), CliError> {
    r.map_err(|e| CliError::op(what, &e))?;
    ctx.out.line(format!("{what}: done"));
    Ok(())
}

/// One `cos config` invocation, as the family functions need it.
struct Req<'a> {
    ctx: &'a Ctx,
    a: &'a ConfigArgs,
    what: String,
    family: String,
    path: CosPath,
}

impl Req<'_> {
    fn no_delete(&self) -> CliError {
        CliError::Usage(format!(
            "COS has no delete for {}: put a document that turns it off instead",
            self.family
        ))
    }
}

/// A family with get and put (and delete when `$del` is given) on the bucket alone.
macro_rules! family {
    ($r:expr, $ty:ty, $get:ident, $put:ident $(, $del:ident)?) => {{
        let r: &Req<'_> = $r;
        let (c, b, what) = (&r.ctx.client, &r.path.bucket, r.what.as_str());
        match r.a.action {
            ConfigAction::Get => show(r.ctx, what, c.$get(b).send().await),
            ConfigAction::Put => {
                let d: $ty = doc(r.a)?;
                done(r.ctx, what, c.$put(b, &d).send().await)
            }
            #[allow(unreachable_code)]
            ConfigAction::Delete => {
                $(return done(r.ctx, what, c.$del(b).send().await);)?
                Err(r.no_delete())
            }
        }
    }};
}

pub(super) async fn config(ctx: &Ctx, a: ConfigArgs) -> Result<(), CliError> {
    let path = CosPath::parse(&a.target)?;
    if !path.key.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: a bucket configuration takes cos://bucket, not a key",
            a.target
        )));
    }
    if a.action != ConfigAction::Put && a.file.is_some() {
        return Err(CliError::Usage("--file is for config put".into()));
    }
    // The family's name as typed (clap's kebab-case).
    let family = clap::ValueEnum::to_possible_value(&a.family)
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default();
    let action = format!("{:?}", a.action).to_ascii_lowercase();
    let what = format!("{action} {family} of cos://{}", path.bucket);
    let r = Req {
        ctx,
        a: &a,
        what,
        family,
        path,
    };
    use ConfigFamily as F;
    match a.family {
        F::Cors => family!(
            &r,
            CorsConfiguration,
            get_bucket_cors,
            put_bucket_cors,
            delete_bucket_cors
        ),
        F::Lifecycle => family!(
            &r,
            LifecycleConfiguration,
            get_bucket_lifecycle,
            put_bucket_lifecycle,
            delete_bucket_lifecycle
        ),
        F::Tagging => family!(
            &r,
            Tagging,
            get_bucket_tagging,
            put_bucket_tagging,
            delete_bucket_tagging
        ),
        F::Versioning => versioning(&r).await,
        F::Policy => policy(&r).await,
        F::Inventory => inventory(&r).await,
        _ => newer(&r).await,
    }
}

/// The families of the newer cos-core operation files.
async fn newer(r: &Req<'_>) -> Result<(), CliError> {
    use ConfigFamily as F;
    match r.a.family {
        F::Website => family!(
            r,
            WebsiteConfiguration,
            get_bucket_website,
            put_bucket_website,
            delete_bucket_website
        ),
        F::Referer => family!(
            r,
            RefererConfiguration,
            get_bucket_referer,
            put_bucket_referer,
            delete_bucket_referer
        ),
        F::Encryption => family!(
            r,
            ServerSideEncryptionConfiguration,
            get_bucket_encryption,
            put_bucket_encryption,
            delete_bucket_encryption
        ),
        F::Replication => family!(
            r,
            ReplicationConfiguration,
            get_bucket_replication,
            put_bucket_replication,
            delete_bucket_replication
        ),
        F::Domain => family!(
            r,
            DomainConfiguration,
            get_bucket_domain,
            put_bucket_domain,
            delete_bucket_domain
        ),
        F::Origin => family!(
            r,
            OriginConfiguration,
            get_bucket_origin,
            put_bucket_origin,
            delete_bucket_origin
        ),
        F::ResponseControl => family!(
            r,
            ResponseControlConfiguration,
            get_bucket_response_control,
            put_bucket_response_control,
            delete_bucket_response_control
        ),
        F::Logging => family!(
            r,
            BucketLoggingStatus,
            get_bucket_logging,
            put_bucket_logging
        ),
        F::ObjectLock => family!(
            r,
            ObjectLockConfiguration,
            get_bucket_object_lock,
            put_bucket_object_lock
        ),
        F::IntelligentTiering => family!(
            r,
            IntelligentTieringConfiguration,
            get_bucket_intelligent_tiering,
            put_bucket_intelligent_tiering
        ),
        F::Accelerate => family!(
            r,
            AccelerateConfiguration,
            get_bucket_accelerate,
            put_bucket_accelerate
        ),
        F::Cors | F::Lifecycle | F::Tagging | F::Versioning | F::Policy | F::Inventory => {
            Err(CliError::Failed(format!("{}: not dispatched here", r.what)))
        }
    }
}

/// `versioning`: put takes `<VersioningConfiguration><Status>…`; there is no delete.
async fn versioning(r: &Req<'_>) -> Result<(), CliError> {
    let (c, b, what) = (&r.ctx.client, &r.path.bucket, r.what.as_str());
    match r.a.action {
        ConfigAction::Get => show(r.ctx, what, c.get_bucket_versioning(b).send().await),
        ConfigAction::Put => {
            let d: VersioningConfiguration = doc(r.a)?;
            let status = d.status.ok_or_else(|| {
                CliError::Usage("versioning: the document needs a <Status>".into())
            })?;
            done(r.ctx, what, c.put_bucket_versioning(b, status).send().await)
        }
        ConfigAction::Delete => Err(r.no_delete()),
    }
}

/// `policy`: a JSON document, put and printed as is.
async fn policy(r: &Req<'_>) -> Result<(), CliError> {
    let (c, b, what) = (&r.ctx.client, &r.path.bucket, r.what.as_str());
    match r.a.action {
        ConfigAction::Get => {
            let p = c
                .get_bucket_policy(b)
                .send()
                .await
                .map_err(|e| CliError::op(what, &e))?;
            println!("{}", p.trim_end());
            Ok(())
        }
        ConfigAction::Put => {
            let text = file_text(r.a)?;
            serde_json::from_str::<serde_json::Value>(&text)
                .map_err(|e| CliError::Usage(format!("policy --file: not JSON: {e}")))?;
            done(r.ctx, what, c.put_bucket_policy(b, text).send().await)
        }
        ConfigAction::Delete => done(r.ctx, what, c.delete_bucket_policy(b).send().await),
    }
}

/// `inventory`: put takes the document (its `<Id>` names it); get and delete `--id`.
async fn inventory(r: &Req<'_>) -> Result<(), CliError> {
    let (c, b, what) = (&r.ctx.client, &r.path.bucket, r.what.as_str());
    let id = || {
        r.a.id
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| CliError::Usage(format!("{what}: needs --id ID")))
    };
    match r.a.action {
        ConfigAction::Get => show(r.ctx, what, c.get_bucket_inventory(b, id()?).send().await),
        ConfigAction::Put => {
            let d: InventoryConfiguration = doc(r.a)?;
            done(r.ctx, what, c.put_bucket_inventory(b, &d).send().await)
        }
        ConfigAction::Delete => done(
            r.ctx,
            what,
            c.delete_bucket_inventory(b, id()?).send().await,
        ),
    }
}
