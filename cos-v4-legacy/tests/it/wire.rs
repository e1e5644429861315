#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The requests this client sends, compared field by field with the official SDK's
//! (`testdata/wire_v4.json`, captured by a recording server).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cos_v4_legacy::{Authority, Config, CosClient};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Answers every request with a JSON chosen from its body, recording it.
async fn recorder() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    let n = sock.read(&mut chunk).await.unwrap();
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let mut lines = head.split("\r\n");
                let mut first = lines.next().unwrap().split(' ');
                let (method, path) = (first.next().unwrap(), first.next().unwrap());
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(": "))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect();
                let len: usize = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                    .map_or(0, |(_, v)| v.parse().unwrap());
                let mut body = buf[head_end + 4..].to_vec();
                while body.len() < len {
                    let n = sock.read(&mut chunk).await.unwrap();
                    body.extend_from_slice(&chunk[..n]);
                }
                let text = String::from_utf8_lossy(&body);
                let data = if text.contains("upload_slice_init") {
                    r#"{"session": "sess-123", "slice_size": 65536, "serial_upload": 1}"#
                } else if text.contains("upload_slice_data") {
                    r#"{"session": "sess-123"}"#
                } else if text.contains("\r\n\r\nupload") {
                    r#"{"access_url": "http://mybucket-1250000000.file.myqcloud.com/x"}"#
                } else if path.contains("op=list") {
                    r#"{"infos": [], "listover": true, "context": ""}"#
                } else {
                    "{}"
                };
                log.lock().unwrap().push(Seen {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    headers,
                    body,
                });
                let answer = format!(
                    r#"{{"code": 0, "message": "SUCCESS", "request_id": "r", "data": {data}}}"#
                );
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (addr, seen)
}

/// The parts of a multipart body: (name, value), with the boundary given.
fn parts(body: &[u8], boundary: &str) -> Vec<(String, Vec<u8>)> {
    let text = body.to_vec();
    let delim = format!("--{boundary}");
    let mut out = Vec::new();
    let s = String::from_utf8_lossy(&text).into_owned();
    for chunk in s.split(&delim).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let (head, value) = chunk.split_once("\r\n\r\n").unwrap();
        let name = head
            .split("name=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let value = value.strip_suffix("\r\n").unwrap();
        out.push((name.to_owned(), value.as_bytes().to_vec()));
    }
    out
}

fn boundary_of(content_type: &str) -> &str {
    content_type.split("boundary=").nth(1).unwrap()
}

fn plaintext(sign: &str) -> Vec<(String, String)> {
    cos_auth::v4::decode(sign)
        .unwrap()
        .plaintext
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// A multipart/form-data body matches the official SDK's part by part (a snipped
/// payload compares by its filler byte), and byte for byte when nothing is snipped.
fn check_multipart(ours: &Seen, ct: &str, want_body: &str, ctx: &str) {
    let ours_ct = ours.header("Content-Type").unwrap();
    assert!(
        ours_ct.starts_with("multipart/form-data; boundary="),
        "{ctx}"
    );
    assert_eq!(boundary_of(ours_ct).len(), boundary_of(ct).len(), "{ctx}");
    let ours_parts = parts(&ours.body, boundary_of(ours_ct));
    let want_parts = parts(want_body.as_bytes(), boundary_of(ct));
    let names =
        |p: &[(String, Vec<u8>)]| -> Vec<String> { p.iter().map(|(n, _)| n.clone()).collect() };
    assert_eq!(names(&ours_parts), names(&want_parts), "{ctx}");
    for ((name, ours_v), (_, want_v)) in ours_parts.iter().zip(&want_parts) {
        if String::from_utf8_lossy(want_v).contains("...<snip>...") {
            assert!(ours_v.iter().all(|&c| c == b'x'), "{ctx}: {name}");
        } else {
            assert_eq!(
                String::from_utf8_lossy(ours_v),
                String::from_utf8_lossy(want_v),
                "{ctx}: part {name}"
            );
        }
    }
    if !want_body.contains("...<snip>...") {
        let ours_text =
            String::from_utf8_lossy(&ours.body).replace(boundary_of(ours_ct), boundary_of(ct));
        assert_eq!(ours_text, want_body, "{ctx}: body bytes");
    }
}

/// The signature has the official SDK's fields; all but time, random and (relative)
/// expiry are equal.
fn check_signature(ours: &Seen, want: &Value, ctx: &str) {
    let ours_plain = plaintext(ours.header("Authorization").unwrap());
    let want_plain: Vec<(String, String)> = want["authorization_plaintext"]
        .as_str()
        .unwrap()
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let keys =
        |p: &[(String, String)]| -> Vec<String> { p.iter().map(|(k, _)| k.clone()).collect() };
    assert_eq!(keys(&ours_plain), keys(&want_plain), "{ctx}");
    for ((k, a), (_, w)) in ours_plain.iter().zip(&want_plain) {
        match k.as_str() {
            "a" | "k" | "f" | "b" => assert_eq!(a, w, "{ctx}: {k}"),
            "e" => assert_eq!(a == "0", w == "0", "{ctx}: once or more"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn requests_match_the_official_sdk() {
    let golden: Value = serde_json::from_str(include_str!("../../testdata/wire_v4.json")).unwrap();
    let golden = golden["requests"].as_array().unwrap();
    let (addr, seen) = recorder().await;
    let c = CosClient::with_config(
        1250000000,
        "AKIDEXAMPLE",
        "SECRETKEYEXAMPLE",
        Config::new("sh")
            .connect_to(format!("http://{addr}"))
            .timeout(Duration::from_secs(10)),
    )
    .unwrap();
    let b = "mybucket";
    c.upload_bytes(b, "/dir/a b.txt", "hello v4")
        .biz_attr("attr")
        .insert_only(false)
        .send()
        .await
        .unwrap();
    c.upload_bytes(b, "/big.bin", vec![b'x'; 150_000])
        .single_threshold(100_000)
        .slice_size(65536)
        .send()
        .await
        .unwrap();
    c.stat_file(b, "/dir/a b.txt").send().await.unwrap();
    c.list_folder(b, "/dir/")
        .prefix("a")
        .num(10)
        .send()
        .await
        .unwrap();
    c.create_folder(b, "/newdir/")
        .biz_attr("bizattr")
        .send()
        .await
        .unwrap();
    c.update_file(b, "/dir/a b.txt")
        .biz_attr("new")
        .content_type("text/plain")
        .x_cos_meta("x-cos-meta-k", "v")
        .authority(Authority::WRPrivate)
        .send()
        .await
        .unwrap();
    c.move_file(b, "/dir/a b.txt", "/dir/c.txt")
        .overwrite(true)
        .send()
        .await
        .unwrap();
    c.del_file(b, "/dir/c.txt").send().await.unwrap();

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), golden.len());
    for (i, (ours, want)) in seen.iter().zip(golden).enumerate() {
        let ctx = format!("request {i} ({})", want["path"]);
        assert_eq!(ours.method, want["method"].as_str().unwrap(), "{ctx}");
        assert_eq!(ours.path, want["path"].as_str().unwrap(), "{ctx}");
        assert_eq!(
            ours.body.len() as u64,
            want["body_len"].as_u64().unwrap(),
            "{ctx}"
        );
        assert_eq!(
            ours.header("User-Agent"),
            Some("cos-python-sdk-v4"),
            "{ctx}"
        );
        let want_headers = want["headers"].as_object().unwrap();
        assert_eq!(
            ours.header("Content-Length"),
            want_headers.get("Content-Length").and_then(Value::as_str),
            "{ctx}: Content-Length"
        );
        let want_ct = want_headers.get("Content-Type").and_then(Value::as_str);
        let want_body = want["body"].as_str().unwrap();
        match want_ct {
            Some(ct) if ct.starts_with("multipart/form-data") => {
                check_multipart(ours, ct, want_body, &ctx);
            }
            Some(ct) => {
                assert_eq!(ours.header("Content-Type"), Some(ct), "{ctx}");
                // Byte for byte (the field order included), and field by field.
                assert_eq!(String::from_utf8_lossy(&ours.body), want_body, "{ctx}");
                let a: Value = serde_json::from_slice(&ours.body).unwrap();
                let w: Value = serde_json::from_str(want_body).unwrap();
                assert_eq!(a, w, "{ctx}");
            }
            None => assert!(ours.body.is_empty(), "{ctx}"),
        }
        check_signature(ours, want, &ctx);
    }
}

#[test]
fn signatures_match_the_vectors() {
    let vectors: Value =
        serde_json::from_str(include_str!("../../testdata/vectors_v4.json")).unwrap();
    for (name, v) in vectors["v4"].as_object().unwrap() {
        let plain = v["plaintext"].as_str().unwrap();
        let fields: std::collections::HashMap<&str, &str> = plain
            .split('&')
            .map(|kv| kv.split_once('=').unwrap())
            .collect();
        let c = CosClient::new(1250000000, "AKIDEXAMPLE", "SECRETKEYEXAMPLE", "sh").unwrap();
        let nonce = cos_v4_legacy::V4Nonce {
            now: fields["t"].parse().unwrap(),
            random: fields["r"].parse().unwrap(),
        };
        let e: u64 = fields["e"].parse().unwrap();
        let signer = c.signer();
        let api_url = v["api_url"].as_str().unwrap();
        let encoded = api_url.splitn(8, '/').nth(7).unwrap();
        let cos_path = format!("/{}", percent_decode(encoded));
        let sign = if name.contains("download") {
            signer.sign_download_at("mybucket", &cos_path, e, nonce)
        } else if e == 0 {
            signer.sign_once_at("mybucket", &cos_path, nonce)
        } else {
            signer.sign_more_at("mybucket", &cos_path, e, nonce)
        };
        assert_eq!(sign, v["sign"].as_str().unwrap(), "{name}");
        if let Some(url) = v.get("download_url").and_then(Value::as_str) {
            let tj = CosClient::new(1250000000, "AKIDEXAMPLE", "SECRETKEYEXAMPLE", "tj").unwrap();
            let ours = tj.download_url("mybucket", &cos_path);
            let (prefix, _) = url.split_once("?sign=").unwrap();
            assert!(ours.starts_with(&format!("{prefix}?sign=")), "{ours}");
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
