//! Inventory reports (`PUT/GET/DELETE Bucket inventory`, List Inventory
//! Configurations, and the one-off `POST Bucket inventory`).

use serde::{Deserialize, Serialize};

/// `<InventoryConfiguration>`: body of PUT/POST Bucket inventory, response of GET.
///
/// ```xml
/// <InventoryConfiguration>
///   <Id>list1</Id><IsEnabled>true</IsEnabled>
///   <Destination><COSBucketDestination><Format>CSV</Format><AccountId>100000000001</AccountId>
///     <Bucket>qcs::cos:ap-guangzhou::reports-1250000000</Bucket><Prefix>inv</Prefix></COSBucketDestination></Destination>
///   <Schedule><Frequency>Daily</Frequency></Schedule>
///   <Filter><Prefix>docs/</Prefix></Filter>
///   <IncludedObjectVersions>Current</IncludedObjectVersions>
///   <OptionalFields><Field>Size</Field><Field>ETag</Field></OptionalFields>
/// </InventoryConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "InventoryConfiguration")]
#[non_exhaustive]
pub struct InventoryConfiguration {
    /// The inventory's name (the `id` query parameter).
    #[serde(rename = "Id")]
    pub id: String,
    /// `true` or `false`.
    #[serde(rename = "IsEnabled")]
    pub is_enabled: String,
    /// Where reports go.
    #[serde(rename = "Destination")]
    pub destination: InventoryDestination,
    /// How often scheduled reports are made.
    #[serde(rename = "Schedule", default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<InventorySchedule>,
    /// Which objects are listed.
    #[serde(rename = "Filter", default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<InventoryFilter>,
    /// `All` versions or only the `Current` ones.
    #[serde(rename = "IncludedObjectVersions")]
    pub included_object_versions: String,
    /// The optional columns, in order.
    #[serde(
        rename = "OptionalFields",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub optional_fields: Option<OptionalFields>,
}

impl InventoryConfiguration {
    /// An enabled daily CSV inventory `id` of current versions into `bucket`
    /// (`qcs::cos:<region>::<bucket-appid>`) under `prefix`.
    pub fn new(
        id: impl Into<String>,
        bucket: impl Into<String>,
        prefix: impl Into<String>,
    ) -> Self {
        InventoryConfiguration {
            id: id.into(),
            is_enabled: "true".into(),
            destination: InventoryDestination {
                cos_bucket_destination: CosBucketDestination {
                    format: "CSV".into(),
                    account_id: None,
                    bucket: bucket.into(),
                    prefix: Some(prefix.into()),
                },
            },
            schedule: Some(InventorySchedule {
                frequency: "Daily".into(),
            }),
            filter: None,
            included_object_versions: "Current".into(),
            optional_fields: None,
        }
    }
}

/// `<Destination>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryDestination {
    /// The bucket receiving the reports.
    #[serde(rename = "COSBucketDestination")]
    pub cos_bucket_destination: CosBucketDestination,
}

/// `<COSBucketDestination>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CosBucketDestination {
    /// `CSV`.
    #[serde(rename = "Format")]
    pub format: String,
    /// The destination bucket's owner.
    #[serde(rename = "AccountId", default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// `qcs::cos:<region>::<bucket-appid>`.
    #[serde(rename = "Bucket")]
    pub bucket: String,
    /// Key prefix of the reports.
    #[serde(rename = "Prefix", default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

impl CosBucketDestination {
    /// The bucket name of `bucket` (after the last `::` or `:`).
    pub fn bucket_name(&self) -> &str {
        self.bucket.rsplit(':').next().unwrap_or("")
    }
}

/// `<Schedule>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventorySchedule {
    /// `Daily` or `Weekly`.
    #[serde(rename = "Frequency")]
    pub frequency: String,
}

/// `<Filter>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryFilter {
    /// Keys listed.
    #[serde(rename = "Prefix", default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// `<OptionalFields>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionalFields {
    /// `Size`, `LastModifiedDate`, `ETag`, `StorageClass`, `IsMultipartUploaded`,
    /// `ReplicationStatus`, ...
    #[serde(rename = "Field", default)]
    pub fields: Vec<String>,
}

/// `<ListInventoryConfigurationResult>`: the answer of List Inventory
/// Configurations (GET Bucket inventory without `id`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ListInventoryConfigurationResult")]
#[non_exhaustive]
pub struct ListInventoryConfigurationResult {
    /// The configurations of this page.
    #[serde(rename = "InventoryConfiguration", default)]
    pub configurations: Vec<InventoryConfiguration>,
    /// Whether more pages follow.
    #[serde(rename = "IsTruncated", default)]
    pub is_truncated: bool,
    /// The token this page was asked with.
    #[serde(
        rename = "ContinuationToken",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub continuation_token: Option<String>,
    /// The token of the next page.
    #[serde(
        rename = "NextContinuationToken",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_continuation_token: Option<String>,
}
