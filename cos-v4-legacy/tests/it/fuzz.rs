//! Fuzzing the v4 JSON answers: arbitrary bytes and mutations of real answers, decoded
//! as every `data` type and answered over HTTP to the client's operations by a local
//! scripted server.
//!
//! Properties: no panic; decoded values bounded by their input; every operation ends
//! (with a value or a typed error) within a fixed time whatever the server answers, and
//! nothing in an answer sizes an allocation or a loop (hostile `slice_size`, a listing
//! `context` that never advances).
//!
//! CI runs a few dozen cases; `cargo xtask fuzz` runs this file in release mode with
//! `PROPTEST_CASES` raised.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cos_v4_legacy::{
    Config, CosClient, Error, FileStat, FolderStat, ListEntry, ListPage, ListedPart, SliceData,
    SliceInit, SliceList, UploadResult,
};
use futures_util::StreamExt;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

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

const BUCKET: &str = "mybucket";
/// Longest an operation may take against the scripted server.
const DEADLINE: Duration = Duration::from_secs(20);

/// The answers the recording server gave the official SDK (`testdata/wire_v4.json`),
/// plus the shapes of the slice and listing answers.
fn seeds() -> Vec<String> {
    let wire: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/wire_v4.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let answers: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(wire["client_stdout"].as_str().unwrap()).unwrap();
    let mut out: Vec<String> = answers.values().map(|v| v.to_string()).collect();
    out.extend(
        [
            r#"{"code":0,"message":"SUCCESS","data":{"session":"s-1","slice_size":1048576,"serial_upload":0}}"#,
            r#"{"code":0,"message":"SUCCESS","data":{"session":"s-1","offset":"65536"}}"#,
            r#"{"code":-4019,"message":"unfinished","request_id":"r"}"#,
            r#"{"code":0,"data":{"session":"s-1","slice_size":"524288","filesize":200000,"serial_upload":"1","listparts":[{"offset":0,"datalen":524288}]}}"#,
            r#"{"code":0,"data":{"infos":[{"name":"a","filesize":3,"ctime":"1700000000"},{"name":"d"}],"listover":false,"context":"next"}}"#,
            r#"{"code":-71,"message":"too frequent"}"#,
        ]
        .map(str::to_owned),
    );
    out
}

// ---- byte mutations ----

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Truncate(usize),
}

fn token() -> impl Strategy<Value = Vec<u8>> {
    let fixed = vec![
        "{",
        "}",
        "[",
        "]",
        "\"",
        ",",
        ":",
        "null",
        "true",
        "-1",
        "0",
        "1e400",
        "1.5",
        "18446744073709551616",
        "\"\\ud800\"",
        "\"\\u0000\"",
        "[[[[[[[[",
        "{\"a\":",
        "\"slice_size\":1,",
        "\"listover\":false,",
        "\"context\":\"c\",",
        "\"code\":0,",
        "\"data\":",
        "\"infos\":[{}],",
    ];
    prop_oneof![
        3 => proptest::sample::select(fixed).prop_map(|s| s.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..8),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Set(p, b)),
        (any::<usize>(), 1usize..16).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<usize>(), token()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(base: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut doc = base.to_vec();
    for m in mutations {
        let len = doc.len();
        let at = |p: usize| p % (len + 1);
        match m {
            Mutation::Set(p, b) if len > 0 => doc[p % len] = *b,
            Mutation::Set(..) => {}
            Mutation::Delete(p, n) => {
                let start = at(*p);
                doc.drain(start..(start + n).min(len));
            }
            Mutation::Insert(p, t) => {
                let i = at(*p);
                doc.splice(i..i, t.iter().copied());
            }
            Mutation::Truncate(p) => doc.truncate(at(*p)),
        }
    }
    doc
}

/// Answer bodies: arbitrary bytes, or a real answer with a few edits.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..512),
        3 => (
            proptest::sample::select(seeds()),
            proptest::collection::vec(mutation(), 0..6)
        )
            .prop_map(|(seed, m)| apply(seed.as_bytes(), &m)),
    ]
}

// ---- decoding ----

/// Decodes `input` as `T` (whole answers and their `data`); a value is bounded by its input.
fn decode<T: DeserializeOwned + Debug>(input: &[u8]) -> Result<(), TestCaseError> {
    let mut tried = vec![serde_json::from_slice::<T>(input).ok()];
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(input) {
        tried.push(serde_json::from_value::<T>(v["data"].clone()).ok());
    }
    for value in tried.into_iter().flatten() {
        let n = format!("{value:?}").len();
        prop_assert!(
            n <= 16 * input.len() + 1024,
            "{} bytes decoded to {n}",
            input.len()
        );
    }
    Ok(())
}

// ---- a scripted server ----

/// Chooses the status and body answering a request (given its line and body).
type Answerer = Box<dyn FnMut(&str) -> (u16, Vec<u8>) + Send>;

/// What the scripted server answers: a status and a body, and the request lines it saw.
struct Script {
    answer: Answerer,
    seen: Vec<String>,
}

/// Starts a server answering every request by `script`; returns its address.
async fn server(script: Arc<Mutex<Script>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let script = script.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 16384];
                let head_end = loop {
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i;
                    }
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .unwrap_or(0);
                let mut body = buf[head_end + 4..].to_vec();
                while body.len() < len {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => body.extend_from_slice(&chunk[..n]),
                    }
                }
                // The request line and the form's `op` are what scripts look at.
                let what = format!(
                    "{}\n{}",
                    head.lines().next().unwrap_or(""),
                    String::from_utf8_lossy(&body)
                );
                let (status, answer) = {
                    let mut s = script.lock().unwrap();
                    s.seen.push(what.clone());
                    (s.answer)(&what)
                };
                let mut resp = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    answer.len()
                )
                .into_bytes();
                resp.extend_from_slice(&answer);
                let _ = sock.write_all(&resp).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    addr
}

fn client(addr: &str) -> CosClient {
    CosClient::with_config(
        1250000000,
        "AKIDEXAMPLE",
        "SECRETKEYEXAMPLE",
        Config::new("gz")
            .connect_to(format!("http://{addr}"))
            .timeout(Duration::from_secs(10))
            .max_attempts(1),
    )
    .unwrap()
}

struct Harness {
    rt: tokio::runtime::Runtime,
    script: Arc<Mutex<Script>>,
    client: CosClient,
}

impl Harness {
    fn new() -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let script = Arc::new(Mutex::new(Script {
            answer: Box::new(|_| (200, b"{}".to_vec())),
            seen: Vec::new(),
        }));
        let addr = rt.block_on(server(script.clone()));
        Harness {
            client: client(&addr),
            rt,
            script,
        }
    }

    fn answer(&self, f: impl FnMut(&str) -> (u16, Vec<u8>) + Send + 'static) {
        let mut s = self.script.lock().unwrap();
        s.answer = Box::new(f);
        s.seen.clear();
    }

    fn seen(&self) -> Vec<String> {
        self.script.lock().unwrap().seen.clone()
    }

    /// Runs `fut` to its end, which must come before [`DEADLINE`].
    fn run<T>(&self, what: &str, fut: impl Future<Output = T>) -> T {
        self.rt
            .block_on(async { tokio::time::timeout(DEADLINE, fut).await })
            .unwrap_or_else(|_| panic!("{what} did not end within {DEADLINE:?}"))
    }
}

/// Every operation against a server answering `status` and `body` to every request.
fn operations_end(h: &Harness, status: u16, body: &[u8]) {
    let answer = body.to_vec();
    h.answer(move |_| (status, answer.clone()));
    let c = &h.client;
    let _ = h.run("stat_file", c.stat_file(BUCKET, "/a.txt").send());
    let _ = h.run("stat_folder", c.stat_folder(BUCKET, "/d/").send());
    let _ = h.run("create_folder", c.create_folder(BUCKET, "/d/").send());
    let _ = h.run("list_folder", c.list_folder(BUCKET, "/d/").send());
    let _ = h.run(
        "upload",
        c.upload_bytes(BUCKET, "/a.txt", vec![7u8; 1000]).send(),
    );
    let _ = h.run(
        "sliced upload",
        c.upload_bytes(BUCKET, "/big.bin", vec![7u8; 300_000])
            .single_threshold(1)
            .slice_size(64 * 1024)
            .send(),
    );
    let pages = h.run("listing stream", async {
        c.list_folder(BUCKET, "/d/")
            .into_stream()
            .take(64)
            .collect::<Vec<_>>()
            .await
    });
    // The stream ends by itself (listover, an empty context, or an error).
    assert!(
        pages.len() < 64,
        "the listing did not end: {} pages",
        pages.len()
    );
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn answers_decode_without_panic_and_bounded(input in body()) {
        decode::<UploadResult>(&input)?;
        decode::<FileStat>(&input)?;
        decode::<FolderStat>(&input)?;
        decode::<ListEntry>(&input)?;
        decode::<ListPage>(&input)?;
        decode::<SliceInit>(&input)?;
        decode::<SliceData>(&input)?;
        decode::<ListedPart>(&input)?;
        decode::<SliceList>(&input)?;
    }
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn operations_end_whatever_the_server_answers(
        status in proptest::sample::select(vec![200u16, 200, 200, 400, 404, 500, 503]),
        input in body(),
    ) {
        thread_local!(static H: Harness = Harness::new());
        H.with(|h| operations_end(h, status, &input));
    }
}

/// Answers a slice upload: `init` to `upload_slice_init`, success to the rest.
fn slice_script(init: &'static str) -> impl FnMut(&str) -> (u16, Vec<u8>) + Send + 'static {
    move |what| {
        let data = if what.contains("upload_slice_init") {
            init
        } else {
            r#"{"session":"s-1"}"#
        };
        (
            200,
            format!(r#"{{"code":0,"message":"SUCCESS","data":{data}}}"#).into_bytes(),
        )
    }
}

#[test]
fn a_hostile_slice_size_is_refused_before_any_slice_is_sent() {
    let h = Harness::new();
    for init in [
        r#"{"session":"s-1","slice_size":1}"#,
        r#"{"session":"s-1","slice_size":"17"}"#,
        r#"{"session":"s-1","slice_size":1099511627776}"#,
    ] {
        h.answer(slice_script(init));
        let err = h
            .run(
                "upload",
                h.client
                    .upload_bytes(BUCKET, "/big.bin", vec![1u8; 2 << 20])
                    .single_threshold(1)
                    .send(),
            )
            .unwrap_err();
        assert!(
            matches!(&err, Error::Network { message, .. } if message.contains("slice_size")),
            "{init}: {err}"
        );
        let sent = h.seen();
        assert!(
            !sent.iter().any(|r| r.contains("upload_slice_data")),
            "{init}: slices were sent"
        );
    }
    // The documented sizes, and the size asked for, are taken.
    for init in [
        r#"{"session":"s-1","slice_size":524288}"#,
        r#"{"session":"s-1","slice_size":3145728}"#,
        r#"{"session":"s-1","slice_size":65536}"#,
    ] {
        h.answer(slice_script(init));
        h.run(
            "upload",
            h.client
                .upload_bytes(BUCKET, "/big.bin", vec![1u8; 2 << 20])
                .single_threshold(1)
                .slice_size(65536)
                .send(),
        )
        .unwrap_or_else(|e| panic!("{init}: {e}"));
    }
}

#[test]
fn a_listing_that_does_not_advance_ends_with_an_error() {
    let h = Harness::new();
    // Two contexts in turn: a cycle, never `listover`.
    let mut n = 0u32;
    h.answer(move |_| {
        n += 1;
        let body = format!(
            r#"{{"code":0,"data":{{"infos":[{{"name":"x"}}],"listover":false,"context":"c{}"}}}}"#,
            n % 2
        );
        (200, body.into_bytes())
    });
    let pages = h.run("listing", async {
        h.client
            .list_folder(BUCKET, "/d/")
            .into_stream()
            .take(100)
            .collect::<Vec<_>>()
            .await
    });
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[..2].iter().all(Result::is_ok));
    assert!(
        matches!(&pages[2], Err(Error::Network { message, .. }) if message.contains("does not advance")),
        "{:?}",
        pages[2]
    );
}
