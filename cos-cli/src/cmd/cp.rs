//! `cos cp` and `cos mv`: local→COS, COS→local and COS→COS, one file or a whole
//! folder, through cos-transfer's builders; and standard input → COS (`cp -`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use cos_core::ObjectKey;
use cos_transfer::{CopySource, DirSummary, FileStatus};
use serde_json::json;

use super::{
    Ctx, check_globs, checkpoint_file, dir_options, download_options, read_options, transfers,
    upload_options,
};
use crate::cli::CpArgs;
use crate::error::{CliError, describe};
use crate::location::{CosPath, Location};
use crate::output::human_size;

mod remote;
mod stdin;

pub(super) async fn cp(ctx: &Ctx, a: CpArgs, remove_source: bool) -> Result<(), CliError> {
    check_globs(&a.transfer.include, &a.transfer.exclude)?;
    if a.src == "-" {
        let tr = transfers(ctx, &a.write)?;
        return stdin::upload(ctx, &a, &tr, remove_source).await;
    }
    if a.dst == "-" {
        return Err(CliError::Usage(
            "to write an object to standard output, use `cos cat`".into(),
        ));
    }
    let src = Location::parse(&a.src)?;
    let dst = Location::parse(&a.dst)?;
    // Validate the object options before any request.
    let tr = transfers(ctx, &a.write)?;
    if let Some(enc) = super::cse::client(ctx, &a.cse)? {
        return super::cse::cp(ctx, &a, enc, src, dst, remove_source).await;
    }
    match (src, dst) {
        (Location::Local(_), Location::Local(_)) => Err(CliError::Usage(
            "one of SRC and DST must be a cos:// address".into(),
        )),
        (Location::Local(p), Location::Cos(d)) => {
            if p.is_dir() {
                if !a.recursive {
                    return Err(CliError::Usage(format!(
                        "{} is a folder: use -r",
                        p.display()
                    )));
                }
                upload_dir(ctx, &a, &tr, &p, &d, remove_source).await
            } else {
                upload_one(ctx, &a, &tr, &p, &d, remove_source).await
            }
        }
        (Location::Cos(s), Location::Local(p)) => {
            if a.recursive {
                download_dir(ctx, &a, &tr, &s, &p, remove_source).await
            } else {
                download_one(ctx, &a, &tr, &s, &p, remove_source).await
            }
        }
        (Location::Cos(s), Location::Cos(d)) => {
            if a.recursive {
                remote::copy_prefix(ctx, &a, &tr, &s, &d, remove_source).await
            } else {
                remote::copy_one(ctx, &a, &tr, &s, &d, remove_source).await
            }
        }
    }
}

/// The key a single file lands on: DST's key, or DST's folder + the file name.
pub(super) fn dest_key(d: &CosPath, file_name: &str) -> Result<ObjectKey, CliError> {
    let key = if d.is_folder() {
        format!("{}{file_name}", d.key)
    } else {
        d.key.clone()
    };
    CosPath {
        bucket: d.bucket.clone(),
        key,
    }
    .object_key()
}

async fn upload_one(
    ctx: &Ctx,
    a: &CpArgs,
    tr: &cos_transfer::Transfers,
    p: &Path,
    d: &CosPath,
    remove_source: bool,
) -> Result<(), CliError> {
    let name = p
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| CliError::Usage(format!("{}: not a file name", p.display())))?;
    let key = dest_key(d, name)?;
    let bar = ctx.out.bar(Some(1)).part_size(a.transfer.part_size);
    let file = bar.file(p.display().to_string(), None);
    let mut opts = upload_options(&a.transfer);
    if let Some(dir) = &a.transfer.checkpoint_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))?;
        opts = opts.checkpoint(checkpoint_file(
            dir,
            "upload",
            d.bucket.as_str(),
            key.as_str(),
            p,
        ));
    }
    let r = tr
        .upload_file(&d.bucket, &key, p)
        .options(opts)
        .progress(file.callback())
        .cancel(&ctx.cancel)
        .send()
        .await;
    file.finish(r.is_ok());
    bar.finish();
    let dest = format!("cos://{}/{key}", d.bucket);
    let out = r.map_err(|e| CliError::op(format!("upload {} → {dest}", p.display()), &e))?;
    if remove_source {
        std::fs::remove_file(p)
            .map_err(|e| CliError::Failed(format!("removing {}: {e}", p.display())))?;
    }
    if ctx.out.json {
        ctx.out.json_line(&json!({
            "source": p.display().to_string(), "destination": dest, "status": "done",
            "size": out.size, "etag": out.etag, "crc64": out.crc64.to_string(),
        }));
    } else {
        let verb = if remove_source { "moved" } else { "uploaded" };
        ctx.out.line(format!(
            "{verb} {} → {dest} ({})",
            p.display(),
            human_size(out.size)
        ));
    }
    Ok(())
}

/// The file a single object lands in: DST, or DST's folder + the object's name.
pub(super) fn download_dest(a: &CpArgs, s: &CosPath, p: &Path) -> Result<PathBuf, CliError> {
    if p.is_dir() || a.dst.ends_with('/') || a.dst.ends_with(std::path::MAIN_SEPARATOR) {
        let name = cos_transfer::paths::local_relative_path(s.file_name())
            .map_err(|e| CliError::Failed(format!("{s}: refused: {e}")))?;
        Ok(p.join(name))
    } else {
        Ok(p.to_path_buf())
    }
}

async fn download_one(
    ctx: &Ctx,
    a: &CpArgs,
    tr: &cos_transfer::Transfers,
    s: &CosPath,
    p: &Path,
    remove_source: bool,
) -> Result<(), CliError> {
    let key = s.object_key()?;
    let dest = download_dest(a, s, p)?;
    let bar = ctx.out.bar(Some(1)).part_size(a.transfer.part_size);
    let file = bar.file(s.to_string(), None);
    let mut opts = download_options(&a.transfer).get(read_options(&a.write)?);
    if let Some(dir) = &a.transfer.checkpoint_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))?;
        opts = opts.checkpoint(checkpoint_file(
            dir,
            "download",
            s.bucket.as_str(),
            key.as_str(),
            &dest,
        ));
    }
    let r = tr
        .download_file(&s.bucket, &key, &dest)
        .options(opts)
        .progress(file.callback())
        .cancel(&ctx.cancel)
        .send()
        .await;
    file.finish(r.is_ok());
    bar.finish();
    let out = r.map_err(|e| CliError::op(format!("download {s} → {}", dest.display()), &e))?;
    if remove_source {
        ctx.client
            .delete_object(&s.bucket, &key)
            .send()
            .await
            .map_err(|e| CliError::op(format!("deleting {s}"), &e))?;
    }
    if ctx.out.json {
        ctx.out.json_line(&json!({
            "source": s.to_string(), "destination": dest.display().to_string(),
            "status": "done", "size": out.size, "crc64": out.crc64.to_string(),
        }));
    } else {
        let verb = if remove_source { "moved" } else { "downloaded" };
        ctx.out.line(format!(
            "{verb} {s} → {} ({})",
            dest.display(),
            human_size(out.size)
        ));
    }
    Ok(())
}

async fn upload_dir(
    ctx: &Ctx,
    a: &CpArgs,
    tr: &cos_transfer::Transfers,
    p: &Path,
    d: &CosPath,
    remove_source: bool,
) -> Result<(), CliError> {
    let prefix = d.key.trim_end_matches('/').to_owned();
    let bar = ctx.out.bar(None).part_size(a.transfer.part_size);
    let started = Instant::now();
    let r = tr
        .upload_dir(&d.bucket, &prefix, p)
        .options(dir_options(&a.transfer))
        .progress(bar.callback())
        .cancel(&ctx.cancel)
        .send()
        .await;
    bar.finish();
    let summary = r.map_err(|e| CliError::op(format!("upload {} → {d}", p.display()), &e))?;
    if remove_source {
        for f in summary
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Done)
        {
            if let Some(path) = &f.path
                && let Err(e) = std::fs::remove_file(path)
            {
                ctx.out.failure(path.display(), e);
            }
        }
    }
    report_dir(ctx, &summary, &format!("cos://{}", d.bucket), started)
}

async fn download_dir(
    ctx: &Ctx,
    a: &CpArgs,
    tr: &cos_transfer::Transfers,
    s: &CosPath,
    p: &Path,
    remove_source: bool,
) -> Result<(), CliError> {
    let bar = ctx.out.bar(None).part_size(a.transfer.part_size);
    let started = Instant::now();
    let mut options = dir_options(&a.transfer);
    options.download = options.download.clone().get(read_options(&a.write)?);
    let r = tr
        .download_dir(&s.bucket, &s.key, p)
        .options(options)
        .progress(bar.callback())
        .cancel(&ctx.cancel)
        .send()
        .await;
    bar.finish();
    let summary = r.map_err(|e| CliError::op(format!("download {s} → {}", p.display()), &e))?;
    if remove_source {
        for f in summary
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Done)
        {
            let deleted = match ObjectKey::new(f.key.clone()) {
                Ok(k) => ctx
                    .client
                    .delete_object(&s.bucket, &k)
                    .send()
                    .await
                    .map(|_| ()),
                Err(e) => Err(e.into()),
            };
            if let Err(e) = deleted {
                ctx.out.failure(
                    format!("deleting cos://{}/{}", s.bucket, f.key),
                    describe(&e),
                );
            }
        }
    }
    report_dir(ctx, &summary, &p.display().to_string(), started)
}

/// Prints every file (JSON) or every problem (human), the summary line, and turns
/// failures into exit code 1.
pub(super) fn report_dir(
    ctx: &Ctx,
    s: &DirSummary,
    _dest: &str,
    started: Instant,
) -> Result<(), CliError> {
    for f in &s.files {
        let status = match f.status {
            FileStatus::Done => "done",
            FileStatus::Unchanged => "unchanged",
            FileStatus::Refused => "refused",
            FileStatus::Failed => "failed",
            _ => "other",
        };
        let error = f.error.as_ref().map(|e| describe(e));
        if ctx.out.json {
            ctx.out.json_line(&json!({
                "key": f.key, "path": f.path.as_ref().map(|p| p.display().to_string()),
                "size": f.size, "status": status, "error": error,
            }));
        } else if let Some(err) = &error {
            ctx.out.failure(format!("{} ({status})", f.key), err);
        }
    }
    summary_line(
        ctx,
        s.done,
        s.unchanged,
        s.failed + s.refused,
        s.bytes,
        started,
    );
    if s.is_success() {
        Ok(())
    } else {
        Err(CliError::Partial {
            failed: s.failed + s.refused,
            total: s.files.len(),
        })
    }
}

/// The line printed after every multi-file command.
pub(super) fn summary_line(
    ctx: &Ctx,
    done: usize,
    unchanged: usize,
    failed: usize,
    bytes: u64,
    started: Instant,
) {
    let secs = started.elapsed().as_secs_f64();
    if ctx.out.json {
        ctx.out.json_line(&json!({ "summary": {
            "done": done, "unchanged": unchanged, "failed": failed, "bytes": bytes, "seconds": secs,
        }}));
    } else {
        ctx.out.line(format!(
            "{done} transferred, {unchanged} unchanged, {failed} failed, {} in {secs:.1} s",
            human_size(bytes)
        ));
    }
}

/// A `CopySource` for an object, read with the SSE-C key of `--sse-c-key-file` if any
/// (`x-cos-copy-source-server-side-encryption-customer-*`).
pub(super) fn copy_source(
    s: &CosPath,
    key: &ObjectKey,
    sse_c: Option<&cos_core::SseCustomerKey>,
) -> CopySource {
    let source = CopySource::new(&s.bucket, key);
    match sse_c {
        Some(k) => source.sse_customer_key(k.clone()),
        None => source,
    }
}
