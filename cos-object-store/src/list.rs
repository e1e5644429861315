//! Listings and batch deletes.

use chrono::{DateTime, Utc};
use cos_core::xml::ObjectSummary;
use cos_core::{BucketName, Client, ObjectKey};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt, stream};
use object_store::path::Path;
use object_store::{ListResult, ObjectMeta, Result};

use crate::CosObjectStore;
use crate::error::{generic, map};

/// The most keys one Delete Multiple Objects request takes.
const DELETE_BATCH: usize = 1000;

/// The COS prefix of an object_store prefix: `a/b` lists below `a/b/` only (not
/// `a/bc`); no prefix (or `/`) lists everything.
pub(crate) fn cos_prefix(prefix: Option<&Path>) -> String {
    match prefix.map(Path::as_ref) {
        None | Some("") => String::new(),
        Some(p) => format!("{p}/"),
    }
}

/// A listed key as an `ObjectMeta`; `None` for a folder object (a key ending in `/`,
/// which object_store has no notion of).
fn meta(o: ObjectSummary) -> Option<Result<ObjectMeta>> {
    if o.key.ends_with('/') {
        return None;
    }
    let last_modified = DateTime::parse_from_rfc3339(&o.last_modified)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    Some(
        Path::parse(&o.key)
            .map(|location| ObjectMeta {
                location,
                last_modified,
                size: o.size,
                e_tag: Some(o.etag),
                version: None,
            })
            .map_err(Into::into),
    )
}

impl CosObjectStore {
    /// Every object below `prefix` after `offset` (COS's `marker`: keys after it).
    pub(crate) fn list_after(
        &self,
        prefix: Option<&Path>,
        offset: Option<&Path>,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        let mut list = self
            .client
            .list_objects(&self.bucket)
            .prefix(cos_prefix(prefix));
        if let Some(offset) = offset {
            list = list.marker(offset.as_ref());
        }
        let path = prefix.map(ToString::to_string).unwrap_or_default();
        list.into_objects()
            .map_err(move |e| map(&path, e))
            .try_filter_map(|o| async move { meta(o).transpose() })
            .boxed()
    }

    /// One level below `prefix`: objects and common prefixes (`/` as delimiter).
    pub(crate) async fn list_level(&self, prefix: Option<&Path>) -> Result<ListResult> {
        let path = prefix.map(ToString::to_string).unwrap_or_default();
        let mut pages = self
            .client
            .list_objects(&self.bucket)
            .prefix(cos_prefix(prefix))
            .delimiter("/")
            .into_pages();
        let mut out = ListResult {
            common_prefixes: Vec::new(),
            objects: Vec::new(),
            extensions: Default::default(),
        };
        while let Some(page) = pages.try_next().await.map_err(|e| map(&path, e))? {
            for p in page.common_prefixes {
                out.common_prefixes
                    .push(Path::parse(p.prefix.trim_end_matches('/'))?);
            }
            for o in page.contents {
                if let Some(m) = meta(o) {
                    out.objects.push(m?);
                }
            }
        }
        Ok(out)
    }

    /// Deletes in batches of up to 1000 keys, answering for each input in order.
    pub(crate) fn delete_all(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        let (client, bucket) = (self.client.clone(), self.bucket.clone());
        locations
            .ready_chunks(DELETE_BATCH)
            .then(move |batch| delete_batch(client.clone(), bucket.clone(), batch))
            .flat_map(stream::iter)
            .boxed()
    }
}

/// One Delete Multiple Objects request for the valid paths of `batch`.
async fn delete_batch(
    client: Client,
    bucket: BucketName,
    batch: Vec<Result<Path>>,
) -> Vec<Result<Path>> {
    let mut keys = Vec::new();
    let keyed: Vec<Result<Path>> = batch
        .into_iter()
        .map(|r| {
            let path = r?;
            let key = ObjectKey::new(path.as_ref())
                .map_err(|e| map(path.as_ref(), cos_core::Error::from(e)))?;
            keys.push(key);
            Ok(path)
        })
        .collect();
    if keys.is_empty() {
        return keyed;
    }
    let request = client
        .delete_multiple_objects(&bucket)
        .quiet(false)
        .keys(&keys);
    let result = match request.send().await {
        Ok(r) => r,
        Err(e) => {
            let message = e.to_string();
            return keyed
                .into_iter()
                .map(|r| r.and_then(|_| Err(generic(message.clone()))))
                .collect();
        }
    };
    keyed
        .into_iter()
        .map(|r| {
            let path = r?;
            match result.errors.iter().find(|e| e.key == path.as_ref()) {
                None => Ok(path),
                Some(e) if e.code == "NoSuchKey" => Err(object_store::Error::NotFound {
                    path: path.to_string(),
                    source: e.message.clone().into(),
                }),
                Some(e) => Err(generic(format!("{}: {} {}", path, e.code, e.message))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_lists_below_its_directory() {
        assert_eq!(cos_prefix(None), "");
        assert_eq!(cos_prefix(Some(&Path::from("/"))), "");
        assert_eq!(cos_prefix(Some(&Path::from("a/b"))), "a/b/");
    }
}
