//! The last steps of an attempt: send with timeouts, classify the answer, read it,
//! verify the CRC-64 of the upload.

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use hyper_util::client::legacy::connect::capture_connection;

use super::Transport;
use super::request::{Accept, WireRequest};
use super::response::{RawResponse, header_str};
use crate::body::{CrcTap, HyperBody};
use crate::error::{Error, ServiceError};
use crate::retry::Failure;
use crate::watchdog::{ReadError, read_body, until_stalled};

/// The part of an error response body kept (and parsed) for [`ServiceError`].
const ERROR_BODY_KEEP: usize = 64 * 1024;
/// Past this many bytes of an error response body, the rest is not read: the connection
/// is closed instead of drained for reuse.
const ERROR_BODY_DRAIN: usize = 1024 * 1024;

/// What an answer is, by its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// A success whose body the caller streams.
    Streamed,
    /// The answer: its whole body is read.
    Answer,
    /// A failure: a bounded part of its body is read for the [`ServiceError`].
    ServiceError,
}

/// Step 6: classifies a status for a request accepting `accept`.
pub(crate) fn classify(status: StatusCode, accept: Accept, streaming: bool) -> Class {
    let accepted = match accept {
        Accept::Success => status.is_success(),
        Accept::BelowServerError => status.as_u16() < 500,
    };
    match (accepted, streaming && status.is_success()) {
        (true, true) => Class::Streamed,
        (true, false) => Class::Answer,
        (false, _) => Class::ServiceError,
    }
}

/// Step 7: compares the CRC-64 of what was sent with the answer's
/// `x-cos-hash-crc64ecma`, when both are known and the whole body was sent.
///
/// Errors: [`Error::Integrity`] on a mismatch, [`Error::Decode`] for a bad header.
pub(crate) fn verify_upload(
    tap: Option<&CrcTap>,
    body_len: Option<u64>,
    headers: &HeaderMap,
) -> Result<(), Error> {
    if let Some(tap) = tap
        && let (Some(remote), Some((local, sent))) =
            (header_str(headers, "x-cos-hash-crc64ecma"), tap.value())
        && body_len.is_none_or(|l| l == sent)
    {
        crate::crc::verify(local, &remote)?;
    }
    Ok(())
}

/// A retryable failure.
fn retry(error: Error, had_request_id: bool) -> Failure {
    Failure::Retry {
        error,
        had_request_id,
    }
}

impl Transport {
    /// Step 5: sends `request`; `read_timeout` bounds the stalls of the upload and then
    /// the wait for the response head.
    pub(crate) async fn send_with_timeouts(
        &self,
        mut request: http::Request<HyperBody>,
    ) -> Result<http::Response<hyper::body::Incoming>, Failure> {
        let read_timeout = self.config.read_timeout;
        let connection = capture_connection(&mut request);
        match until_stalled(self.http.request(request), &connection, read_timeout).await {
            None => Err(retry(
                Error::Timeout(crate::error::TimeoutError::NoProgress(read_timeout)),
                false,
            )),
            Some(Err(e)) => Err(retry(classify_client_error(e), false)),
            Some(Ok(r)) => Ok(r),
        }
    }

    /// Step 6: classifies the answer and reads its body (unless it is streamed).
    pub(crate) async fn read_answer(
        &self,
        req: &WireRequest,
        response: http::Response<hyper::body::Incoming>,
        streaming: bool,
    ) -> Result<RawResponse, Failure> {
        let (parts, mut incoming) = response.into_parts();
        let status = parts.status;
        let request_id = header_str(&parts.headers, "x-cos-request-id");
        let span = tracing::Span::current();
        span.record("status", status.as_u16());
        if let Some(r) = &request_id {
            span.record("request_id", r.as_str());
        }
        tracing::debug!(status = status.as_u16(), "response");
        let had_request_id = request_id.is_some();
        let class = classify(status, req.accept, streaming);
        if class == Class::Streamed {
            let mut r = RawResponse::whole(status, parts.headers, Bytes::new());
            r.version = parts.version;
            r.stream = Some(incoming);
            return Ok(r);
        }
        // An error body is only parsed for its code and message: keep a bounded part.
        let (keep, drain) = match class {
            Class::ServiceError => (ERROR_BODY_KEEP, ERROR_BODY_DRAIN),
            _ => (usize::MAX, usize::MAX),
        };
        let read_timeout = self.config.read_timeout;
        let body = match read_body(&mut incoming, read_timeout, keep, drain).await {
            Err(ReadError::Stalled) => {
                let e = Error::Timeout(crate::error::TimeoutError::BodyStalled(read_timeout));
                return Err(retry(e, had_request_id));
            }
            Err(ReadError::Body(e)) => {
                return Err(retry(Error::Connection(Box::new(e)), had_request_id));
            }
            Ok(b) => b,
        };
        drop(incoming);
        if class == Class::ServiceError {
            let head = req.method == Method::HEAD;
            let err = ServiceError::from_response(status, parts.headers, body, head);
            return Err(retry(err.into(), had_request_id));
        }
        let mut answer = RawResponse::whole(status, parts.headers, body);
        answer.version = parts.version;
        Ok(answer)
    }
}

/// Classifies a failure of the HTTP client: a TLS handshake failure is [`Error::Tls`],
/// reading a local upload file [`Error::Io`], the rest [`Error::Connection`].
fn classify_client_error(e: hyper_util::client::legacy::Error) -> Error {
    use std::error::Error as _;
    if let Some(tls) = super::tls::find_rustls(&e) {
        return Error::Tls(super::tls::TlsError::from_rustls(tls));
    }
    let mut src = e.source();
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if e.is_connect() {
                break;
            }
            if io.kind() == std::io::ErrorKind::UnexpectedEof
                || io.kind() == std::io::ErrorKind::NotFound
                || io.kind() == std::io::ErrorKind::PermissionDenied
            {
                return Error::Io(std::io::Error::new(io.kind(), io.to_string()));
            }
        }
        src = s.source();
    }
    Error::Connection(Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::IntegrityError;

    #[test]
    fn classification_by_status_and_policy() {
        use Class::*;
        let s = |n| StatusCode::from_u16(n).unwrap();
        assert_eq!(classify(s(200), Accept::Success, false), Answer);
        assert_eq!(classify(s(206), Accept::Success, true), Streamed);
        assert_eq!(classify(s(404), Accept::Success, true), ServiceError);
        assert_eq!(classify(s(304), Accept::Success, false), ServiceError);
        assert_eq!(classify(s(503), Accept::Success, false), ServiceError);
        assert_eq!(classify(s(403), Accept::BelowServerError, false), Answer);
        assert_eq!(classify(s(403), Accept::BelowServerError, true), Answer);
        assert_eq!(classify(s(200), Accept::BelowServerError, true), Streamed);
        assert_eq!(
            classify(s(500), Accept::BelowServerError, false),
            ServiceError
        );
    }

    #[test]
    fn upload_crc_is_checked_only_when_known() {
        let data = b"hello";
        let tap = CrcTap::default();
        tap.update(data);
        let mut headers = HeaderMap::new();
        // No header, no tap: nothing to check.
        assert!(verify_upload(Some(&tap), Some(5), &headers).is_ok());
        let good = cos_crc64::checksum(data).to_string();
        headers.insert("x-cos-hash-crc64ecma", good.parse().unwrap());
        assert!(verify_upload(Some(&tap), Some(5), &headers).is_ok());
        headers.insert("x-cos-hash-crc64ecma", "1".parse().unwrap());
        assert!(verify_upload(None, Some(5), &headers).is_ok());
        // A body only partly sent is not compared.
        assert!(verify_upload(Some(&tap), Some(6), &headers).is_ok());
        let e = verify_upload(Some(&tap), Some(5), &headers).unwrap_err();
        assert!(matches!(
            e,
            Error::Integrity(IntegrityError::Crc64Mismatch { .. })
        ));
    }
}
