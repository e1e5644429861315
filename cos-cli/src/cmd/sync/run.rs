//! The two directions of `cos sync`.

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use cos_core::ObjectKey;
use cos_crypto::EncryptionClient;
use cos_transfer::Transfers;
use cos_transfer::paths::Filter;
use futures_util::StreamExt;
use serde_json::json;

use super::{
    CrcCache, Job, action, extra, folder_of, list_remote, local_path, same, summary_line, walk,
};
use crate::cli::SyncArgs;
use crate::cmd::{Ctx, download_options, read_options, upload_options};
use crate::error::{CliError, describe};
use crate::location::CosPath;
use crate::progress::FileBar;

/// Counts of one sync.
#[derive(Default)]
struct Tally {
    done: usize,
    unchanged: usize,
    failed: usize,
    bytes: u64,
}

impl Tally {
    fn fail(&mut self, ctx: &Ctx, what: &str, err: &str) {
        self.failed += 1;
        if ctx.out.json {
            ctx.out
                .json_line(&json!({ "target": what, "status": "failed", "error": err }));
        } else {
            ctx.out.failure(what, err);
        }
    }

    fn finish(self, ctx: &Ctx, started: Instant) -> Result<(), CliError> {
        summary_line(
            ctx,
            self.done,
            self.unchanged,
            self.failed,
            self.bytes,
            started,
        );
        if self.failed > 0 {
            return Err(CliError::Partial {
                failed: self.failed,
                total: self.done + self.unchanged + self.failed,
            });
        }
        Ok(())
    }
}

fn concurrency(a: &SyncArgs) -> usize {
    a.transfer.concurrency.map_or(8, usize::from)
}

/// What both directions share.
pub(super) struct Run<'a> {
    pub(super) ctx: &'a Ctx,
    pub(super) a: &'a SyncArgs,
    pub(super) tr: &'a Transfers,
    /// Client-side encryption (`--cse-*`), if asked for.
    pub(super) enc: Option<&'a EncryptionClient>,
    /// The object options (for encrypted uploads).
    pub(super) write: &'a cos_core::WriteOptions,
    pub(super) cache: &'a CrcCache,
    pub(super) filter: &'a Filter,
    pub(super) started: Instant,
}

impl Run<'_> {
    /// Whether the local file and the object hold the same bytes (plaintext bytes with
    /// client-side encryption).
    async fn same(
        &self,
        remote_path: &CosPath,
        local: &Path,
        size: u64,
        r: &super::Remote,
    ) -> Result<bool, String> {
        match self.enc {
            None => same(self.ctx, self.cache, remote_path, local, size, r).await,
            Some(enc) => {
                let read = read_options(&self.a.write).map_err(|e| e.to_string())?;
                super::same_encrypted(enc, &read, self.cache, remote_path, local, size, r).await
            }
        }
    }

    /// Uploads one file (encrypted with `--cse-*`): the new object's ETag and CRC-64.
    async fn upload(
        &self,
        dst: &CosPath,
        key: &ObjectKey,
        path: &Path,
        opts: cos_transfer::UploadOptions,
        file: &FileBar,
    ) -> Result<(String, u64), String> {
        let r = match self.enc {
            None => self
                .tr
                .upload_file(&dst.bucket, key, path)
                .options(opts)
                .progress(file.callback())
                .cancel(&self.ctx.cancel)
                .send()
                .await
                .map_err(|e| describe(&e)),
            Some(enc) => {
                crate::cmd::cse_tree::stop_if_cancelled(self.ctx)?;
                let control = crate::cmd::cse::control(self.ctx, file);
                enc.upload_file_with(&dst.bucket, key, path, opts, self.write, &control)
                    .await
                    .map_err(|e| describe(&e))
            }
        };
        r.map(|o| (o.etag, o.crc64))
    }

    /// Downloads one object (decrypted with `--cse-*`): its ETag and CRC-64.
    async fn download(
        &self,
        src: &CosPath,
        key: &ObjectKey,
        path: &Path,
        opts: cos_transfer::DownloadOptions,
        file: &FileBar,
    ) -> Result<(String, u64), String> {
        let r = match self.enc {
            None => self
                .tr
                .download_file(&src.bucket, key, path)
                .options(opts)
                .progress(file.callback())
                .cancel(&self.ctx.cancel)
                .send()
                .await
                .map_err(|e| describe(&e)),
            Some(enc) => {
                crate::cmd::cse_tree::stop_if_cancelled(self.ctx)?;
                let control = crate::cmd::cse::control(self.ctx, file);
                enc.download_file_with(&src.bucket, key, path, opts, &control)
                    .await
                    .map_err(|e| describe(&e))
            }
        };
        r.map(|o| (o.etag, o.crc64))
    }

    /// Remembers the CRC-64s of a file just transferred to or from `bucket/key`: the
    /// object's (or, encrypted, the plaintext's under the object's ETag) and the file's.
    /// Counts one finished transfer of a sync, either direction (`verb`): done (and
    /// remembered for the next no-op sync), skipped by `--dry-run` (`Ok(None)`), or
    /// failed (reported as `from → to`).
    async fn record(
        &self,
        t: &mut Tally,
        bucket: &str,
        verb: &str,
        j: &Job,
        (from, to): (&str, &str),
        r: Result<Option<(String, u64)>, String>,
    ) {
        match r {
            Ok(Some((etag, crc))) => {
                self.remember(bucket, &j.key, &j.path, &etag, crc).await;
                t.done += 1;
                t.bytes += j.size;
                action(self.ctx, verb, to, false);
            }
            Ok(None) => action(self.ctx, verb, to, true),
            Err(e) => t.fail(self.ctx, &format!("{from} → {to}"), &e),
        }
    }

    async fn remember(&self, bucket: &str, key: &str, path: &Path, etag: &str, crc: u64) {
        if self.enc.is_none() {
            self.cache.put_remote(bucket, key, etag, crc);
            self.cache.put_local(path, crc);
        } else if let Ok(plain) = self.cache.local_crc(path).await {
            self.cache
                .put_remote(&super::cse_namespace(bucket), key, etag, plain);
        }
    }
}

pub(super) async fn up(run: &Run<'_>, src: &Path, dst: &CosPath) -> Result<(), CliError> {
    let Run {
        ctx,
        a,
        filter,
        started,
        ..
    } = *run;
    let folder = folder_of(dst);
    let local = walk(src, filter)?;
    let remote = &list_remote(ctx, dst, &folder, filter).await?;
    let mut t = Tally::default();
    // Compare (concurrently: the first sync HEADs objects whose CRC is not cached).
    let mut checks = futures_util::stream::iter(local.iter())
        .map(|(rel, path, size)| async move {
            let differs = match remote.get(rel) {
                Some(r) => run.same(dst, path, *size, r).await.map(|s| !s),
                None => Ok(true),
            };
            (rel, path, *size, differs)
        })
        .buffer_unordered(concurrency(a));
    let mut jobs = Vec::new();
    while let Some((rel, path, size, differs)) = checks.next().await {
        match differs {
            Ok(false) => t.unchanged += 1,
            Ok(true) => jobs.push(Job {
                rel: rel.clone(),
                path: path.clone(),
                key: format!("{folder}{rel}"),
                size,
            }),
            Err(e) => t.fail(ctx, &path.display().to_string(), &e),
        }
    }
    drop(checks);
    jobs.sort_by(|x, y| x.rel.cmp(&y.rel));
    let bar = ctx
        .out
        .bar(Some(jobs.len() as u64))
        .part_size(a.transfer.part_size);
    bar.add_total(jobs.iter().map(|j| j.size).sum());
    let opts = upload_options(&a.transfer).concurrency(2);
    let mut uploads = futures_util::stream::iter(jobs.iter())
        .map(|j| {
            let opts = ck(a, "upload", dst, j).map_or(opts.clone(), |c| opts.clone().checkpoint(c));
            let bar = bar.clone();
            async move {
                let target = format!("cos://{}/{}", dst.bucket, j.key);
                if a.dry_run {
                    return (j, target, Ok(None));
                }
                let key = match ObjectKey::new(j.key.clone()) {
                    Ok(k) => k,
                    Err(e) => return (j, target, Err(describe(&e))),
                };
                let file = bar.file(j.rel.clone(), Some(j.size));
                let r = run.upload(dst, &key, &j.path, opts, &file).await;
                file.finish(r.is_ok());
                (j, target, r.map(Some))
            }
        })
        .buffer_unordered(concurrency(a));
    while let Some((j, target, r)) = uploads.next().await {
        let from = j.path.display().to_string();
        run.record(
            &mut t,
            dst.bucket.as_str(),
            "upload",
            j,
            (&from, &target),
            r,
        )
        .await;
    }
    drop(uploads);
    bar.finish();
    if a.delete {
        delete_remote_extra(ctx, a.dry_run, dst, &folder, &local, remote, &mut t).await;
    }
    t.finish(ctx, started)
}

pub(super) async fn down(run: &Run<'_>, src: &CosPath, dst: &Path) -> Result<(), CliError> {
    let Run {
        ctx,
        a,
        filter,
        started,
        ..
    } = *run;
    let folder = folder_of(src);
    let remote = &list_remote(ctx, src, &folder, filter).await?;
    let mut t = Tally::default();
    let rels: std::collections::BTreeSet<&String> = remote.keys().collect();
    let mut checks = futures_util::stream::iter(rels.iter().copied())
        .map(|rel| async move {
            let r = &remote[rel];
            let path = match local_path(dst, rel) {
                Ok(p) => p,
                Err(e) => return (rel, None, Err(format!("refused: {e}"))),
            };
            let differs = match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_file() => run.same(src, &path, m.len(), r).await.map(|s| !s),
                Ok(_) => Err(format!("{} exists and is not a file", path.display())),
                Err(_) => Ok(true),
            };
            (rel, Some(path), differs)
        })
        .buffer_unordered(concurrency(a));
    let mut jobs = Vec::new();
    while let Some((rel, path, differs)) = checks.next().await {
        let r = &remote[rel];
        match (differs, path) {
            (Ok(false), _) => t.unchanged += 1,
            (Ok(true), Some(path)) => jobs.push(super::Job {
                rel: rel.clone(),
                path,
                key: r.key.clone(),
                size: r.size,
            }),
            (Ok(true), None) => {}
            (Err(e), _) => t.fail(ctx, &format!("cos://{}/{}", src.bucket, r.key), &e),
        }
    }
    drop(checks);
    let bar = ctx
        .out
        .bar(Some(jobs.len() as u64))
        .part_size(a.transfer.part_size);
    bar.add_total(jobs.iter().map(|j| j.size).sum());
    let opts = down_options(a)?;
    let mut downloads = futures_util::stream::iter(jobs.iter())
        .map(|j| {
            let opts =
                ck(a, "download", src, j).map_or(opts.clone(), |c| opts.clone().checkpoint(c));
            let bar = bar.clone();
            async move {
                let target = j.path.display().to_string();
                if a.dry_run {
                    return (j, target, Ok(None));
                }
                if let Err(e) = make_parent(&j.path).await {
                    return (j, target, Err(e));
                }
                let key = match ObjectKey::new(j.key.clone()) {
                    Ok(k) => k,
                    Err(e) => return (j, target, Err(describe(&e))),
                };
                let file = bar.file(j.rel.clone(), Some(j.size));
                let r = run.download(src, &key, &j.path, opts, &file).await;
                file.finish(r.is_ok());
                (j, target, r.map(Some))
            }
        })
        .buffer_unordered(concurrency(a));
    while let Some((j, target, r)) = downloads.next().await {
        let from = format!("cos://{}/{}", src.bucket, j.key);
        run.record(
            &mut t,
            src.bucket.as_str(),
            "download",
            j,
            (&from, &target),
            r,
        )
        .await;
    }
    drop(downloads);
    bar.finish();
    if a.delete && dst.is_dir() {
        delete_local_extra(ctx, a, filter, dst, remote, &mut t)?;
    }
    t.finish(ctx, started)
}

/// `--delete` of a download: local files the listing does not have.
fn delete_local_extra(
    ctx: &Ctx,
    a: &SyncArgs,
    filter: &Filter,
    dst: &Path,
    remote: &std::collections::HashMap<String, super::Remote>,
    t: &mut Tally,
) -> Result<(), CliError> {
    let local = walk(dst, filter)?;
    let locals: Vec<String> = local.iter().map(|(r, _, _)| r.clone()).collect();
    let keep: HashSet<&str> = remote.keys().map(String::as_str).collect();
    for rel in extra(locals.iter(), &keep) {
        let path = dst.join(&rel);
        let target = path.display().to_string();
        if a.dry_run {
            action(ctx, "delete", &target, true);
        } else if let Err(e) = std::fs::remove_file(&path) {
            t.fail(ctx, &target, &e.to_string());
        } else {
            action(ctx, "delete", &target, false);
        }
    }
    Ok(())
}

/// `--delete` of an upload: objects the local folder does not have.
async fn delete_remote_extra(
    ctx: &Ctx,
    dry_run: bool,
    dst: &CosPath,
    folder: &str,
    local: &[(String, std::path::PathBuf, u64)],
    remote: &std::collections::HashMap<String, super::Remote>,
    t: &mut Tally,
) {
    let keep: HashSet<&str> = local.iter().map(|(r, _, _)| r.as_str()).collect();
    for rel in extra(remote.keys(), &keep) {
        let key = format!("{folder}{rel}");
        let target = format!("cos://{}/{key}", dst.bucket);
        if dry_run {
            action(ctx, "delete", &target, true);
            continue;
        }
        let r = match ObjectKey::new(key) {
            Ok(k) => ctx
                .client
                .delete_object(&dst.bucket, &k)
                .send()
                .await
                .map(|_| ()),
            Err(e) => Err(e.into()),
        };
        match r {
            Ok(()) => action(ctx, "delete", &target, false),
            Err(e) => t.fail(ctx, &target, &describe(&e)),
        }
    }
}

async fn make_parent(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(p) => tokio::fs::create_dir_all(p)
            .await
            .map_err(|e| format!("{}: {e}", p.display())),
        None => Ok(()),
    }
}

/// Each file's download: two ranges at once, the SSE-C key if given.
fn down_options(a: &SyncArgs) -> Result<cos_transfer::DownloadOptions, CliError> {
    Ok(download_options(&a.transfer)
        .concurrency(2)
        .get(read_options(&a.write)?))
}

/// The checkpoint of one file's transfer in `--checkpoint-dir`, if given.
fn ck(a: &SyncArgs, kind: &str, remote: &CosPath, j: &Job) -> Option<std::path::PathBuf> {
    let dir = a.transfer.checkpoint_dir.as_ref()?;
    Some(crate::cmd::checkpoint_file(
        dir,
        kind,
        remote.bucket.as_str(),
        &j.key,
        &j.path,
    ))
}
