//! Static website hosting (`PUT/GET/DELETE Bucket website`).

use serde::{Deserialize, Serialize};

/// `<WebsiteConfiguration>`: body of PUT Bucket website, response of GET.
///
/// ```xml
/// <WebsiteConfiguration>
///   <IndexDocument><Suffix>index.html</Suffix></IndexDocument>
///   <ErrorDocument><Key>error.html</Key></ErrorDocument>
///   <RoutingRules>
///     <RoutingRule>
///       <Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition>
///       <Redirect><Protocol>https</Protocol><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect>
///     </RoutingRule>
///   </RoutingRules>
/// </WebsiteConfiguration>
/// ```
///
/// ```
/// use cos_xml::config::{IndexDocument, WebsiteConfiguration};
/// let mut site = WebsiteConfiguration::default();
/// site.index_document = Some(IndexDocument::new("index.html"));
/// assert_eq!(
///     cos_xml::to_string(&site)?,
///     "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>"
/// );
/// # Ok::<(), cos_xml::XmlError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "WebsiteConfiguration")]
#[non_exhaustive]
pub struct WebsiteConfiguration {
    /// The document served for a path ending in `/` (its suffix is appended).
    #[serde(
        rename = "IndexDocument",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub index_document: Option<IndexDocument>,
    /// Redirects every request (e.g. to HTTPS).
    #[serde(
        rename = "RedirectAllRequestsTo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub redirect_all_requests_to: Option<RedirectAllRequestsTo>,
    /// The document served when an object is missing.
    #[serde(
        rename = "ErrorDocument",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub error_document: Option<ErrorDocument>,
    /// Redirect rules, in document order.
    #[serde(
        rename = "RoutingRules",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub routing_rules: Option<RoutingRules>,
}

/// `<IndexDocument>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexDocument {
    /// Appended to paths ending in `/`, e.g. `index.html`.
    #[serde(rename = "Suffix")]
    pub suffix: String,
}

impl IndexDocument {
    /// An index document with `suffix`.
    pub fn new(suffix: impl Into<String>) -> Self {
        IndexDocument {
            suffix: suffix.into(),
        }
    }
}

/// `<ErrorDocument>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDocument {
    /// The object served instead of a missing one.
    #[serde(rename = "Key")]
    pub key: String,
    /// `Enabled`: the error document keeps the original status (404); `Disabled`: 200.
    #[serde(
        rename = "OriginalHttpStatus",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub original_http_status: Option<String>,
}

impl ErrorDocument {
    /// An error document served from `key`.
    pub fn new(key: impl Into<String>) -> Self {
        ErrorDocument {
            key: key.into(),
            original_http_status: None,
        }
    }
}

/// `<RedirectAllRequestsTo>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedirectAllRequestsTo {
    /// Host to redirect to (the request's own when absent).
    #[serde(rename = "HostName", default, skip_serializing_if = "Option::is_none")]
    pub host_name: Option<String>,
    /// `http` or `https`.
    #[serde(rename = "Protocol", default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

/// `<RoutingRules>`: the redirect rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRules {
    /// Rules, first match wins.
    #[serde(rename = "RoutingRule", default)]
    pub rules: Vec<RoutingRule>,
}

/// `<RoutingRule>`: a condition and the redirect it triggers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    /// When the rule applies.
    #[serde(rename = "Condition")]
    pub condition: RoutingCondition,
    /// Where it redirects.
    #[serde(rename = "Redirect")]
    pub redirect: RoutingRedirect,
}

/// `<Condition>` of a routing rule (one of the two).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingCondition {
    /// Applies when serving the object failed with this status (e.g. `404`).
    #[serde(
        rename = "HttpErrorCodeReturnedEquals",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub http_error_code_returned_equals: Option<u16>,
    /// Applies to keys starting with this prefix.
    #[serde(
        rename = "KeyPrefixEquals",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub key_prefix_equals: Option<String>,
}

/// `<Redirect>` of a routing rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRedirect {
    /// Host of the `Location` (the request's own when absent).
    #[serde(rename = "HostName", default, skip_serializing_if = "Option::is_none")]
    pub host_name: Option<String>,
    /// Status of the redirect (301 when absent).
    #[serde(
        rename = "HttpRedirectCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub http_redirect_code: Option<u16>,
    /// `http` or `https`.
    #[serde(rename = "Protocol", default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Replaces the matched prefix of the key.
    #[serde(
        rename = "ReplaceKeyPrefixWith",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub replace_key_prefix_with: Option<String>,
    /// Replaces the whole key.
    #[serde(
        rename = "ReplaceKeyWith",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub replace_key_with: Option<String>,
    /// `Enabled`: a real redirect; `Disabled`: COS serves the target in place.
    #[serde(
        rename = "URLRedirect",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub url_redirect: Option<String>,
}
