//! `cos ls` and `cos du`: listings streamed page by page (memory independent of the
//! number of keys).

use std::fmt::Write as _;

use cos_core::ops::list::PageStream;
use futures_util::StreamExt;
use serde_json::json;

use super::Ctx;
use crate::cli::{DuArgs, LsArgs};
use crate::error::CliError;
use crate::location::CosPath;
use crate::output::human_size;

pub(super) async fn ls(ctx: &Ctx, a: LsArgs) -> Result<(), CliError> {
    let Some(target) = &a.target else {
        return list_buckets(ctx).await;
    };
    let path = CosPath::parse(target)?;
    if a.versions {
        return list_versions(ctx, &path, &a).await;
    }
    let mut op = ctx
        .client
        .list_objects(&path.bucket)
        .prefix(path.key.clone());
    if !a.recursive {
        op = op.delimiter("/");
    }
    let mut pages = Pages(op.into_pages());
    let what = format!("listing {path}");
    // One write per page: stdout is line-buffered, and a write per key would cost a
    // system call per key.
    let mut text = String::new();
    while let Some(page) = pages.next(&what).await? {
        if !ctx.out.shows_results() {
            continue;
        }
        text.clear();
        for p in &page.common_prefixes {
            if ctx.out.json {
                let _ = writeln!(text, "{}", json!({ "prefix": p.prefix }));
            } else {
                let _ = writeln!(text, "{:>12}  {}", "DIR", p.prefix);
            }
        }
        for o in &page.contents {
            let _ = if ctx.out.json {
                let v = json!({
                    "key": o.key, "size": o.size, "last_modified": o.last_modified,
                    "etag": o.etag, "storage_class": o.storage_class,
                });
                writeln!(text, "{v}")
            } else if a.long {
                writeln!(
                    text,
                    "{}  {:>12}  {:<12} {}  {}",
                    o.last_modified, o.size, o.storage_class, o.etag, o.key
                )
            } else {
                writeln!(text, "{:>12}  {}", o.size, o.key)
            };
        }
        ctx.out.block(&text);
    }
    Ok(())
}

async fn list_buckets(ctx: &Ctx) -> Result<(), CliError> {
    let r = ctx
        .client
        .list_buckets()
        .send()
        .await
        .map_err(|e| CliError::op("listing buckets", &e))?;
    for b in &r.buckets.bucket {
        if ctx.out.json {
            ctx.out.json_line(&json!({
                "name": b.name, "region": b.location, "created": b.creation_date,
            }));
        } else {
            ctx.out.line(format!(
                "{}  {:<16} cos://{}",
                b.creation_date, b.location, b.name
            ));
        }
    }
    Ok(())
}

async fn list_versions(ctx: &Ctx, path: &CosPath, a: &LsArgs) -> Result<(), CliError> {
    let mut op = ctx
        .client
        .list_object_versions(&path.bucket)
        .prefix(path.key.clone());
    if !a.recursive {
        op = op.delimiter("/");
    }
    let mut pages = Pages(op.into_pages());
    let what = format!("listing versions of {path}");
    while let Some(page) = pages.next(&what).await? {
        for p in &page.common_prefixes {
            if ctx.out.json {
                ctx.out.json_line(&json!({ "prefix": p.prefix }));
            } else {
                ctx.out.line(format!("{:>12}  {}", "DIR", p.prefix));
            }
        }
        for e in &page.entries {
            match e {
                cos_xml::VersionEntry::Version(v) => {
                    if ctx.out.json {
                        ctx.out.json_line(&json!({
                            "key": v.key, "version_id": v.version_id, "latest": v.is_latest,
                            "size": v.size, "last_modified": v.last_modified, "etag": v.etag,
                            "storage_class": v.storage_class,
                        }));
                    } else {
                        let latest = if v.is_latest { " (latest)" } else { "" };
                        ctx.out.line(format!(
                            "{}  {:>12}  {}  {}{latest}",
                            v.last_modified, v.size, v.version_id, v.key
                        ));
                    }
                }
                cos_xml::VersionEntry::DeleteMarker(d) => {
                    if ctx.out.json {
                        ctx.out.json_line(&json!({
                            "key": d.key, "version_id": d.version_id, "latest": d.is_latest,
                            "delete_marker": true, "last_modified": d.last_modified,
                        }));
                    } else {
                        ctx.out.line(format!(
                            "{}  {:>12}  {}  {}",
                            d.last_modified, "DELETED", d.version_id, d.key
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

pub(super) async fn du(ctx: &Ctx, a: DuArgs) -> Result<(), CliError> {
    let path = CosPath::parse(&a.target)?;
    let mut pages = Pages(
        ctx.client
            .list_objects(&path.bucket)
            .prefix(path.key.clone())
            .into_pages(),
    );
    let what = format!("listing {path}");
    let (mut count, mut bytes) = (0u64, 0u64);
    while let Some(page) = pages.next(&what).await? {
        count += page.contents.len() as u64;
        bytes += page.contents.iter().map(|o| o.size).sum::<u64>();
    }
    if ctx.out.json {
        ctx.out
            .json_line(&json!({ "target": path.to_string(), "objects": count, "bytes": bytes }));
    } else {
        ctx.out.line(format!(
            "{bytes} bytes ({})  {count} objects  {path}",
            human_size(bytes)
        ));
    }
    Ok(())
}

/// The pages of a listing. cos-core requests the next page while this one is decoded
/// and printed (one page ahead, no more: a reader that goes away costs at most one
/// page more).
struct Pages<T>(PageStream<T>);

impl<T> Pages<T> {
    /// The next page, `None` after the last; `what` describes the listing in errors.
    async fn next(&mut self, what: &str) -> Result<Option<T>, CliError> {
        self.0
            .next()
            .await
            .transpose()
            .map_err(|e| CliError::op(what, &e))
    }
}
