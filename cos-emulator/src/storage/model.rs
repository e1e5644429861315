//! The data model: buckets, object versions and their body segments, uploads.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::tracked::Tracked;
use crate::errors::ApiError;

/// A piece of an object body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Segment {
    /// Length in bytes.
    pub len: u64,
    /// Where the bytes are.
    pub data: SegmentData,
}

/// Where a segment's bytes are.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum SegmentData {
    /// In memory (never saved: in-memory mode only).
    #[serde(skip)]
    Memory(Bytes),
    /// An immutable file under `<data-dir>/blobs/`.
    File(String),
}

/// An access control list: extra grants besides the owner's FULL_CONTROL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Acl {
    /// `(permission, grantee)`: grantee is `id:<uin>` or `uri:<group uri>`.
    pub grants: Vec<(String, String)>,
    /// `true` for objects whose ACL follows the bucket's (`default`).
    pub inherit: bool,
}

/// A stored object version's data and metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ObjectRecord {
    pub size: u64,
    /// Entity tag with its double quotes.
    pub etag: String,
    pub crc64: u64,
    pub segments: Vec<Segment>,
    /// Standard headers (`Content-Type`, `Cache-Control`, ...), names as COS writes them.
    pub headers: Vec<(String, String)>,
    /// `x-cos-meta-*` headers, names lowercased.
    pub meta: Vec<(String, String)>,
    pub storage_class: String,
    pub acl: Acl,
    pub tags: Vec<(String, String)>,
    /// For ARCHIVE / DEEP_ARCHIVE objects: restored copy available until (Unix secs).
    pub restored_until: Option<u64>,
    /// For a restore in progress: when its copy becomes readable (Unix secs, by the
    /// emulator's clock); `None` once none is in progress.
    #[serde(default)]
    pub restore_ready_at: Option<u64>,
    /// Object retention (COMPLIANCE): neither deleted nor overwritten before this time
    /// (Unix secs, by the emulator's clock).
    #[serde(default)]
    pub retain_until: Option<u64>,
    /// Created by Append Object.
    pub appendable: bool,
    pub last_modified: u64,
}

/// One version of a key: an object or a delete marker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Version {
    /// `null` for versions written while versioning was off or suspended.
    pub id: String,
    pub last_modified: u64,
    /// `None` for a delete marker.
    pub object: Option<ObjectRecord>,
}

/// An uploaded part.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PartRecord {
    pub size: u64,
    pub etag: String,
    pub crc64: u64,
    pub last_modified: u64,
    pub segments: Vec<Segment>,
}

/// A multipart upload in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Upload {
    pub key: String,
    pub id: String,
    pub initiated: u64,
    /// Metadata the object will get (size, etag, crc and segments unused).
    pub template: ObjectRecord,
    pub parts: BTreeMap<u32, PartRecord>,
}

/// A bucket with its configuration, objects and uploads.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Bucket {
    pub name: String,
    pub region: String,
    pub created: u64,
    pub acl: Acl,
    pub az: Option<String>,
    /// XML documents as accepted.
    pub cors: Option<String>,
    pub lifecycle: Option<String>,
    pub tagging: Option<String>,
    /// JSON policy.
    pub policy: Option<String>,
    /// `Enabled` or `Suspended`; `None` when never configured.
    pub versioning: Option<String>,
    /// The documents of the other configuration families (website, referer,
    /// encryption, logging, ...) by sub-resource name, as accepted (see
    /// `ops/families.rs`).
    #[serde(default)]
    pub configs: BTreeMap<String, String>,
    /// Versions of each key, oldest first.
    pub objects: Tracked<Vec<Version>>,
    /// Uploads by id.
    pub uploads: Tracked<Upload>,
}

impl Bucket {
    /// A copy of the configuration (without objects and uploads).
    pub(crate) fn config(&self) -> Bucket {
        let Bucket {
            name,
            region,
            created,
            acl,
            az,
            cors,
            lifecycle,
            tagging,
            policy,
            versioning,
            configs,
            objects: _,
            uploads: _,
        } = self;
        Bucket {
            name: name.clone(),
            region: region.clone(),
            created: *created,
            acl: acl.clone(),
            az: az.clone(),
            cors: cors.clone(),
            lifecycle: lifecycle.clone(),
            tagging: tagging.clone(),
            policy: policy.clone(),
            versioning: versioning.clone(),
            configs: configs.clone(),
            objects: Tracked::default(),
            uploads: Tracked::default(),
        }
    }

    /// Replaces the configuration with `c`'s, keeping objects and uploads.
    pub(crate) fn set_config(&mut self, c: Bucket) {
        let objects = std::mem::take(&mut self.objects);
        let uploads = std::mem::take(&mut self.uploads);
        *self = Bucket {
            objects,
            uploads,
            ..c
        };
    }

    /// Whether the configurations are equal.
    pub(crate) fn same_config(&self, o: &Bucket) -> bool {
        let Bucket {
            name,
            region,
            created,
            acl,
            az,
            cors,
            lifecycle,
            tagging,
            policy,
            versioning,
            configs,
            objects: _,
            uploads: _,
        } = self;
        configs == &o.configs
            && (name, region, created, acl, az) == (&o.name, &o.region, &o.created, &o.acl, &o.az)
            && (cors, lifecycle, tagging, policy, versioning)
                == (&o.cors, &o.lifecycle, &o.tagging, &o.policy, &o.versioning)
    }

    /// The latest version of `key`, if any (may be a delete marker).
    pub fn latest(&self, key: &str) -> Option<&Version> {
        self.objects.get(key).and_then(|v| v.last())
    }

    /// The current object of `key` (not a delete marker).
    pub fn current(&self, key: &str) -> Option<&ObjectRecord> {
        self.latest(key).and_then(|v| v.object.as_ref())
    }

    /// Version `id` of `key`, or its latest version without one (possibly a delete
    /// marker).
    ///
    /// Errors: `NoSuchKey`, `NoSuchVersion`.
    pub fn version(&self, key: &str, id: Option<&str>) -> Result<&Version, ApiError> {
        let versions = self.objects.get(key).ok_or_else(ApiError::no_such_key)?;
        match id {
            Some(id) => versions
                .iter()
                .find(|v| v.id == id)
                .ok_or_else(ApiError::no_such_version),
            None => versions.last().ok_or_else(ApiError::no_such_key),
        }
    }

    /// The object of [`version`](Self::version), to change.
    ///
    /// Errors: `NoSuchKey` (also for a delete marker), `NoSuchVersion`.
    pub fn object_mut(
        &mut self,
        key: &str,
        id: Option<&str>,
    ) -> Result<&mut ObjectRecord, ApiError> {
        let versions = self
            .objects
            .get_mut(key)
            .ok_or_else(ApiError::no_such_key)?;
        let v = match id {
            Some(id) => versions
                .iter_mut()
                .find(|v| v.id == id)
                .ok_or_else(ApiError::no_such_version)?,
            None => versions.last_mut().ok_or_else(ApiError::no_such_key)?,
        };
        v.object.as_mut().ok_or_else(ApiError::no_such_key)
    }

    pub fn versioning_enabled(&self) -> bool {
        self.versioning.as_deref() == Some("Enabled")
    }
}
