//! Deciding what a restarted transfer may reuse. Pure functions: the drivers feed in
//! what they read (checkpoint, List Parts, HEAD) and do what the decision says.

use std::collections::BTreeMap;

use crate::checkpoint::{
    CopiedPart, CopyCheckpoint, CopySourceId, DonePart, DownloadCheckpoint, RemoteObject,
    SourceFingerprint, UploadCheckpoint,
};
use crate::plan::{Part, PartPlan, PlanError};

/// A part as listed by List Parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPart {
    /// Part number.
    pub number: u32,
    /// ETag (with or without quotes).
    pub etag: String,
    /// Size in bytes.
    pub size: u64,
}

/// A multipart upload as listed by List Multipart Uploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedUpload {
    /// Upload id.
    pub upload_id: String,
    /// Object key.
    pub key: String,
    /// `Initiated` timestamp as sent (ISO 8601, so it sorts as text).
    pub initiated: String,
    /// Storage class of the future object, as listed (empty when not sent).
    pub storage_class: String,
}

/// Why an upload starts afresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FreshReason {
    /// There is no checkpoint.
    NoCheckpoint,
    /// The checkpoint is for another bucket or key.
    OtherObject,
    /// The source's size or modification time changed.
    SourceChanged,
    /// The checkpoint's part size cannot describe this source.
    BadPartSize,
}

/// How an upload starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadStart {
    /// Initiate a new multipart upload.
    Fresh(FreshReason),
    /// Continue `upload_id` with the checkpoint's part plan; check it with List Parts.
    Resume {
        /// The upload to continue.
        upload_id: String,
        /// The plan the upload was started with.
        plan: PartPlan,
    },
}

/// Decides whether a checkpoint can be continued for `bucket`/`key` from `source`.
pub fn decide_upload_start(
    checkpoint: Option<&UploadCheckpoint>,
    bucket: &str,
    key: &str,
    source: &SourceFingerprint,
) -> UploadStart {
    let Some(cp) = checkpoint else {
        return UploadStart::Fresh(FreshReason::NoCheckpoint);
    };
    if cp.bucket != bucket || cp.key != key {
        return UploadStart::Fresh(FreshReason::OtherObject);
    }
    if cp.source != *source {
        return UploadStart::Fresh(FreshReason::SourceChanged);
    }
    match PartPlan::with_part_size(source.size, cp.part_size) {
        Ok(plan) => UploadStart::Resume {
            upload_id: cp.upload_id.clone(),
            plan,
        },
        Err(PlanError::PartSize(_) | PlanError::TooLarge(_)) => {
            UploadStart::Fresh(FreshReason::BadPartSize)
        }
    }
}

/// The outcome of comparing a plan with the server's parts and the checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reconciled {
    /// Parts known good: listed by the server with the ETag the checkpoint recorded.
    pub done: BTreeMap<u32, DonePart>,
    /// Parts the server has with the right size but that the checkpoint does not vouch
    /// for: compare the local part's MD5 with this ETag (as the official SDK does);
    /// on a match the part is done, otherwise send it.
    pub verify: Vec<(Part, String)>,
    /// Parts to send.
    pub todo: Vec<Part>,
}

/// Normalises an ETag for comparison: quotes removed, lowercase.
pub fn normalize_etag(etag: &str) -> String {
    etag.trim().trim_matches('"').to_ascii_lowercase()
}

/// Whether `etag` is the MD5 `md5` (a simple-upload or part ETag).
pub fn etag_is_md5(etag: &str, md5: &[u8; 16]) -> bool {
    let hex: String = md5.iter().map(|b| format!("{b:02x}")).collect();
    normalize_etag(etag) == hex
}

/// Compares `plan` with the server's `listed` parts and the checkpoint's `recorded` ones.
pub fn reconcile(
    plan: &PartPlan,
    recorded: &BTreeMap<u32, DonePart>,
    listed: &[ListedPart],
) -> Reconciled {
    let by_number: BTreeMap<u32, &ListedPart> = listed.iter().map(|p| (p.number, p)).collect();
    let mut out = Reconciled::default();
    for part in plan.parts() {
        let listed = by_number.get(&part.number).copied();
        match recorded.get(&part.number) {
            Some(r) if confirms(listed, &part, &r.etag, r.len) => {
                out.done.insert(part.number, r.clone());
            }
            _ => match listed {
                Some(l) if l.size == part.len => out.verify.push((part, l.etag.clone())),
                _ => out.todo.push(part),
            },
        }
    }
    out
}

/// Whether the server's `listed` part is the recorded one (`etag`, `len`) of `part`.
fn confirms(listed: Option<&ListedPart>, part: &Part, etag: &str, len: u64) -> bool {
    listed.is_some_and(|l| {
        l.size == part.len && len == part.len && normalize_etag(&l.etag) == normalize_etag(etag)
    })
}

/// The unfinished upload an upload without a checkpoint may continue (only when asked
/// to, see `UploadOptions::resume_existing`): the newest one of exactly `key` whose listed
/// storage class is `storage_class` (`None`: `STANDARD`). An upload listed without a
/// storage class is never chosen: what cannot be checked is not adopted.
///
/// ```
/// use cos_transfer::resume::{ListedUpload, choose_existing_upload};
/// let up = |id: &str, key: &str, at: &str, class: &str| ListedUpload {
///     upload_id: id.into(), key: key.into(), initiated: at.into(), storage_class: class.into(),
/// };
/// let listed = [
///     up("1", "k", "2026-01-01T00:00:00Z", "STANDARD"),
///     up("2", "k", "2026-02-01T00:00:00Z", "ARCHIVE"),
///     up("3", "k2", "2026-03-01T00:00:00Z", "STANDARD"),
/// ];
/// assert_eq!(choose_existing_upload(&listed, "k", None).unwrap().upload_id, "1");
/// assert_eq!(choose_existing_upload(&listed, "k", Some("ARCHIVE")).unwrap().upload_id, "2");
/// ```
pub fn choose_existing_upload<'a>(
    uploads: &'a [ListedUpload],
    key: &str,
    storage_class: Option<&str>,
) -> Option<&'a ListedUpload> {
    let class = storage_class.unwrap_or("STANDARD");
    uploads
        .iter()
        .filter(|u| u.key == key && u.storage_class.eq_ignore_ascii_case(class))
        .max_by(|a, b| a.initiated.cmp(&b.initiated))
}

/// How a download starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadStart {
    /// Download everything.
    Fresh,
    /// Keep these finished ranges of the temporary file and fetch the rest.
    Resume {
        /// Finished ranges by number.
        done: BTreeMap<u32, DonePart>,
    },
}

/// Decides whether a download checkpoint still describes the remote object (ETag, size
/// and Last-Modified all equal, same version and part size).
pub fn decide_download_start(
    checkpoint: Option<&DownloadCheckpoint>,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
    remote: &RemoteObject,
    part_size: u64,
) -> DownloadStart {
    match checkpoint {
        Some(cp)
            if cp.bucket == bucket
                && cp.key == key
                && cp.version_id.as_deref() == version_id
                && cp.part_size == part_size
                && normalize_etag(&cp.remote.etag) == normalize_etag(&remote.etag)
                && cp.remote.size == remote.size
                && cp.remote.last_modified == remote.last_modified =>
        {
            DownloadStart::Resume {
                done: cp.done.clone(),
            }
        }
        _ => DownloadStart::Fresh,
    }
}

/// How a multipart copy starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyStart {
    /// Initiate a new multipart upload; `stale` is the checkpoint's upload of the same
    /// destination, which no longer matches the source and should be aborted.
    Fresh {
        /// The outdated upload of this destination, if any.
        stale: Option<String>,
    },
    /// Continue `upload_id`; check the recorded parts with List Parts
    /// ([`reconcile_copy`]).
    Resume {
        /// The upload to continue.
        upload_id: String,
        /// The parts the checkpoint recorded.
        parts: BTreeMap<u32, CopiedPart>,
    },
}

/// Decides whether a copy checkpoint can be continued: same destination, same source
/// (bucket, key, region, version), the source unchanged (ETag, size, Last-Modified) and
/// the same part size.
pub fn decide_copy_start(
    checkpoint: Option<&CopyCheckpoint>,
    bucket: &str,
    key: &str,
    source: &CopySourceId,
    remote: &RemoteObject,
    part_size: u64,
) -> CopyStart {
    let Some(cp) = checkpoint else {
        return CopyStart::Fresh { stale: None };
    };
    if cp.bucket != bucket || cp.key != key {
        return CopyStart::Fresh { stale: None };
    }
    let same_source = cp.source == *source
        && normalize_etag(&cp.remote.etag) == normalize_etag(&remote.etag)
        && cp.remote.size == remote.size
        && cp.remote.last_modified == remote.last_modified;
    if same_source && cp.part_size == part_size {
        CopyStart::Resume {
            upload_id: cp.upload_id.clone(),
            parts: cp.parts.clone(),
        }
    } else {
        CopyStart::Fresh {
            stale: Some(cp.upload_id.clone()),
        }
    }
}

/// Which parts of a resumed copy are done: those the server lists with the size of
/// the plan's part and the ETag the checkpoint recorded. Every other part is copied
/// (again). Returns the done parts and the parts to copy.
pub fn reconcile_copy(
    plan: &PartPlan,
    recorded: &BTreeMap<u32, CopiedPart>,
    listed: &[ListedPart],
) -> (BTreeMap<u32, CopiedPart>, Vec<Part>) {
    let by_number: BTreeMap<u32, &ListedPart> = listed.iter().map(|p| (p.number, p)).collect();
    let mut done = BTreeMap::new();
    let mut todo = Vec::new();
    for part in plan.parts() {
        let listed = by_number.get(&part.number).copied();
        match recorded.get(&part.number) {
            Some(r) if confirms(listed, &part, &r.etag, r.len) => {
                done.insert(part.number, r.clone());
            }
            _ => todo.push(part),
        }
    }
    (done, todo)
}
