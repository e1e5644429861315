//! Cross-origin resource sharing (`PUT/GET Bucket cors`).

use serde::{Deserialize, Serialize};

/// `<CORSConfiguration>`: body of PUT Bucket cors, response of GET Bucket cors.
///
/// ```xml
/// <CORSConfiguration>
///   <CORSRule>
///     <ID>1234</ID>
///     <AllowedOrigin>http://www.qq.com</AllowedOrigin>
///     <AllowedMethod>PUT</AllowedMethod>
///     <AllowedHeader>x-cos-meta-test</AllowedHeader>
///     <ExposeHeader>x-cos-meta-test1</ExposeHeader>
///     <MaxAgeSeconds>500</MaxAgeSeconds>
///   </CORSRule>
/// </CORSConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "CORSConfiguration")]
#[non_exhaustive]
pub struct CorsConfiguration {
    /// Rules, in document order.
    #[serde(rename = "CORSRule", default)]
    pub rules: Vec<CorsRule>,
    /// Whether COS adds `Vary: Origin` to CORS answers.
    #[serde(
        rename = "ResponseVary",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub response_vary: Option<bool>,
}

impl CorsConfiguration {
    /// A configuration holding `rules` (`ResponseVary` left unset).
    pub fn new(rules: Vec<CorsRule>) -> Self {
        CorsConfiguration {
            rules,
            response_vary: None,
        }
    }
}

/// `<CORSRule>`: one cross-origin rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorsRule {
    /// Rule ID.
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Allowed origins (`*` wildcards allowed).
    #[serde(rename = "AllowedOrigin", default)]
    pub allowed_origins: Vec<String>,
    /// Allowed methods: `GET`, `PUT`, `HEAD`, `POST`, `DELETE`.
    #[serde(rename = "AllowedMethod", default)]
    pub allowed_methods: Vec<String>,
    /// Request headers a preflight may ask for (`*` allowed).
    #[serde(rename = "AllowedHeader", default)]
    pub allowed_headers: Vec<String>,
    /// Response headers exposed to the browser.
    #[serde(rename = "ExposeHeader", default)]
    pub expose_headers: Vec<String>,
    /// How long a preflight answer may be cached, in seconds.
    #[serde(
        rename = "MaxAgeSeconds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_age_seconds: Option<u64>,
}
