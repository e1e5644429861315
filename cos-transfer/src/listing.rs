//! The engines' own loops over paged listings. Every page must move the marker forward
//! (COS lists in key order, so a marker that repeats or goes back means the listing
//! would never end: [`TransferError::Listing`]), and the resume lookups read no more
//! than they can use.

use cos_core::{BucketName, ObjectKey};
use std::collections::HashSet;
use std::fmt::Debug;

use crate::backend::{Backend, UploadMarker};
use crate::error::{ListingProblem, TransferError};
use crate::resume::{ListedPart, ListedUpload, choose_existing_upload};

/// COS's limit of parts per upload: a List Parts that goes past it is not believed.
pub(crate) const MAX_PARTS: usize = 10_000;

/// Pages of List Multipart Uploads (up to 1000 uploads each) read when looking for an
/// upload to continue.
pub(crate) const MAX_UPLOAD_PAGES: usize = 100;

fn not_advancing(operation: &'static str, marker: String) -> TransferError {
    TransferError::Listing {
        operation,
        problem: ListingProblem::MarkerNotAdvancing(marker),
    }
}

fn too_long(operation: &'static str, limit: usize, unit: &'static str) -> TransferError {
    TransferError::Listing {
        operation,
        problem: ListingProblem::TooLong { limit, unit },
    }
}

/// Markers that must strictly increase: List Objects keys (COS lists keys in binary
/// order, which is `str`'s order) and part numbers.
pub(crate) struct Increasing<M> {
    operation: &'static str,
    last: Option<M>,
}

impl<M: Ord + Debug + Clone> Increasing<M> {
    pub(crate) fn new(operation: &'static str) -> Self {
        Self {
            operation,
            last: None,
        }
    }

    /// Accepts `next` as the marker of the next page, or fails when it does not move
    /// past the last one.
    pub(crate) fn advance(&mut self, next: &M) -> Result<(), TransferError> {
        if self.last.as_ref().is_some_and(|last| next <= last) {
            return Err(not_advancing(self.operation, format!("{next:?}")));
        }
        self.last = Some(next.clone());
        Ok(())
    }
}

/// Markers made of a key and a second marker (a version id, an upload id): the key never
/// goes back, and within one key no second marker comes twice (those ids are not
/// ordered, so every one of the current key is remembered).
pub(crate) struct KeyedMarkers {
    operation: &'static str,
    key: Option<String>,
    seen: HashSet<Option<String>>,
}

impl KeyedMarkers {
    pub(crate) fn new(operation: &'static str) -> Self {
        Self {
            operation,
            key: None,
            seen: HashSet::new(),
        }
    }

    /// Accepts (`key`, `sub`) as the marker of the next page, or fails when the listing
    /// went back or came round to a marker already used.
    pub(crate) fn advance(&mut self, key: &str, sub: Option<&str>) -> Result<(), TransferError> {
        let marker = || format!("{key:?} / {sub:?}");
        match self.key.as_deref() {
            Some(last) if key < last => return Err(not_advancing(self.operation, marker())),
            Some(last) if key == last => {}
            _ => {
                self.key = Some(key.to_owned());
                self.seen.clear();
            }
        }
        if !self.seen.insert(sub.map(str::to_owned)) {
            return Err(not_advancing(self.operation, marker()));
        }
        Ok(())
    }
}

/// Every part of `upload_id`, page by page. `Ok(None)` when a page cannot be read (the
/// upload was completed, aborted or has expired: the caller starts afresh).
///
/// Errors: [`TransferError::Listing`] when a marker does not advance or the listing goes
/// past COS's 10,000 parts.
pub(crate) async fn list_all_parts<B: Backend>(
    backend: &B,
    bucket: &BucketName,
    key: &ObjectKey,
    upload_id: &str,
) -> Result<Option<Vec<ListedPart>>, TransferError> {
    const OP: &str = "ListParts";
    let mut parts = Vec::new();
    let mut markers = Increasing::new(OP);
    let mut marker = None;
    loop {
        let Ok(page) = backend.list_parts(bucket, key, upload_id, marker).await else {
            return Ok(None);
        };
        parts.extend(page.items);
        if parts.len() > MAX_PARTS {
            return Err(too_long(OP, MAX_PARTS, "parts"));
        }
        let Some(next) = page.next else {
            return Ok(Some(parts));
        };
        markers.advance(&next)?;
        // No part can come after part 10,000.
        if usize::try_from(next).is_ok_and(|n| n >= MAX_PARTS) {
            return Err(too_long(OP, MAX_PARTS, "parts"));
        }
        marker = Some(next);
    }
}

/// The unfinished upload of `key` an upload may continue ([`choose_existing_upload`] with
/// the backend's storage class). Reads the listing page by page keeping only the best
/// candidate, and stops at the first key past `key` (keys are listed in order).
///
/// Errors: [`TransferError::Remote`] when a page cannot be read,
/// [`TransferError::Listing`] when a marker does not advance or after
/// [`MAX_UPLOAD_PAGES`] pages.
pub(crate) async fn find_upload<B: Backend>(
    backend: &B,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<Option<ListedUpload>, TransferError> {
    const OP: &str = "ListMultipartUploads";
    let class = backend.upload_storage_class();
    let mut best: Option<ListedUpload> = None;
    let mut markers = KeyedMarkers::new(OP);
    let mut marker: Option<UploadMarker> = None;
    for _ in 0..MAX_UPLOAD_PAGES {
        let page = backend
            .list_multipart_uploads(bucket, key, marker.as_ref())
            .await
            .map_err(|e| TransferError::remote(OP, e))?;
        if let Some(u) = choose_existing_upload(&page.items, key.as_str(), class)
            && best.as_ref().is_none_or(|b| u.initiated > b.initiated)
        {
            best = Some(u.clone());
        }
        let past = page.items.iter().any(|u| u.key.as_str() > key.as_str());
        match page.next {
            Some(next) if !past && next.key.as_str() <= key.as_str() => {
                markers.advance(&next.key, Some(&next.upload_id))?;
                marker = Some(next);
            }
            _ => return Ok(best),
        }
    }
    Err(too_long(OP, MAX_UPLOAD_PAGES, "pages"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stuck(r: Result<(), TransferError>) -> bool {
        matches!(
            r,
            Err(TransferError::Listing {
                problem: ListingProblem::MarkerNotAdvancing(_),
                ..
            })
        )
    }

    #[test]
    fn increasing_markers_refuse_repeats_and_cycles() {
        let mut m = Increasing::new("ListObjects");
        assert!(m.advance(&"a".to_owned()).is_ok());
        assert!(m.advance(&"b".to_owned()).is_ok());
        assert!(stuck(m.advance(&"a".to_owned())), "A, B, A");
        let mut m = Increasing::new("ListParts");
        assert!(m.advance(&3u32).is_ok());
        assert!(stuck(m.advance(&3u32)), "3, 3");
    }

    #[test]
    fn keyed_markers_allow_any_id_order_within_a_key_but_no_repeat() {
        let mut m = KeyedMarkers::new("ListObjectVersions");
        assert!(m.advance("a", Some("v9")).is_ok());
        assert!(m.advance("a", Some("v1")).is_ok());
        assert!(stuck(m.advance("a", Some("v9"))), "v9, v1, v9");
        let mut m = KeyedMarkers::new("ListObjectVersions");
        assert!(m.advance("a", Some("v1")).is_ok());
        assert!(m.advance("b", Some("v1")).is_ok());
        assert!(stuck(m.advance("a", Some("v2"))), "the key went back");
    }
}
