//! Cross-bucket replication (`PUT/GET/DELETE Bucket replication`).

use serde::{Deserialize, Serialize};

/// `<ReplicationConfiguration>`: body of PUT Bucket replication, response of GET.
///
/// ```xml
/// <ReplicationConfiguration>
///   <Role>qcs::cam::uin/100000000001:uin/100000000001</Role>
///   <Rule>
///     <ID>r1</ID><Status>Enabled</Status><Prefix>docs/</Prefix>
///     <Destination><Bucket>qcs::cos:ap-guangzhou::backup-1250000000</Bucket><StorageClass>STANDARD_IA</StorageClass></Destination>
///   </Rule>
/// </ReplicationConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ReplicationConfiguration")]
#[non_exhaustive]
pub struct ReplicationConfiguration {
    /// The CAM role COS replicates as (`qcs::cam::uin/<uin>:uin/<uin>`).
    #[serde(rename = "Role")]
    pub role: String,
    /// Rules, in document order.
    #[serde(rename = "Rule", default)]
    pub rules: Vec<ReplicationRule>,
}

impl ReplicationConfiguration {
    /// A configuration of `rules` replicated as `role`.
    pub fn new(role: impl Into<String>, rules: Vec<ReplicationRule>) -> Self {
        ReplicationConfiguration {
            role: role.into(),
            rules,
        }
    }
}

/// `<Rule>` of a replication configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicationRule {
    /// Rule ID.
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    #[serde(rename = "Status")]
    pub status: String,
    /// Keys replicated (all when empty).
    #[serde(rename = "Prefix", default)]
    pub prefix: String,
    /// Where replicas go.
    #[serde(rename = "Destination")]
    pub destination: ReplicationDestination,
}

/// `<Destination>` of a replication rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicationDestination {
    /// `qcs::cos:<region>::<bucket-appid>`.
    #[serde(rename = "Bucket")]
    pub bucket: String,
    /// Storage class of the replicas (the source's when absent).
    #[serde(
        rename = "StorageClass",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub storage_class: Option<String>,
}

impl ReplicationDestination {
    /// The bucket name (`<bucket-appid>`) of a `qcs::cos:<region>::<bucket-appid>`
    /// resource, or of a bare name.
    pub fn bucket_name(&self) -> &str {
        self.bucket
            .rsplit_once("::")
            .map_or(self.bucket.as_str(), |(_, name)| name)
            .rsplit(':')
            .next()
            .unwrap_or("")
    }
}
