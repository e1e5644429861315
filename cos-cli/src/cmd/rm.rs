//! `cos rm`: one object (or all its versions), or a whole prefix with `-r`.

use std::time::Instant;

use cos_transfer::DeleteOptions;
use cos_transfer::paths::folder_prefix;
use futures_util::StreamExt;
use serde_json::json;

use super::{Ctx, check_globs, transfers};
use crate::cli::{RmArgs, WriteArgs};
use crate::error::{CliError, describe};
use crate::location::CosPath;

pub(super) async fn rm(ctx: &Ctx, a: RmArgs) -> Result<(), CliError> {
    let path = CosPath::parse(&a.target)?;
    let filter = check_globs(&a.include, &a.exclude)?;
    if !a.recursive {
        if !a.include.is_empty() || !a.exclude.is_empty() {
            return Err(CliError::Usage("--include/--exclude need -r".into()));
        }
        return rm_one(ctx, &path, &a).await;
    }
    // `rm -r cos://b/dir` deletes the folder `dir/`, never `dir2/…`.
    let prefix = folder_prefix(&path.key).into_owned();
    if prefix.is_empty() && !a.dry_run {
        ctx.out.confirm(&format!(
            "delete every object{} in bucket {}?",
            if a.all_versions { " and version" } else { "" },
            path.bucket
        ))?;
    }
    if a.dry_run {
        let mut n = 0u64;
        let mut objects = ctx
            .client
            .list_objects(&path.bucket)
            .prefix(prefix.clone())
            .into_objects();
        while let Some(o) = objects.next().await {
            let o = o.map_err(|e| CliError::op(format!("listing {path}"), &e))?;
            let rel = &o.key[prefix.len().min(o.key.len())..];
            if filter.accepts(rel) {
                n += 1;
                print_deleted(ctx, &path, &o.key, None, true);
            }
        }
        ctx.out
            .line(format!("{n} objects would be deleted (dry run)"));
        return Ok(());
    }
    let started = Instant::now();
    let mut options = DeleteOptions::default().all_versions(a.all_versions);
    for g in &a.include {
        options = options.include(g.clone());
    }
    for g in &a.exclude {
        options = options.exclude(g.clone());
    }
    let bar = ctx.out.bar(None);
    let tr = transfers(ctx, &WriteArgs::default())?;
    let r = tr
        .delete_prefix(&path.bucket, &prefix)
        .options(options)
        .progress(bar.callback())
        .cancel(&ctx.cancel)
        .send()
        .await;
    bar.finish();
    let summary = r.map_err(|e| CliError::op(format!("deleting {path}"), &e))?;
    for f in &summary.failures {
        let what = format!("cos://{}/{}", path.bucket, f.id.key);
        if ctx.out.json {
            ctx.out.json_line(&json!({
                "key": f.id.key, "version_id": f.id.version_id, "status": "failed",
                "error": format!("{}: {}", f.code, f.message),
            }));
        } else {
            ctx.out.failure(what, format!("{}: {}", f.code, f.message));
        }
    }
    let secs = started.elapsed().as_secs_f64();
    if ctx.out.json {
        ctx.out.json_line(&json!({ "summary": {
            "deleted": summary.deleted, "failed": summary.failures.len(), "seconds": secs,
        }}));
    } else {
        ctx.out.line(format!(
            "{} deleted, {} failed in {secs:.1} s",
            summary.deleted,
            summary.failures.len()
        ));
    }
    if summary.failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::Partial {
            failed: summary.failures.len(),
            total: summary.failures.len() + usize::try_from(summary.deleted).unwrap_or(usize::MAX),
        })
    }
}

fn print_deleted(ctx: &Ctx, path: &CosPath, key: &str, version: Option<&str>, dry: bool) {
    if ctx.out.json {
        let status = if dry { "would-delete" } else { "deleted" };
        ctx.out
            .json_line(&json!({ "key": key, "version_id": version, "status": status }));
    } else {
        let verb = if dry { "would delete" } else { "deleted" };
        match version {
            Some(v) => ctx
                .out
                .line(format!("{verb} cos://{}/{key} (version {v})", path.bucket)),
            None => ctx.out.line(format!("{verb} cos://{}/{key}", path.bucket)),
        }
    }
}

async fn rm_one(ctx: &Ctx, path: &CosPath, a: &RmArgs) -> Result<(), CliError> {
    let key = path.object_key()?;
    if !a.all_versions {
        if !a.dry_run {
            ctx.client
                .delete_object(&path.bucket, &key)
                .send()
                .await
                .map_err(|e| CliError::op(format!("deleting {path}"), &e))?;
        }
        print_deleted(ctx, path, key.as_str(), None, a.dry_run);
        return Ok(());
    }
    let mut versions = ctx
        .client
        .list_object_versions(&path.bucket)
        .prefix(key.as_str().to_owned())
        .into_versions();
    let mut failures = Vec::new();
    let mut total = 0;
    while let Some(v) = versions.next().await {
        let v = v.map_err(|e| CliError::op(format!("listing versions of {path}"), &e))?;
        let (k, id) = match &v {
            cos_xml::VersionEntry::Version(v) => (&v.key, &v.version_id),
            cos_xml::VersionEntry::DeleteMarker(d) => (&d.key, &d.version_id),
        };
        if k != key.as_str() {
            continue;
        }
        total += 1;
        if !a.dry_run
            && let Err(e) = ctx
                .client
                .delete_object(&path.bucket, &key)
                .query_param("versionId", id.clone())
                .send()
                .await
        {
            ctx.out
                .failure(format!("{path} (version {id})"), describe(&e));
            failures.push(id.clone());
            continue;
        }
        print_deleted(ctx, path, k, Some(id), a.dry_run);
    }
    // Several objects: the summary line of multi-file commands.
    let deleted = total - failures.len();
    if ctx.out.json {
        ctx.out.json_line(&json!({ "summary": {
            "deleted": if a.dry_run { 0 } else { deleted }, "failed": failures.len(),
            "dry_run": a.dry_run,
        }}));
    } else if a.dry_run {
        ctx.out
            .line(format!("{total} versions would be deleted (dry run)"));
    } else {
        ctx.out
            .line(format!("{deleted} deleted, {} failed", failures.len()));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::Partial {
            failed: failures.len(),
            total,
        })
    }
}
