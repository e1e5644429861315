//! The HTTP server: accepting connections, and the life of one request (routing,
//! faults, authentication, dispatch, response headers, the request log).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use cos_auth::Credentials;
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::auth;
use crate::body::{ReqBody, RespBody};
use crate::errors::{ApiError, Failure};
use crate::faults::FaultSet;
use crate::ops::{self, Ctx};
use crate::record::RecordedRequest;
use crate::routing;
use crate::storage::Store;

/// Static settings.
#[derive(Debug)]
pub(crate) struct Config {
    pub region: String,
    pub credentials: Vec<Credentials>,
    pub bench_mode: bool,
}

/// State shared by all connections.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: Config,
    pub store: Store,
    faults: Mutex<FaultSet>,
    log: Mutex<Vec<RecordedRequest>>,
    requests: AtomicU64,
    /// What the legacy v4 API keeps besides the objects.
    pub v4: crate::v4::V4State,
    /// Makes hyper write COS's header name case (see [`crate::header_case`]).
    pub header_case: hyper::http::Extensions,
}

impl Shared {
    pub fn new(
        config: Config,
        store: Store,
        faults: FaultSet,
        header_case: hyper::http::Extensions,
    ) -> Self {
        Shared {
            header_case,
            config,
            store,
            faults: Mutex::new(faults),
            log: Mutex::new(Vec::new()),
            requests: AtomicU64::new(0),
            v4: crate::v4::V4State::default(),
        }
    }

    pub fn faults(&self) -> MutexGuard<'_, FaultSet> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn log(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }
}

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

/// Serves `listener` in a background task.
pub(crate) fn spawn(listener: TcpListener, shared: Arc<Shared>) -> Running {
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        let mut conns = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let _ = stream.set_nodelay(true);
                    let shared = shared.clone();
                    let mut stop = stopped.clone();
                    conns.spawn(async move {
                        let service = service_fn(move |req| {
                            let shared = shared.clone();
                            async move { handle(shared, req).await }
                        });
                        let conn = hyper::server::conn::http1::Builder::new()
                            .keep_alive(true)
                            .max_buf_size(READ_BUFFER)
                            .serve_connection(TokioIo::new(stream), service);
                        tokio::pin!(conn);
                        tokio::select! {
                            _ = conn.as_mut() => {}
                            _ = stopped_signal(&mut stop) => {
                                conn.as_mut().graceful_shutdown();
                                let _ = conn.await;
                            }
                        }
                    });
                }
                Some(_) = conns.join_next(), if !conns.is_empty() => {}
                _ = stopped_signal(&mut stopped) => break,
            }
        }
        while conns.join_next().await.is_some() {}
    });
    Running { stop, task }
}

/// Resolves once the stop flag is set (or its sender is gone).
async fn stopped_signal(rx: &mut watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}

/// Largest read buffer per connection. Stored bodies keep the chunks hyper read (no
/// copy), so each read allocates afresh; larger reads mean fewer, bigger chunks.
const READ_BUFFER: usize = 4 << 20;

/// Why a connection was dropped instead of answered.
#[derive(Debug, thiserror::Error)]
#[error("connection reset")]
pub(crate) struct ConnectionReset;

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<RespBody>, ConnectionReset> {
    let n = shared.requests.fetch_add(1, Ordering::Relaxed);
    let request_id = request_id(n);
    let (parts, incoming) = req.into_parts();
    let host = parts
        .headers
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .unwrap_or("")
        .to_owned();
    let raw_path = parts.uri.path().to_owned();
    let query = cos_auth::encode::decode_query(parts.uri.query().unwrap_or(""));
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let v4 = crate::v4::Route::parse(&parts.method, &host, &raw_path, &raw_query);
    let (target, op) = match &v4 {
        Some(route) => (route.target(), route.operation()),
        None => {
            let target = routing::resolve(&host, &raw_path);
            let copy_source = parts.headers.contains_key("x-cos-copy-source");
            let op = routing::operation(&parts.method, &target, &query, copy_source);
            (target, op)
        }
    };
    let injected = shared.faults().decide(op, target.key.as_deref());
    if !injected.latency.is_zero() {
        tokio::time::sleep(injected.latency).await;
    }
    let is_head = parts.method == Method::HEAD;
    let mut body = ReqBody::new(incoming, injected.reset_request_after);

    let outcome: Result<Response<RespBody>, Failure> = async {
        if let Some((status, code)) = &injected.status {
            return Err(ApiError::new(
                *status,
                code,
                "Please reduce your request rate. (injected fault)",
            )
            .into());
        }
        if let Some(route) = &v4 {
            return crate::v4::handle(
                &shared,
                route,
                &parts.method,
                &query,
                &raw_query,
                &parts.headers,
                &mut body,
                &request_id,
            )
            .await;
        }
        let mut paths = vec![target.signed_path()];
        paths.extend(target.full_path());
        let identity = auth::authenticate(
            &shared.config.credentials,
            parts.method.as_str(),
            &paths,
            &query,
            &headers,
            crate::time::now_secs(),
        )?;
        let mut ctx = Ctx {
            shared: &shared,
            method: parts.method.clone(),
            op,
            host: host.clone(),
            bucket: target.bucket.clone(),
            key: target.key.clone(),
            query: &query,
            headers: &parts.headers,
            body: &mut body,
            identity,
        };
        ops::dispatch(&mut ctx).await
    }
    .await;

    let mut response = match outcome {
        Ok(r) => r,
        Err(Failure::Reset) => {
            record(
                &shared,
                &parts.method,
                &host,
                &raw_path,
                &query,
                &headers,
                op,
                &target,
                0,
                body.bytes_read(),
            );
            return Err(ConnectionReset);
        }
        Err(Failure::Api(e)) => {
            // A request whose body was not read must not be left half-consumed on a
            // keep-alive connection: hyper closes it if needed.
            error_response(&e, &host, &raw_path, &request_id, is_head)
        }
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert("x-cos-request-id", v.clone());
        h.insert("x-cos-trace-id", v);
    }
    h.insert("server", HeaderValue::from_static("tencent-cos"));
    if let Ok(v) = HeaderValue::from_str(&crate::time::http_date(crate::time::now_secs())) {
        h.insert("date", v);
    }
    response.extensions_mut().extend(shared.header_case.clone());
    let status = response.status().as_u16();
    record(
        &shared,
        &parts.method,
        &host,
        &raw_path,
        &query,
        &headers,
        op,
        &target,
        status,
        body.bytes_read(),
    );
    let limit = injected.response_limit();
    if limit.is_some() {
        let (p, b) = response.into_parts();
        response = Response::from_parts(p, b.limit(limit));
    }
    Ok(response)
}

#[allow(clippy::too_many_arguments)]
fn record(
    shared: &Shared,
    method: &Method,
    host: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    op: &str,
    target: &routing::Target,
    status: u16,
    body_len: u64,
) {
    let entry = RecordedRequest {
        method: method.as_str().to_owned(),
        host: host.to_owned(),
        path: path.to_owned(),
        query: query.to_vec(),
        headers: if shared.config.bench_mode {
            Vec::new()
        } else {
            headers.to_vec()
        },
        operation: op.to_owned(),
        bucket: target.bucket.clone(),
        key: target.key.clone(),
        status,
        body_len,
    };
    shared.log().push(entry);
}

fn request_id(n: u64) -> String {
    use base64::Engine;
    let raw = format!(
        "{:08x}_{:08x}_{n:x}",
        crate::time::now_secs(),
        std::process::id()
    );
    base64::engine::general_purpose::STANDARD.encode(raw)
}

/// A COS XML error (no body for HEAD).
pub(crate) fn error_response(
    e: &ApiError,
    host: &str,
    path: &str,
    request_id: &str,
    is_head: bool,
) -> Response<RespBody> {
    let doc = cos_xml::ErrorResponse {
        code: e.code.clone(),
        message: e.message.clone(),
        resource: Some(format!("{host}{path}")),
        request_id: Some(request_id.to_owned()),
        trace_id: Some(request_id.to_owned()),
    };
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
    r
}
