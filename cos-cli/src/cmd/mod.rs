//! One module per group of commands; [`run`] dispatches.

mod bucket;
mod bucket_config;
mod cp;
mod cse;
pub(crate) mod cse_tree;
mod ls;
mod object;
mod rm;
mod select;
mod sync;
mod sync_cache;

use std::path::{Path, PathBuf};

use cos_core::{Acl, Client, ReadOptions, SseCustomerKey, StorageClass, WriteOptions};
use cos_transfer::{
    CancelHandle, CosBackend, DirOptions, DownloadOptions, Transfers, UploadOptions,
};

use crate::cli::{Command, Global, TransferArgs, WriteArgs};
use crate::error::CliError;
use crate::output::Out;

/// What every command gets.
pub struct Ctx {
    /// The client.
    pub client: Client,
    /// Printing.
    pub out: Out,
    /// Cancelled by Ctrl-C: transfers stop cleanly (keeping their checkpoints).
    pub cancel: CancelHandle,
}

/// Runs one command.
pub async fn run(global: &Global, command: Command) -> Result<(), CliError> {
    let client = crate::config::client(global)?;
    let ctx = Ctx {
        client,
        out: Out::new(global),
        cancel: CancelHandle::new(),
    };
    let cancel = ctx.cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("interrupted: stopping (rerun with --checkpoint-dir to continue)");
            cancel.cancel();
            // A second Ctrl-C does not wait.
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    match command {
        Command::Ls(a) => ls::ls(&ctx, a).await,
        Command::Cp(a) => cp::cp(&ctx, a, false).await,
        Command::Mv(a) => cp::cp(&ctx, a, true).await,
        Command::Sync(a) => sync::sync(&ctx, a).await,
        Command::Rm(a) => rm::rm(&ctx, a).await,
        Command::Cat(a) => object::cat(&ctx, a).await,
        Command::Stat(a) => object::stat(&ctx, a).await,
        Command::Presign(a) => object::presign(&ctx, a).await,
        Command::Du(a) => ls::du(&ctx, a).await,
        Command::Mb(a) => bucket::mb(&ctx, a).await,
        Command::Rb(a) => bucket::rb(&ctx, a).await,
        Command::Abort(a) => bucket::abort(&ctx, a).await,
        Command::Select(a) => select::select(&ctx, a).await,
        Command::Config(a) => bucket_config::config(&ctx, a).await,
    }
}

/// Parses `--acl`.
pub fn parse_acl(s: &str) -> Result<Acl, CliError> {
    match s {
        "private" => Ok(Acl::Private),
        "public-read" => Ok(Acl::PublicRead),
        "public-read-write" => Ok(Acl::PublicReadWrite),
        "default" => Ok(Acl::Default),
        _ => Err(CliError::Usage(format!(
            "--acl {s:?}: expected private, public-read, public-read-write or default"
        ))),
    }
}

/// The write options `--storage-class`, `--acl`, `--content-type`, `--meta`, `--sse` ask for.
pub fn write_options(w: &WriteArgs) -> Result<WriteOptions, CliError> {
    let mut o = WriteOptions::default();
    if let Some(c) = &w.storage_class {
        let class = match c.to_ascii_uppercase().as_str() {
            "STANDARD" => StorageClass::Standard,
            "STANDARD_IA" => StorageClass::StandardIa,
            "ARCHIVE" => StorageClass::Archive,
            "DEEP_ARCHIVE" => StorageClass::DeepArchive,
            "INTELLIGENT_TIERING" => StorageClass::IntelligentTiering,
            "MAZ_STANDARD" => StorageClass::MazStandard,
            "MAZ_STANDARD_IA" => StorageClass::MazStandardIa,
            other => {
                return Err(CliError::Usage(format!(
                    "--storage-class {other:?} is not a COS storage class"
                )));
            }
        };
        o = o.storage_class(class);
    }
    if let Some(a) = &w.acl {
        o = o.acl(parse_acl(a)?);
    }
    o.content_type = w.content_type.clone();
    for kv in &w.meta {
        let (k, v) = kv
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| CliError::Usage(format!("--meta {kv:?}: expected k=v")))?;
        o = o.metadata(k, v);
    }
    if let Some(sse) = &w.sse {
        // Values of x-cos-server-side-encryption: AES256 (SSE-COS) and cos/kms (SSE-KMS),
        // per Tencent's "PUT Object" API doc.
        if sse != "AES256" && sse != "cos/kms" {
            return Err(CliError::Usage(format!(
                "--sse {sse:?}: expected AES256 or cos/kms"
            )));
        }
        o = o.sse(match (sse.as_str(), &w.sse_kms_key_id) {
            ("AES256", _) => cos_core::sse::Sse::Cos,
            (_, Some(id)) => cos_core::sse::Sse::kms(id.clone()),
            (_, None) => cos_core::sse::Sse::Kms(cos_core::sse::KmsOptions::new()),
        });
    }
    if let Some(key) = sse_c_key(w.sse_c_key_file.as_deref())? {
        o = o.sse_customer_key(key);
    }
    // Every header is validated here, before any request.
    o.headers()
        .map_err(|e| CliError::Usage(format!("object options: {e}")))?;
    Ok(o)
}

/// The SSE-C key of `--sse-c-key-file`: 32 raw bytes, or their base64.
pub fn sse_c_key(file: Option<&Path>) -> Result<Option<SseCustomerKey>, CliError> {
    use base64::Engine as _;
    let Some(path) = file else {
        return Ok(None);
    };
    let bad = |why: String| CliError::Usage(format!("--sse-c-key-file {}: {why}", path.display()));
    let raw = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let bytes = if raw.len() == 32 {
        raw
    } else {
        let text = String::from_utf8(raw).map_err(|_| bad("not 32 bytes nor base64".into()))?;
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| bad("not 32 bytes nor base64".into()))?
    };
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| bad("the key must be 32 bytes (AES-256)".into()))?;
    Ok(Some(SseCustomerKey::new(key)))
}

/// How objects are read: the SSE-C key of `--sse-c-key-file`, if any.
pub fn read_options(w: &WriteArgs) -> Result<ReadOptions, CliError> {
    read_options_with(w.sse_c_key_file.as_deref())
}

/// How objects are read with the SSE-C key in `file`, if any.
pub fn read_options_with(file: Option<&Path>) -> Result<ReadOptions, CliError> {
    let mut r = ReadOptions::default();
    if let Some(key) = sse_c_key(file)? {
        r = r.sse_customer_key(key);
    }
    Ok(r)
}

/// The transfer engine, writing objects with `w`.
pub fn transfers(ctx: &Ctx, w: &WriteArgs) -> Result<Transfers, CliError> {
    let backend = CosBackend::new(ctx.client.clone()).write_options(write_options(w)?);
    Ok(Transfers::with_backend(backend))
}

/// Upload options from the flags (checkpoint set by the caller).
pub fn upload_options(t: &TransferArgs) -> UploadOptions {
    let mut o = UploadOptions::default();
    if let Some(p) = t.part_size {
        o = o.part_size(p);
        o = o.multipart_threshold(p);
    }
    if let Some(c) = t.concurrency {
        o = o.concurrency(usize::from(c));
    }
    o
}

/// Download options from the flags.
pub fn download_options(t: &TransferArgs) -> DownloadOptions {
    let mut o = DownloadOptions::default().fsync(t.fsync);
    if let Some(p) = t.part_size {
        o = o.part_size(p).single_threshold(p);
    }
    if let Some(c) = t.concurrency {
        o = o.concurrency(usize::from(c));
    }
    o
}

/// Folder options from the flags.
pub fn dir_options(t: &TransferArgs) -> DirOptions {
    let mut o = DirOptions::default();
    for g in &t.include {
        o = o.include(g.clone());
    }
    for g in &t.exclude {
        o = o.exclude(g.clone());
    }
    if let Some(c) = t.concurrency {
        o = o.file_concurrency(usize::from(c));
    }
    let mut up = o.upload.clone();
    let mut down = o.download.clone().fsync(t.fsync);
    if let Some(p) = t.part_size {
        up = up.part_size(p).multipart_threshold(p);
        down = down.part_size(p).single_threshold(p);
    }
    o = o.upload(up).download(down);
    if let Some(d) = &t.checkpoint_dir {
        o = o.checkpoint_dir(d.clone());
    }
    o
}

/// The checkpoint file of a single-file transfer in `--checkpoint-dir`.
pub fn checkpoint_file(dir: &Path, kind: &str, bucket: &str, key: &str, local: &Path) -> PathBuf {
    let id = cos_crc64::checksum(format!("{bucket}/{key}|{}", local.display()).as_bytes());
    dir.join(format!("{id:016x}.{kind}.cos-checkpoint"))
}

/// Validates the globs (usage error, before any request).
pub fn check_globs(
    include: &[String],
    exclude: &[String],
) -> Result<cos_transfer::paths::Filter, CliError> {
    cos_transfer::paths::Filter::new(include, exclude)
        .map_err(|e| CliError::Usage(format!("bad glob: {e}")))
}
