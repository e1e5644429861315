//! Object-level documents: copy, multi-object delete, restore.

use serde::{Deserialize, Serialize};

/// `<CopyObjectResult>`: response of PUT Object - Copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "CopyObjectResult")]
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

/// `<Error>` entry of a [`DeleteResult`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
