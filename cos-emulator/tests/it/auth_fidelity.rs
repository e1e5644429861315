//! Authentication and authorisation as COS does them: reads authorised against the
//! version served, the exact expired-signature answer, path-style requests bound to
//! their bucket, and the request log's `Debug` keeping secrets out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{Answer, BUCKET, now, request, send, signed_head};
use cos_auth::qsign::{PresignRequest, PresignSettings, presign_url};
use cos_auth::{Credentials, KeyTime};
use cos_emulator::{Emulator, EmulatorHandle};

const VIRTUAL_HOST: &str = "test-1250000000.cos.ap-guangzhou.myqcloud.com";
const OTHER: &str = "other-1250000000";

/// An unsigned request to `BUCKET` (virtual-host style).
async fn anonymous(emu: &EmulatorHandle, method: &str, path_and_query: &str) -> Answer {
    let head = format!(
        "{method} {path_and_query} HTTP/1.1\r\nHost: {VIRTUAL_HOST}\r\nConnection: close\r\n\r\n"
    );
    send(emu.addr(), &head, b"", method == "HEAD").await
}

async fn put(emu: &EmulatorHandle, key: &str, acl: &str, body: &[u8]) -> String {
    let a = request(emu.addr(), "PUT", key, "", &[("x-cos-acl", acl)], body).await;
    assert_eq!(a.status, 200, "{}", a.text());
    a.header("x-cos-version-id").unwrap().to_owned()
}

/// Item 10: an anonymous `?versionId=` read is authorised against that version's ACL,
/// not the current version's (GET, HEAD, and GET Object acl with `versionId`).
#[tokio::test]
async fn reads_are_authorised_against_the_version_served() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    let versioning = b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
    let a = request(addr, "PUT", "", "versioning", &[], versioning).await;
    assert_eq!(a.status, 200, "{}", a.text());

    let private_v1 = put(&emu, "doc.txt", "private", b"secret v1").await;
    let _public_v2 = put(&emu, "doc.txt", "public-read", b"public v2").await;

    let current = anonymous(&emu, "GET", "/doc.txt").await;
    assert_eq!(
        (current.status, current.text().as_str()),
        (200, "public v2")
    );
    let old = anonymous(&emu, "GET", &format!("/doc.txt?versionId={private_v1}")).await;
    assert_eq!(
        old.status,
        403,
        "the private version leaked: {}",
        old.text()
    );
    assert!(!old.text().contains("secret v1"));
    let old_head = anonymous(&emu, "HEAD", &format!("/doc.txt?versionId={private_v1}")).await;
    assert_eq!(old_head.status, 403);

    // The other way round: an old public-read version stays readable by everyone
    // while the current one is private.
    let public_v1 = put(&emu, "pub.txt", "public-read", b"open v1").await;
    put(&emu, "pub.txt", "private", b"closed v2").await;
    assert_eq!(anonymous(&emu, "GET", "/pub.txt").await.status, 403);
    let open = anonymous(&emu, "GET", &format!("/pub.txt?versionId={public_v1}")).await;
    assert_eq!((open.status, open.text().as_str()), (200, "open v1"));

    // GET Object acl with versionId shows that version's ACL.
    let all_users = "http://cam.qcloud.com/groups/global/AllUsers";
    let acl_v1 = request(
        addr,
        "GET",
        "doc.txt",
        &format!("acl&versionId={private_v1}"),
        &[],
        b"",
    )
    .await;
    assert_eq!(acl_v1.status, 200, "{}", acl_v1.text());
    assert!(!acl_v1.text().contains(all_users), "{}", acl_v1.text());
    let acl_current = request(addr, "GET", "doc.txt", "acl", &[], b"").await;
    assert!(
        acl_current.text().contains(all_users),
        "{}",
        acl_current.text()
    );
    let missing = request(addr, "GET", "doc.txt", "acl&versionId=nope", &[], b"").await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("NoSuchVersion"),
        "{}",
        missing.text()
    );
}

/// Item 17: an expired signature gets 403 `AccessDenied` with exactly the message
/// `Request has expired` and a `Date` (what the Node SDK corrects its clock from).
#[tokio::test]
async fn expired_signature_answer_is_exactly_what_sdks_match() {
    let emu = Emulator::builder().start().await.unwrap();
    let t = now();
    let expired = KeyTime::new(t - 7200, t - 3600).unwrap();
    let head = signed_head("GET", VIRTUAL_HOST, ("/", ""), "", &[], 0, expired);
    let a = send(emu.addr(), &head, b"", false).await;
    assert_eq!(a.status, 403, "{}", a.text());
    assert!(
        a.text().contains("<Code>AccessDenied</Code>"),
        "{}",
        a.text()
    );
    assert!(
        a.text().contains("<Message>Request has expired</Message>"),
        "{}",
        a.text()
    );
    assert!(a.header("date").is_some());
}

/// Item 19: a path-style request must be signed over `/bucket/key` (what cos-core
/// signs); a signature over `/key` alone does not say which bucket it is for.
#[tokio::test]
async fn path_style_signatures_must_cover_the_bucket() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.addr();
    let host = addr.to_string();
    let t = now();
    let kt = KeyTime::new(t - 60, t + 3600).unwrap();
    let other_path = format!("/{OTHER}/private.txt");
    // Bucket B, private, with an object, created path-style signed over /bucket/...
    let make = signed_head(
        "PUT",
        &host,
        (&format!("/{OTHER}/"), &format!("/{OTHER}/")),
        "",
        &[],
        0,
        kt,
    );
    assert_eq!(send(addr, &make, b"", false).await.status, 200);
    let put = signed_head("PUT", &host, (&other_path, &other_path), "", &[], 8, kt);
    let a = send(addr, &put, b"B secret", false).await;
    assert_eq!(a.status, 200, "{}", a.text());

    // A URL presigned for /private.txt of bucket A, sent path-style to bucket B.
    let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap();
    let url = presign_url(
        &PresignRequest::new("GET", VIRTUAL_HOST, "private.txt").scheme("http"),
        &creds,
        kt,
        &PresignSettings::default(),
    )
    .url;
    let query = url.split_once('?').unwrap().1;
    let replay =
        format!("GET {other_path}?{query} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let a = send(addr, &replay, b"", false).await;
    assert_eq!(
        a.status,
        403,
        "bucket B read with bucket A's URL: {}",
        a.text()
    );
    assert!(!a.text().contains("B secret"));

    // Header-signed over /private.txt only: refused too.
    let short = signed_head("GET", &host, (&other_path, "/private.txt"), "", &[], 0, kt);
    let a = send(addr, &short, b"", false).await;
    assert_eq!(a.status, 403, "{}", a.text());
    assert!(a.text().contains("SignatureDoesNotMatch"), "{}", a.text());
    // Bucket requests likewise: `/` does not name the bucket.
    let list_short = signed_head("GET", &host, (&format!("/{OTHER}/"), "/"), "", &[], 0, kt);
    assert_eq!(send(addr, &list_short, b"", false).await.status, 403);

    // Signed over /bucket/key (cos-core's path-style signing), and /bucket or
    // /bucket/ for the bucket: served.
    let full = signed_head("GET", &host, (&other_path, &other_path), "", &[], 0, kt);
    let a = send(addr, &full, b"", false).await;
    assert_eq!((a.status, a.text().as_str()), (200, "B secret"));
    for signed in [format!("/{OTHER}/"), format!("/{OTHER}")] {
        let list = signed_head(
            "GET",
            &host,
            (&format!("/{OTHER}/"), &signed),
            "",
            &[],
            0,
            kt,
        );
        let a = send(addr, &list, b"", false).await;
        assert_eq!(a.status, 200, "signed over {signed}: {}", a.text());
    }
    // A virtual-host request is still signed over /key: its Host names the bucket.
    let a = request(addr, "PUT", "", "", &[], b"").await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(BUCKET, "test-1250000000");
}

/// The `q-signature` value of an `Authorization` header or a query.
fn q_signature(text: &str) -> String {
    let at = text.find("q-signature=").unwrap() + "q-signature=".len();
    text[at..].split('&').next().unwrap().to_owned()
}

/// Item 20: the `Debug` output of the request log (and of the handle) shows no
/// signature, security token or v4 sign string.
#[tokio::test]
async fn request_log_debug_redacts_secrets() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.addr();
    let signed = request(addr, "PUT", "", "", &[], b"").await;
    assert_eq!(signed.status, 200);
    // A presigned URL of temporary credentials (the token travels in the query).
    let temp = Credentials::new("AKIDTEMPORARY", "TEMPSECRET")
        .unwrap()
        .with_token("TOKEN-SECRET-1234567890")
        .unwrap();
    let t = now();
    let kt = KeyTime::new(t - 60, t + 3600).unwrap();
    let url = presign_url(
        &PresignRequest::new("GET", VIRTUAL_HOST, "a.txt").scheme("http"),
        &temp,
        kt,
        &PresignSettings::default(),
    )
    .url;
    let path_query = &url[url.find("/a.txt").unwrap()..];
    let head = format!(
        "GET {path_query} HTTP/1.1\r\nHost: {VIRTUAL_HOST}\r\n\
         x-cos-security-token: HEADER-TOKEN-0987654321\r\nConnection: close\r\n\r\n"
    );
    send(addr, &head, b"", false).await;
    // A v4 download URL's sign string and a v4 Authorization.
    let v4 = format!(
        "GET /x.txt?sign=V4SIGNSTRING0123 HTTP/1.1\r\nHost: {VIRTUAL_HOST}\r\n\
         Authorization: V4AUTHSTRING4567\r\nConnection: close\r\n\r\n"
    );
    send(addr, &v4, b"", false).await;

    let log = emu.requests();
    assert_eq!(log.len(), 3);
    let header_sig = q_signature(log[0].header("authorization").unwrap());
    let query_sig = log[1].query_param("q-signature").unwrap().to_owned();
    assert_eq!(
        log[1].header("x-cos-security-token"),
        Some("HEADER-TOKEN-0987654321")
    );
    for shown in [
        format!("{log:?}"),
        format!("{:#?}", log[0]),
        format!("{emu:?}"),
    ] {
        for secret in [
            header_sig.as_str(),
            query_sig.as_str(),
            "TOKEN-SECRET-1234567890",
            "HEADER-TOKEN-0987654321",
            "V4SIGNSTRING0123",
            "V4AUTHSTRING4567",
        ] {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
    }
    let shown = format!("{log:?}");
    assert!(shown.contains("q-ak=AKIDEXAMPLE"), "{shown}");
    assert!(shown.contains("** redacted **"), "{shown}");
    assert!(shown.contains("PutBucket"), "{shown}");
}
