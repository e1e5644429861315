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

    /// A fresh version id, written at `now` (the emulator's clock).
    pub fn version_id(&mut self, now: u64) -> String {
        let n = self.next_id();
        use base64::Engine;
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(format!("{now}{n:010}"))
    }

    /// Stores a new version of `key` (a delete marker for `None`) written at `now`
    /// (the emulator's clock) according to the bucket's versioning state, discarding
    /// the versions it replaces. A new object without a retention of its own gets the
    /// bucket's default retention (object lock). Returns the new version id.
    ///
    /// Errors: `NoSuchBucket`; 403 `AccessDenied` when the version it would replace
    /// is under retention (`storage/retention.rs`).
    pub fn put_version(
        &mut self,
        bucket: &str,
        key: &str,
        mut object: Option<ObjectRecord>,
        now: u64,
    ) -> Result<String, ApiError> {
        let b = self.bucket(bucket)?;
        let versioned = b.versioning_enabled();
        if !versioned {
            // The "null" version is replaced: not while it is retained.
            b.refuse_retained(key, "null", now)?;
        }
        if let Some(o) = object.as_mut()
            && o.retain_until.is_none()
        {
            o.retain_until = b.default_retain_until(now);
        }
        let id = if versioned {
            self.version_id(now)
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
        let last_modified = object.as_ref().map_or(now, |o| o.last_modified);
        versions.push(Version {
            id: id.clone(),
            last_modified,
            object,
        });
        Ok(id)
    }
}
