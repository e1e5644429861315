//! Object listings: GET Bucket (List Objects) and GET Bucket Object versions.
//!
//! With `encoding-type=url` COS percent-encodes keys, prefixes and markers;
//! these models keep the raw strings and leave decoding to the client.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::codec::XmlError;

use crate::common::{CommonPrefix, Owner};

/// `<ListBucketResult>`: response of GET Bucket (List Objects).
///
/// ```xml
/// <ListBucketResult>
///   <Name>examplebucket-1250000000</Name>
///   <Prefix/>
///   <Marker/>
///   <MaxKeys>1000</MaxKeys>
///   <IsTruncated>false</IsTruncated>
///   <Contents>
///     <Key>exampleobject</Key>
///     <LastModified>2017-08-08T09:43:35.000Z</LastModified>
///     <ETag>"a5b2e1cfb08d10f6523f7e6fbf3643d5"</ETag>
///     <Size>23</Size>
///     <Owner><ID>1250000000</ID><DisplayName>1250000000</DisplayName></Owner>
///     <StorageClass>STANDARD</StorageClass>
///   </Contents>
/// </ListBucketResult>
/// ```
///
/// For large listings prefer [`ListBucketResult::from_xml_fast`], which
/// produces the same value several times faster than [`crate::from_str`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ListBucketResult")]
#[non_exhaustive]
pub struct ListBucketResult {
    /// Bucket name.
    #[serde(rename = "Name", default)]
    pub name: String,
    /// `url` when keys, prefixes and markers are percent-encoded.
    #[serde(
        rename = "EncodingType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub encoding_type: Option<String>,
    /// Prefix of the request (empty when none).
    #[serde(rename = "Prefix", default)]
    pub prefix: String,
    /// Marker of the request (empty when none).
    #[serde(rename = "Marker", default)]
    pub marker: String,
    /// Page size of the request.
    #[serde(rename = "MaxKeys", default)]
    pub max_keys: u32,
    /// Delimiter of the request, if any.
    #[serde(rename = "Delimiter", default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Whether more results follow.
    #[serde(rename = "IsTruncated", default)]
    pub is_truncated: bool,
    /// Marker for the next page (only when truncated).
    #[serde(
        rename = "NextMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_marker: Option<String>,
    /// Key groups folded by the delimiter.
    #[serde(rename = "CommonPrefixes", default)]
    pub common_prefixes: Vec<CommonPrefix>,
    /// The objects (`<Contents>` entries), in document order.
    #[serde(rename = "Contents", default)]
    pub contents: Vec<ObjectSummary>,
}

/// `<Contents>`: one object of a listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectSummary {
    /// Object key (URL-encoded when `EncodingType` is `url`).
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Last modification time, as COS sends it (e.g. `2017-08-08T09:43:35.000Z`).
    #[serde(rename = "LastModified", default)]
    pub last_modified: String,
    /// Entity tag, including its double quotes.
    #[serde(rename = "ETag", default)]
    pub etag: String,
    /// Size in bytes.
    #[serde(rename = "Size", default)]
    pub size: u64,
    /// Owner of the object.
    #[serde(rename = "Owner", default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    /// Storage class, e.g. `STANDARD`, `STANDARD_IA`, `ARCHIVE`, `INTELLIGENT_TIERING`.
    #[serde(rename = "StorageClass", default)]
    pub storage_class: String,
    /// Tier of an `INTELLIGENT_TIERING` object (`FREQUENT` / `INFREQUENT`).
    #[serde(
        rename = "StorageTier",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub storage_tier: Option<String>,
}

impl ObjectSummary {
    /// [`last_modified`](Self::last_modified) parsed (last modification time).
    ///
    /// # Errors
    ///
    /// [`XmlError::InvalidValue`] when the text is not a timestamp COS writes
    /// (see [`crate::time::parse_time`]).
    pub fn last_modified_time(&self) -> Result<SystemTime, XmlError> {
        crate::time::parse_element(&self.last_modified, "LastModified")
    }
}

/// `<ListVersionsResult>`: response of GET Bucket Object versions.
///
/// `<Version>` and `<DeleteMarker>` entries are kept in one list,
/// [`entries`](Self::entries), in the order COS sent them (newest version of a
/// key first, delete markers interleaved).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ListVersionsResult")]
#[non_exhaustive]
pub struct ListVersionsResult {
    /// `url` when keys, prefixes and markers are percent-encoded.
    #[serde(
        rename = "EncodingType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub encoding_type: Option<String>,
    /// Bucket name.
    #[serde(rename = "Name", default)]
    pub name: String,
    /// Prefix of the request (empty when none).
    #[serde(rename = "Prefix", default)]
    pub prefix: String,
    /// Key marker of the request (empty when none).
    #[serde(rename = "KeyMarker", default)]
    pub key_marker: String,
    /// Version ID marker of the request (empty when none).
    #[serde(rename = "VersionIdMarker", default)]
    pub version_id_marker: String,
    /// Page size of the request.
    #[serde(rename = "MaxKeys", default)]
    pub max_keys: u32,
    /// Delimiter of the request, if any.
    #[serde(rename = "Delimiter", default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Whether more results follow.
    #[serde(rename = "IsTruncated", default)]
    pub is_truncated: bool,
    /// Key marker for the next page (only when truncated).
    #[serde(
        rename = "NextKeyMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_key_marker: Option<String>,
    /// Version ID marker for the next page (only when truncated).
    #[serde(
        rename = "NextVersionIdMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_version_id_marker: Option<String>,
    /// Key groups folded by the delimiter.
    #[serde(rename = "CommonPrefixes", default)]
    pub common_prefixes: Vec<CommonPrefix>,
    /// Versions and delete markers, in document order.
    #[serde(rename = "$value", default, deserialize_with = "de_entries")]
    pub entries: Vec<VersionEntry>,
}

/// Deserialization helper: like [`VersionEntry`], but tolerating (and
/// dropping) elements this crate does not know, so that a new element added
/// by COS does not break version listings.
#[derive(Deserialize)]
enum RawEntry {
    Version(ObjectVersion),
    DeleteMarker(DeleteMarkerEntry),
    #[serde(other)]
    Unknown,
}

fn de_entries<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<VersionEntry>, D::Error> {
    let raw = Vec::<RawEntry>::deserialize(d)?;
    Ok(raw
        .into_iter()
        .filter_map(|e| match e {
            RawEntry::Version(v) => Some(VersionEntry::Version(v)),
            RawEntry::DeleteMarker(m) => Some(VersionEntry::DeleteMarker(m)),
            RawEntry::Unknown => None,
        })
        .collect())
}

impl ListVersionsResult {
    /// Iterates over the `<Version>` entries only.
    pub fn versions(&self) -> impl Iterator<Item = &ObjectVersion> {
        self.entries.iter().filter_map(|e| match e {
            VersionEntry::Version(v) => Some(v),
            VersionEntry::DeleteMarker(_) => None,
        })
    }

    /// Iterates over the `<DeleteMarker>` entries only.
    pub fn delete_markers(&self) -> impl Iterator<Item = &DeleteMarkerEntry> {
        self.entries.iter().filter_map(|e| match e {
            VersionEntry::DeleteMarker(d) => Some(d),
            VersionEntry::Version(_) => None,
        })
    }
}

/// One entry of a [`ListVersionsResult`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VersionEntry {
    /// `<Version>`: a stored version of an object.
    Version(ObjectVersion),
    /// `<DeleteMarker>`: a delete marker.
    DeleteMarker(DeleteMarkerEntry),
}

/// `<Version>`: a stored version of an object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectVersion {
    /// Object key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Version ID (`null` for objects written before versioning was enabled).
    #[serde(rename = "VersionId", default)]
    pub version_id: String,
    /// Whether this is the current version.
    #[serde(rename = "IsLatest", default)]
    pub is_latest: bool,
    /// Last modification time, as COS sends it.
    #[serde(rename = "LastModified", default)]
    pub last_modified: String,
    /// Entity tag, including its double quotes.
    #[serde(rename = "ETag", default)]
    pub etag: String,
    /// Size in bytes.
    #[serde(rename = "Size", default)]
    pub size: u64,
    /// Storage class.
    #[serde(rename = "StorageClass", default)]
    pub storage_class: String,
    /// Tier of an `INTELLIGENT_TIERING` object.
    #[serde(
        rename = "StorageTier",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub storage_tier: Option<String>,
    /// Owner of the version.
    #[serde(rename = "Owner", default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
}

impl ObjectVersion {
    /// [`last_modified`](Self::last_modified) parsed (last modification time).
    ///
    /// # Errors
    ///
    /// [`XmlError::InvalidValue`] when the text is not a timestamp COS writes
    /// (see [`crate::time::parse_time`]).
    pub fn last_modified_time(&self) -> Result<SystemTime, XmlError> {
        crate::time::parse_element(&self.last_modified, "LastModified")
    }
}

/// `<DeleteMarker>`: a delete marker in a version listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeleteMarkerEntry {
    /// Object key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Version ID of the marker.
    #[serde(rename = "VersionId", default)]
    pub version_id: String,
    /// Whether the marker is the current version.
    #[serde(rename = "IsLatest", default)]
    pub is_latest: bool,
    /// Creation time of the marker, as COS sends it.
    #[serde(rename = "LastModified", default)]
    pub last_modified: String,
    /// Owner of the marker.
    #[serde(rename = "Owner", default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
}

impl DeleteMarkerEntry {
    /// [`last_modified`](Self::last_modified) parsed (last modification time).
    ///
    /// # Errors
    ///
    /// [`XmlError::InvalidValue`] when the text is not a timestamp COS writes
    /// (see [`crate::time::parse_time`]).
    pub fn last_modified_time(&self) -> Result<SystemTime, XmlError> {
        crate::time::parse_element(&self.last_modified, "LastModified")
    }
}
