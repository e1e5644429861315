//! Listings that never end, as a broken or hostile service might send them: the pages
//! [`Fake`](super::Fake) answers with when `Faults::hostile_lists` is set.

use cos_transfer::resume::{ListedPart, ListedUpload};
use cos_transfer::{ListedObject, Page, UploadMarker};

/// How a hostile listing goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// Every page names the same next marker.
    Repeat,
    /// The next marker alternates between two values (A, B, A, B, ...).
    Cycle,
    /// Every page names a new, larger marker, forever.
    Endless,
}

/// The next marker after `n` (0 for the first page).
fn next(h: Hostile, n: u32) -> u32 {
    match h {
        Hostile::Repeat => 1,
        Hostile::Cycle if n == 1 => 2,
        Hostile::Cycle => 1,
        Hostile::Endless => n + 1,
    }
}

/// A List Parts page with one part, always truncated.
pub fn parts_page(h: Hostile, marker: Option<u32>) -> Page<ListedPart, u32> {
    let n = next(h, marker.unwrap_or(0));
    Page {
        items: vec![ListedPart {
            number: n,
            etag: "\"0\"".into(),
            size: 1,
        }],
        next: Some(n),
    }
}

/// A List Multipart Uploads page with one upload of `key`, always truncated.
pub fn uploads_page(
    h: Hostile,
    key: &str,
    marker: Option<&UploadMarker>,
) -> Page<ListedUpload, UploadMarker> {
    let n = next(h, marker.map_or(0, |m| m.upload_id.parse().unwrap()));
    Page {
        items: vec![ListedUpload {
            upload_id: n.to_string(),
            key: key.into(),
            initiated: "2026-01-01T00:00:00.000Z".into(),
            storage_class: "STANDARD".into(),
        }],
        next: Some(UploadMarker {
            key: key.into(),
            upload_id: n.to_string(),
        }),
    }
}

/// An empty List Objects page, always truncated.
pub fn objects_page(h: Hostile, marker: Option<&str>) -> Page<ListedObject, String> {
    let n = marker.map_or(0, |m| m.trim_start_matches('m').parse().unwrap());
    Page {
        items: Vec::new(),
        next: Some(format!("m{:08}", next(h, n))),
    }
}
