//! Objects the emulator writes itself (access logs, inventory reports).

use bytes::Bytes;

use crate::errors::OpResult;
use crate::state::Shared;
use crate::storage::{Acl, ObjectRecord};

/// Stores `body` as the new version of `bucket`/`key`, written at `now`.
///
/// Errors: `NoSuchBucket`; storage errors.
pub(crate) async fn write_object(
    shared: &Shared,
    bucket: &str,
    key: &str,
    body: Vec<u8>,
    content_type: &str,
) -> OpResult<()> {
    let now = shared.config.clock.now_secs();
    let mut w = shared.store.writer(true).await?;
    w.write(Bytes::from(body)).await?;
    let (segments, d) = w.finish().await?;
    let files = if shared.store.on_disk() {
        segments.clone()
    } else {
        Vec::new()
    };
    let record = ObjectRecord {
        size: d.len,
        etag: super::object::etag_of(&d),
        crc64: d.crc64,
        segments,
        headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
        meta: Vec::new(),
        storage_class: "STANDARD".to_owned(),
        acl: Acl {
            grants: Vec::new(),
            inherit: true,
        },
        tags: Vec::new(),
        restored_until: None,
        restore_ready_at: None,
        retain_until: None,
        appendable: false,
        last_modified: now,
    };
    let stored = shared
        .store
        .update(|st| st.put_version(bucket, key, Some(record), now).map(drop))
        .await;
    if stored.is_err() {
        shared.store.forget(files).await;
    }
    stored
}
