//! Inventory: configurations kept per id in `Bucket::configs` (`inventory/<id>`,
//! with the time of the last report under `inventory-run/<id>`), and reports: a
//! gzip'd CSV of the bucket's objects and a `manifest.json`, written to the
//! destination bucket by POST Bucket inventory at once, and by
//! `EmulatorHandle::run_due_work` for enabled configurations whose `Daily` / `Weekly`
//! period has passed by the emulator's clock.
//!
//! Layout and columns follow COS's inventory (<https://cloud.tencent.com/document/product/436/33703>):
//! `<prefix>/<appid>/<bucket>/<id>/<YYYYMMDD>/manifest.json` and `.../data/<n>.csv.gz`;
//! every row starts with the bucket and the key (URL-encoded), then with `All`
//! versions `VersionId`, `IsLatest`, `IsDeleteMarker`, then the optional fields in
//! the configuration's order; every value is quoted.

use std::io::Write;

use cos_xml::config::{InventoryConfiguration, ListInventoryConfigurationResult};
use hyper::{Response, StatusCode};

use super::{Ctx, body_response, response};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::state::Shared;
use crate::storage::Bucket;

const FIELDS: [&str; 6] = [
    "Size",
    "LastModifiedDate",
    "ETag",
    "StorageClass",
    "IsMultipartUploaded",
    "ReplicationStatus",
];

fn config_key(id: &str) -> String {
    format!("inventory/{id}")
}

fn run_key(id: &str) -> String {
    format!("inventory-run/{id}")
}

fn no_such(id: &str) -> ApiError {
    ApiError::new(
        404,
        "NoSuchInventoryConfiguration",
        format!("The inventory configuration {id:?} does not exist."),
    )
}

fn the_id(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    match ctx.q("id") {
        Some(id) if !id.is_empty() => Ok(id.to_owned()),
        _ => Err(ApiError::invalid_argument("The id parameter is required.")),
    }
}

fn one_of(what: &str, v: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(v)) {
        Ok(())
    } else {
        Err(ApiError::invalid_argument(format!(
            "{what} {v:?} is not one of {}.",
            allowed.join(", ")
        )))
    }
}

/// Reads and checks the configuration of a PUT or POST.
async fn read_config(ctx: &mut Ctx<'_>) -> OpResult<(String, InventoryConfiguration)> {
    let id = the_id(ctx)?;
    let c: InventoryConfiguration = ctx.xml_body().await?;
    if c.id != id {
        return Err(ApiError::invalid_argument("The Id differs from the id parameter.").into());
    }
    one_of("IsEnabled", &c.is_enabled, &["true", "false"])?;
    one_of(
        "IncludedObjectVersions",
        &c.included_object_versions,
        &["All", "Current"],
    )?;
    one_of(
        "Format",
        &c.destination.cos_bucket_destination.format,
        &["CSV"],
    )?;
    if let Some(s) = &c.schedule {
        one_of("Frequency", &s.frequency, &["Daily", "Weekly"])?;
    }
    for f in c.optional_fields.iter().flat_map(|o| &o.fields) {
        one_of("Field", f, &FIELDS)?;
    }
    let dest = c.destination.cos_bucket_destination.bucket_name();
    if ctx.shared.store.lock().bucket(dest).is_err() {
        return Err(ApiError::invalid_argument(format!(
            "The destination bucket {dest:?} does not exist."
        ))
        .into());
    }
    Ok((id, c))
}

/// PUT Bucket inventory.
pub(crate) async fn put(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let (id, c) = read_config(ctx).await?;
    let doc = cos_xml::to_string(&c).map_err(ApiError::internal)?;
    let (name, now) = (ctx.bucket().to_owned(), ctx.now());
    ctx.shared
        .store
        .update(|st| {
            let b = st.bucket_mut(&name)?;
            b.configs.insert(config_key(&id), doc);
            b.configs.insert(run_key(&id), now.to_string());
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::OK))
}

/// GET Bucket inventory: one configuration with `id`, else the list.
pub(crate) fn get(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let st = ctx.shared.store.lock();
    let b = st.bucket(ctx.bucket())?;
    if let Some(id) = ctx.q("id") {
        let doc = b
            .configs
            .get(&config_key(id))
            .cloned()
            .ok_or_else(|| no_such(id))?;
        drop(st);
        return Ok(body_response(doc.into_bytes(), "application/xml"));
    }
    let mut list = ListInventoryConfigurationResult::default();
    for (k, doc) in b.configs.range("inventory/".to_owned()..) {
        if !k.starts_with("inventory/") {
            break;
        }
        list.configurations
            .push(cos_xml::from_str(doc).map_err(ApiError::internal)?);
    }
    drop(st);
    list.continuation_token = ctx.q("continuation-token").map(str::to_owned);
    super::xml(&list)
}

/// DELETE Bucket inventory.
pub(crate) async fn delete(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let id = the_id(ctx)?;
    let name = ctx.bucket().to_owned();
    ctx.shared
        .store
        .update(|st| {
            let b = st.bucket_mut(&name)?;
            b.configs.remove(&config_key(&id));
            b.configs.remove(&run_key(&id));
            Ok(())
        })
        .await?;
    Ok(response(StatusCode::NO_CONTENT))
}

/// POST Bucket inventory: a one-off report now.
pub(crate) async fn post(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let (_, c) = read_config(ctx).await?;
    let name = ctx.bucket().to_owned();
    report(ctx.shared, &name, &c).await?;
    Ok(response(StatusCode::OK))
}

/// A quoted CSV value.
fn quoted(v: &str) -> String {
    format!("\"{}\"", v.replace('"', "\"\""))
}

/// The report's header names and rows.
fn rows(b: &Bucket, c: &InventoryConfiguration) -> (Vec<String>, Vec<String>) {
    let all = c.included_object_versions.eq_ignore_ascii_case("All");
    let prefix = c
        .filter
        .as_ref()
        .and_then(|f| f.prefix.as_deref())
        .unwrap_or("");
    let fields: Vec<&str> = c
        .optional_fields
        .iter()
        .flat_map(|o| o.fields.iter().map(String::as_str))
        .collect();
    let mut schema = vec!["Bucket".to_owned(), "Key".to_owned()];
    if all {
        schema.extend(["VersionId", "IsLatest", "IsDeleteMarker"].map(str::to_owned));
    }
    schema.extend(fields.iter().map(|f| (*f).to_owned()));
    const KEY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let mut out = Vec::new();
    for (key, versions) in b.objects.iter().filter(|(k, _)| k.starts_with(prefix)) {
        let n = versions.len();
        for (i, v) in versions.iter().enumerate() {
            let latest = i + 1 == n;
            if !all && (!latest || v.object.is_none()) {
                continue;
            }
            let mut row = vec![
                quoted(&b.name),
                quoted(&percent_encoding::utf8_percent_encode(key, KEY).to_string()),
            ];
            if all {
                row.push(quoted(&v.id));
                row.push(quoted(&latest.to_string()));
                row.push(quoted(&v.object.is_none().to_string()));
            }
            for f in &fields {
                let o = v.object.as_ref();
                let value = match *f {
                    "Size" => o.map(|o| o.size.to_string()),
                    "LastModifiedDate" => Some(crate::time::iso8601(v.last_modified)),
                    "ETag" => o.map(|o| o.etag.trim_matches('"').to_owned()),
                    "StorageClass" => o.map(|o| o.storage_class.clone()),
                    "IsMultipartUploaded" => o.map(|o| o.etag.contains('-').to_string()),
                    "ReplicationStatus" => o.and_then(|o| {
                        (o.headers.iter())
                            .find(|(k, _)| k == "x-cos-replication-status")
                            .map(|(_, v)| v.clone())
                    }),
                    _ => None,
                };
                row.push(quoted(&value.unwrap_or_default()));
            }
            out.push(row.join(","));
        }
    }
    (schema, out)
}

/// Writes a report of `bucket` for `c` to its destination.
async fn report(shared: &Shared, bucket: &str, c: &InventoryConfiguration) -> OpResult<()> {
    let (schema, lines) = {
        let st = shared.store.lock();
        rows(st.bucket(bucket)?, c)
    };
    let mut csv = lines.join("\n");
    if !csv.is_empty() {
        csv.push('\n');
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv.as_bytes())?;
    let data = gz.finish()?;
    let dest = &c.destination.cos_bucket_destination;
    let appid = bucket.rsplit('-').next().unwrap_or("");
    let day = crate::time::iso8601(shared.config.clock.now_secs())[..10].replace('-', "");
    let base = match dest.prefix.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => format!("{}/{appid}/{bucket}/{}", p.trim_end_matches('/'), c.id),
        None => format!("{appid}/{bucket}/{}", c.id),
    };
    let n = shared.store.lock().counter;
    let data_key = format!("{base}/data/{day}-{n}.csv.gz");
    let md5 = {
        use md5::Digest;
        crate::storage::hex(&md5::Md5::digest(&data))
    };
    let manifest = serde_json::json!({
        "sourceBucket": bucket,
        "destinationBucket": dest.bucket,
        "version": "2016-11-30",
        "fileFormat": "CSV",
        "fileSchema": schema.join(", "),
        "files": [{"key": data_key, "size": data.len(), "MD5checksum": md5}],
    });
    let size = data.len();
    let dest_name = dest.bucket_name();
    super::internal::write_object(shared, dest_name, &data_key, data, "application/x-gzip").await?;
    let manifest_key = format!("{base}/{day}/manifest.json");
    let body = serde_json::to_vec_pretty(&manifest).map_err(ApiError::internal)?;
    tracing::debug!(bucket, id = %c.id, size, "inventory report written");
    super::internal::write_object(shared, dest_name, &manifest_key, body, "application/json").await
}

/// Writes the reports of enabled scheduled inventories whose period has passed.
pub(crate) async fn scheduled(shared: &Shared) -> OpResult<()> {
    let now = shared.config.clock.now_secs();
    let mut due = Vec::new();
    {
        let st = shared.store.lock();
        for (name, b) in st.buckets.iter() {
            for (k, doc) in b.configs.iter() {
                let Some(id) = k.strip_prefix("inventory/") else {
                    continue;
                };
                let Ok(c) = cos_xml::from_str::<InventoryConfiguration>(doc) else {
                    continue;
                };
                let period = match c.schedule.as_ref().map(|s| s.frequency.as_str()) {
                    Some("Weekly") => 7 * 86_400,
                    _ => 86_400,
                };
                let last: u64 = (b.configs.get(&run_key(id)))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                if c.is_enabled.eq_ignore_ascii_case("true") && now >= last + period {
                    due.push((name.clone(), c));
                }
            }
        }
    }
    for (name, c) in due {
        match report(shared, &name, &c).await {
            // The destination went away: skip this report.
            Err(crate::errors::Failure::Api(e)) if e.code == "NoSuchBucket" => {}
            other => other?,
        }
        shared
            .store
            .update(|st| {
                st.bucket_mut(&name)?
                    .configs
                    .insert(run_key(&c.id), now.to_string());
                Ok(())
            })
            .await?;
    }
    Ok(())
}
