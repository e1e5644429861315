//! `cos mb`, `cos rb` and `cos abort`.

use cos_core::ObjectKey;
use cos_transfer::DeleteOptions;
use cos_xml::CreateBucketConfiguration;
use futures_util::StreamExt;
use serde_json::json;

use super::{Ctx, parse_acl, transfers};
use crate::cli::{AbortArgs, MbArgs, RbArgs, WriteArgs};
use crate::error::{CliError, describe};
use crate::location::CosPath;

fn bucket_only(target: &str) -> Result<CosPath, CliError> {
    let p = CosPath::parse(target)?;
    if !p.key.is_empty() {
        return Err(CliError::Usage(format!(
            "{target}: expected cos://bucket-appid without a key"
        )));
    }
    Ok(p)
}

pub(super) async fn mb(ctx: &Ctx, a: MbArgs) -> Result<(), CliError> {
    let path = bucket_only(&a.target)?;
    let mut op = ctx.client.put_bucket(&path.bucket);
    if let Some(acl) = &a.acl {
        op = op.acl(parse_acl(acl)?);
    }
    if a.maz {
        // `<BucketAZConfig>MAZ</BucketAZConfig>` creates a multi-AZ bucket (PUT Bucket doc).
        op = op.configuration(CreateBucketConfiguration {
            bucket_az_config: Some("MAZ".into()),
            ..Default::default()
        });
    }
    op.send()
        .await
        .map_err(|e| CliError::op(format!("making bucket {}", path.bucket), &e))?;
    if ctx.out.json {
        ctx.out
            .json_line(&json!({ "bucket": path.bucket.as_str(), "status": "created" }));
    } else {
        ctx.out.line(format!("made bucket cos://{}", path.bucket));
    }
    Ok(())
}

pub(super) async fn rb(ctx: &Ctx, a: RbArgs) -> Result<(), CliError> {
    let path = bucket_only(&a.target)?;
    if a.force {
        ctx.out.confirm(&format!(
            "delete bucket {} with every object, version and unfinished upload?",
            path.bucket
        ))?;
        let tr = transfers(ctx, &WriteArgs::default())?;
        let summary = tr
            .delete_prefix(&path.bucket, "")
            .options(DeleteOptions::default().all_versions(true))
            .cancel(&ctx.cancel)
            .send()
            .await
            .map_err(|e| CliError::op(format!("emptying {}", path.bucket), &e))?;
        if let Some(f) = summary.failures.first() {
            return Err(CliError::Failed(format!(
                "emptying {}: {} objects could not be deleted, e.g. {}: {}: {}",
                path.bucket,
                summary.failures.len(),
                f.id.key,
                f.code,
                f.message
            )));
        }
        let (aborted, failed) = abort_uploads(ctx, &path).await?;
        if ctx.out.json {
            ctx.out.json_line(&json!({ "summary": {
                "deleted": summary.deleted, "aborted": aborted, "failed": failed,
            }}));
        } else {
            ctx.out.line(format!(
                "{} deleted, {aborted} uploads aborted, {failed} failed",
                summary.deleted
            ));
        }
        if failed > 0 {
            return Err(CliError::Partial {
                failed,
                total: failed,
            });
        }
    }
    ctx.client
        .delete_bucket(&path.bucket)
        .send()
        .await
        .map_err(|e| CliError::op(format!("removing bucket {}", path.bucket), &e))?;
    if ctx.out.json {
        ctx.out
            .json_line(&json!({ "bucket": path.bucket.as_str(), "status": "removed" }));
    } else {
        ctx.out
            .line(format!("removed bucket cos://{}", path.bucket));
    }
    Ok(())
}

pub(super) async fn abort(ctx: &Ctx, a: AbortArgs) -> Result<(), CliError> {
    let path = CosPath::parse(&a.target)?;
    let (aborted, failed) = abort_uploads(ctx, &path).await?;
    if ctx.out.json {
        ctx.out
            .json_line(&json!({ "summary": { "aborted": aborted, "failed": failed } }));
    } else {
        ctx.out
            .line(format!("{aborted} uploads aborted, {failed} failed"));
    }
    if failed > 0 {
        return Err(CliError::Partial {
            failed,
            total: aborted + failed,
        });
    }
    Ok(())
}

/// Aborts every unfinished multipart upload under `path`'s prefix; failures are
/// reported and counted, the others go on.
async fn abort_uploads(ctx: &Ctx, path: &CosPath) -> Result<(usize, usize), CliError> {
    let mut uploads = ctx
        .client
        .list_multipart_uploads(&path.bucket)
        .prefix(path.key.clone())
        .into_uploads();
    let (mut aborted, mut failed) = (0, 0);
    while let Some(u) = uploads.next().await {
        let u = u.map_err(|e| CliError::op(format!("listing uploads of {path}"), &e))?;
        let what = format!("cos://{}/{} (upload {})", path.bucket, u.key, u.upload_id);
        let r = match ObjectKey::new(u.key.clone()) {
            Ok(k) => ctx
                .client
                .abort_multipart_upload(&path.bucket, &k, &u.upload_id)
                .send()
                .await
                .map(|_| ()),
            Err(e) => Err(e.into()),
        };
        match r {
            Ok(()) => {
                aborted += 1;
                if ctx.out.json {
                    ctx.out.json_line(&json!({
                        "key": u.key, "upload_id": u.upload_id, "status": "aborted",
                    }));
                } else {
                    ctx.out.line(format!("aborted {what}"));
                }
            }
            Err(e) => {
                failed += 1;
                ctx.out.failure(what, describe(&e));
            }
        }
    }
    Ok((aborted, failed))
}
