//! Back-to-origin rules (`PUT/GET/DELETE Bucket origin`).

use serde::{Deserialize, Serialize};

/// `<OriginConfiguration>`: body of PUT Bucket origin, response of GET.
///
/// ```xml
/// <OriginConfiguration>
///   <OriginRule>
///     <RulePriority>1</RulePriority><OriginType>Mirror</OriginType>
///     <OriginCondition><HTTPStatusCode>404</HTTPStatusCode><Prefix>img/</Prefix></OriginCondition>
///     <OriginParameter><Protocol>HTTPS</Protocol><FollowQueryString>true</FollowQueryString></OriginParameter>
///     <OriginInfo><HostInfo><HostName>origin.example.com</HostName></HostInfo></OriginInfo>
///   </OriginRule>
/// </OriginConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "OriginConfiguration")]
#[non_exhaustive]
pub struct OriginConfiguration {
    /// The rules, by priority.
    #[serde(rename = "OriginRule", default)]
    pub rules: Vec<OriginRule>,
}

impl OriginConfiguration {
    /// A configuration of `rules`.
    pub fn new(rules: Vec<OriginRule>) -> Self {
        OriginConfiguration { rules }
    }
}

/// `<OriginRule>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginRule {
    /// Lower first.
    #[serde(rename = "RulePriority")]
    pub rule_priority: u32,
    /// `Mirror` (fetch and store) or `Proxy`.
    #[serde(rename = "OriginType")]
    pub origin_type: String,
    /// When the rule applies.
    #[serde(rename = "OriginCondition")]
    pub origin_condition: OriginCondition,
    /// How the origin is asked.
    #[serde(
        rename = "OriginParameter",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub origin_parameter: Option<OriginParameter>,
    /// The origin.
    #[serde(rename = "OriginInfo")]
    pub origin_info: OriginInfo,
}

/// `<OriginCondition>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginCondition {
    /// `404`: the rule applies to missing objects.
    #[serde(
        rename = "HTTPStatusCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub http_status_code: Option<u16>,
    /// Keys the rule applies to.
    #[serde(rename = "Prefix", default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// `<OriginParameter>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginParameter {
    /// `HTTP`, `HTTPS` or `FOLLOW`.
    #[serde(rename = "Protocol", default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// `true`: the query string is passed on.
    #[serde(
        rename = "FollowQueryString",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub follow_query_string: Option<String>,
    /// `true`: redirects of the origin are followed.
    #[serde(
        rename = "FollowRedirection",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub follow_redirection: Option<String>,
    /// Redirect statuses followed (`301`, `302`, ...).
    #[serde(rename = "HttpRedirectCode", default)]
    pub http_redirect_codes: Vec<String>,
}

/// `<OriginInfo>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginInfo {
    /// The origin's host.
    #[serde(rename = "HostInfo")]
    pub host_info: HostInfo,
}

/// `<HostInfo>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostInfo {
    /// Host name (with an optional port).
    #[serde(rename = "HostName")]
    pub host_name: String,
}
