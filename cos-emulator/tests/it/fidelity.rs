//! The emulator answers as COS does where it used to differ: undecodable and
//! oversized keys, empty standard headers, content types from key extensions,
//! delimited version and upload listings across pages, and sub-resources it does not
//! implement.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use crate::common::{Answer, request, unsigned};
use cos_emulator::{Emulator, EmulatorHandle};
use cos_xml::{ListMultipartUploadsResult, ListVersionsResult, VersionEntry};

async fn with_bucket() -> EmulatorHandle {
    let emu = Emulator::builder().start().await.unwrap();
    let made = request(emu.addr(), "PUT", "", "", &[], b"").await;
    assert_eq!(made.status, 200, "{}", made.text());
    emu
}

fn code(a: &Answer) -> String {
    let body = a.text();
    let start = body.find("<Code>").map(|i| i + 6).unwrap_or(0);
    let end = body.find("</Code>").unwrap_or(start);
    body[start..end].to_owned()
}

fn upload_id(a: &Answer) -> String {
    let doc: cos_xml::InitiateMultipartUploadResult = cos_xml::from_slice(&a.body).unwrap();
    doc.upload_id
}

/// Hardening item 12: `/bad%FF`, `/bad%FE` and `/bad%EF%BF%BD` were one object
/// (lossy decoding); undecodable paths are now refused with `InvalidURI`.
#[tokio::test]
async fn undecodable_keys_are_refused_not_merged() {
    let emu = with_bucket().await;
    let addr = emu.addr();
    let acl = request(
        addr,
        "PUT",
        "",
        "acl",
        &[("x-cos-acl", "public-read-write")],
        b"",
    )
    .await;
    assert_eq!(acl.status, 200);
    for path in ["/bad%FF", "/bad%FE", "/%C3%28"] {
        let a = unsigned(addr, "PUT", path, &[], path.as_bytes()).await;
        assert_eq!((a.status, code(&a).as_str()), (400, "InvalidURI"), "{path}");
    }
    let fffd = unsigned(addr, "PUT", "/bad%EF%BF%BD", &[], b"replacement").await;
    assert_eq!(fffd.status, 200);
    let got = unsigned(addr, "GET", "/bad%EF%BF%BD", &[], b"").await;
    assert_eq!(got.body, b"replacement");
    // Logged after the bucket's creation and ACL.
    let refused = &emu.requests()[2];
    assert_eq!(
        (refused.operation.as_str(), refused.status),
        ("Unknown", 400)
    );
}

/// Hardening item 12: COS keys are at most 850 bytes and hold no NUL (or CAN, EM,
/// SUB, ESC).
#[tokio::test]
async fn keys_beyond_cos_limits_are_refused() {
    let emu = with_bucket().await;
    let addr = emu.addr();
    let longest = "é".repeat(425);
    assert_eq!(longest.len(), 850);
    assert_eq!(
        request(addr, "PUT", &longest, "", &[], b"x").await.status,
        200
    );
    let too_long = format!("{longest}k");
    let a = request(addr, "PUT", &too_long, "", &[], b"x").await;
    assert_eq!((a.status, code(&a).as_str()), (400, "KeyTooLong"));
    for bad in ["nul\0key", "esc\u{1b}key"] {
        let a = request(addr, "PUT", bad, "", &[], b"x").await;
        assert_eq!(
            (a.status, code(&a).as_str()),
            (400, "InvalidObjectName"),
            "{bad:?}"
        );
    }
    let listing = request(addr, "GET", "", "", &[], b"").await.text();
    assert!(!listing.contains("nul"), "{listing}");
}

/// Hardening item 14: the Node SDK sends `Cache-Control:` (and on multipart init
/// `Content-Type:`) empty; COS treats an empty value as absent.
#[tokio::test]
async fn empty_standard_headers_count_as_absent() {
    let emu = with_bucket().await;
    let addr = emu.addr();
    let empty = [("Cache-Control", ""), ("Content-Type", "")];
    assert_eq!(
        request(addr, "PUT", "page.html", "", &empty, b"x")
            .await
            .status,
        200
    );
    let init = request(addr, "POST", "big.bin", "uploads", &empty, b"").await;
    assert_eq!(init.status, 200);
    let id = upload_id(&init);
    let part = request(
        addr,
        "PUT",
        "big.bin",
        &format!("partNumber=1&uploadId={id}"),
        &[],
        b"p",
    )
    .await;
    let etag = part.header("etag").unwrap().to_owned();
    let done = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>"
    );
    let complete = request(
        addr,
        "POST",
        "big.bin",
        &format!("uploadId={id}"),
        &[],
        done.as_bytes(),
    )
    .await;
    assert_eq!(complete.status, 200, "{}", complete.text());
    for (key, content_type) in [
        ("page.html", "text/html"),
        ("big.bin", "application/octet-stream"),
    ] {
        let head = request(addr, "HEAD", key, "", &[], b"").await;
        assert_eq!(head.header("content-type"), Some(content_type), "{key}");
        assert_eq!(head.header("cache-control"), None, "{key}");
    }
}

/// Hardening item 15: without `Content-Type`, COS types an object from its key's
/// extension, for PUT, append, multipart uploads and replacing copies.
#[tokio::test]
async fn content_type_follows_the_key_extension() {
    let emu = with_bucket().await;
    let addr = emu.addr();
    for key in ["1.zip", "1.txt", "noext"] {
        assert_eq!(request(addr, "PUT", key, "", &[], b"x").await.status, 200);
    }
    let appended = request(addr, "POST", "log.txt", "append&position=0", &[], b"x").await;
    assert_eq!(appended.status, 200, "{}", appended.text());
    let init = request(addr, "POST", "multi.zip", "uploads", &[], b"").await;
    let id = upload_id(&init);
    let part = request(
        addr,
        "PUT",
        "multi.zip",
        &format!("partNumber=1&uploadId={id}"),
        &[],
        b"p",
    )
    .await;
    let etag = part.header("etag").unwrap().to_owned();
    let done = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>"
    );
    let complete = request(
        addr,
        "POST",
        "multi.zip",
        &format!("uploadId={id}"),
        &[],
        done.as_bytes(),
    )
    .await;
    assert_eq!(complete.status, 200);
    let source = format!("{}.cos.ap-guangzhou.myqcloud.com/1.zip", common::BUCKET);
    let replaced = [
        ("x-cos-copy-source", source.as_str()),
        ("x-cos-metadata-directive", "Replaced"),
    ];
    assert_eq!(
        request(addr, "PUT", "copy.txt", "", &replaced, b"")
            .await
            .status,
        200
    );
    let copied = [("x-cos-copy-source", source.as_str())];
    assert_eq!(
        request(addr, "PUT", "kept.txt", "", &copied, b"")
            .await
            .status,
        200
    );
    for (key, want) in [
        ("1.zip", "application/zip"),
        ("1.txt", "text/plain"),
        ("noext", "application/octet-stream"),
        ("log.txt", "text/plain"),
        ("multi.zip", "application/zip"),
        ("copy.txt", "text/plain"),
        // A plain copy keeps the source's metadata.
        ("kept.txt", "application/zip"),
    ] {
        let head = request(addr, "HEAD", key, "", &[], b"").await;
        assert_eq!(head.header("content-type"), Some(want), "{key}");
    }
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Hardening item 16: a delimited version listing ends, each prefix on one page.
#[tokio::test]
async fn delimited_version_listing_pages_each_prefix_once() {
    let emu = with_bucket().await;
    let addr = emu.addr();
    for key in ["a/1", "a/2", "b/1", "c"] {
        assert_eq!(request(addr, "PUT", key, "", &[], b"x").await.status, 200);
    }
    let (mut seen, mut key_marker, mut vid_marker) = (Vec::new(), String::new(), String::new());
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages <= 10, "no end after 10 pages: {seen:?}");
        let q = format!(
            "versions&delimiter=%2F&max-keys=1&key-marker={}&version-id-marker={}",
            enc(&key_marker),
            enc(&vid_marker)
        );
        let page = request(addr, "GET", "", &q, &[], b"").await;
        let doc: ListVersionsResult = cos_xml::from_slice(&page.body).unwrap();
        seen.extend(doc.common_prefixes.iter().map(|p| p.prefix.clone()));
        seen.extend(doc.entries.iter().map(|e| match e {
            VersionEntry::Version(v) => v.key.clone(),
            VersionEntry::DeleteMarker(d) => d.key.clone(),
        }));
        if !doc.is_truncated {
            break;
        }
        key_marker = doc.next_key_marker.unwrap_or_default();
        vid_marker = doc.next_version_id_marker.unwrap_or_default();
    }
    assert_eq!(seen, ["a/", "b/", "c"]);
}

/// Hardening item 16: a delimited upload listing gives each common prefix once across
/// pages (its `NextKeyMarker` is the prefix, not an upload's key under it).
#[tokio::test]
async fn delimited_upload_listing_pages_each_prefix_once() {
    let emu = with_bucket().await;
    let addr = emu.addr();
    for key in ["a/1", "a/2", "a/3", "b/1", "c"] {
        let init = request(addr, "POST", key, "uploads", &[], b"").await;
        assert_eq!(init.status, 200);
    }
    let (mut seen, mut key_marker, mut id_marker) = (Vec::new(), String::new(), String::new());
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages <= 10, "no end after 10 pages: {seen:?}");
        let q = format!(
            "uploads&delimiter=%2F&max-uploads=1&key-marker={}&upload-id-marker={}",
            enc(&key_marker),
            enc(&id_marker)
        );
        let page = request(addr, "GET", "", &q, &[], b"").await;
        let doc: ListMultipartUploadsResult = cos_xml::from_slice(&page.body).unwrap();
        seen.extend(doc.common_prefixes.iter().map(|p| p.prefix.clone()));
        seen.extend(doc.uploads.iter().map(|u| u.key.clone()));
        if !doc.is_truncated {
            break;
        }
        key_marker = doc.next_key_marker.unwrap_or_default();
        id_marker = doc.next_upload_id_marker.unwrap_or_default();
    }
    assert_eq!(seen, ["a/", "b/", "c"]);
}

/// Hardening item 18: a COS sub-resource the emulator does not implement is refused
/// with 501 `NotImplemented`, never served as the base operation of its method.
#[tokio::test]
async fn unimplemented_subresources_are_refused() {
    let emu = with_bucket().await;
    let addr = emu.addr();
    for (method, key, sub) in [
        ("DELETE", "", "torrent"),
        ("PUT", "", "requestPayment"),
        ("GET", "", "origin-protect"),
        ("GET", "", "guetzli"),
        ("PUT", "linked", "torrent"),
        ("PUT", "data.csv", "rename"),
    ] {
        let a = request(addr, method, key, sub, &[], b"").await;
        assert_eq!(
            (a.status, code(&a).as_str()),
            (501, "NotImplemented"),
            "{method} /{key}?{sub}: {}",
            a.text()
        );
        let last = emu.requests().pop().unwrap();
        assert_eq!(last.operation, "Unknown");
    }
    // The bucket was neither deleted nor listed, and no object was stored.
    assert_eq!(request(addr, "HEAD", "", "", &[], b"").await.status, 200);
    assert_eq!(
        request(addr, "HEAD", "linked", "", &[], b"").await.status,
        404
    );
    // A known sub-resource with a method COS does not have for it.
    let a = request(addr, "DELETE", "", "versioning", &[], b"").await;
    assert_eq!((a.status, code(&a).as_str()), (405, "MethodNotAllowed"));
}

/// The raw answer to an anonymous request.
async fn raw_answer(request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = Emulator::builder().start().await.unwrap();
    let mut s = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    emu.shutdown().await;
    String::from_utf8_lossy(&out).into_owned()
}

/// Header names are written in COS's case (clients such as the Python SDK look up
/// `ETag` in a case-sensitive map), see `header_case`.
#[tokio::test]
async fn answers_use_cos_header_case() {
    let out = raw_answer(
        "GET /k HTTP/1.1\r\nHost: nobucket-1250000000.cos.ap-guangzhou.myqcloud.com\r\nConnection: close\r\n\r\n",
    )
    .await;
    for name in ["Content-Type: ", "Content-Length: ", "Date: ", "Server: "] {
        assert!(out.contains(name), "{name:?} missing from {out}");
    }
}
