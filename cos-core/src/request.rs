//! [`OpRequest`]: what a COS XML operation asks the [`Client`](crate::Client) to send —
//! its bucket, key, decoded query and headers, before the client resolves them into a
//! [`WireRequest`](crate::transport::WireRequest).

use http::Method;

use crate::body::Body;
use crate::types::BucketName;

/// What an operation asks the client to send. Its `Debug` (shown by every operation
/// builder's) hides the values of secret headers and query parameters.
pub(crate) struct OpRequest {
    pub operation: &'static str,
    pub method: Method,
    /// `None` for List Buckets.
    pub bucket: Option<BucketName>,
    /// The raw object key; `None` for bucket-level operations.
    pub key: Option<String>,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers (names as given; `Host`, `User-Agent`, `Content-Length` are added).
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Compare the response's `x-cos-hash-crc64ecma` with the CRC64 of the body sent.
    pub verify_upload_crc: bool,
    /// This request's CRC-64 verification switch; `None` follows the configuration's
    /// `verify_crc64`.
    pub verify_crc64: Option<bool>,
}

/// True for a header or query parameter whose value is a secret: signatures, tokens and
/// SSE-C customer keys.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("authorization")
        || n.contains("signature")
        || n.contains("token")
        || n.contains("customer-key")
        || n.starts_with("q-")
}

/// Name/value pairs for `Debug`, secret values replaced by `***`.
pub(crate) struct Redacted<'a>(pub &'a [(String, String)]);

impl std::fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, v)| {
                let v = if is_secret_name(k) { "***" } else { v.as_str() };
                (k.as_str(), v)
            }))
            .finish()
    }
}

impl std::fmt::Debug for OpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("query", &Redacted(&self.query))
            .field("headers", &Redacted(&self.headers))
            .field("body", &self.body)
            .field("verify_upload_crc", &self.verify_upload_crc)
            .field("verify_crc64", &self.verify_crc64)
            .finish()
    }
}

impl OpRequest {
    pub(crate) fn new(
        operation: &'static str,
        method: Method,
        bucket: Option<BucketName>,
        key: Option<String>,
    ) -> Self {
        OpRequest {
            operation,
            method,
            bucket,
            key,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::empty(),
            verify_upload_crc: false,
            verify_crc64: None,
        }
    }

    pub(crate) fn query(&mut self, k: &str, v: impl Into<String>) {
        self.query.push((k.to_owned(), v.into()));
    }

    pub(crate) fn header(&mut self, k: &str, v: impl Into<String>) {
        self.headers.push((k.to_owned(), v.into()));
    }
}
