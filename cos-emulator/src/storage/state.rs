//! Everything the emulator stores, as one value: the buckets and the id counter.

use super::buckets::Buckets;
use super::model::{Bucket, ObjectRecord, Version};
use crate::errors::ApiError;

/// Everything the emulator stores.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub buckets: Buckets,
    /// Source of unique ids.
    pub counter: u64,
    /// `counter` as last saved.
    pub(super) saved_counter: u64,
}

impl State {
    pub fn next_id(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// Starts a transaction (forgetting what reads through `bucket_mut` noted).
    pub(super) fn begin(&mut self) {
        self.commit();
    }

    /// Ends a transaction, keeping its changes.
    pub(super) fn commit(&mut self) {
        self.buckets.commit();
        self.saved_counter = self.counter;
    }

    /// Ends a transaction, undoing its changes (ids stay used).
    pub(super) fn rollback(&mut self) {
        self.buckets.rollback();
    }

    pub fn bucket(&self, name: &str) -> Result<&Bucket, ApiError> {
        self.buckets.get(name).ok_or_else(ApiError::no_such_bucket)
    }

    pub fn bucket_mut(&mut self, name: &str) -> Result<&mut Bucket, ApiError> {
        self.buckets
            .get_mut(name)
            .ok_or_else(ApiError::no_such_bucket)
    }

    /// A fresh version id.
    pub fn version_id(&mut self) -> String {
        let n = self.next_id();
        let now = crate::time::now_secs();
        use base64::Engine;
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(format!("{now}{n:010}"))
    }

    /// Stores a new version of `key` according to the bucket's versioning state,
    /// discarding the versions it replaces. Returns the new version id.
    pub fn put_version(
        &mut self,
        bucket: &str,
        key: &str,
        object: Option<ObjectRecord>,
    ) -> Result<String, ApiError> {
        let versioned = self.bucket(bucket)?.versioning_enabled();
        let id = if versioned {
            self.version_id()
        } else {
            "null".to_owned()
        };
        let b = self
            .buckets
            .get_mut(bucket)
            .ok_or_else(ApiError::no_such_bucket)?;
        let versions = match b.objects.get_mut(key) {
            Some(v) => v,
            None => b.objects.entry(key.to_owned()).or_default(),
        };
        if !versioned {
            // The "null" version (normally one) is replaced.
            versions.retain(|v| v.id != "null");
        }
        let last_modified = object
            .as_ref()
            .map_or_else(crate::time::now_secs, |o| o.last_modified);
        versions.push(Version {
            id: id.clone(),
            last_modified,
            object,
        });
        Ok(id)
    }
}
