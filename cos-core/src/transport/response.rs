//! What the transport gives back: [`RawResponse`], and small helpers reading it.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::error::Error;

/// A response: its status, its headers and its whole body.
///
/// [`Transport::send`](super::Transport::send) returns one for every answer its
/// request accepts (see [`Accept`](super::Accept)); the XML operations of
/// [`Client`](crate::Client) parse their outputs from it.
#[derive(Debug)]
#[non_exhaustive]
pub struct RawResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// The HTTP version the answer came in (HTTP/2 when opted in and negotiated).
    pub version: http::Version,
    /// Response headers.
    pub headers: HeaderMap,
    /// The whole body (empty when the body is left in `stream`).
    pub body: Bytes,
    /// The unread body of a streamed answer (see `Transport::send_streaming`).
    pub(crate) stream: Option<hyper::body::Incoming>,
    /// When the operation timeout ends (it bounds reading `stream` too).
    pub(crate) deadline: Option<tokio::time::Instant>,
}

impl RawResponse {
    /// A response whose whole body was read.
    pub(crate) fn whole(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        RawResponse {
            status,
            version: http::Version::HTTP_11,
            headers,
            body,
            stream: None,
            deadline: None,
        }
    }

    /// A response header as text (`None` when absent or not visible ASCII).
    pub fn header(&self, name: &str) -> Option<String> {
        header_str(&self.headers, name)
    }
}

/// A header of `headers` as text (`None` when absent or not visible ASCII).
pub(crate) fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Parses the XML body of a successful response.
pub(crate) fn parse_xml<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Error> {
    Ok(cos_xml::from_slice(body)?)
}

/// A body as UTF-8 text.
pub(crate) fn body_str(body: &Bytes) -> Result<&str, Error> {
    std::str::from_utf8(body).map_err(Error::decode)
}
