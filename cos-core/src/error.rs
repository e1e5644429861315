//! The one error type of cos-core: service errors (COS answered with a failure) and
//! client errors (invalid input, credentials, timeout, connection, decode, integrity).

use std::fmt;

use bytes::Bytes;
use cos_xml::op::Op;
use http::{HeaderMap, StatusCode};

use crate::types::BucketName;
pub use crate::types::InvalidInput;

mod kinds;
mod tls;

pub use kinds::{ConfigError, DecodeError, TimeoutError};
pub use tls::{TlsError, TlsErrorKind};

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling COS.
///
/// Service errors ([`Error::Service`]) mean COS (or something speaking for it) answered
/// with a failure status or an `<Error>` body; every other variant is a client-side error.
///
/// An error returned by an operation's `send` (or a listing stream) is an
/// [`Error::Op`]: the operation, bucket and key it concerns ([`ErrorContext`], shown in
/// the message) around what went wrong. The predicates ([`is_not_found`](Self::is_not_found),
/// [`service_code`](Self::service_code), [`is_retryable`](Self::is_retryable), …) look
/// through that context; [`without_context`](Self::without_context) gives the inner error
/// to match on.
///
/// Each error prints its cause in its message or returns it from
/// [`source()`](std::error::Error::source), never both, so a report that walks the
/// chain (`anyhow`'s `{:#}`) shows every cause once.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// COS answered with an error (status ≥ 300, or an `<Error>` body inside a `200`).
    Service(Box<ServiceError>),
    /// An argument failed validation; no request was sent.
    InvalidInput(InvalidInput),
    /// The credentials provider failed.
    Credentials(cos_auth::CredentialsError),
    /// A read or operation timeout elapsed (which one: [`TimeoutError`]).
    Timeout(TimeoutError),
    /// The connection could not be made or broke (reset, refused, TLS failure…); the
    /// cause is the [`source`](std::error::Error::source).
    Connection(Box<dyn std::error::Error + Send + Sync>),
    /// The TLS handshake failed: an untrusted or invalid server certificate, or no
    /// common protocol ([`TlsError`]). Never retried.
    Tls(TlsError),
    /// A response could not be understood (bad XML, bad header value).
    Decode(DecodeError),
    /// Data failed an integrity check (CRC64 mismatch, truncated body, length mismatch).
    Integrity(IntegrityError),
    /// A local I/O error (reading an upload file, writing a download file).
    Io(std::io::Error),
    /// The configuration is unusable (what: [`ConfigError`]).
    Config(ConfigError),
    /// A paginated listing (`into_pages`) stopped advancing: a truncated page named a
    /// next marker that repeats or steps back from one already used, or named none, so
    /// continuing would fetch pages forever. Never retried.
    ListingLoop {
        /// The list operation.
        operation: Op,
        /// What the page named, and why it does not advance.
        detail: String,
    },
    /// The error of one operation: what failed (`error`) and on what (`context`).
    Op {
        /// The operation, bucket and key.
        context: Box<ErrorContext>,
        /// What went wrong.
        error: Box<Error>,
    },
}

/// What an operation's error concerns: the operation, its bucket and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorContext {
    /// The operation.
    pub op: Op,
    /// The bucket, unless the operation addresses the account (List Buckets).
    pub bucket: Option<String>,
    /// The object key, for object operations.
    pub key: Option<String>,
}

impl ErrorContext {
    pub(crate) fn new(op: Op, bucket: Option<&BucketName>, key: Option<&str>) -> Self {
        ErrorContext {
            op,
            bucket: bucket.map(|b| b.as_str().to_owned()),
            key: key.map(str::to_owned),
        }
    }
}

impl fmt::Display for ErrorContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.op)?;
        if let Some(b) = &self.bucket {
            write!(f, " on bucket {b}")?;
        }
        if let Some(k) = &self.key {
            write!(f, " key {k:?}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(e) => write!(f, "{e}"),
            Error::InvalidInput(e) => write!(f, "invalid input: {e}"),
            Error::Credentials(e) => write!(f, "credentials: {e}"),
            Error::Timeout(e) => write!(f, "timeout: {e}"),
            Error::Connection(_) => f.write_str("connection error"),
            Error::Tls(e) => write!(f, "TLS: {e}"),
            Error::Decode(e) => write!(f, "cannot decode response: {}", e.message),
            Error::Integrity(e) => write!(f, "integrity check failed: {e}"),
            Error::Io(e) => write!(f, "I/O error: {e}"),
            Error::Config(e) => write!(f, "invalid configuration: {e}"),
            Error::ListingLoop { operation, detail } => {
                write!(f, "listing {operation} does not advance: {detail}")
            }
            Error::Op { context, error } => write!(f, "{context}: {error}"),
        }
    }
}

impl std::error::Error for Error {
    /// The cause not already printed by `Display`: a connection error's cause, a decode
    /// error's parser error, or the cause of a printed error (its own `source()`).
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connection(e) => Some(&**e),
            Error::Tls(e) => Some(e.cause()),
            Error::Decode(e) => e
                .source
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Error::Credentials(e) => e.source(),
            Error::Io(e) => e.source(),
            Error::InvalidInput(e) => e.source(),
            Error::Op { error, .. } => error.source(),
            _ => None,
        }
    }
}

/// The common COS error codes, as [`Error::service_code`] classifies them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceCode {
    /// `NoSuchKey`: the object does not exist.
    NoSuchKey,
    /// `NoSuchBucket`: the bucket does not exist.
    NoSuchBucket,
    /// `NoSuchUpload`: the multipart upload does not exist (completed or aborted).
    NoSuchUpload,
    /// `NoSuchVersion`: the object version does not exist.
    NoSuchVersion,
    /// A 404 without a body (HEAD): `NoSuchResource`.
    NoSuchResource,
    /// `AccessDenied` (403).
    AccessDenied,
    /// A failed `If-Match` / `If-Unmodified-Since` (412 `PreconditionFailed`).
    PreconditionFailed,
    /// A failed `If-None-Match` / `If-Modified-Since` (304, no body).
    NotModified,
    /// `InvalidRange` (416).
    InvalidRange,
    /// `SlowDown` (503): request rate too high; retried (as every 5xx). The S3 code
    /// COS's S3-compatible API shares; no COS document read here lists it, so a 503
    /// with another code is [`ServiceCode::Other`] and still retryable.
    SlowDown,
    /// Any other code ([`ServiceError::code`] has it).
    Other,
}

impl ServiceCode {
    /// Classifies a code and status. Bodiless answers (HEAD, 304) are told by status.
    fn classify(code: &str, status: StatusCode) -> Self {
        match code {
            "NoSuchKey" => ServiceCode::NoSuchKey,
            "NoSuchBucket" => ServiceCode::NoSuchBucket,
            "NoSuchUpload" => ServiceCode::NoSuchUpload,
            "NoSuchVersion" => ServiceCode::NoSuchVersion,
            "NoSuchResource" => ServiceCode::NoSuchResource,
            "AccessDenied" => ServiceCode::AccessDenied,
            "PreconditionFailed" => ServiceCode::PreconditionFailed,
            "NotModified" => ServiceCode::NotModified,
            "InvalidRange" => ServiceCode::InvalidRange,
            "SlowDown" => ServiceCode::SlowDown,
            _ => match status {
                StatusCode::NOT_MODIFIED => ServiceCode::NotModified,
                StatusCode::PRECONDITION_FAILED => ServiceCode::PreconditionFailed,
                StatusCode::RANGE_NOT_SATISFIABLE => ServiceCode::InvalidRange,
                StatusCode::FORBIDDEN if code == "Unknown" => ServiceCode::AccessDenied,
                _ => ServiceCode::Other,
            },
        }
    }
}

impl Error {
    /// The error inside any [`Error::Op`] context: the one to match variants on.
    pub fn without_context(&self) -> &Error {
        match self {
            Error::Op { error, .. } => error.without_context(),
            e => e,
        }
    }

    /// The operation, bucket and key the error concerns, when it came from an operation.
    pub fn context(&self) -> Option<&ErrorContext> {
        match self {
            Error::Op { context, .. } => Some(context),
            _ => None,
        }
    }

    /// The operation the error concerns.
    pub fn op(&self) -> Option<Op> {
        self.context().map(|c| c.op)
    }

    /// Adds the operation, bucket and key (kept when already there).
    pub(crate) fn in_op(self, context: impl FnOnce() -> ErrorContext) -> Self {
        match self {
            e @ Error::Op { .. } => e,
            e => Error::Op {
                context: Box::new(context()),
                error: Box::new(e),
            },
        }
    }

    /// The service error, when COS answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self.without_context() {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The common service code, when COS answered with an error.
    pub fn service_code(&self) -> Option<ServiceCode> {
        self.service_error().map(ServiceError::kind)
    }

    /// True when COS answered `404` (including a HEAD `404`, which has no body).
    pub fn is_not_found(&self) -> bool {
        self.service_error()
            .is_some_and(|e| e.status == StatusCode::NOT_FOUND)
    }

    /// True when COS refused access (`AccessDenied`, or a bodiless 403).
    pub fn is_access_denied(&self) -> bool {
        self.service_code() == Some(ServiceCode::AccessDenied)
    }

    /// True for a timeout ([`Error::Timeout`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self.without_context(), Error::Timeout(_))
    }

    /// True for a connection error ([`Error::Connection`]).
    pub fn is_connection(&self) -> bool {
        matches!(self.without_context(), Error::Connection(_))
    }

    /// True for a TLS handshake failure ([`Error::Tls`]).
    pub fn is_tls(&self) -> bool {
        matches!(self.without_context(), Error::Tls(_))
    }

    /// True for an argument rejected before any request ([`Error::InvalidInput`]).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self.without_context(), Error::InvalidInput(_))
    }

    /// True for a failed integrity check ([`Error::Integrity`]).
    pub fn is_integrity(&self) -> bool {
        matches!(self.without_context(), Error::Integrity(_))
    }

    /// True when another attempt may succeed: timeouts, connection errors, and service
    /// errors with a 5xx or 429 status (not an error inside a `200`). What the client's
    /// own retries (see [`RetryConfig`](crate::RetryConfig)) retry.
    pub fn is_retryable(&self) -> bool {
        match self.without_context() {
            Error::Timeout(_) | Error::Connection(_) => true,
            Error::Service(s) => s.status != StatusCode::OK && is_retryable_status(s.status),
            _ => false,
        }
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
        matches!(self.without_context(), Error::ListingLoop { .. })
    }

    /// True for client errors (everything that is not a service error).
    pub fn is_client_error(&self) -> bool {
        !matches!(self.without_context(), Error::Service(_))
    }

    pub(crate) fn decode(msg: impl fmt::Display) -> Self {
        Error::Decode(DecodeError::from(msg.to_string()))
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

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Error::InvalidInput(e)
    }
}

impl From<cos_auth::CredentialsError> for Error {
    fn from(e: cos_auth::CredentialsError) -> Self {
        Error::Credentials(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<cos_xml::XmlError> for Error {
    fn from(e: cos_xml::XmlError) -> Self {
        Error::Decode(DecodeError {
            message: "malformed XML document".to_owned(),
            source: Some(Box::new(e)),
        })
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
    /// The common code this error is ([`ServiceCode::Other`] for the rest).
    pub fn kind(&self) -> ServiceCode {
        ServiceCode::classify(&self.code, self.status)
    }

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

impl ServiceError {
    /// The error message of a SELECT Object Content event stream (`:error-code`,
    /// `:error-message`), inside a `200` answer with `headers`.
    pub(crate) fn from_event(code: String, message: String, headers: HeaderMap) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        ServiceError {
            status: StatusCode::OK,
            code,
            message,
            resource: None,
            request_id: header("x-cos-request-id"),
            trace_id: header("x-cos-trace-id"),
            headers,
            raw_body: Bytes::new(),
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

/// True when a response status is worth retrying (5xx and 429).
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}
