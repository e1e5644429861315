//! `cos sync`: make DST like SRC (local folder ↔ COS prefix), transferring only files
//! whose size or CRC-64 differ; `--delete` removes what SRC does not have.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use cos_core::ObjectKey;
use cos_crypto::EncryptionClient;
use cos_transfer::paths::{Filter, folder_prefix, local_relative_path, relative_key};
use futures_util::StreamExt;
use serde_json::json;

use super::cp::summary_line;
use super::sync_cache::CrcCache;
use super::{Ctx, check_globs, transfers, write_options};
use crate::cli::SyncArgs;
use crate::error::{CliError, describe};
use crate::location::{CosPath, Location};

mod run;

/// A remote object of the listing.
#[derive(Debug, Clone)]
pub(super) struct Remote {
    pub(super) key: String,
    pub(super) size: u64,
    pub(super) etag: String,
}

/// One file to transfer.
#[derive(Debug)]
pub(super) struct Job {
    rel: String,
    path: PathBuf,
    key: String,
    size: u64,
}

pub(super) async fn sync(ctx: &Ctx, a: SyncArgs) -> Result<(), CliError> {
    let filter = check_globs(&a.transfer.include, &a.transfer.exclude)?;
    let tr = transfers(ctx, &a.write)?;
    let write = write_options(&a.write)?;
    let enc = super::cse::client(ctx, &a.cse)?;
    if enc.is_some() {
        super::cse::check_part_size(a.transfer.part_size)?;
    }
    if let Some(dir) = &a.transfer.checkpoint_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))?;
    }
    let cache = CrcCache::load();
    let run = run::Run {
        ctx,
        a: &a,
        tr: &tr,
        enc: enc.as_ref(),
        write: &write,
        cache: &cache,
        filter: &filter,
        started: Instant::now(),
    };
    let r = match (Location::parse(&a.src)?, Location::parse(&a.dst)?) {
        (Location::Local(src), Location::Cos(dst)) => {
            if !src.is_dir() {
                return Err(CliError::Usage(format!("{}: not a folder", src.display())));
            }
            run::up(&run, &src, &dst).await
        }
        (Location::Cos(src), Location::Local(dst)) => run::down(&run, &src, &dst).await,
        _ => Err(CliError::Usage(
            "sync goes from a local folder to cos://bucket/prefix or back".into(),
        )),
    };
    cache.save();
    r
}

/// Every regular file below `root` (symlinks are not followed), with its relative
/// path (`/`-separated) accepted by `filter`.
pub(super) fn walk(root: &Path, filter: &Filter) -> Result<Vec<(String, PathBuf, u64)>, CliError> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| CliError::Failed(format!("reading {}: {e}", dir.display())))?;
        for entry in entries {
            let entry =
                entry.map_err(|e| CliError::Failed(format!("reading {}: {e}", dir.display())))?;
            let ty = entry
                .file_type()
                .map_err(|e| CliError::Failed(format!("{}: {e}", entry.path().display())))?;
            let path = entry.path();
            if ty.is_dir() {
                stack.push(path);
            } else if ty.is_file() {
                let Ok(rel) = path.strip_prefix(root) else {
                    continue;
                };
                let Some(rel) = rel
                    .to_str()
                    .map(|s| s.replace(std::path::MAIN_SEPARATOR, "/"))
                else {
                    eprintln!("warning: skipping {}: not UTF-8", path.display());
                    continue;
                };
                if filter.accepts(&rel) {
                    let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                    out.push((rel, path, size));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The objects under `folder` by relative key (folder markers left out).
pub(super) async fn list_remote(
    ctx: &Ctx,
    path: &CosPath,
    folder: &str,
    filter: &Filter,
) -> Result<HashMap<String, Remote>, CliError> {
    let mut objects = ctx
        .client
        .list_objects(&path.bucket)
        .prefix(folder.to_owned())
        .into_objects();
    let mut out = HashMap::new();
    while let Some(o) = objects.next().await {
        let o = o.map_err(|e| CliError::op(format!("listing {path}"), &e))?;
        let Some(rel) = relative_key(folder, &o.key) else {
            continue;
        };
        if rel.is_empty() || rel.ends_with('/') || !filter.accepts(rel) {
            continue;
        }
        out.insert(
            rel.to_owned(),
            Remote {
                key: o.key.clone(),
                size: o.size,
                etag: o.etag,
            },
        );
    }
    Ok(out)
}

/// Whether the local file and the object hold the same bytes (size and CRC-64; the
/// object's CRC-64 from the cache by ETag, else HEAD).
pub(super) async fn same(
    ctx: &Ctx,
    cache: &CrcCache,
    path: &CosPath,
    local: &Path,
    local_size: u64,
    remote: &Remote,
) -> Result<bool, String> {
    if local_size != remote.size {
        return Ok(false);
    }
    let bucket = path.bucket.as_str();
    let remote_crc = match cache.remote(bucket, &remote.key, &remote.etag) {
        Some(c) => c,
        None => {
            let key = ObjectKey::new(remote.key.clone()).map_err(|e| describe(&e))?;
            let h = ctx
                .client
                .head_object(&path.bucket, &key)
                .send()
                .await
                .map_err(|e| describe(&e))?;
            let Some(c) = h.crc64 else { return Ok(false) };
            cache.put_remote(
                bucket,
                &remote.key,
                h.etag.as_deref().unwrap_or(&remote.etag),
                c,
            );
            c
        }
    };
    let local_crc = cache
        .local_crc(local)
        .await
        .map_err(|e| format!("{}: {e}", local.display()))?;
    Ok(local_crc == remote_crc)
}

/// The cache's name for the plaintext CRC-64s of a bucket's encrypted objects (kept
/// apart from the stored bytes' CRC-64s; no bucket name has a `#`).
pub(super) fn cse_namespace(bucket: &str) -> String {
    format!("{bucket}#cse")
}

/// [`same`] for client-side encrypted objects: the local file against the object's
/// plaintext (same length, as AES-CTR adds none; CRC-64 from the envelope, or from
/// the cache when the object was downloaded before). An object without an envelope,
/// or whose envelope has no CRC-64 (the Python SDK writes none) and is not cached,
/// differs.
pub(super) async fn same_encrypted(
    enc: &EncryptionClient,
    read: &cos_core::ReadOptions,
    cache: &CrcCache,
    path: &CosPath,
    local: &Path,
    local_size: u64,
    remote: &Remote,
) -> Result<bool, String> {
    if local_size != remote.size {
        return Ok(false);
    }
    let ns = cse_namespace(path.bucket.as_str());
    let remote_crc = match cache.remote(&ns, &remote.key, &remote.etag) {
        Some(c) => c,
        None => {
            let key = ObjectKey::new(remote.key.clone()).map_err(|e| describe(&e))?;
            let head = match enc.head_object(&path.bucket, &key, read).await {
                Ok(h) => h,
                Err(cos_crypto::CryptoError::MissingEnvelope { .. }) => return Ok(false),
                Err(e) => return Err(describe(&e)),
            };
            let Some(c) = head.envelope.plaintext_crc64 else {
                return Ok(false);
            };
            let etag = head.head.etag.as_deref().unwrap_or(&remote.etag);
            cache.put_remote(&ns, &remote.key, etag, c);
            c
        }
    };
    let local_crc = cache
        .local_crc(local)
        .await
        .map_err(|e| format!("{}: {e}", local.display()))?;
    Ok(local_crc == remote_crc)
}

/// Prints one planned or finished action.
pub(super) fn action(ctx: &Ctx, verb: &str, what: &str, dry: bool) {
    if ctx.out.json {
        ctx.out
            .json_line(&json!({ "action": verb, "target": what, "dry_run": dry }));
    } else if dry {
        ctx.out.line(format!("(dry run) would {verb} {what}"));
    }
}

/// Local relative path of a key, refusing keys that would escape the folder.
pub(super) fn local_path(root: &Path, rel: &str) -> Result<PathBuf, String> {
    local_relative_path(rel)
        .map(|p| root.join(p))
        .map_err(|e| e.to_string())
}

/// The folder prefix of a `cos://` destination.
pub(super) fn folder_of(p: &CosPath) -> String {
    folder_prefix(&p.key).into_owned()
}

/// Removes the entries of `keep` from `all`: what `--delete` removes.
pub(super) fn extra<'a>(
    all: impl Iterator<Item = &'a String>,
    keep: &HashSet<&str>,
) -> Vec<String> {
    let mut v: Vec<String> = all
        .filter(|r| !keep.contains(r.as_str()))
        .cloned()
        .collect();
    v.sort();
    v
}
