//! The one error type of cos-core: service errors (COS answered with a failure) and
//! client errors (invalid input, credentials, timeout, connection, decode, integrity).

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling COS.
///
/// Service errors ([`Error::Service`]) mean COS (or something speaking for it) answered
/// with a failure status or an `<Error>` body; every other variant is a client-side error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// COS answered with an error (status ≥ 300, or an `<Error>` body inside a `200`).
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// An argument failed validation; no request was sent.
    #[error("invalid input: {0}")]
    InvalidInput(#[from] InvalidInput),
    /// The credentials provider failed.
    #[error("credentials: {0}")]
    Credentials(#[from] cos_auth::CredentialsError),
    /// A connect, read or operation timeout elapsed.
    #[error("timeout: {0}")]
    Timeout(String),
    /// The connection could not be made or broke (reset, refused, TLS failure…).
    #[error("connection error: {0}")]
    Connection(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A response could not be understood (bad XML, bad header value).
    #[error("cannot decode response: {0}")]
    Decode(String),
    /// Data failed an integrity check (CRC64 mismatch, truncated body, length mismatch).
    #[error("integrity check failed: {0}")]
    Integrity(IntegrityError),
    /// A local I/O error (reading an upload file, writing a download file).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The configuration is unusable (bad endpoint, proxy or header value).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A paginated listing (`into_pages`) stopped advancing: a truncated page named a
    /// next marker that repeats or steps back from one already used, or named none, so
    /// continuing would fetch pages forever. Never retried.
    #[error("listing {operation} does not advance: {detail}")]
    ListingLoop {
        /// The list operation (`ListObjects`, `ListParts`, …).
        operation: &'static str,
        /// What the page named, and why it does not advance.
        detail: String,
    },
}

impl Error {
    /// The service error, when COS answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// True when COS answered `404` (including a HEAD `404`, which has no body).
    pub fn is_not_found(&self) -> bool {
        self.service_error()
            .is_some_and(|e| e.status == StatusCode::NOT_FOUND)
    }

    /// The COS error code (`NoSuchKey`, `AccessDenied`, …), for service errors.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(|e| e.code.as_str())
    }

    /// The HTTP status, for service errors.
    pub fn status(&self) -> Option<StatusCode> {
        self.service_error().map(|e| e.status)
    }

    /// True when a paginated listing stopped because its marker did not advance
    /// ([`Error::ListingLoop`]).
    pub fn is_listing_loop(&self) -> bool {
        matches!(self, Error::ListingLoop { .. })
    }

    /// True for client errors (everything that is not a service error).
    pub fn is_client_error(&self) -> bool {
        !matches!(self, Error::Service(_))
    }

    pub(crate) fn decode(msg: impl fmt::Display) -> Self {
        Error::Decode(msg.to_string())
    }

    pub(crate) fn integrity(e: IntegrityError) -> Self {
        Error::Integrity(e)
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(Box::new(e))
    }
}

impl From<cos_xml::XmlError> for Error {
    fn from(e: cos_xml::XmlError) -> Self {
        Error::Decode(e.to_string())
    }
}

/// An error answered by COS.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status (`200` for an error inside a successful copy).
    pub status: StatusCode,
    /// COS error code, e.g. `NoSuchKey`; `NoSuchResource` for a bodiless HEAD 404, and
    /// `Unknown` when the body is not an `<Error>` document.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The resource COS reported.
    pub resource: Option<String>,
    /// Request id (`x-cos-request-id` header, or `<RequestId>`).
    pub request_id: Option<String>,
    /// Trace id (`x-cos-trace-id` header, or `<TraceId>`).
    pub trace_id: Option<String>,
    /// Response headers.
    pub headers: HeaderMap,
    /// The raw response body: at most its first 64 KiB (the rest of a longer error body
    /// is not kept).
    pub raw_body: Bytes,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "COS service error {} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )?;
        if let Some(r) = &self.request_id {
            write!(f, " (request id {r})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

impl ServiceError {
    /// Builds a service error from a failed response. A HEAD response (no body) with 404
    /// becomes `NoSuchResource`, as in the official SDK.
    pub(crate) fn from_response(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        is_head: bool,
    ) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let parsed = std::str::from_utf8(&body)
            .ok()
            .filter(|s| s.contains("<Error"))
            .and_then(|s| cos_xml::from_str::<cos_xml::ErrorResponse>(s).ok());
        let (code, message, resource, rid, tid) = match parsed {
            Some(e) => (e.code, e.message, e.resource, e.request_id, e.trace_id),
            None => {
                let code = if is_head && status == StatusCode::NOT_FOUND {
                    "NoSuchResource".to_owned()
                } else {
                    "Unknown".to_owned()
                };
                let message = if is_head && status == StatusCode::NOT_FOUND {
                    "The Resource You Head Not Exist".to_owned()
                } else {
                    status
                        .canonical_reason()
                        .unwrap_or("unexpected status")
                        .to_owned()
                };
                (code, message, None, None, None)
            }
        };
        ServiceError {
            status,
            code,
            message,
            resource,
            request_id: rid.or_else(|| header("x-cos-request-id")),
            trace_id: tid.or_else(|| header("x-cos-trace-id")),
            headers,
            raw_body: body,
        }
    }
}

/// Why an integrity check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntegrityError {
    /// The CRC64 COS reported does not match the data.
    Crc64Mismatch {
        /// CRC64 computed locally.
        local: u64,
        /// CRC64 COS reported in `x-cos-hash-crc64ecma`.
        remote: u64,
    },
    /// The body ended before `Content-Length` bytes arrived (or went beyond it).
    LengthMismatch {
        /// Bytes announced.
        expected: u64,
        /// Bytes received.
        received: u64,
    },
    /// The connection ended in the middle of a body.
    Truncated(String),
}

impl fmt::Display for IntegrityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntegrityError::Crc64Mismatch { local, remote } => write!(
                f,
                "CRC64 mismatch: local {local}, x-cos-hash-crc64ecma {remote}"
            ),
            IntegrityError::LengthMismatch { expected, received } => {
                write!(f, "expected {expected} bytes, received {received}")
            }
            IntegrityError::Truncated(m) => write!(f, "body truncated: {m}"),
        }
    }
}

/// An argument rejected before any request is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidInput {
    /// A bucket name not of the form `name-appid` (lowercase letters, digits, `-`).
    #[error(
        "invalid bucket name {0:?}: expected <name>-<appid>, lowercase letters, digits and '-'"
    )]
    BucketName(String),
    /// A region with characters other than lowercase letters, digits, `-` and `.`.
    #[error("invalid region {0:?}")]
    Region(String),
    /// An object key that is empty or longer than 850 bytes.
    #[error("invalid object key ({0})")]
    ObjectKey(String),
    /// A part number outside 1..=10000.
    #[error("part number {0} is outside 1..=10000")]
    PartNumber(u32),
    /// A traffic limit outside 819200..=838860800 bit/s.
    #[error("traffic limit {0} is outside 819200..=838860800 bit/s")]
    TrafficLimit(u64),
    /// Some other argument is invalid.
    #[error("{0}")]
    Other(String),
}
