//! COS→COS copies (on the service: the data does not pass through this machine).

use std::time::Instant;

use cos_core::ObjectKey;
use cos_transfer::CopyOptions;
use cos_transfer::paths::{folder_prefix, relative_key};
use futures_util::StreamExt;
use serde_json::json;

use super::{copy_source, dest_key, summary_line};
use crate::cli::CpArgs;
use crate::cmd::{Ctx, check_globs, checkpoint_file, sse_c_key};
use crate::error::{CliError, describe};
use crate::location::CosPath;
use crate::output::human_size;

fn copy_options(a: &CpArgs) -> CopyOptions {
    let mut o = CopyOptions::default();
    if let Some(p) = a.transfer.part_size {
        o = o.part_size(p);
    }
    if let Some(c) = a.transfer.concurrency {
        o = o.concurrency(usize::from(c));
    }
    o
}

pub(super) async fn copy_one(
    ctx: &Ctx,
    a: &CpArgs,
    tr: &cos_transfer::Transfers,
    s: &CosPath,
    d: &CosPath,
    remove_source: bool,
) -> Result<(), CliError> {
    let skey = s.object_key()?;
    let dkey = dest_key(d, s.file_name())?;
    let sse_c = sse_c_key(a.write.sse_c_key_file.as_deref())?;
    let source = copy_source(s, &skey, sse_c.as_ref());
    let mut opts = copy_options(a);
    if let Some(dir) = &a.transfer.checkpoint_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))?;
        let id = std::path::PathBuf::from(s.to_string());
        opts = opts.checkpoint(checkpoint_file(
            dir,
            "copy",
            d.bucket.as_str(),
            dkey.as_str(),
            &id,
        ));
    }
    let builder = if remove_source {
        tr.move_object(&d.bucket, &dkey, &source)
    } else {
        tr.copy(&d.bucket, &dkey, &source)
    };
    let dest = format!("cos://{}/{dkey}", d.bucket);
    let out = builder
        .options(opts)
        .cancel(&ctx.cancel)
        .send()
        .await
        .map_err(|e| CliError::op(format!("copy {s} → {dest}"), &e))?;
    if ctx.out.json {
        ctx.out.json_line(&json!({
            "source": s.to_string(), "destination": dest, "status": "done",
            "size": out.size, "etag": out.etag,
        }));
    } else {
        let verb = if remove_source { "moved" } else { "copied" };
        ctx.out
            .line(format!("{verb} {s} → {dest} ({})", human_size(out.size)));
    }
    Ok(())
}

/// Copies every object under SRC's folder to DST's folder, `--concurrency` at once;
/// a failed object is reported and the others go on.
pub(super) async fn copy_prefix(
    ctx: &Ctx,
    a: &CpArgs,
    tr: &cos_transfer::Transfers,
    s: &CosPath,
    d: &CosPath,
    remove_source: bool,
) -> Result<(), CliError> {
    let filter = check_globs(&a.transfer.include, &a.transfer.exclude)?;
    let src_folder = folder_prefix(&s.key).into_owned();
    let dst_folder = folder_prefix(&d.key).into_owned();
    let started = Instant::now();
    let concurrency = a.transfer.concurrency.map_or(8, usize::from);
    let opts = copy_options(a);
    let sse_c = sse_c_key(a.write.sse_c_key_file.as_deref())?;
    let sse_c = sse_c.as_ref();
    let listing = ctx
        .client
        .list_objects(&s.bucket)
        .prefix(src_folder.clone())
        .into_objects();
    let mut listing_error = None;
    let jobs = listing
        .filter_map(|o| {
            let item = match o {
                Ok(o) => {
                    let rel = relative_key(&src_folder, &o.key).map(str::to_owned);
                    rel.filter(|r| !r.is_empty() && !r.ends_with('/') && filter.accepts(r))
                        .map(|r| Ok((o.key, r, o.size)))
                }
                Err(e) => Some(Err(e)),
            };
            async move { item }
        })
        .map(|item| {
            let opts = opts.clone();
            let dst_folder = &dst_folder;
            async move {
                let (key, rel, size) = item.map_err(|e| (None, describe(&e)))?;
                let skey =
                    ObjectKey::new(key.clone()).map_err(|e| (Some(key.clone()), describe(&e)))?;
                let dkey = ObjectKey::new(format!("{dst_folder}{rel}"))
                    .map_err(|e| (Some(key.clone()), describe(&e)))?;
                let source = copy_source(s, &skey, sse_c);
                let b = if remove_source {
                    tr.move_object(&d.bucket, &dkey, &source)
                } else {
                    tr.copy(&d.bucket, &dkey, &source)
                };
                b.options(opts)
                    .cancel(&ctx.cancel)
                    .send()
                    .await
                    .map(|_| (key.clone(), size))
                    .map_err(|e| (Some(key), describe(&e)))
            }
        })
        .buffer_unordered(concurrency);
    futures_util::pin_mut!(jobs);
    let (mut done, mut failed, mut bytes) = (0usize, 0usize, 0u64);
    while let Some(r) = jobs.next().await {
        match r {
            Ok((key, size)) => {
                done += 1;
                bytes += size;
                if ctx.out.json {
                    ctx.out
                        .json_line(&json!({ "key": key, "size": size, "status": "done" }));
                }
            }
            Err((Some(key), err)) => {
                failed += 1;
                if ctx.out.json {
                    ctx.out
                        .json_line(&json!({ "key": key, "status": "failed", "error": err }));
                } else {
                    ctx.out.failure(format!("cos://{}/{key}", s.bucket), &err);
                }
            }
            Err((None, err)) => {
                listing_error = Some(err);
                break;
            }
        }
    }
    summary_line(ctx, done, 0, failed, bytes, started);
    if let Some(err) = listing_error {
        return Err(CliError::Failed(format!("listing {s}: {err}")));
    }
    if failed > 0 {
        return Err(CliError::Partial {
            failed,
            total: done + failed,
        });
    }
    Ok(())
}
