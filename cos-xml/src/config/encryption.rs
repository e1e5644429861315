//! Default server-side encryption of a bucket (`PUT/GET/DELETE Bucket encryption`).

use serde::{Deserialize, Serialize};

/// `<ServerSideEncryptionConfiguration>`: body of PUT Bucket encryption, response of
/// GET.
///
/// ```xml
/// <ServerSideEncryptionConfiguration>
///   <Rule>
///     <ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>
///   </Rule>
/// </ServerSideEncryptionConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ServerSideEncryptionConfiguration")]
#[non_exhaustive]
pub struct ServerSideEncryptionConfiguration {
    /// Rules (COS takes one).
    #[serde(rename = "Rule", default)]
    pub rules: Vec<EncryptionRule>,
}

impl ServerSideEncryptionConfiguration {
    /// One rule encrypting new objects with `algorithm` (`AES256` for SSE-COS,
    /// `KMS` for SSE-KMS with `kms_key_id`, or the default key when `None`).
    pub fn new(algorithm: impl Into<String>, kms_key_id: Option<String>) -> Self {
        ServerSideEncryptionConfiguration {
            rules: vec![EncryptionRule {
                apply_server_side_encryption_by_default: ApplyServerSideEncryptionByDefault {
                    sse_algorithm: algorithm.into(),
                    kms_master_key_id: kms_key_id,
                },
            }],
        }
    }
}

/// `<Rule>` of a default-encryption configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptionRule {
    /// The encryption new objects get.
    #[serde(rename = "ApplyServerSideEncryptionByDefault")]
    pub apply_server_side_encryption_by_default: ApplyServerSideEncryptionByDefault,
}

/// `<ApplyServerSideEncryptionByDefault>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyServerSideEncryptionByDefault {
    /// `AES256` (SSE-COS), `KMS` (SSE-KMS) or `SM4`.
    #[serde(rename = "SSEAlgorithm")]
    pub sse_algorithm: String,
    /// The KMS key (SSE-KMS only).
    #[serde(
        rename = "KMSMasterKeyID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub kms_master_key_id: Option<String>,
}
