//! Client-side encryption of `cos cp` (`--cse-aes-key-file`, `--cse-rsa-*`): files
//! uploaded or downloaded through cos-crypto's `EncryptionClient`, which writes and
//! reads objects the way the official Python SDK's `CosEncryptionClient` does (folders:
//! `cse_tree`; `cos sync`: `sync::run`).

use std::path::Path;

use cos_crypto::{AesProvider, Control, EncryptionClient, RsaProvider};
use serde_json::json;

use super::cp::{dest_key, download_dest};
use super::{Ctx, checkpoint_file, download_options, read_options, upload_options, write_options};
use crate::cli::{CpArgs, CseArgs};
use crate::error::CliError;
use crate::location::{CosPath, Location};
use crate::output::human_size;

/// The encryption client the flags ask for, or `None` without them. Key files are
/// read here, before any request (a bad one is a usage error naming the file, never
/// printing the key).
pub(super) fn client(ctx: &Ctx, c: &CseArgs) -> Result<Option<EncryptionClient>, CliError> {
    let bad = |e: cos_crypto::CryptoError| CliError::Usage(format!("client-side encryption: {e}"));
    match (
        &c.cse_aes_key_file,
        &c.cse_rsa_public_key,
        &c.cse_rsa_private_key,
    ) {
        (Some(f), _, _) => {
            let p = AesProvider::from_key_file(f).map_err(bad)?;
            Ok(Some(EncryptionClient::new(ctx.client.clone(), p)))
        }
        (None, Some(public), Some(private)) => {
            let p = RsaProvider::from_key_files(public, private, None).map_err(bad)?;
            Ok(Some(EncryptionClient::new(ctx.client.clone(), p)))
        }
        _ => Ok(None),
    }
}

/// The data cipher (AES-CTR) runs per 16-byte block: parts must be whole blocks
/// (checked before any request).
pub(super) fn check_part_size(part_size: Option<u64>) -> Result<(), CliError> {
    if part_size.is_some_and(|p| p % 16 != 0) {
        return Err(CliError::Usage(
            "with client-side encryption --part-size must be a multiple of 16 bytes".into(),
        ));
    }
    Ok(())
}

/// `cos cp`/`cos mv` with client-side encryption: one file, or a folder with `-r`.
pub(super) async fn cp(
    ctx: &Ctx,
    a: &CpArgs,
    enc: EncryptionClient,
    src: Location,
    dst: Location,
    remove_source: bool,
) -> Result<(), CliError> {
    check_part_size(a.transfer.part_size)?;
    match (src, dst) {
        (Location::Local(p), Location::Cos(d)) if p.is_dir() => {
            if !a.recursive {
                return Err(CliError::Usage(format!(
                    "{} is a folder: use -r",
                    p.display()
                )));
            }
            super::cse_tree::upload_dir(ctx, a, &enc, &p, &d, remove_source).await
        }
        (Location::Local(p), Location::Cos(d)) => upload(ctx, a, &enc, &p, &d, remove_source).await,
        (Location::Cos(s), Location::Local(p)) if a.recursive => {
            super::cse_tree::download_dir(ctx, a, &enc, &s, &p, remove_source).await
        }
        (Location::Cos(s), Location::Local(p)) => {
            download(ctx, a, &enc, &s, &p, remove_source).await
        }
        _ => Err(CliError::Usage(
            "client-side encryption needs a local file and a cos:// object (upload or download)"
                .into(),
        )),
    }
}

/// Progress into `file`'s bar and Ctrl-C, for an encrypted transfer.
pub(super) fn control(ctx: &Ctx, file: &crate::progress::FileBar) -> Control {
    Control {
        progress: Some(file.callback()),
        cancel: Some(ctx.cancel.clone()),
    }
}

async fn upload(
    ctx: &Ctx,
    a: &CpArgs,
    enc: &EncryptionClient,
    p: &Path,
    d: &CosPath,
    remove_source: bool,
) -> Result<(), CliError> {
    let name = p
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| CliError::Usage(format!("{}: not a file name", p.display())))?;
    let key = dest_key(d, name)?;
    let write = write_options(&a.write)?;
    let mut opts = upload_options(&a.transfer);
    if let Some(dir) = &a.transfer.checkpoint_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))?;
        let file = checkpoint_file(dir, "cse-upload", d.bucket.as_str(), key.as_str(), p);
        opts = opts.checkpoint(file);
    }
    let dest = format!("cos://{}/{key}", d.bucket);
    let bar = ctx.out.bar(Some(1)).part_size(a.transfer.part_size);
    let size = std::fs::metadata(p).ok().map(|m| m.len());
    let file = bar.file(p.display().to_string(), size);
    let control = control(ctx, &file);
    let r = enc
        .upload_file_with(&d.bucket, &key, p, opts, &write, &control)
        .await;
    file.finish(r.is_ok());
    bar.finish();
    let out =
        r.map_err(|e| CliError::op(format!("encrypted upload {} → {dest}", p.display()), &e))?;
    if remove_source {
        std::fs::remove_file(p)
            .map_err(|e| CliError::Failed(format!("removing {}: {e}", p.display())))?;
    }
    if ctx.out.json {
        ctx.out.json_line(&json!({
            "source": p.display().to_string(), "destination": dest, "status": "done",
            "size": out.size, "etag": out.etag, "encrypted": true,
        }));
    } else {
        let verb = if remove_source { "moved" } else { "uploaded" };
        let size = human_size(out.size);
        ctx.out.line(format!(
            "{verb} {} → {dest} ({size}, client-side encrypted)",
            p.display()
        ));
    }
    Ok(())
}

async fn download(
    ctx: &Ctx,
    a: &CpArgs,
    enc: &EncryptionClient,
    s: &CosPath,
    p: &Path,
    remove_source: bool,
) -> Result<(), CliError> {
    let key = s.object_key()?;
    let dest = download_dest(a, s, p)?;
    let mut opts = download_options(&a.transfer).get(read_options(&a.write)?);
    if let Some(dir) = &a.transfer.checkpoint_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))?;
        let file = checkpoint_file(dir, "cse-download", s.bucket.as_str(), key.as_str(), &dest);
        opts = opts.checkpoint(file);
    }
    let bar = ctx.out.bar(Some(1)).part_size(a.transfer.part_size);
    let file = bar.file(s.to_string(), None);
    let control = control(ctx, &file);
    let r = enc
        .download_file_with(&s.bucket, &key, &dest, opts, &control)
        .await;
    file.finish(r.is_ok());
    bar.finish();
    let out =
        r.map_err(|e| CliError::op(format!("encrypted download {s} → {}", dest.display()), &e))?;
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
            "status": "done", "size": out.size, "encrypted": true,
        }));
    } else {
        let verb = if remove_source { "moved" } else { "downloaded" };
        let size = human_size(out.size);
        ctx.out.line(format!(
            "{verb} {s} → {} ({size}, decrypted)",
            dest.display()
        ));
    }
    Ok(())
}
