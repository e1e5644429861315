//! The journal: one record per saved transaction, appended to `<data-dir>/journal`.
//!
//! A record is a 32-byte header — magic `CEJ1`, payload length (u32 LE), sequence
//! number (u64 LE), CRC-64/ECMA of length, sequence number and payload (u64 LE),
//! CRC-64/ECMA of the header's first 24 bytes (u64 LE) — followed by the payload: the
//! JSON list of the transaction's [`Change`]s (the new values of the entries it
//! touched). Loading replays the records whose sequence number follows the
//! snapshot's (`meta.json`). A record cut short at the end of the file (torn by a
//! crash mid-write: it was never acknowledged) ends the journal, as do trailing
//! zeros; any other invalid record is corruption and refuses the load.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::buckets::BucketBefore;
use super::model::{Bucket, ObjectRecord, Segment, SegmentData, Upload, Version};
use super::state::State;

const MAGIC: [u8; 4] = *b"CEJ1";
/// Size of a record header.
pub(super) const HEADER: usize = 32;
/// Largest payload accepted (also bounded by the file's size).
const MAX_PAYLOAD: u64 = 1 << 30;

/// A change of one entry of the state, as saved.
#[derive(Debug, Serialize, Deserialize)]
pub(super) enum Change {
    /// The id counter's new value.
    Counter(u64),
    /// A bucket's configuration (`None`: the bucket and its contents are gone).
    Bucket {
        name: String,
        config: Option<Bucket>,
    },
    /// The versions of a key (`None`: the key is gone).
    Key {
        bucket: String,
        key: String,
        versions: Option<Vec<Version>>,
    },
    /// A multipart upload (`None`: completed or aborted).
    Upload {
        bucket: String,
        id: String,
        upload: Option<Upload>,
    },
}

/// Why a journal cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum JournalError {
    /// A record in the middle of the journal is invalid.
    #[error("journal corrupt at byte {offset}: {reason}")]
    Corrupt {
        /// Where the record starts.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// A valid record cannot be applied to the state.
    #[error("journal record {seq} does not fit the saved state: {reason}")]
    Inconsistent {
        /// The record's sequence number.
        seq: u64,
        /// What is wrong.
        reason: String,
    },
}

/// Encodes one record.
pub(super) fn encode(seq: u64, changes: &[Change]) -> Result<Vec<u8>, serde_json::Error> {
    let payload = serde_json::to_vec(changes)?;
    let len = u32::try_from(payload.len()).map_err(serde::ser::Error::custom)?;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&checksum(&out[4..16], &payload).to_le_bytes());
    out.extend_from_slice(&checksum(&out[..24], &[]).to_le_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}

fn checksum(len_seq: &[u8], payload: &[u8]) -> u64 {
    let mut c = cos_crc64::Crc64::new();
    c.update(len_seq);
    c.update(payload);
    c.value()
}

fn le_u64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

/// What [`replay`] found.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Replayed {
    /// Length of the valid records (the rest is a torn tail).
    pub valid_len: u64,
    /// Sequence number of the last record applied (or the snapshot's).
    pub last_seq: u64,
}

/// Applies the records of `bytes` that follow sequence number `base` to `state`.
///
/// Errors: [`JournalError`] for corruption before the end, a gap in the sequence, or
/// a record that does not fit the state.
pub(super) fn replay(bytes: &[u8], base: u64, state: &mut State) -> Result<Replayed, JournalError> {
    let mut pos = 0usize;
    let mut last = base;
    while pos < bytes.len() {
        let at = pos as u64;
        let corrupt = |reason: &str| JournalError::Corrupt {
            offset: at,
            reason: reason.to_owned(),
        };
        let rest = &bytes[pos..];
        let torn = Replayed {
            valid_len: pos as u64,
            last_seq: last,
        };
        if rest.iter().all(|&b| b == 0) || rest.len() < HEADER {
            return Ok(torn);
        }
        if rest[..4] != MAGIC || checksum(&rest[..24], &[]) != le_u64(&rest[24..32]) {
            return Err(corrupt("invalid record header"));
        }
        let len = u64::from(u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]));
        let seq = le_u64(&rest[8..16]);
        let sum = le_u64(&rest[16..24]);
        if len > MAX_PAYLOAD {
            return Err(corrupt("record too large"));
        }
        let end = HEADER as u64 + len;
        if end > rest.len() as u64 {
            return Ok(torn);
        }
        let payload = &rest[HEADER..HEADER + len as usize];
        if checksum(&rest[4..16], payload) != sum {
            if end == rest.len() as u64 {
                return Ok(torn);
            }
            return Err(corrupt("checksum mismatch"));
        }
        pos += end as usize;
        if seq <= base {
            continue;
        }
        if seq != last + 1 {
            return Err(corrupt(&format!("record {seq} follows {last}")));
        }
        let changes: Vec<Change> =
            serde_json::from_slice(payload).map_err(|e| corrupt(&e.to_string()))?;
        apply(state, changes).map_err(|reason| JournalError::Inconsistent { seq, reason })?;
        last = seq;
    }
    Ok(Replayed {
        valid_len: pos as u64,
        last_seq: last,
    })
}

/// Applies saved changes to the state, untracked.
///
/// Errors: a key or upload of a bucket that does not exist.
pub(super) fn apply(state: &mut State, changes: Vec<Change>) -> Result<(), String> {
    for c in changes {
        match c {
            Change::Counter(n) => {
                state.counter = state.counter.max(n);
                state.saved_counter = state.counter;
            }
            Change::Bucket { name, config } => {
                let config = config.map(|c| Bucket {
                    objects: Default::default(),
                    uploads: Default::default(),
                    ..c
                });
                state.buckets.set_config_untracked(name, config);
            }
            Change::Key {
                bucket,
                key,
                versions,
            } => {
                let b = state
                    .buckets
                    .get_untracked(&bucket)
                    .ok_or_else(|| format!("no bucket {bucket:?} for key {key:?}"))?;
                b.objects
                    .set_untracked(key, versions.filter(|v| !v.is_empty()));
            }
            Change::Upload { bucket, id, upload } => {
                let b = state
                    .buckets
                    .get_untracked(&bucket)
                    .ok_or_else(|| format!("no bucket {bucket:?} for upload {id:?}"))?;
                b.uploads.set_untracked(id, upload);
            }
        }
    }
    Ok(())
}

/// The changes of the open transaction, and the blob files they stop referencing.
pub(super) fn collect(state: &State) -> (Vec<Change>, Vec<String>) {
    let mut changes = Vec::new();
    let mut old = Files::default();
    let mut new = Files::default();
    let removed: HashSet<&str> = state
        .buckets
        .removed()
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    for b in state.buckets.removed() {
        old.bucket(b);
        for (_, before, _) in b.objects.changes() {
            old.versions(before);
        }
        for (_, before, _) in b.uploads.changes() {
            old.upload(before);
        }
    }
    for (name, before) in state.buckets.touched() {
        let existed = matches!(before, BucketBefore::Config(_));
        let Some(b) = state.buckets.get(name) else {
            if existed {
                changes.push(Change::Bucket {
                    name: name.clone(),
                    config: None,
                });
            }
            continue;
        };
        let fresh = !existed || removed.contains(name.as_str());
        if fresh {
            if existed {
                changes.push(Change::Bucket {
                    name: name.clone(),
                    config: None,
                });
            }
            changes.push(bucket_change(b));
            whole_bucket(b, &mut changes, &mut new);
            continue;
        }
        if let BucketBefore::Config(c) = before
            && !c.same_config(b)
        {
            changes.push(bucket_change(b));
        }
        for (key, before, now) in b.objects.changes() {
            old.versions(before);
            new.versions(now);
            changes.push(Change::Key {
                bucket: name.clone(),
                key: key.clone(),
                versions: now.cloned(),
            });
        }
        for (id, before, now) in b.uploads.changes() {
            old.upload(before);
            new.upload(now);
            changes.push(Change::Upload {
                bucket: name.clone(),
                id: id.clone(),
                upload: now.cloned(),
            });
        }
    }
    if state.counter != state.saved_counter {
        changes.push(Change::Counter(state.counter));
    }
    let garbage = old.0.difference(&new.0).cloned().collect();
    (changes, garbage)
}

fn bucket_change(b: &Bucket) -> Change {
    Change::Bucket {
        name: b.name.clone(),
        config: Some(b.config()),
    }
}

/// Every key and upload of a bucket new in this transaction.
fn whole_bucket(b: &Bucket, changes: &mut Vec<Change>, files: &mut Files) {
    for (key, versions) in b.objects.iter() {
        files.versions(Some(versions));
        changes.push(Change::Key {
            bucket: b.name.clone(),
            key: key.clone(),
            versions: Some(versions.clone()),
        });
    }
    for (id, u) in b.uploads.iter() {
        files.upload(Some(u));
        changes.push(Change::Upload {
            bucket: b.name.clone(),
            id: id.clone(),
            upload: Some(u.clone()),
        });
    }
}

/// A set of blob file names.
#[derive(Default)]
pub(super) struct Files(pub HashSet<String>);

impl Files {
    fn segments(&mut self, segments: &[Segment]) {
        for s in segments {
            if let SegmentData::File(n) = &s.data {
                self.0.insert(n.clone());
            }
        }
    }

    fn object(&mut self, o: &ObjectRecord) {
        self.segments(&o.segments);
    }

    fn versions(&mut self, versions: Option<&Vec<Version>>) {
        for v in versions.into_iter().flatten() {
            if let Some(o) = &v.object {
                self.object(o);
            }
        }
    }

    fn upload(&mut self, upload: Option<&Upload>) {
        for p in upload.into_iter().flat_map(|u| u.parts.values()) {
            self.segments(&p.segments);
        }
    }

    pub(super) fn bucket(&mut self, b: &Bucket) {
        for v in b.objects.values() {
            self.versions(Some(v));
        }
        for u in b.uploads.values() {
            self.upload(Some(u));
        }
    }
}
