//! Lifecycle rules (`PUT/GET Bucket lifecycle`).

use serde::{Deserialize, Serialize};

use crate::common::Tag;

/// `<LifecycleConfiguration>`: body of PUT Bucket lifecycle, response of GET.
///
/// ```xml
/// <LifecycleConfiguration>
///   <Rule>
///     <ID>archive-logs</ID>
///     <Filter><Prefix>logs/</Prefix></Filter>
///     <Status>Enabled</Status>
///     <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
///     <Expiration><Days>365</Days></Expiration>
///   </Rule>
/// </LifecycleConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "LifecycleConfiguration")]
#[non_exhaustive]
pub struct LifecycleConfiguration {
    /// Rules, in document order.
    #[serde(rename = "Rule", default)]
    pub rules: Vec<LifecycleRule>,
}

impl LifecycleConfiguration {
    /// A configuration holding `rules`.
    pub fn new(rules: Vec<LifecycleRule>) -> Self {
        LifecycleConfiguration { rules }
    }
}

/// `<Rule>`: one lifecycle rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleRule {
    /// Rule ID.
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Which objects the rule applies to.
    #[serde(rename = "Filter", default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<LifecycleFilter>,
    /// Whether the rule is active.
    #[serde(rename = "Status")]
    pub status: RuleStatus,
    /// Storage class transitions of current versions.
    #[serde(rename = "Transition", default)]
    pub transitions: Vec<Transition>,
    /// Expiration of current versions.
    #[serde(
        rename = "Expiration",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration: Option<Expiration>,
    /// Storage class transitions of noncurrent versions.
    #[serde(rename = "NoncurrentVersionTransition", default)]
    pub noncurrent_version_transitions: Vec<NoncurrentVersionTransition>,
    /// Expiration of noncurrent versions.
    #[serde(
        rename = "NoncurrentVersionExpiration",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub noncurrent_version_expiration: Option<NoncurrentVersionExpiration>,
    /// Cleanup of unfinished multipart uploads.
    #[serde(
        rename = "AbortIncompleteMultipartUpload",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub abort_incomplete_multipart_upload: Option<AbortIncompleteMultipartUpload>,
}

/// `<Status>` of a lifecycle rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RuleStatus {
    /// The rule is applied.
    Enabled,
    /// The rule is kept but not applied.
    Disabled,
}

/// `<Filter>`: the set of objects a rule applies to.
///
/// An empty `<Filter/>` (or `<Prefix/>`) selects the whole bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleFilter {
    /// Key prefix.
    #[serde(rename = "Prefix", default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Tags the objects must carry.
    #[serde(rename = "Tag", default)]
    pub tags: Vec<Tag>,
    /// Conjunction of a prefix and several tags.
    #[serde(rename = "And", default, skip_serializing_if = "Option::is_none")]
    pub and: Option<LifecycleAnd>,
}

/// `<And>` inside a `<Filter>`: all conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleAnd {
    /// Key prefix.
    #[serde(rename = "Prefix", default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Tags the objects must carry.
    #[serde(rename = "Tag", default)]
    pub tags: Vec<Tag>,
}

/// `<Transition>`: move current versions to another storage class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// Days after the last modification.
    #[serde(rename = "Days", default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Fixed date (ISO 8601, e.g. `2018-04-20T00:00:00+08:00`), as COS sends it.
    #[serde(rename = "Date", default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Target storage class, e.g. `STANDARD_IA`, `ARCHIVE`, `DEEP_ARCHIVE`.
    #[serde(rename = "StorageClass", default)]
    pub storage_class: String,
}

/// `<Expiration>`: delete current versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expiration {
    /// Days after the last modification.
    #[serde(rename = "Days", default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Fixed date (ISO 8601), as COS sends it.
    #[serde(rename = "Date", default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Remove delete markers that have no noncurrent versions left.
    #[serde(
        rename = "ExpiredObjectDeleteMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub expired_object_delete_marker: Option<bool>,
}

/// `<NoncurrentVersionTransition>`: move noncurrent versions to another storage class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoncurrentVersionTransition {
    /// Days after the version became noncurrent.
    #[serde(
        rename = "NoncurrentDays",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub noncurrent_days: Option<u32>,
    /// Target storage class.
    #[serde(rename = "StorageClass", default)]
    pub storage_class: String,
}

/// `<NoncurrentVersionExpiration>`: delete noncurrent versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoncurrentVersionExpiration {
    /// Days after the version became noncurrent.
    #[serde(
        rename = "NoncurrentDays",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub noncurrent_days: Option<u32>,
}

/// `<AbortIncompleteMultipartUpload>`: abort uploads left unfinished.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbortIncompleteMultipartUpload {
    /// Days after the upload was initiated.
    #[serde(
        rename = "DaysAfterInitiation",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub days_after_initiation: Option<u32>,
}
