//! Fuzzing the emulator's request parsing over the wire: random methods, paths with
//! random percent-escapes, random queries, headers and bodies, addressed in every style
//! (virtual-host, path-style, service, the v4 JSON API), mostly validly signed so that
//! they reach the operations, sent as raw HTTP/1.1 bytes to an in-process emulator.
//!
//! Properties: every request gets one well-formed HTTP answer (status line, framing
//! that matches its body, an XML `<Error>` body on XML API errors) within a bounded
//! time, and the emulator stays alive: after every case a normal upload and download
//! still succeed.
//!
//! CI runs a few dozen cases; `cargo xtask fuzz` runs this file in release mode with
//! `PROPTEST_CASES` raised.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::net::SocketAddr;
use std::time::Duration;

use crate::common::BUCKET;
use cos_auth::KeyTime;
use cos_auth::qsign::{SignableRequest, SigningSettings, sign};
use cos_auth::v4::V4Signer;
use cos_emulator::{Emulator, EmulatorHandle};
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod strategies;

use strategies::{Style, Wire, wire};

/// The cases of one property: `PROPTEST_CASES` when set (the xtask), else `default`.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Longest one exchange may take.
const DEADLINE: Duration = Duration::from_secs(20);

fn now() -> u64 {
    cos_auth::qsign::unix_now()
}

/// The raw bytes of `w`: request line, headers (signed when asked), body.
fn render(w: &Wire) -> Vec<u8> {
    let (host, raw_path) = match w.style {
        Style::Virtual => (
            format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com"),
            w.path.clone(),
        ),
        Style::Path => (
            "cos.ap-guangzhou.myqcloud.com".to_owned(),
            format!("/{BUCKET}{}", w.path),
        ),
        Style::Service => ("service.cos.myqcloud.com".to_owned(), w.path.clone()),
        Style::OtherHost => ("127.0.0.1".to_owned(), w.path.clone()),
        Style::V4 => (
            "gz.file.myqcloud.com".to_owned(),
            format!("/files/v2/1250000000/test{}", w.path),
        ),
    };
    let raw_path = if raw_path.is_empty() {
        "/".to_owned()
    } else {
        raw_path
    };
    let query: Vec<String> = w
        .query
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    let query = query.join("&");
    let mut headers: Vec<(String, String)> = vec![("Host".into(), host)];
    if w.chunked {
        headers.push(("Transfer-Encoding".into(), "chunked".into()));
    } else {
        headers.push(("Content-Length".into(), w.body.len().to_string()));
    }
    headers.extend(w.headers.iter().cloned());
    if w.signed {
        headers.push((
            "Authorization".into(),
            authorization(w, &raw_path, &query, &headers),
        ));
    }
    let target = if query.is_empty() {
        raw_path
    } else {
        format!("{raw_path}?{query}")
    };
    let mut out = format!("{} {target} HTTP/1.1\r\n", w.method);
    for (k, v) in &headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut out = out.into_bytes();
    if w.chunked {
        for chunk in w.body.chunks(100) {
            out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            out.extend_from_slice(chunk);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(&w.body);
    }
    out
}

/// A valid signature of what the emulator will decode from the request.
fn authorization(w: &Wire, raw_path: &str, query: &str, headers: &[(String, String)]) -> String {
    let decoded = cos_auth::encode::decode_path(raw_path);
    if let Style::V4 = w.style {
        let path = decoded
            .strip_prefix("/files/v2/1250000000/test")
            .unwrap_or(&decoded);
        return V4Signer::new("1250000000", common::creds()).sign_more("test", path, 600);
    }
    let key = match w.style {
        Style::Path => decoded
            .strip_prefix(&format!("/{BUCKET}"))
            .unwrap_or(&decoded)
            .to_owned(),
        _ => decoded,
    };
    let params = cos_auth::encode::decode_query(query);
    let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (&**k, &**v)).collect();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (&**k, &**v)).collect();
    let t = now();
    sign(
        &SignableRequest::new(&w.method, &key)
            .params(&params)
            .headers(&headers),
        &common::creds(),
        KeyTime::new(t - 60, t + 3600).unwrap(),
        &SigningSettings::default(),
    )
    .authorization()
    .to_owned()
}

/// A parsed final answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Sends `raw` and reads everything until the server closes; then checks that it is
/// exactly one well-formed answer (after any `100 Continue`).
async fn exchange(addr: SocketAddr, raw: &[u8], is_head: bool) -> Result<Answer, String> {
    let mut s = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    // The server may answer (and close) before it read the whole body.
    let _ = s.write_all(raw).await;
    let mut got = Vec::new();
    let mut buf = vec![0u8; 65536];
    loop {
        match s.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            // A reset after the answer (unread request bytes) is fine; checked below.
            Err(_) => break,
        }
    }
    parse(&got, is_head)
}

fn parse(mut raw: &[u8], is_head: bool) -> Result<Answer, String> {
    loop {
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| format!("no complete head in {:?}", String::from_utf8_lossy(raw)))?;
        let head = std::str::from_utf8(&raw[..end]).map_err(|e| format!("head: {e}"))?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or("");
        let status: u16 = status_line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|r| r.get(..3))
            .and_then(|c| c.parse().ok())
            .filter(|c| (100..600).contains(c))
            .ok_or_else(|| format!("bad status line {status_line:?}"))?;
        let headers: Vec<(String, String)> = lines
            .map(|l| {
                l.split_once(':')
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                    .ok_or_else(|| format!("bad header line {l:?}"))
            })
            .collect::<Result<_, _>>()?;
        let rest = &raw[end + 4..];
        if status == 100 {
            raw = rest;
            continue;
        }
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let body = if is_head || status == 204 || status == 304 {
            Vec::new()
        } else if get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            dechunk(rest)?
        } else {
            let len: usize = get("content-length")
                .ok_or("neither Content-Length nor chunked")?
                .parse()
                .map_err(|e| format!("Content-Length: {e}"))?;
            if rest.len() != len {
                return Err(format!(
                    "body of {} bytes, Content-Length {len}",
                    rest.len()
                ));
            }
            rest.to_vec()
        };
        return Ok(Answer {
            status,
            headers,
            body,
        });
    }
}

fn dechunk(mut raw: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("cut chunk size")?;
        let size_text = std::str::from_utf8(&raw[..eol]).map_err(|e| e.to_string())?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|e| format!("chunk size {size_text:?}: {e}"))?;
        raw = &raw[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        if raw.len() < size + 2 {
            return Err("cut chunk".into());
        }
        out.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

struct Harness {
    rt: tokio::runtime::Runtime,
    emu: EmulatorHandle,
}

impl Harness {
    fn new() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emu = rt.block_on(Emulator::builder().start()).unwrap();
        Harness { rt, emu }
    }

    fn run<T>(&self, what: &str, fut: impl Future<Output = T>) -> T {
        self.rt
            .block_on(async { tokio::time::timeout(DEADLINE, fut).await })
            .unwrap_or_else(|_| panic!("{what}: no answer within {DEADLINE:?}"))
    }

    /// A normal upload and download succeed (the bucket is created again if a fuzzed
    /// request deleted it).
    fn alive(&self) {
        let addr = self.emu.addr();
        self.run("liveness", async {
            let a = common::request(addr, "PUT", "", "", &[], b"").await;
            assert!(matches!(a.status, 200 | 409), "PUT Bucket: {a:?}");
            let a = common::request(addr, "PUT", "alive.txt", "", &[], b"still here").await;
            assert_eq!(a.status, 200, "PUT Object: {}", a.text());
            let a = common::request(addr, "GET", "alive.txt", "", &[], b"").await;
            assert_eq!(
                (a.status, a.body.as_slice()),
                (200, &b"still here"[..]),
                "GET Object"
            );
        });
    }
}

fn check(h: &Harness, w: &Wire) -> Result<(), TestCaseError> {
    let raw = render(w);
    let is_head = w.method.eq_ignore_ascii_case("HEAD");
    let answer = h
        .run("fuzzed request", exchange(h.emu.addr(), &raw, is_head))
        .map_err(|e| {
            TestCaseError::fail(format!("{e}\nrequest: {:?}", String::from_utf8_lossy(&raw)))
        })?;
    // XML API errors carry a COS `<Error>` body (the v4 API answers JSON).
    let v4 = matches!(w.style, Style::V4);
    if answer.status >= 400 && !answer.body.is_empty() && !v4 {
        let err: Result<cos_xml::ErrorResponse, _> = cos_xml::from_slice(&answer.body);
        prop_assert!(
            err.as_ref().is_ok_and(|e| !e.code.is_empty()),
            "status {} with body {:?}\nrequest: {:?}",
            answer.status,
            String::from_utf8_lossy(&answer.body),
            String::from_utf8_lossy(&raw)
        );
    }
    prop_assert!(answer.headers.len() < 200);
    h.alive();
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn every_request_gets_one_well_formed_answer(w in wire()) {
        thread_local!(static H: Harness = Harness::new());
        H.with(|h| check(h, &w))?;
    }
}

#[test]
fn malformed_http_gets_an_answer_or_a_close_and_the_emulator_survives() {
    let h = Harness::new();
    h.alive();
    for raw in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        b"PUT /k HTTP/1.1\r\nHost: test-1250000000.cos.ap-guangzhou.myqcloud.com\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        b"\x00\x01\x02\xff\r\n\r\n",
    ] {
        let got = h.run("malformed request", async {
            let mut s = TcpStream::connect(h.emu.addr()).await.unwrap();
            let _ = s.write_all(raw).await;
            let _ = s.shutdown().await;
            let mut got = Vec::new();
            let _ = s.read_to_end(&mut got).await;
            got
        });
        // Either no answer at all (the connection is closed) or a well-formed one.
        if !got.is_empty() {
            let a = parse(&got, false).unwrap_or_else(|e| panic!("{e}: {raw:?}"));
            assert!((400..500).contains(&a.status), "{raw:?}: {a:?}");
        }
        h.alive();
    }
}
