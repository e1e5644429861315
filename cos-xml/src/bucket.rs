//! Bucket-level documents: GET Service, PUT Bucket, GET Bucket location, versioning.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::codec::XmlError;

use crate::common::Owner;

/// `<ListAllMyBucketsResult>`: response of GET Service (list buckets).
///
/// ```xml
/// <ListAllMyBucketsResult>
///   <Owner><ID>qcs::cam::uin/100000000001:uin/100000000001</ID><DisplayName>100000000001</DisplayName></Owner>
///   <Buckets>
///     <Bucket><Name>examplebucket-1250000000</Name><Location>ap-beijing</Location>
///       <CreationDate>2019-05-24T11:49:50Z</CreationDate><BucketType>cos</BucketType></Bucket>
///   </Buckets>
/// </ListAllMyBucketsResult>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ListAllMyBucketsResult")]
#[non_exhaustive]
pub struct ListAllMyBucketsResult {
    /// The account that owns the buckets.
    #[serde(rename = "Owner", default)]
    pub owner: Owner,
    /// The buckets.
    #[serde(rename = "Buckets", default)]
    pub buckets: Buckets,
    /// Marker of this page (paged GET Service only).
    #[serde(rename = "Marker", default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Page size (paged GET Service only).
    #[serde(rename = "MaxKeys", default, skip_serializing_if = "Option::is_none")]
    pub max_keys: Option<u32>,
    /// Whether more buckets follow (paged GET Service only).
    #[serde(
        rename = "IsTruncated",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub is_truncated: Option<bool>,
    /// Marker to pass for the next page.
    #[serde(
        rename = "NextMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_marker: Option<String>,
}

impl ListAllMyBucketsResult {
    /// An unpaged answer: `owner`'s `buckets`.
    pub fn new(owner: Owner, buckets: Vec<Bucket>) -> Self {
        ListAllMyBucketsResult {
            owner,
            buckets: Buckets { bucket: buckets },
            ..Default::default()
        }
    }
}

/// `<Buckets>`: wrapper of the bucket list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Buckets {
    /// `<Bucket>` entries in document order (empty when the account has none).
    #[serde(rename = "Bucket", default)]
    pub bucket: Vec<Bucket>,
}

/// `<Bucket>`: one bucket of a GET Service answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bucket {
    /// Bucket name, `BucketName-APPID`.
    #[serde(rename = "Name", default)]
    pub name: String,
    /// Region, e.g. `ap-guangzhou`.
    #[serde(rename = "Location", default)]
    pub location: String,
    /// Creation time, as COS sends it (ISO 8601, e.g. `2019-05-24T11:49:50Z`).
    #[serde(rename = "CreationDate", default)]
    pub creation_date: String,
    /// Bucket type: `cos` or `ofs` (metadata-accelerated).
    #[serde(
        rename = "BucketType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub bucket_type: Option<String>,
}

impl Bucket {
    /// [`creation_date`](Self::creation_date) parsed (creation time of the bucket).
    ///
    /// # Errors
    ///
    /// [`XmlError::InvalidValue`] when the text is not a timestamp COS writes
    /// (see [`crate::time::parse_time`]).
    pub fn creation_time(&self) -> Result<SystemTime, XmlError> {
        crate::time::parse_element(&self.creation_date, "CreationDate")
    }
}

/// `<CreateBucketConfiguration>`: optional body of PUT Bucket.
///
/// ```xml
/// <CreateBucketConfiguration><BucketAZConfig>MAZ</BucketAZConfig></CreateBucketConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "CreateBucketConfiguration")]
pub struct CreateBucketConfiguration {
    /// AZ configuration; `MAZ` creates a multi-AZ bucket.
    #[serde(
        rename = "BucketAZConfig",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub bucket_az_config: Option<String>,
    /// Architecture configuration; `OFS` creates a metadata-accelerated bucket.
    #[serde(
        rename = "BucketArchConfig",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub bucket_arch_config: Option<String>,
}

/// `<LocationConstraint>`: response of GET Bucket location.
///
/// ```xml
/// <LocationConstraint>ap-guangzhou</LocationConstraint>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "LocationConstraint")]
#[non_exhaustive]
pub struct LocationConstraint {
    /// Region of the bucket, e.g. `ap-beijing`.
    #[serde(rename = "$text", default)]
    pub region: String,
}

impl LocationConstraint {
    /// The location document of a bucket in `region`.
    pub fn new(region: impl Into<String>) -> Self {
        LocationConstraint {
            region: region.into(),
        }
    }
}

/// `<VersioningConfiguration>`: body of PUT Bucket versioning, response of GET.
///
/// A bucket that never had versioning enabled answers `<VersioningConfiguration/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "VersioningConfiguration")]
#[non_exhaustive]
pub struct VersioningConfiguration {
    /// Versioning state; `None` when never configured.
    #[serde(rename = "Status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<VersioningStatus>,
}

impl VersioningConfiguration {
    /// A document setting (or reporting) `status`; [`Default`] gives the
    /// never-configured `<VersioningConfiguration/>`.
    pub fn new(status: VersioningStatus) -> Self {
        VersioningConfiguration {
            status: Some(status),
        }
    }
}

/// Versioning state of a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum VersioningStatus {
    /// Versioning is on.
    Enabled,
    /// Versioning was on and is now paused.
    Suspended,
}
