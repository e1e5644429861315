#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The legacy v4 endpoints: signatures (once-signatures for one file, used once),
//! JSON and form bodies, signed downloads, and the shared storage.

use crate::common;

use std::net::SocketAddr;

use cos_auth::v4::V4Signer;
use cos_emulator::Emulator;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const APPID: &str = "1250000000";
const BUCKET: &str = "test";

fn signer() -> V4Signer {
    V4Signer::new(APPID, common::creds())
}

/// Sends one request and returns (status, body).
async fn send(
    addr: SocketAddr,
    method: &str,
    host: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "{method} {path_and_query} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text[9..12].parse().unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

/// A v4 API call; returns the answer's `code` and the whole JSON.
async fn api(
    addr: SocketAddr,
    method: &str,
    cos_path: &str,
    query: &str,
    sign: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> (i64, serde_json::Value) {
    let mut path = format!(
        "/files/v2/{APPID}/{BUCKET}{}",
        cos_auth::encode::url_path(cos_path)
    );
    if !query.is_empty() {
        path.push('?');
        path.push_str(query);
    }
    let mut headers = Vec::new();
    if let Some(s) = sign {
        headers.push(("Authorization", s));
    }
    if let Some(ct) = content_type {
        headers.push(("Content-Type", ct));
    }
    let (_, text) = send(addr, method, "gz.file.myqcloud.com", &path, &headers, body).await;
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    (v["code"].as_i64().unwrap(), v)
}

fn form(fields: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let b = "0123456789abcdef0123456789abcdef";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

async fn setup() -> cos_emulator::EmulatorHandle {
    let emu = Emulator::builder().start().await.unwrap();
    let a = common::request(emu.addr(), "PUT", "", "", &[], b"").await;
    assert_eq!(a.status, 200, "{}", a.text());
    emu
}

async fn upload(addr: SocketAddr, cos_path: &str, content: &[u8]) -> i64 {
    let sign = signer().sign_more(BUCKET, cos_path, 600);
    let (ct, body) = form(&[
        ("insertOnly", b"0"),
        ("biz_attr", b"b"),
        ("filecontent", content),
        ("op", b"upload"),
    ]);
    api(addr, "POST", cos_path, "", Some(&sign), Some(&ct), &body)
        .await
        .0
}

#[tokio::test]
async fn once_signatures_name_one_file_and_work_once() {
    let emu = setup().await;
    let addr = emu.addr();
    assert_eq!(upload(addr, "/a.txt", b"hello").await, 0);
    assert_eq!(upload(addr, "/b.txt", b"hello").await, 0);
    let update = br#"{"biz_attr": "x", "op": "update"}"#;
    let once = signer().sign_once(BUCKET, "/a.txt");
    let json = Some("application/json");
    let (code, _) = api(addr, "POST", "/a.txt", "", Some(&once), json, update).await;
    assert_eq!(code, 0);
    // The same once-signature again.
    let (code, v) = api(addr, "POST", "/a.txt", "", Some(&once), json, update).await;
    assert_eq!(code, -98, "{v}");
    // A once-signature for another file.
    let other = signer().sign_once(BUCKET, "/a.txt");
    let (code, v) = api(addr, "POST", "/b.txt", "", Some(&other), json, update).await;
    assert_eq!(code, -96, "{v}");
    // Delete and update need a once-signature.
    let more = signer().sign_more(BUCKET, "/b.txt", 600);
    let (code, _) = api(
        addr,
        "POST",
        "/b.txt",
        "",
        Some(&more),
        json,
        br#"{"op": "delete"}"#,
    )
    .await;
    assert_eq!(code, -98);
    // Missing or forged signatures.
    let (code, _) = api(addr, "GET", "/a.txt", "op=stat", None, None, b"").await;
    assert_eq!(code, -96);
    let forged = V4Signer::new(
        APPID,
        cos_auth::Credentials::new("AKIDEXAMPLE", "wrong").unwrap(),
    )
    .sign_more(BUCKET, "/a.txt", 600);
    let (code, _) = api(addr, "GET", "/a.txt", "op=stat", Some(&forged), None, b"").await;
    assert_eq!(code, -96);
    // The update went through once.
    let stat = signer().sign_more(BUCKET, "/a.txt", 600);
    let (code, v) = api(addr, "GET", "/a.txt", "op=stat", Some(&stat), None, b"").await;
    assert_eq!(code, 0);
    assert_eq!(v["data"]["biz_attr"], "x");
    assert_eq!(v["data"]["filesize"], 5);
    emu.shutdown().await;
}

#[tokio::test]
async fn signed_downloads_and_shared_storage() {
    let emu = setup().await;
    let addr = emu.addr();
    assert_eq!(upload(addr, "/dir/a b.txt", b"hello v4").await, 0);
    // XML GET sees the v4 file.
    let a = common::request(addr, "GET", "dir/a b.txt", "", &[], b"").await;
    assert_eq!((a.status, a.body.as_slice()), (200, &b"hello v4"[..]));
    // The v4 download URL (sign unencoded, as the official SDK writes it).
    let sign = signer().sign_download(BUCKET, "/dir/a b.txt", 600);
    let host = format!("{BUCKET}-{APPID}.cosgz.myqcloud.com");
    let (status, body) = send(
        addr,
        "GET",
        &host,
        &format!("/dir/a%20b.txt?sign={sign}"),
        &[],
        b"",
    )
    .await;
    assert_eq!((status, body.as_str()), (200, "hello v4"));
    let wrong = signer().sign_download(BUCKET, "/other.txt", 600);
    let (status, _) = send(
        addr,
        "GET",
        &host,
        &format!("/dir/a%20b.txt?sign={wrong}"),
        &[],
        b"",
    )
    .await;
    assert_eq!(status, 403);
    // A JSON folder creation is a folder object for the XML API.
    let sign = signer().sign_more(BUCKET, "/newdir/", 600);
    let (code, _) = api(
        addr,
        "POST",
        "/newdir/",
        "",
        Some(&sign),
        Some("application/json"),
        br#"{"biz_attr": "bizattr", "op": "create"}"#,
    )
    .await;
    assert_eq!(code, 0);
    let a = common::request(addr, "HEAD", "newdir/", "", &[], b"").await;
    assert_eq!(a.status, 200);
    // An XML object is listed by v4 (with a prefix in the path).
    let a = common::request(addr, "PUT", "dir/abc.txt", "", &[], b"xml").await;
    assert_eq!(a.status, 200);
    let sign = signer().sign_more(BUCKET, "/dir/a", 600);
    let (code, v) = api(
        addr,
        "GET",
        "/dir/a",
        "num=10&context=&op=list",
        Some(&sign),
        None,
        b"",
    )
    .await;
    assert_eq!(code, 0, "{v}");
    let names: Vec<&str> = v["data"]["infos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a b.txt", "abc.txt"]);
    assert_eq!(v["data"]["listover"], true);
    // The request log names v4 requests and their XML bucket and key.
    let logged = emu.requests();
    let last = logged.last().unwrap();
    assert_eq!(last.operation, "V4");
    assert_eq!(last.bucket.as_deref(), Some("test-1250000000"));
    emu.shutdown().await;
}

#[tokio::test]
async fn slice_sessions() {
    let emu = setup().await;
    let addr = emu.addr();
    let path = "/big.bin";
    let sign = signer().sign_more(BUCKET, path, 600);
    let (ct, body) = form(&[
        ("slice_size", b"4"),
        ("insertOnly", b"1"),
        ("biz_attr", b""),
        ("filesize", b"6"),
        ("op", b"upload_slice_init"),
    ]);
    let (code, v) = api(addr, "POST", path, "", Some(&sign), Some(&ct), &body).await;
    assert_eq!(code, 0);
    let session = v["data"]["session"].as_str().unwrap().to_owned();
    assert_eq!(v["data"]["slice_size"], 4);
    // A second init of the same file: unfinished.
    let (code, _) = api(addr, "POST", path, "", Some(&sign), Some(&ct), &body).await;
    assert_eq!(code, -4019);
    for (offset, data) in [("0", &b"abcd"[..]), ("4", &b"ef"[..])] {
        let (ct, body) = form(&[
            ("offset", offset.as_bytes()),
            ("session", session.as_bytes()),
            ("filecontent", data),
            ("op", b"upload_slice_data"),
        ]);
        let (code, v) = api(addr, "POST", path, "", Some(&sign), Some(&ct), &body).await;
        assert_eq!(code, 0, "{v}");
    }
    let (ct, body) = form(&[("op", b"upload_slice_list")]);
    let (code, v) = api(addr, "POST", path, "", Some(&sign), Some(&ct), &body).await;
    assert_eq!(code, 0);
    assert_eq!(v["data"]["listparts"].as_array().unwrap().len(), 2);
    let (ct, body) = form(&[
        ("session", session.as_bytes()),
        ("filesize", b"6"),
        ("op", b"upload_slice_finish"),
    ]);
    let (code, v) = api(addr, "POST", path, "", Some(&sign), Some(&ct), &body).await;
    assert_eq!(code, 0, "{v}");
    assert!(
        v["data"]["access_url"]
            .as_str()
            .unwrap()
            .ends_with("/big.bin")
    );
    let a = common::request(addr, "GET", "big.bin", "", &[], b"").await;
    assert_eq!(a.body, b"abcdef");
    emu.shutdown().await;
}
