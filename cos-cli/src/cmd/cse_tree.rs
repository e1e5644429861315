//! Client-side encryption of whole folders (`cos cp -r` / `cos mv -r` with
//! `--cse-aes-key-file` or `--cse-rsa-*`): every file through cos-crypto's
//! `EncryptionClient`, `--concurrency` files at once. A file that fails, or a key that
//! would escape the destination folder, is reported and the others go on; the summary
//! line and exit code 1 follow, as for plain folders.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cos_core::ObjectKey;
use cos_crypto::EncryptionClient;
use cos_transfer::paths::folder_prefix;
use futures_util::StreamExt;
use serde_json::json;

use super::cp::summary_line;
use super::sync::{list_remote, local_path, walk};
use super::{
    Ctx, check_globs, checkpoint_file, download_options, read_options, upload_options,
    write_options,
};
use crate::cli::CpArgs;
use crate::error::{CliError, describe};
use crate::location::CosPath;

/// One file of the folder, and what became of it.
struct Item {
    key: String,
    path: PathBuf,
    size: u64,
    /// `None`: done; `Some((status, why))`: refused or failed.
    problem: Option<(&'static str, String)>,
}

/// After Ctrl-C no further file starts (cos-crypto's transfers take no cancel
/// handle: the files in flight finish).
pub(super) fn stop_if_cancelled(ctx: &Ctx) -> Result<(), String> {
    if ctx.cancel.is_cancelled() {
        return Err("cancelled (interrupted)".into());
    }
    Ok(())
}

fn concurrency(a: &CpArgs) -> usize {
    a.transfer.concurrency.map_or(8, usize::from)
}

/// Uploads every file below `src` (filtered) to `d`'s folder, encrypted.
pub(super) async fn upload_dir(
    ctx: &Ctx,
    a: &CpArgs,
    enc: &EncryptionClient,
    src: &Path,
    d: &CosPath,
    remove_source: bool,
) -> Result<(), CliError> {
    let filter = check_globs(&a.transfer.include, &a.transfer.exclude)?;
    let write = write_options(&a.write)?;
    let folder = folder_prefix(&d.key).into_owned();
    let files = walk(src, &filter)?;
    let started = Instant::now();
    let bar = ctx
        .out
        .bar(Some(files.len() as u64))
        .part_size(a.transfer.part_size);
    bar.add_total(files.iter().map(|f| f.2).sum());
    let mut results = futures_util::stream::iter(files)
        .map(|(rel, path, size)| {
            let (write, folder, bar) = (&write, &folder, bar.clone());
            async move {
                let key = format!("{folder}{rel}");
                let file = bar.file(rel, Some(size));
                let r = async {
                    stop_if_cancelled(ctx)?;
                    let k = ObjectKey::new(key.clone()).map_err(|e| describe(&e))?;
                    let mut opts = upload_options(&a.transfer);
                    if let Some(dir) = &a.transfer.checkpoint_dir {
                        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
                        let b = d.bucket.as_str();
                        opts = opts.checkpoint(checkpoint_file(dir, "cse-upload", b, &key, &path));
                    }
                    let control = super::cse::control(ctx, &file);
                    enc.upload_file_with(&d.bucket, &k, &path, opts, write, &control)
                        .await
                        .map_err(|e| describe(&e))?;
                    if remove_source {
                        std::fs::remove_file(&path)
                            .map_err(|e| format!("removing {}: {e}", path.display()))?;
                    }
                    Ok::<(), String>(())
                }
                .await;
                file.finish(r.is_ok());
                let problem = r.err().map(|e| ("failed", e));
                Item {
                    key,
                    path,
                    size,
                    problem,
                }
            }
        })
        .buffer_unordered(concurrency(a));
    let mut tally = Tally::default();
    while let Some(item) = results.next().await {
        tally.report(ctx, &item, &format!("cos://{}/{}", d.bucket, item.key));
    }
    drop(results);
    bar.finish();
    tally.finish(ctx, started)
}

/// Downloads and decrypts every object under `s`'s folder (filtered) into `dest`.
pub(super) async fn download_dir(
    ctx: &Ctx,
    a: &CpArgs,
    enc: &EncryptionClient,
    s: &CosPath,
    dest: &Path,
    remove_source: bool,
) -> Result<(), CliError> {
    let filter = check_globs(&a.transfer.include, &a.transfer.exclude)?;
    let job = Download {
        ctx,
        a,
        enc,
        s,
        read: read_options(&a.write)?,
        remove_source,
    };
    let folder = folder_prefix(&s.key).into_owned();
    let remote = list_remote(ctx, s, &folder, &filter).await?;
    let mut objects: Vec<_> = remote.into_iter().collect();
    objects.sort_by(|x, y| x.0.cmp(&y.0));
    let started = Instant::now();
    let bar = ctx
        .out
        .bar(Some(objects.len() as u64))
        .part_size(a.transfer.part_size);
    bar.add_total(objects.iter().map(|o| o.1.size).sum());
    let mut results = futures_util::stream::iter(objects)
        .map(|(rel, o)| {
            let (job, bar) = (&job, bar.clone());
            async move {
                let path = match local_path(dest, &rel) {
                    Ok(p) => p,
                    Err(e) => {
                        // Refused without any request; the other files go on.
                        return Item {
                            key: o.key,
                            path: dest.to_path_buf(),
                            size: o.size,
                            problem: Some(("refused", format!("refused: {e}"))),
                        };
                    }
                };
                let file = bar.file(rel, Some(o.size));
                let r = download_one(job, &o.key, &path, &file).await;
                file.finish(r.is_ok());
                Item {
                    key: o.key,
                    path,
                    size: o.size,
                    problem: r.err().map(|e| ("failed", e)),
                }
            }
        })
        .buffer_unordered(concurrency(a));
    let mut tally = Tally::default();
    while let Some(item) = results.next().await {
        tally.report(ctx, &item, &format!("cos://{}/{}", s.bucket, item.key));
    }
    drop(results);
    bar.finish();
    tally.finish(ctx, started)
}

/// What every file of a folder download shares.
struct Download<'a> {
    ctx: &'a Ctx,
    a: &'a CpArgs,
    enc: &'a EncryptionClient,
    s: &'a CosPath,
    read: cos_core::ReadOptions,
    remove_source: bool,
}

/// Downloads and decrypts `key` to `path` (then deletes it for `mv`).
async fn download_one(
    d: &Download<'_>,
    key: &str,
    path: &Path,
    file: &crate::progress::FileBar,
) -> Result<(), String> {
    let Download {
        ctx,
        a,
        enc,
        s,
        ref read,
        remove_source,
    } = *d;
    stop_if_cancelled(ctx)?;
    let k = ObjectKey::new(key.to_owned()).map_err(|e| describe(&e))?;
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let mut opts = download_options(&a.transfer).get(read.clone());
    if let Some(dir) = &a.transfer.checkpoint_dir {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let b = s.bucket.as_str();
        opts = opts.checkpoint(checkpoint_file(dir, "cse-download", b, key, path));
    }
    let control = super::cse::control(ctx, file);
    enc.download_file_with(&s.bucket, &k, path, opts, &control)
        .await
        .map_err(|e| describe(&e))?;
    if remove_source {
        ctx.client
            .delete_object(&s.bucket, &k)
            .send()
            .await
            .map_err(|e| format!("deleting cos://{}/{key}: {}", s.bucket, describe(&e)))?;
    }
    Ok(())
}

/// Counts of one folder and their report.
#[derive(Default)]
struct Tally {
    done: usize,
    failed: usize,
    bytes: u64,
}

impl Tally {
    /// Prints the file (every file with `--json`; problems only otherwise).
    fn report(&mut self, ctx: &Ctx, item: &Item, object: &str) {
        let (status, error) = match &item.problem {
            None => {
                self.done += 1;
                self.bytes += item.size;
                ("done", None)
            }
            Some((status, why)) => {
                self.failed += 1;
                (*status, Some(why.as_str()))
            }
        };
        if ctx.out.json {
            ctx.out.json_line(&json!({
                "key": item.key, "path": item.path.display().to_string(), "size": item.size,
                "status": status, "error": error, "encrypted": true,
            }));
        } else if let Some(why) = error {
            ctx.out.failure(format!("{object} ({status})"), why);
        }
    }

    fn finish(self, ctx: &Ctx, started: Instant) -> Result<(), CliError> {
        summary_line(ctx, self.done, 0, self.failed, self.bytes, started);
        if self.failed > 0 {
            return Err(CliError::Partial {
                failed: self.failed,
                total: self.done + self.failed,
            });
        }
        Ok(())
    }
}
