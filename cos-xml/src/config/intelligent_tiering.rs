//! Intelligent tiering (`PUT/GET Bucket intelligenttiering`, and the v2 API on
//! `?intelligent-tiering` with an `id`, listed without one).

use serde::{Deserialize, Serialize};

/// `<IntelligentTieringConfiguration>`: the v1 body (`Status` and `Transition`) and
/// the v2 one (`Id`, `Status` and `Tiering` rules).
///
/// ```xml
/// <IntelligentTieringConfiguration>
///   <Status>Enabled</Status>
///   <Transition><Days>30</Days><RequestFrequent>1</RequestFrequent></Transition>
/// </IntelligentTieringConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "IntelligentTieringConfiguration")]
#[non_exhaustive]
pub struct IntelligentTieringConfiguration {
    /// The v2 configuration's id (`default`, ...).
    #[serde(rename = "Id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` or `Suspended`.
    #[serde(rename = "Status")]
    pub status: String,
    /// v1: when objects move to the infrequent tier.
    #[serde(
        rename = "Transition",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transition: Option<TieringTransition>,
    /// v2: the tiers and when objects move to them.
    #[serde(rename = "Tiering", default)]
    pub tierings: Vec<Tiering>,
}

impl IntelligentTieringConfiguration {
    /// A v1 configuration: enabled, objects accessed fewer than `request_frequent`
    /// times in `days` (30, 60 or 90) move to the infrequent tier.
    pub fn v1(days: u32, request_frequent: u32) -> Self {
        IntelligentTieringConfiguration {
            id: None,
            status: "Enabled".into(),
            transition: Some(TieringTransition {
                days,
                request_frequent: Some(request_frequent),
            }),
            tierings: Vec::new(),
        }
    }
}

/// `<Transition>` of a v1 configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieringTransition {
    /// 30, 60 or 90.
    #[serde(rename = "Days")]
    pub days: u32,
    /// Access count threshold (1).
    #[serde(
        rename = "RequestFrequent",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub request_frequent: Option<u32>,
}

/// `<Tiering>` of a v2 configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tiering {
    /// `INFREQUENT`, `ARCHIVE_ACCESS` or `DEEP_ARCHIVE_ACCESS`.
    #[serde(rename = "AccessTier")]
    pub access_tier: String,
    /// Days without access before the move.
    #[serde(rename = "Days")]
    pub days: u32,
    /// Access count threshold.
    #[serde(
        rename = "RequestFrequent",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub request_frequent: Option<u32>,
}

/// `<ListBucketIntelligentTieringConfigurationsOutput>`: the v2 configurations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ListBucketIntelligentTieringConfigurationsOutput")]
#[non_exhaustive]
pub struct ListIntelligentTieringConfigurations {
    /// The configurations.
    #[serde(rename = "IntelligentTieringConfiguration", default)]
    pub configurations: Vec<IntelligentTieringConfiguration>,
}
