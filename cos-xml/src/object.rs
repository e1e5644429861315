//! Object-level documents: copy, multi-object delete, restore.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::codec::XmlError;

/// `<CopyObjectResult>`: response of PUT Object - Copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "CopyObjectResult")]
#[non_exhaustive]
pub struct CopyObjectResult {
    /// Entity tag of the new object.
    #[serde(rename = "ETag", default)]
    pub etag: String,
    /// Modification time of the new object, as COS sends it.
    #[serde(rename = "LastModified", default)]
    pub last_modified: String,
    /// Version ID of the new object (versioned buckets).
    #[serde(rename = "VersionId", default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// CRC-64/ECMA of the new object, when COS reports it.
    #[serde(rename = "CRC64", default, skip_serializing_if = "Option::is_none")]
    pub crc64: Option<String>,
}

impl CopyObjectResult {
    /// A copy result with the new object's entity tag and modification time
    /// (as written on the wire).
    pub fn new(etag: impl Into<String>, last_modified: impl Into<String>) -> Self {
        CopyObjectResult {
            etag: etag.into(),
            last_modified: last_modified.into(),
            ..Default::default()
        }
    }
}

impl CopyObjectResult {
    /// [`last_modified`](Self::last_modified) parsed (modification time of the new object).
    ///
    /// # Errors
    ///
    /// [`XmlError::InvalidValue`] when the text is not a timestamp COS writes
    /// (see [`crate::time::parse_time`]).
    pub fn last_modified_time(&self) -> Result<SystemTime, XmlError> {
        crate::time::parse_element(&self.last_modified, "LastModified")
    }
}

/// `<Delete>`: body of DELETE Multiple Objects.
///
/// ```xml
/// <Delete><Quiet>false</Quiet><Object><Key>exampleobject1</Key></Object></Delete>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Delete")]
pub struct Delete {
    /// `true`: report only failures.
    #[serde(rename = "Quiet", default, skip_serializing_if = "Option::is_none")]
    pub quiet: Option<bool>,
    /// Objects to delete (up to 1000).
    #[serde(rename = "Object", default)]
    pub objects: Vec<ObjectIdentifier>,
}

/// `<Object>` of a [`Delete`] request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectIdentifier {
    /// Object key (raw, not URL-encoded).
    #[serde(rename = "Key")]
    pub key: String,
    /// Version to delete (versioned buckets).
    #[serde(rename = "VersionId", default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

impl ObjectIdentifier {
    /// Identifies the current version of a key.
    pub fn new(key: impl Into<String>) -> Self {
        ObjectIdentifier {
            key: key.into(),
            version_id: None,
        }
    }
}

/// `<DeleteResult>`: response of DELETE Multiple Objects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "DeleteResult")]
#[non_exhaustive]
pub struct DeleteResult {
    /// Objects deleted (omitted in quiet mode).
    #[serde(rename = "Deleted", default)]
    pub deleted: Vec<DeletedObject>,
    /// Objects that could not be deleted.
    #[serde(rename = "Error", default)]
    pub errors: Vec<DeleteError>,
}

/// `<Deleted>` entry of a [`DeleteResult`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeletedObject {
    /// Object key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Version ID given in the request.
    #[serde(rename = "VersionId", default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// Whether a delete marker was created or removed.
    #[serde(
        rename = "DeleteMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_marker: Option<bool>,
    /// Version ID of that delete marker.
    #[serde(
        rename = "DeleteMarkerVersionId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_marker_version_id: Option<String>,
}

impl DeletedObject {
    /// A `<Deleted>` entry for `key`.
    pub fn new(key: impl Into<String>) -> Self {
        DeletedObject {
            key: key.into(),
            ..Default::default()
        }
    }
}

/// `<Error>` entry of a [`DeleteResult`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeleteError {
    /// Object key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Version ID given in the request.
    #[serde(rename = "VersionId", default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// Error code, e.g. `AccessDenied`.
    #[serde(rename = "Code", default)]
    pub code: String,
    /// Error message.
    #[serde(rename = "Message", default)]
    pub message: String,
}

impl DeleteError {
    /// An `<Error>` entry: `key` could not be deleted because of `code`.
    pub fn new(
        key: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        DeleteError {
            key: key.into(),
            code: code.into(),
            message: message.into(),
            ..Default::default()
        }
    }
}

/// `<RestoreRequest>`: body of POST Object restore.
///
/// ```xml
/// <RestoreRequest><Days>1</Days><CASJobParameters><Tier>Standard</Tier></CASJobParameters></RestoreRequest>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "RestoreRequest")]
pub struct RestoreRequest {
    /// Days the restored copy stays available.
    #[serde(rename = "Days")]
    pub days: u32,
    /// Restore mode.
    #[serde(
        rename = "CASJobParameters",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cas_job_parameters: Option<CasJobParameters>,
}

/// `<CASJobParameters>` of a [`RestoreRequest`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasJobParameters {
    /// Restore speed.
    #[serde(rename = "Tier")]
    pub tier: Tier,
}

/// Restore speed of an archived object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Tier {
    /// Fastest (ARCHIVE only).
    Expedited,
    /// Standard speed.
    #[default]
    Standard,
    /// Slowest and cheapest.
    Bulk,
}
