//! `cos cp - cos://bucket/key`: standard input (a pipe: `tar c dir | cos cp - …`)
//! uploaded as one object of a length nobody announced, through cos-transfer's
//! `upload_blocking_reader` (parts read straight into a fixed pool of buffers; one PUT
//! when it ends within the first part). Not resumable: a pipe cannot be read twice.

use std::time::Instant;

use serde_json::json;

use crate::cli::CpArgs;
use crate::cmd::{Ctx, upload_options};
use crate::error::CliError;
use crate::location::Location;
use crate::output::human_size;

/// The usage errors of a `-` source, before any request.
fn check(a: &CpArgs, dst: &Location, remove_source: bool) -> Result<(), CliError> {
    let why = if remove_source {
        Some("`mv -` makes no sense: standard input cannot be removed; use `cp -`")
    } else if a.recursive {
        Some("standard input is one object: drop -r")
    } else if a.transfer.checkpoint_dir.is_some() {
        Some("an upload from standard input cannot be resumed: drop --checkpoint-dir")
    } else if a.cse.cse_aes_key_file.is_some() || a.cse.cse_rsa_public_key.is_some() {
        Some("client-side encryption of standard input is not supported: write it to a file first")
    } else if !matches!(dst, Location::Cos(d) if !d.is_folder()) {
        Some("`cp -` needs a cos://bucket/key destination that names an object")
    } else {
        None
    };
    why.map_or(Ok(()), |w| Err(CliError::Usage(w.into())))
}

/// Uploads standard input to DST.
pub(in crate::cmd) async fn upload(
    ctx: &Ctx,
    a: &CpArgs,
    tr: &cos_transfer::Transfers,
    remove_source: bool,
) -> Result<(), CliError> {
    let dst = Location::parse(&a.dst)?;
    check(a, &dst, remove_source)?;
    let Location::Cos(d) = dst else {
        return Err(CliError::Usage("`cp -` needs a cos:// destination".into()));
    };
    let key = d.object_key()?;
    let bar = ctx.out.bar(Some(1)).part_size(a.transfer.part_size);
    let file = bar.file("standard input", None);
    #[cfg(target_os = "linux")]
    let stdin = cos_transfer::stdin_blocking_reader();
    #[cfg(not(target_os = "linux"))]
    let stdin = std::io::stdin();
    let started = Instant::now();
    let r = tr
        .upload_blocking_reader(&d.bucket, &key, stdin)
        .options(upload_options(&a.transfer))
        .progress(file.callback())
        .cancel(&ctx.cancel)
        .send()
        .await;
    file.finish(r.is_ok());
    bar.finish();
    let dest = format!("cos://{}/{key}", d.bucket);
    let out = r.map_err(|e| CliError::op(format!("upload standard input → {dest}"), &e))?;
    if ctx.out.json {
        ctx.out.json_line(&json!({
            "source": "-", "destination": dest, "status": "done",
            "size": out.size, "etag": out.etag, "crc64": out.crc64.to_string(),
            "multipart": out.multipart, "seconds": started.elapsed().as_secs_f64(),
        }));
    } else {
        ctx.out.line(format!(
            "uploaded standard input → {dest} ({})",
            human_size(out.size)
        ));
    }
    Ok(())
}
