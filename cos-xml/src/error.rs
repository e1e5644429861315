//! The `<Error>` body COS returns with failed requests.

use serde::{Deserialize, Serialize};

/// `<Error>`: the body of a COS error response.
///
/// ```xml
/// <Error>
///   <Code>NoSuchKey</Code>
///   <Message>The specified key does not exist.</Message>
///   <Resource>examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/nokey</Resource>
///   <RequestId>NjRmOTJkNjRfMTAwNjE0MGJfMjA0ZjBfMTE=</RequestId>
///   <TraceId>OGVmYzZiMmQz...</TraceId>
/// </Error>
/// ```
///
/// Note that a `200 OK` answer to PUT Object - Copy / Upload Part - Copy may
/// also carry this body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Error")]
#[non_exhaustive]
pub struct ErrorResponse {
    /// Error code, e.g. `NoSuchKey`, `AccessDenied`, `SignatureDoesNotMatch`.
    #[serde(rename = "Code", default)]
    pub code: String,
    /// Human-readable description.
    #[serde(rename = "Message", default)]
    pub message: String,
    /// The resource the request addressed.
    #[serde(rename = "Resource", default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Request ID (also sent as `x-cos-request-id`).
    #[serde(rename = "RequestId", default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Trace ID for Tencent support.
    #[serde(rename = "TraceId", default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

impl ErrorResponse {
    /// An error body with `code` and `message` only; the other elements can be
    /// assigned afterwards.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorResponse {
            code: code.into(),
            message: message.into(),
            ..Default::default()
        }
    }
}
