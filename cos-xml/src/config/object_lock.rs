//! Object lock (`PUT/GET Bucket object-lock`, COS API 436/40133, 436/40134).

use serde::{Deserialize, Serialize};

/// `<ObjectLockConfiguration>`: body of PUT Bucket ObjectLockConfiguration, response
/// of GET.
///
/// ```xml
/// <ObjectLockConfiguration>
///   <ObjectLockEnabled>Enabled</ObjectLockEnabled>
///   <Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>30</Days></DefaultRetention></Rule>
/// </ObjectLockConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ObjectLockConfiguration")]
#[non_exhaustive]
pub struct ObjectLockConfiguration {
    /// `Enabled` (the only value COS accepts; it cannot be turned off).
    #[serde(rename = "ObjectLockEnabled")]
    pub object_lock_enabled: String,
    /// The default retention of new objects, if any.
    #[serde(rename = "Rule", default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<ObjectLockRule>,
}

impl ObjectLockConfiguration {
    /// Object lock enabled, new objects retained for `days` (none when `None`).
    pub fn new(days: Option<u32>) -> Self {
        ObjectLockConfiguration {
            object_lock_enabled: "Enabled".into(),
            rule: days.map(|d| ObjectLockRule {
                default_retention: DefaultRetention {
                    mode: None,
                    days: Some(d),
                },
            }),
        }
    }
}

/// `<Rule>` of an object lock configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectLockRule {
    /// The default retention.
    #[serde(rename = "DefaultRetention")]
    pub default_retention: DefaultRetention,
}

/// `<DefaultRetention>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultRetention {
    /// `COMPLIANCE` (the only mode; the default).
    #[serde(rename = "Mode", default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Days new objects are retained (1..=36500).
    #[serde(rename = "Days", default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
}
