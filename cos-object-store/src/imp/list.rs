//! Listings and batch deletes.

use super::object_store;
use chrono::{DateTime, Utc};
use cos_core::xml::{ListBucketResult, ObjectSummary};
use cos_core::{BucketName, Client, ObjectKey};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt, stream};
use object_store::list::{PaginatedListOptions, PaginatedListResult};
use object_store::path::Path;
use object_store::{ListResult, ObjectMeta, Result};

use super::CosObjectStore;
use super::compat::list_result;
use super::error::{generic, map};

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
        let (mut common_prefixes, mut objects) = (Vec::new(), Vec::new());
        while let Some(page) = pages.try_next().await.map_err(|e| map(&path, e))? {
            let (p, o) = entries(page, "/")?;
            common_prefixes.extend(p);
            objects.extend(o);
        }
        Ok(list_result(common_prefixes, objects))
    }

    /// One page of List Objects: `prefix` as COS takes it (a raw key prefix), the
    /// greater of the page token and the offset as `marker`; the next page's token is
    /// COS's `NextMarker` (or the last entry when COS leaves it out).
    pub(crate) async fn list_page(
        &self,
        prefix: Option<&str>,
        opts: PaginatedListOptions,
    ) -> Result<PaginatedListResult> {
        let path = prefix.unwrap_or_default().to_owned();
        let mut list = self
            .client
            .list_objects(&self.bucket)
            .prefix(prefix.unwrap_or_default());
        if let Some(d) = opts.delimiter.as_deref() {
            list = list.delimiter(d);
        }
        if let Some(marker) = opts.page_token.max(opts.offset) {
            list = list.marker(marker);
        }
        if let Some(n) = opts.max_keys {
            // COS answers at most 1000 keys a page whatever it is asked.
            list = list.max_keys(u32::try_from(n.clamp(1, 1000)).unwrap_or(1000));
        }
        let page = list.send().await.map_err(|e| map(&path, e))?;
        let page_token = next_token(&page)?;
        let (common_prefixes, objects) = entries(page, opts.delimiter.as_deref().unwrap_or("/"))?;
        Ok(PaginatedListResult {
            result: list_result(common_prefixes, objects),
            page_token,
        })
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

/// The common prefixes (without the trailing delimiter) and the objects of a page.
fn entries(page: ListBucketResult, delimiter: &str) -> Result<(Vec<Path>, Vec<ObjectMeta>)> {
    let mut prefixes = Vec::with_capacity(page.common_prefixes.len());
    for p in page.common_prefixes {
        let p = p.prefix.strip_suffix(delimiter).unwrap_or(&p.prefix);
        prefixes.push(Path::parse(p)?);
    }
    let objects = page
        .contents
        .into_iter()
        .filter_map(meta)
        .collect::<Result<_>>()?;
    Ok((prefixes, objects))
}

/// The token of the page after `page`: `None` when it is the last; an error when COS
/// says it is truncated yet gives nothing to continue from (the listing would loop).
fn next_token(page: &ListBucketResult) -> Result<Option<String>> {
    if !page.is_truncated {
        return Ok(None);
    }
    if let Some(m) = page.next_marker.as_deref().filter(|m| !m.is_empty()) {
        return Ok(Some(m.to_owned()));
    }
    let last_key = page.contents.last().map(|o| o.key.as_str());
    let last_prefix = page.common_prefixes.last().map(|p| p.prefix.as_str());
    match last_key.max(last_prefix) {
        Some(m) => Ok(Some(m.to_owned())),
        None => Err(generic(
            "a truncated listing page without NextMarker or entries",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(
        truncated: bool,
        next: Option<&str>,
        keys: &[&str],
        prefixes: &[&str],
    ) -> ListBucketResult {
        let mut p = ListBucketResult::default();
        p.is_truncated = truncated;
        p.next_marker = next.map(str::to_owned);
        for k in keys {
            let mut o = ObjectSummary::default();
            o.key = (*k).to_owned();
            o.last_modified = "2024-01-02T03:04:05.000Z".to_owned();
            p.contents.push(o);
        }
        for k in prefixes {
            let mut c = cos_core::xml::CommonPrefix::default();
            c.prefix = (*k).to_owned();
            p.common_prefixes.push(c);
        }
        p
    }

    #[test]
    fn the_next_token_is_next_marker_or_the_last_entry() {
        assert_eq!(
            next_token(&page(false, Some("x"), &["a"], &[])).unwrap(),
            None
        );
        let p = page(true, Some("m"), &["a"], &[]);
        assert_eq!(next_token(&p).unwrap().as_deref(), Some("m"));
        let p = page(true, None, &["a", "b"], &["c/"]);
        assert_eq!(next_token(&p).unwrap().as_deref(), Some("c/"));
        next_token(&page(true, Some(""), &[], &[])).unwrap_err();
    }

    #[test]
    fn entries_drop_folder_objects_and_trailing_delimiters() {
        let p = page(false, None, &["a/x", "a/"], &["a/b/"]);
        let (prefixes, objects) = entries(p, "/").unwrap();
        assert_eq!(prefixes, vec![Path::from("a/b")]);
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].location, Path::from("a/x"));
    }

    #[test]
    fn a_prefix_lists_below_its_directory() {
        assert_eq!(cos_prefix(None), "");
        assert_eq!(cos_prefix(Some(&Path::from("/"))), "");
        assert_eq!(cos_prefix(Some(&Path::from("a/b"))), "a/b/");
    }
}
