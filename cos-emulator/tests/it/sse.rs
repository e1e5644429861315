//! Server-side encryption in the emulator: the headers of SSE-COS, SSE-KMS and SSE-C
//! checked on writes and reported by PUT, GET, HEAD, initiate, complete and copy; an
//! SSE-C object (or upload) needs its key again on GET, HEAD, copy source and Upload
//! Part (400 `InvalidArgument` when missing or wrong); only the key's MD5 is kept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::Digest;

use crate::common::{Answer, BUCKET, request};
use cos_emulator::{Emulator, EmulatorHandle};

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

/// The SSE-C headers of `key` (prefix `x-cos-` or `x-cos-copy-source-`).
fn sse_c(prefix: &str, key: [u8; 32]) -> Vec<(String, String)> {
    vec![
        (
            format!("{prefix}server-side-encryption-customer-algorithm"),
            "AES256".into(),
        ),
        (
            format!("{prefix}server-side-encryption-customer-key"),
            STANDARD.encode(key),
        ),
        (
            format!("{prefix}server-side-encryption-customer-key-MD5"),
            STANDARD.encode(md5::Md5::digest(key)),
        ),
    ]
}

fn refs(h: &[(String, String)]) -> Vec<(&str, &str)> {
    h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

const KEY: [u8; 32] = [7; 32];
const OTHER: [u8; 32] = [8; 32];

#[tokio::test]
async fn sse_c_objects_need_their_key_and_report_its_md5() {
    let emu = with_bucket().await;
    let addr = emu.addr();
    let md5 = STANDARD.encode(md5::Md5::digest(KEY));
    let put = request(
        addr,
        "PUT",
        "c.bin",
        "",
        &refs(&sse_c("x-cos-", KEY)),
        b"secret",
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text());
    assert_eq!(
        put.header("x-cos-server-side-encryption-customer-algorithm"),
        Some("AES256")
    );
    assert_eq!(
        put.header("x-cos-server-side-encryption-customer-key-MD5"),
        Some(md5.as_str())
    );
    for method in ["GET", "HEAD"] {
        let none = request(addr, method, "c.bin", "", &[], b"").await;
        assert_eq!(none.status, 400, "{method} without the key");
        if method == "GET" {
            assert_eq!(code(&none), "InvalidArgument");
        }
        let wrong = request(
            addr,
            method,
            "c.bin",
            "",
            &refs(&sse_c("x-cos-", OTHER)),
            b"",
        )
        .await;
        assert_eq!(wrong.status, 400, "{method} with another key");
        let ok = request(addr, method, "c.bin", "", &refs(&sse_c("x-cos-", KEY)), b"").await;
        assert_eq!(ok.status, 200, "{method}: {}", ok.text());
        assert_eq!(
            ok.header("x-cos-server-side-encryption-customer-key-MD5"),
            Some(md5.as_str())
        );
        assert!(ok.headers.iter().all(|(_, v)| *v != STANDARD.encode(KEY)));
    }
    let get = request(addr, "GET", "c.bin", "", &refs(&sse_c("x-cos-", KEY)), b"").await;
    assert_eq!(get.body, b"secret");
    // The request log keeps no key either.
    let logged = format!("{:?}", emu.requests());
    assert!(logged.to_ascii_lowercase().contains("customer-key-md5"));
    assert!(logged.contains("** redacted **"));
    assert!(
        !logged.contains(&STANDARD.encode(KEY)),
        "the log holds the key"
    );

    // A key whose MD5 header does not match it is refused on the write.
    let mut bad = sse_c("x-cos-", KEY);
    bad[2].1 = STANDARD.encode([0u8; 16]);
    let a = request(addr, "PUT", "bad", "", &refs(&bad), b"x").await;
    assert_eq!((a.status, code(&a).as_str()), (400, "InvalidArgument"));
    let mut short = sse_c("x-cos-", KEY);
    short[1].1 = STANDARD.encode([1u8; 16]);
    let a = request(addr, "PUT", "bad", "", &refs(&short), b"x").await;
    assert_eq!((a.status, code(&a).as_str()), (400, "InvalidArgument"));

    // Copy: the source needs its key under x-cos-copy-source-*, the copy gets its own.
    let src = format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com/c.bin");
    let mut h = vec![("x-cos-copy-source".to_owned(), src.clone())];
    let a = request(addr, "PUT", "copy", "", &refs(&h), b"").await;
    assert_eq!((a.status, code(&a).as_str()), (400, "InvalidArgument"));
    h.extend(sse_c("x-cos-copy-source-", OTHER));
    let a = request(addr, "PUT", "copy", "", &refs(&h), b"").await;
    assert_eq!((a.status, code(&a).as_str()), (400, "InvalidArgument"));
    let mut h = vec![("x-cos-copy-source".to_owned(), src)];
    h.extend(sse_c("x-cos-copy-source-", KEY));
    h.push(("x-cos-server-side-encryption".into(), "AES256".into()));
    let a = request(addr, "PUT", "copy", "", &refs(&h), b"").await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.header("x-cos-server-side-encryption"), Some("AES256"));
    let plain = request(addr, "HEAD", "copy", "", &[], b"").await;
    assert_eq!(plain.status, 200, "the SSE-COS copy needs no key");
    assert_eq!(plain.header("x-cos-server-side-encryption"), Some("AES256"));
    assert_eq!(
        plain.header("x-cos-server-side-encryption-customer-key-MD5"),
        None
    );
}

#[tokio::test]
async fn sse_kms_and_cos_are_stored_and_reported() {
    let emu = with_bucket().await;
    let addr = emu.addr();
    let ctx = STANDARD.encode(r#"{"project":"x"}"#);
    let h = [
        ("x-cos-server-side-encryption", "cos/kms"),
        ("x-cos-server-side-encryption-cos-kms-key-id", "cmk-123"),
        ("x-cos-server-side-encryption-context", ctx.as_str()),
    ];
    let put = request(addr, "PUT", "k", "", &h, b"kms").await;
    assert_eq!(put.status, 200, "{}", put.text());
    assert_eq!(put.header("x-cos-server-side-encryption"), Some("cos/kms"));
    let head = request(addr, "HEAD", "k", "", &[], b"").await;
    assert_eq!(
        head.header("x-cos-server-side-encryption-cos-kms-key-id"),
        Some("cmk-123")
    );
    let bad_ctx = [
        ("x-cos-server-side-encryption", "cos/kms"),
        ("x-cos-server-side-encryption-context", "not base64 json"),
    ];
    let a = request(addr, "PUT", "k2", "", &bad_ctx, b"x").await;
    assert_eq!((a.status, code(&a).as_str()), (400, "InvalidArgument"));
    let a = request(
        addr,
        "PUT",
        "k3",
        "",
        &[("x-cos-server-side-encryption", "DES")],
        b"x",
    )
    .await;
    assert_eq!((a.status, code(&a).as_str()), (400, "InvalidArgument"));
    let mut both = sse_c("x-cos-", KEY);
    both.push(("x-cos-server-side-encryption".into(), "AES256".into()));
    let a = request(addr, "PUT", "k4", "", &refs(&both), b"x").await;
    assert_eq!((a.status, code(&a).as_str()), (400, "InvalidArgument"));
}

#[tokio::test]
async fn sse_c_multipart_parts_need_the_upload_key() {
    let emu = with_bucket().await;
    let addr = emu.addr();
    let md5 = STANDARD.encode(md5::Md5::digest(KEY));
    let keyed = sse_c("x-cos-", KEY);
    let init = request(addr, "POST", "mp", "uploads", &refs(&keyed), b"").await;
    assert_eq!(init.status, 200, "{}", init.text());
    assert_eq!(
        init.header("x-cos-server-side-encryption-customer-key-MD5"),
        Some(md5.as_str())
    );
    let doc: cos_xml::InitiateMultipartUploadResult = cos_xml::from_slice(&init.body).unwrap();
    let q = format!("partNumber=1&uploadId={}", doc.upload_id);
    let a = request(addr, "PUT", "mp", &q, &[], b"part").await;
    assert_eq!((a.status, code(&a).as_str()), (400, "InvalidArgument"));
    let a = request(
        addr,
        "PUT",
        "mp",
        &q,
        &refs(&sse_c("x-cos-", OTHER)),
        b"part",
    )
    .await;
    assert_eq!(a.status, 400);
    let part = request(addr, "PUT", "mp", &q, &refs(&keyed), b"part").await;
    assert_eq!(part.status, 200, "{}", part.text());
    let etag = part.header("etag").unwrap().to_owned();
    let body = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>"
    );
    let q = format!("uploadId={}", doc.upload_id);
    let done = request(addr, "POST", "mp", &q, &[], body.as_bytes()).await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(
        done.header("x-cos-server-side-encryption-customer-key-MD5"),
        Some(md5.as_str())
    );
    let none = request(addr, "HEAD", "mp", "", &[], b"").await;
    assert_eq!(none.status, 400);
    let get = request(addr, "GET", "mp", "", &refs(&keyed), b"").await;
    assert_eq!(get.body, b"part");
}
