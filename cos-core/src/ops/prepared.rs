//! [`PreparedRequest`]: what an operation will send, computed without I/O by each
//! builder's `prepare` (validation, sub-resource, headers, query, XML body with its
//! `Content-MD5`). `send` sends exactly this (signing and connection headers are added
//! per attempt by the transport).

use bytes::Bytes;
use cos_xml::op::{Method as OpMethod, Op, Scope};

use crate::body::Body;
use crate::error::{Error, ErrorContext};
use crate::transport::OpRequest;
use crate::types::{BucketName, ObjectKey};

/// A request an operation builder prepared: nothing is sent (see the builders'
/// `prepare`). Secret header and query values are hidden from its `Debug`.
#[must_use]
pub struct PreparedRequest {
    op: Op,
    method: http::Method,
    bucket: Option<BucketName>,
    key: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    /// The in-memory body (given bytes, or the document `prepare` serialized).
    body: Option<Bytes>,
    /// Whether `body` was built by `prepare` (and replaces the builder's body).
    built_body: bool,
    verify_upload_crc: bool,
}

/// The `http` method of an operation of the table.
pub(crate) fn http_method(m: OpMethod) -> http::Method {
    match m {
        OpMethod::Get => http::Method::GET,
        OpMethod::Head => http::Method::HEAD,
        OpMethod::Put => http::Method::PUT,
        OpMethod::Post => http::Method::POST,
        OpMethod::Delete => http::Method::DELETE,
        OpMethod::Options => http::Method::OPTIONS,
    }
}

/// The request of `op` on `bucket` / `key`: the method from the operation table and its
/// sub-resource marker (`?acl`, `?uploads`, …). `uploadId`, which carries a value, is
/// added by [`upload_request`].
pub(crate) fn op_request(
    op: Op,
    bucket: Option<&BucketName>,
    key: Option<&ObjectKey>,
) -> OpRequest {
    let spec = op.spec();
    let key = match spec.scope {
        Scope::Object => key.map(|k| k.as_str().to_owned()),
        Scope::Bucket | Scope::Service => None,
    };
    let mut req = OpRequest::new(spec.name, http_method(spec.method), bucket.cloned(), key);
    if let Some(sub) = spec.subresource.filter(|s| *s != "uploadId") {
        req.query(sub, "");
    }
    req
}

/// The request of an operation on one multipart upload (`?uploadId=ID`), after the
/// parameters in `before` (e.g. `partNumber`).
pub(crate) fn upload_request(
    op: Op,
    bucket: &BucketName,
    key: &ObjectKey,
    before: &[(&str, String)],
    upload_id: &str,
) -> OpRequest {
    let mut req = op_request(op, Some(bucket), Some(key));
    for (k, v) in before {
        req.query(k, v.clone());
    }
    req.query("uploadId", upload_id);
    req
}

/// True for a header or query parameter whose value is a secret.
fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["authorization", "signature", "token", "customer-key"]
        .iter()
        .any(|s| n.contains(s))
        || n.starts_with("q-")
}

struct Redacted<'a>(&'a [(String, String)]);

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

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("op", &self.op)
            .field("method", &self.method)
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("query", &Redacted(&self.query))
            .field("headers", &Redacted(&self.headers))
            .field("body", &self.body.as_ref().map(Bytes::len))
            .finish()
    }
}

impl PreparedRequest {
    /// The request `req` of `op` as the builder holds it.
    pub(crate) fn of(op: Op, req: &OpRequest) -> Self {
        PreparedRequest {
            op,
            method: req.method.clone(),
            bucket: req.bucket.clone(),
            key: req.key.clone(),
            query: req.query.clone(),
            headers: req.headers.clone(),
            body: req.body.as_bytes().cloned(),
            built_body: false,
            verify_upload_crc: req.verify_upload_crc,
        }
    }

    /// The operation.
    pub fn op(&self) -> Op {
        self.op
    }

    /// The HTTP method.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The bucket (`None` for List Buckets).
    pub fn bucket(&self) -> Option<&BucketName> {
        self.bucket.as_ref()
    }

    /// The object key (object operations).
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The query parameters (decoded), in order.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The last value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        let found = self.query.iter().rev().find(|(k, _)| k == name);
        found.map(|(_, v)| v.as_str())
    }

    /// The headers, in order (`Host`, `Authorization`, `Content-Length`, … are added
    /// when sending).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The last value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let found = self.headers.iter().rev();
        let mut found = found.filter(|(k, _)| k.eq_ignore_ascii_case(name));
        found.next().map(|(_, v)| v.as_str())
    }

    /// The body when it is in memory (an XML document, bytes); `None` for an empty,
    /// file or streamed body.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref().filter(|b| !b.is_empty())
    }

    /// The operation, bucket and key, for errors.
    pub(crate) fn context(&self) -> ErrorContext {
        ErrorContext::new(self.op, self.bucket.as_ref(), self.key.as_deref())
    }

    pub(crate) fn push_header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.push((name.to_owned(), value.into()));
    }

    pub(crate) fn set_verify_upload_crc(&mut self) {
        self.verify_upload_crc = true;
    }

    /// Sends `doc` as the body, with `Content-Type: application/xml` and `Content-MD5`.
    pub(crate) fn set_xml<T: serde::Serialize>(&mut self, doc: &T) -> Result<(), Error> {
        let xml = cos_xml::to_string(doc)?;
        self.set_xml_bytes(Bytes::from(xml));
        Ok(())
    }

    /// Sends the XML document `xml`, with `Content-Type` and `Content-MD5`.
    pub(crate) fn set_xml_bytes(&mut self, xml: Bytes) {
        let md5 = super::content_md5(&xml);
        self.set_body("application/xml", xml);
        self.push_header("Content-MD5", md5);
    }

    /// Sends `body` as given, with its `Content-Type`.
    pub(crate) fn set_body(&mut self, content_type: &str, body: Bytes) {
        self.push_header("Content-Type", content_type);
        self.body = Some(body);
        self.built_body = true;
    }

    /// The request to send: `req` (the builder's, with its body and transport settings)
    /// with what was prepared.
    pub(crate) fn into_request(self, mut req: OpRequest) -> OpRequest {
        req.method = self.method;
        req.query = self.query;
        req.headers = self.headers;
        if let (true, Some(b)) = (self.built_body, self.body) {
            req.body = Body::from(b);
        }
        req.verify_upload_crc |= self.verify_upload_crc;
        req
    }
}
