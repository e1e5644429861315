//! Response header names with COS's capitalisation (`ETag`, `Content-Length`, ...).
//!
//! hyper writes header names lowercase, but clients such as the official Python SDK
//! copy response headers into a case-sensitive `dict` and look up `ETag`. hyper can
//! write the original case of names it parsed; its case map type is private, so we
//! obtain one by letting hyper parse a request that spells every name as COS does,
//! and attach that request's extensions to each response.

use hyper::Request;
use hyper::body::Incoming;
use hyper::http::Extensions;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Names whose case differs from lowercase in COS answers.
const NAMES: [&str; 21] = [
    "Content-Type",
    "Content-Length",
    "Content-Range",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Cache-Control",
    "Expires",
    "Date",
    "Server",
    "ETag",
    "Last-Modified",
    "Accept-Ranges",
    "Connection",
    "Location",
    "Vary",
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
];

/// Extensions that make hyper write [`NAMES`] in their COS case (empty if hyper
/// could not be made to produce them).
pub(crate) async fn template() -> Extensions {
    let (client, server) = tokio::io::duplex(8192);
    let (tx, rx) = tokio::sync::oneshot::channel::<Extensions>();
    let tx = std::sync::Mutex::new(Some(tx));
    let service = service_fn(move |req: Request<Incoming>| {
        if let Some(tx) = tx.lock().ok().and_then(|mut t| t.take()) {
            let _ = tx.send(req.extensions().clone());
        }
        async { Ok::<_, std::convert::Infallible>(hyper::Response::new(String::new())) }
    });
    let conn = tokio::spawn(async move {
        let _ = hyper::server::conn::http1::Builder::new()
            .preserve_header_case(true)
            .keep_alive(false)
            .serve_connection(TokioIo::new(server), service)
            .await;
    });
    let mut raw = String::from("GET / HTTP/1.1\r\nHost: x\r\n");
    for n in NAMES {
        raw.push_str(n);
        raw.push_str(if n == "Content-Length" {
            ": 0\r\n"
        } else {
            ": x\r\n"
        });
    }
    raw.push_str("\r\n");
    let mut client = client;
    let exchange = async {
        client.write_all(raw.as_bytes()).await?;
        let mut sink = Vec::new();
        client.read_to_end(&mut sink).await?;
        Ok::<_, std::io::Error>(())
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), exchange).await;
    conn.abort();
    rx.await.unwrap_or_default()
}
