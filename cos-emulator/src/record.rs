//! The request log.

/// One request as the emulator received and answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// The `Host` header.
    pub host: String,
    /// The raw path, as on the wire (percent-encoded).
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The COS operation, e.g. `PutObject` (`Unknown` when none applies).
    pub operation: String,
    /// The addressed bucket, if any.
    pub bucket: Option<String>,
    /// The addressed object key (decoded), if any.
    pub key: Option<String>,
    /// Status of the answer (0 when the connection was reset instead).
    pub status: u16,
    /// Bytes of request body read.
    pub body_len: u64,
}

impl RecordedRequest {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first query parameter named `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
