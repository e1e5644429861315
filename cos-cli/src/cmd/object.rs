//! `cos cat`, `cos stat` and `cos presign`: one object.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio::io::AsyncWriteExt;

use super::{Ctx, read_options_with};
use crate::cli::{CatArgs, PresignArgs, PresignMethod, StatArgs};
use crate::error::CliError;
use crate::location::CosPath;

pub(super) async fn cat(ctx: &Ctx, a: CatArgs) -> Result<(), CliError> {
    let path = CosPath::parse(&a.target)?;
    let key = path.object_key()?;
    let mut read = read_options_with(a.sse_c_key_file.as_deref())?;
    read.version_id = a.version_id.clone();
    let op = ctx
        .client
        .get_object(&path.bucket, &key)
        .options(&read)
        .map_err(|e| CliError::Usage(format!("{path}: {e}")))?;
    let out = op
        .send()
        .await
        .map_err(|e| CliError::op(format!("reading {path}"), &e))?;
    let mut body = out.body;
    let mut stdout = tokio::io::stdout();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| CliError::op(format!("reading {path}"), &e))?;
        match stdout.write_all(&chunk).await {
            Ok(()) => {}
            // `cos cat … | head`: the reader went away; nothing more to do.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(CliError::Failed(format!("writing to stdout: {e}"))),
        }
    }
    let _ = stdout.flush().await;
    Ok(())
}

pub(super) async fn stat(ctx: &Ctx, a: StatArgs) -> Result<(), CliError> {
    let path = CosPath::parse(&a.target)?;
    let key = path.object_key()?;
    let mut read = read_options_with(a.sse_c_key_file.as_deref())?;
    read.version_id = a.version_id.clone();
    let op = ctx
        .client
        .head_object(&path.bucket, &key)
        .options(&read)
        .map_err(|e| CliError::Usage(format!("{path}: {e}")))?;
    let h = op
        .send()
        .await
        .map_err(|e| CliError::op(format!("stat {path}"), &e))?;
    let sse = h.meta.header("x-cos-server-side-encryption");
    if ctx.out.json {
        let meta: serde_json::Map<String, serde_json::Value> = h
            .metadata
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        ctx.out.json_line(&json!({
            "key": key.as_str(), "bucket": path.bucket.as_str(),
            "size": h.content_length, "content_type": h.content_type, "etag": h.etag,
            "last_modified": h.last_modified, "crc64": h.crc64.map(|c| c.to_string()),
            "version_id": h.version_id, "storage_class": h.storage_class,
            "server_side_encryption": sse, "metadata": meta,
            "request_id": h.meta.request_id,
        }));
        return Ok(());
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    ctx.out.line(format!("Key:            {path}"));
    ctx.out.line(format!(
        "Size:           {}",
        h.content_length.map_or("-".into(), |n| n.to_string())
    ));
    ctx.out
        .line(format!("Content-Type:   {}", opt(&h.content_type)));
    ctx.out.line(format!("ETag:           {}", opt(&h.etag)));
    ctx.out
        .line(format!("Last-Modified:  {}", opt(&h.last_modified)));
    ctx.out.line(format!(
        "CRC-64:         {}",
        h.crc64.map_or("-".into(), |c| c.to_string())
    ));
    ctx.out.line(format!(
        "Storage class:  {}",
        h.storage_class.clone().unwrap_or_else(|| "STANDARD".into())
    ));
    if let Some(v) = &h.version_id {
        ctx.out.line(format!("Version:        {v}"));
    }
    if let Some(s) = &sse {
        ctx.out.line(format!("Encryption:     {s}"));
    }
    for (k, v) in &h.metadata {
        ctx.out.line(format!("Meta {k}: {v}"));
    }
    Ok(())
}

pub(super) async fn presign(ctx: &Ctx, a: PresignArgs) -> Result<(), CliError> {
    let path = CosPath::parse(&a.target)?;
    let key = path.object_key()?;
    let method = match a.method {
        PresignMethod::Get => "GET",
        PresignMethod::Put => "PUT",
    };
    let p = ctx
        .client
        .get_presigned_url(method, &path.bucket, &key)
        .expires(Duration::from_secs(a.expires))
        .build()
        .await
        .map_err(|e| CliError::op(format!("presigning {path}"), &e))?;
    if ctx.out.json {
        let expires = p
            .expires
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        ctx.out
            .json_line(&json!({ "url": p.url, "method": method, "expires_unix": expires }));
    } else {
        // Printed even with --quiet: it is the command's only output.
        println!("{}", p.url);
    }
    Ok(())
}
