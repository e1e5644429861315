//! Response header names with COS's capitalisation (`ETag`, `Content-Length`, ...).
//!
//! hyper writes header names lowercase, but clients such as the official Python SDK
//! copy response headers into a case-sensitive `dict` and look up `ETag`. hyper can
//! write the original case of names it parsed; its case map type is private, so we
//! obtain one by letting hyper parse a request that spells every name as COS does,
//! and attach that request's extensions to each response.

use hyper::Request;
use hyper::body::Incoming;
use hyper::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, DATE, ETAG, HeaderMap, HeaderName, SERVER,
};
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

/// The names of [`NAMES`] most answers carry, in a second, smaller template: hyper's
/// case map is cloned into every response, and cloning costs per name.
const COMMON: [HeaderName; 6] = [CONTENT_LENGTH, CONTENT_TYPE, DATE, SERVER, ETAG, CONNECTION];

/// Extensions that make hyper write response header names in COS's case.
///
/// Cloning a template clones the names hyper parsed, which all count references to
/// one buffer: threads cloning the same template contend on that count. So there is
/// one set of templates per thread of the machine, each thread using its own.
#[derive(Debug)]
pub(crate) struct HeaderCase {
    slots: Vec<Templates>,
}

/// The templates of one thread.
#[derive(Debug)]
struct Templates {
    /// For every name of [`NAMES`].
    all: Extensions,
    /// For the [`COMMON`] names only.
    common: Extensions,
}

impl HeaderCase {
    /// Builds the templates (empty if hyper could not be made to produce them).
    pub async fn new() -> Self {
        let common: Vec<&str> = NAMES
            .into_iter()
            .filter(|n| COMMON.iter().any(|c| c.as_str().eq_ignore_ascii_case(n)))
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let mut slots = Vec::with_capacity(threads);
        for _ in 0..threads {
            slots.push(Templates {
                all: template(&NAMES).await,
                common: template(&common).await,
            });
        }
        HeaderCase { slots }
    }

    /// Extensions to attach to a response with these headers: the smaller template
    /// when it covers every name (`x-cos-*` names are written lowercase anyway).
    pub fn for_headers(&self, headers: &HeaderMap) -> Extensions {
        let Some(t) = self
            .slots
            .get(crate::threads::thread_slot() % self.slots.len().max(1))
        else {
            return Extensions::new();
        };
        let common_only = headers
            .keys()
            .all(|k| COMMON.contains(k) || k.as_str().starts_with("x-cos-"));
        if common_only {
            t.common.clone()
        } else {
            t.all.clone()
        }
    }
}

/// Extensions that make hyper write `names` in their case (empty if hyper could not
/// be made to produce them).
async fn template(names: &[&str]) -> Extensions {
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
    for n in names {
        raw.push_str(n);
        raw.push_str(if *n == "Content-Length" {
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
