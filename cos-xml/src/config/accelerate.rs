//! Global transfer acceleration (`PUT/GET Bucket accelerate`).

use serde::{Deserialize, Serialize};

/// `<AccelerateConfiguration>`: body of PUT Bucket accelerate, response of GET
/// (empty when never set).
///
/// ```xml
/// <AccelerateConfiguration><Status>Enabled</Status></AccelerateConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "AccelerateConfiguration")]
#[non_exhaustive]
pub struct AccelerateConfiguration {
    /// `Enabled` or `Suspended`.
    #[serde(rename = "Status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `cos` (the default) or `global`.
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

impl AccelerateConfiguration {
    /// Acceleration `Enabled` or `Suspended`.
    pub fn new(status: impl Into<String>) -> Self {
        AccelerateConfiguration {
            status: Some(status.into()),
            kind: None,
        }
    }
}
