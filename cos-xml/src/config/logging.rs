//! Access logging (`PUT/GET Bucket logging`).

use serde::{Deserialize, Serialize};

/// `<BucketLoggingStatus>`: body of PUT Bucket logging, response of GET. Without
/// `LoggingEnabled`, logging is off.
///
/// ```xml
/// <BucketLoggingStatus>
///   <LoggingEnabled><TargetBucket>logs-1250000000</TargetBucket><TargetPrefix>access/</TargetPrefix></LoggingEnabled>
/// </BucketLoggingStatus>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "BucketLoggingStatus")]
#[non_exhaustive]
pub struct BucketLoggingStatus {
    /// Where the access logs go; `None` turns logging off.
    #[serde(
        rename = "LoggingEnabled",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub logging_enabled: Option<LoggingEnabled>,
}

impl BucketLoggingStatus {
    /// Logging into `target_bucket` under `target_prefix`.
    pub fn new(target_bucket: impl Into<String>, target_prefix: impl Into<String>) -> Self {
        BucketLoggingStatus {
            logging_enabled: Some(LoggingEnabled {
                target_bucket: target_bucket.into(),
                target_prefix: target_prefix.into(),
            }),
        }
    }
}

/// `<LoggingEnabled>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggingEnabled {
    /// The bucket receiving the logs (same region).
    #[serde(rename = "TargetBucket")]
    pub target_bucket: String,
    /// The key prefix of the log objects.
    #[serde(rename = "TargetPrefix", default)]
    pub target_prefix: String,
}
