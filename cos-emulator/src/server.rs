//! The HTTP server: accepting connections, and the life of one request (routing,
//! faults, authentication, dispatch, response headers, the request log).

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use cos_xml::op::Op;
use hyper::body::Incoming;
use hyper::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, DATE, HeaderName, HeaderValue, SERVER,
};
use hyper::{HeaderMap, Method, Request, Response};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::auth;
use crate::body::{ReqBody, RespBody};
use crate::conn::{serve, stopped_signal};
use crate::errors::{ApiError, Failure};
use crate::faults::Injected;
use crate::ops::{self, Ctx};
use crate::record::NewRequest;
use crate::routing;
use crate::state::Shared;

/// A running accept loop.
#[derive(Debug)]
pub(crate) struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    /// Graceful: stop accepting, let connections finish their current request.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(5), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }

    /// Abrupt: drop every connection.
    pub fn abort(self) {
        let _ = self.stop.send(true);
        self.task.abort();
    }
}

/// Serves `listener` in a background task, at most `max_connections` connections at
/// once: the loop accepts only when a slot is free, so further clients wait in the
/// listen queue (holding no descriptor or buffer here).
/// With `tls`, every connection is a TLS one.
pub(crate) fn spawn(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> Running {
    let (stop, mut stopped) = watch::channel(false);
    let slots = Arc::new(Semaphore::new(shared.config.limits.max_connections));
    let task = tokio::spawn(async move {
        let mut conns = JoinSet::new();
        loop {
            let permit = tokio::select! {
                permit = slots.clone().acquire_owned() => match permit {
                    Ok(p) => p,
                    Err(_) => break,
                },
                Some(_) = conns.join_next(), if !conns.is_empty() => continue,
                _ = stopped_signal(&mut stopped) => break,
            };
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else {
                        // Out of descriptors or the like: let connections end first.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let shared = shared.clone();
                    let limits = shared.config.limits;
                    let handler = move |req| handle(shared.clone(), req, limits.idle_timeout);
                    let tls = tls.clone();
                    conns.spawn(serve(stream, limits, stopped.clone(), permit, tls, handler));
                }
                Some(_) = conns.join_next(), if !conns.is_empty() => {}
                _ = stopped_signal(&mut stopped) => break,
            }
        }
        while conns.join_next().await.is_some() {}
    });
    Running { stop, task }
}

/// `x-cos-request-id`.
const X_COS_REQUEST_ID: HeaderName = HeaderName::from_static("x-cos-request-id");
/// `x-cos-trace-id`.
const X_COS_TRACE_ID: HeaderName = HeaderName::from_static("x-cos-trace-id");

/// Why a connection was dropped instead of answered.
#[derive(Debug, thiserror::Error)]
#[error("connection reset")]
pub(crate) struct ConnectionReset;

/// Answers one request. A request body that stalls for `idle` ends it (the
/// connection is dropped).
async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
    idle: Duration,
) -> Result<Response<RespBody>, ConnectionReset> {
    let n = shared.next_request_number();
    let request_id = request_id(shared.config.clock.now_secs(), n);
    let (parts, incoming) = req.into_parts();
    let raw_query = parts.uri.query().unwrap_or("");
    let query = cos_auth::encode::decode_query(raw_query);
    let headers: Vec<(&str, Cow<'_, str>)> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), String::from_utf8_lossy(v.as_bytes())))
        .collect();
    let head = Head {
        method: &parts.method,
        header_map: &parts.headers,
        host: parts
            .headers
            .get(hyper::header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .unwrap_or(""),
        raw_path: parts.uri.path(),
        raw_query,
        query: &query,
        headers: &headers,
    };
    let mut routed = Routed::of(&head);
    if let Some(op) = crate::sts::operation(&shared, head.raw_path, head.header_map) {
        routed.op = op;
    }
    let injected = shared.inject(routed.op, routed.target.key.as_deref());
    if !injected.latency.is_zero() {
        tokio::time::sleep(injected.latency).await;
    }
    let mut body = ReqBody::new(incoming, injected.reset_request_after).stall_timeout(idle);

    // Whether the request was signed with known credentials: only then does the log
    // keep its values in full.
    let mut trusted = false;
    let outcome = answer(
        &shared,
        &head,
        &routed,
        &injected,
        &mut body,
        &request_id,
        &mut trusted,
    )
    .await;

    // An error answer may leave the body unread: a small rest is read so that the
    // connection stays usable, else the answer says it closes (hyper would close it
    // after an answer promising keep-alive, failing the client's next request on it).
    let closes = match &outcome {
        Err(Failure::Api(_)) => !settle(&mut body).await,
        _ => false,
    };
    // Status 0: the connection was reset instead of answered.
    let log = |status: u16| {
        let entry = Logged {
            operation: routed.op,
            target: &routed.target,
            status,
            body_len: body.bytes_read(),
            trusted,
        };
        record(&shared, &head, entry);
    };
    let mut response = match outcome {
        Ok(r) => r,
        Err(Failure::Reset) => {
            log(0);
            return Err(ConnectionReset);
        }
        Err(Failure::Api(e)) => {
            let is_head = parts.method == Method::HEAD;
            let mut r = error_response(&e, head.host, head.raw_path, &request_id, is_head);
            if closes {
                r.headers_mut()
                    .insert(CONNECTION, HeaderValue::from_static("close"));
            }
            r
        }
    };
    stamp(&shared, &mut response, &request_id);
    log(response.status().as_u16());
    let limit = injected.response_limit();
    if limit.is_some() {
        let (p, b) = response.into_parts();
        response = Response::from_parts(p, b.limit(limit));
    }
    Ok(response)
}

/// What the steps of [`handle`] read of a request's head.
struct Head<'a> {
    method: &'a Method,
    header_map: &'a HeaderMap,
    host: &'a str,
    raw_path: &'a str,
    raw_query: &'a str,
    /// The decoded query pairs.
    query: &'a [(String, String)],
    /// The headers, values decoded lossily.
    headers: &'a [(&'a str, Cow<'a, str>)],
}

/// Which API and operation a request is for.
struct Routed {
    /// Set for a request of the legacy v4 API (answered by `crate::v4`).
    v4: Option<routing::v4::Route>,
    /// The bucket and key addressed.
    target: routing::Target,
    /// The operation name faults match and the log records.
    op: &'static str,
    /// The XML API operation (`None` for v4 requests).
    xml_op: Option<Result<Op, ApiError>>,
}

impl Routed {
    fn of(head: &Head<'_>) -> Routed {
        let v4 = routing::v4::Route::parse(head.method, head.host, head.raw_path, head.raw_query);
        match v4 {
            Some(route) => Routed {
                target: route.target(),
                op: route.operation(),
                xml_op: None,
                v4: Some(route),
            },
            None => {
                let copy_source = head.header_map.contains_key("x-cos-copy-source");
                let (target, xml_op) = routing::route(
                    head.method,
                    head.host,
                    head.raw_path,
                    head.query,
                    copy_source,
                );
                Routed {
                    target,
                    op: routing::op_name(&xml_op),
                    xml_op: Some(xml_op),
                    v4: None,
                }
            }
        }
    }
}

/// The answer to a routed request: an injected error status, the v4 API's answer, or
/// the XML operation's once the signature checks out (`trusted` then says whether it
/// was signed with known credentials).
async fn answer(
    shared: &Shared,
    head: &Head<'_>,
    routed: &Routed,
    injected: &Injected,
    body: &mut ReqBody,
    request_id: &str,
    trusted: &mut bool,
) -> Result<Response<RespBody>, Failure> {
    if let Some((status, code)) = &injected.status {
        return Err(ApiError::new(
            *status,
            code,
            "Please reduce your request rate. (injected fault)",
        )
        .into());
    }
    let mock = crate::sts::MockRequest {
        method: head.method,
        raw_path: head.raw_path,
        raw_query: head.raw_query,
        header_map: head.header_map,
        headers: head.headers,
    };
    if let Some(answer) = crate::sts::answer(shared, &mock, body).await {
        return answer;
    }
    if let Some(route) = &routed.v4 {
        let request = crate::v4::V4Request {
            route,
            method: head.method,
            query: head.query,
            raw_query: head.raw_query,
            headers: head.header_map,
            request_id,
        };
        return crate::v4::handle(shared, &request, body).await;
    }
    let xml_op = (routed.xml_op.clone()).unwrap_or_else(|| Err(ApiError::method_not_allowed()))?;
    let paths = auth::signed_paths(&routed.target);
    let identity = auth::authenticate(
        &|id: &str| crate::sts::lookup(shared, id),
        shared.config.clock.now_secs(),
        head.method.as_str(),
        &paths,
        head.query,
        head.headers,
        // A signature's key time is checked against the real clock, not the
        // emulator's (which tests move forward): clients sign with the real time, and
        // a test that advances the clock by days must still be able to call in.
        // What expires by the emulator's clock is state (temporary credentials,
        // lifecycle, restores).
        crate::time::now_secs(),
    )?;
    *trusted = matches!(identity, auth::Identity::Signed(_));
    let mut ctx = Ctx {
        shared,
        method: head.method.clone(),
        op: xml_op,
        host: head.host.to_owned(),
        bucket: routed.target.bucket.clone(),
        key: routed.target.key.clone(),
        query: head.query,
        headers: head.header_map,
        body,
        identity,
    };
    ops::dispatch(&mut ctx).await
}

/// Adds the headers every answer carries (request and trace ids, `Server`, `Date`)
/// and COS's header name case.
fn stamp(shared: &Shared, response: &mut Response<RespBody>, request_id: &str) {
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert(X_COS_REQUEST_ID, v.clone());
        h.insert(X_COS_TRACE_ID, v);
    }
    h.insert(SERVER, HeaderValue::from_static("tencent-cos"));
    h.insert(
        DATE,
        crate::time::http_date_header(shared.config.clock.now_secs()),
    );
    let case = shared.header_case.for_headers(response.headers());
    response.extensions_mut().extend(case);
}

/// Largest unread rest of a request body [`settle`] reads after an error answer.
const SETTLE_MAX: u64 = 64 << 10;
/// Longest [`settle`] waits for that rest.
const SETTLE_WAIT: Duration = Duration::from_secs(1);

/// Reads the rest of a request body an error answer left unread, when small, of
/// known length and arriving promptly; whether the connection can serve another
/// request after.
async fn settle(body: &mut ReqBody) -> bool {
    match body.remaining() {
        Some(0) => true,
        Some(n) if n <= SETTLE_MAX => {
            matches!(
                tokio::time::timeout(SETTLE_WAIT, body.drain()).await,
                Ok(Ok(()))
            )
        }
        _ => false,
    }
}

/// How a request ended, for the log.
struct Logged<'a> {
    operation: &'static str,
    target: &'a routing::Target,
    /// The answer's status; 0 when the connection was reset instead.
    status: u16,
    body_len: u64,
    /// Whether it was signed with known credentials.
    trusted: bool,
}

/// Appends a request to the log (without its headers in bench mode; clipped unless
/// `trusted`, see [`crate::record::keep_pairs`]).
fn record(shared: &Shared, head: &Head<'_>, entry: Logged<'_>) {
    use crate::record::{keep_pairs, keep_text};
    let Logged {
        operation,
        target,
        status,
        body_len,
        trusted,
    } = entry;
    let mut truncated = false;
    let headers = if shared.config.bench_mode {
        Vec::new()
    } else {
        keep_pairs(
            head.headers.iter().map(|(k, v)| {
                // SSE-C keys are never kept, not even in the log.
                let v = if crate::ops::sse::is_customer_key(k) {
                    "** redacted **"
                } else {
                    v.as_ref()
                };
                (*k, v)
            }),
            trusted,
            &mut truncated,
        )
    };
    let query = keep_pairs(
        head.query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        trusted,
        &mut truncated,
    );
    let entry = NewRequest {
        method: head.method,
        host: keep_text(head.host, trusted, &mut truncated),
        path: keep_text(head.raw_path, trusted, &mut truncated).into(),
        query,
        headers,
        operation,
        bucket: (target.bucket.as_deref()).map(|b| keep_text(b, trusted, &mut truncated)),
        key: (target.key.as_deref()).map(|k| keep_text(k, trusted, &mut truncated).into()),
        status,
        body_len,
        truncated,
    };
    shared.log.push(entry);
}

/// COS-like request id: base64 of `<secs hex>_<pid hex>_<request number hex>`.
///
/// The first part is 18 bytes (until 2106), so its base64 (24 characters, no padding)
/// is a prefix of the whole id's: it is encoded once per second per thread.
fn request_id(now: u64, n: u64) -> String {
    use base64::Engine;
    use std::io::Write;
    thread_local! {
        static PREFIX: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let engine = &base64::engine::general_purpose::STANDARD;
    let mut id = String::with_capacity(48);
    PREFIX.with_borrow_mut(|(secs, prefix)| {
        if *secs != now {
            let raw = format!("{now:08x}_{:08x}_", std::process::id());
            *prefix = engine.encode(raw.as_bytes());
            *secs = now;
        }
        id.push_str(prefix);
    });
    if id.ends_with('=') {
        // Padded, so not a prefix (a timestamp beyond 32 bits): encode the whole id.
        let raw = format!("{now:08x}_{:08x}_{n:x}", std::process::id());
        return engine.encode(raw.as_bytes());
    }
    let mut tail = [0u8; 16];
    let mut rest = &mut tail[..];
    let _ = write!(rest, "{n:x}");
    let unused = rest.len();
    engine.encode_string(&tail[..tail.len() - unused], &mut id);
    id
}

/// A COS XML error (no body for HEAD).
pub(crate) fn error_response(
    e: &ApiError,
    host: &str,
    path: &str,
    request_id: &str,
    is_head: bool,
) -> Response<RespBody> {
    let mut doc = cos_xml::ErrorResponse::new(e.code.clone(), e.message.clone());
    doc.resource = Some(format!("{host}{path}"));
    doc.request_id = Some(request_id.to_owned());
    doc.trace_id = Some(request_id.to_owned());
    let xml = cos_xml::to_string_with_declaration(&doc).unwrap_or_default();
    let status =
        hyper::StatusCode::from_u16(e.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = Response::new(if is_head {
        RespBody::empty()
    } else {
        RespBody::full(xml.clone())
    });
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/xml"));
    h.insert(
        CONTENT_LENGTH,
        HeaderValue::from(if is_head { 0 } else { xml.len() }),
    );
    if let Some((name, value)) = &e.header
        && let Ok(v) = HeaderValue::from_str(value)
    {
        h.insert(*name, v);
    }
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_id_is_base64_of_time_pid_and_number() {
        use base64::Engine;
        let pid = std::process::id();
        for (now, n) in [(1_700_000_000, 0), (1_700_000_000, 0xabcdef), (1 << 36, 7)] {
            let raw = format!("{now:08x}_{pid:08x}_{n:x}");
            let want = base64::engine::general_purpose::STANDARD.encode(raw);
            assert_eq!(super::request_id(now, n), want);
        }
    }
}
