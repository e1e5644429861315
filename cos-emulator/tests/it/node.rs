//! The official Node.js SDK (cos-nodejs-sdk-v5 3.0.0, installed by cos-testkit under
//! `target/node-sdk` on first use) drives the in-process emulator: each test runs
//! one scenario of `tests/node/interop.js`, which prints what the SDK saw as JSON,
//! and asserts on it and on the emulator's request log. Needs `node` (>= 16) and
//! `npm` with the npm registry (or an existing `target/node-sdk`); fails loudly
//! otherwise, never skips.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use cos_emulator::EmulatorHandle;
use md5::Digest as _;
use serde_json::Value;

/// Runs scenario `name` against a fresh emulator; returns its JSON result and the
/// emulator (still running, for its request log).
async fn scenario(name: &str) -> (Value, EmulatorHandle) {
    let node = tokio::task::spawn_blocking(cos_testkit::node::node_or_panic)
        .await
        .unwrap();
    let emu = cos_emulator::Emulator::builder().start().await.unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/interop.js");
    let mut cmd = tokio::process::Command::from(node.command(&script));
    cmd.arg(name)
        .arg(emu.addr().port().to_string())
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(180), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("node scenario {name} took more than 3 minutes"))
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let result = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .filter(|_| out.status.success())
        .unwrap_or_else(|| {
            panic!(
                "node scenario {name} failed ({})\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
                out.status
            )
        });
    let value = serde_json::from_str(result).unwrap();
    println!("{name}: {value:#}");
    (value, emu)
}

/// The value at JSON pointer `ptr`, failing with the whole result when absent.
fn at<'a>(v: &'a Value, ptr: &str) -> &'a Value {
    v.pointer(ptr)
        .unwrap_or_else(|| panic!("no {ptr} in {v:#}"))
}

fn text<'a>(v: &'a Value, ptr: &str) -> &'a str {
    at(v, ptr)
        .as_str()
        .unwrap_or_else(|| panic!("{ptr} is not a string in {v:#}"))
}

/// Asserts that the SDK call result at `ptr` (`{ err, data }`) succeeded.
fn ok(v: &Value, ptr: &str) {
    assert!(
        at(v, &format!("{ptr}/err")).is_null(),
        "{ptr} failed: {:#}",
        at(v, ptr)
    );
}

/// Asserts that the SDK call at `ptr` failed with `status` (and `code` when given).
fn failed(v: &Value, ptr: &str, status: u64, code: Option<&str>) {
    let err = at(v, &format!("{ptr}/err"));
    assert_eq!(err["statusCode"], status, "{ptr}: {err:#}");
    if let Some(code) = code {
        assert_eq!(err["code"], code, "{ptr}: {err:#}");
    }
}

fn strings(v: &Value, ptr: &str) -> Vec<String> {
    at(v, ptr)
        .as_array()
        .unwrap_or_else(|| panic!("{ptr} is not an array in {v:#}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

fn quoted_md5(data: &[u8]) -> String {
    let hex: String = md5::Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("\"{hex}\"")
}

/// Every operation in `ops` was recorded, with a 2xx status at least once.
fn recorded(emu: &EmulatorHandle, ops: &[&str]) {
    let log = emu.requests();
    for op in ops {
        assert!(
            log.iter()
                .any(|r| r.operation == *op && (200..300).contains(&r.status)),
            "no successful {op} was recorded"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdk_puts_gets_heads_copies_and_deletes_objects() {
    let (r, emu) = scenario("objects").await;
    ok(&r, "/putString");
    assert_eq!(text(&r, "/putString/data/ETag"), quoted_md5(b"hello node"));
    let binary: Vec<u8> = (0..1024).map(|i| (i % 256) as u8).collect();
    ok(&r, "/putBuffer");
    assert_eq!(text(&r, "/putBuffer/data/ETag"), quoted_md5(&binary));
    assert_eq!(text(&r, "/getString/body"), "hello node");
    let got = base64::engine::general_purpose::STANDARD
        .decode(text(&r, "/getBuffer/base64"))
        .unwrap();
    assert_eq!(got, binary, "the buffer came back changed");
    assert_eq!(text(&r, "/head/etag"), quoted_md5(&binary));
    assert_eq!(text(&r, "/head/headers/content-length"), "1024");
    assert!(!text(&r, "/head/headers/x-cos-hash-crc64ecma").is_empty());
    // A HEAD 404 has no body: the SDK only sees the status.
    failed(&r, "/headMissing", 404, None);
    failed(&r, "/getMissing", 404, Some("NoSuchKey"));
    ok(&r, "/copy");
    assert_eq!(text(&r, "/copy/data/ETag"), quoted_md5(b"hello node"));
    assert_eq!(text(&r, "/getCopy/body"), "hello node");
    ok(&r, "/deleteCopy");
    assert_eq!(at(&r, "/deleteCopy/data/statusCode"), 204);
    failed(&r, "/headDeleted", 404, None);
    // Deleting a key that never existed is a success too (Quiet=false lists it).
    assert!(at(&r, "/deleteMultiple/err").is_null());
    assert_eq!(
        strings(&r, "/deleteMultiple/deleted"),
        ["bin/data.bin", "docs/hello.txt", "never/existed"]
    );
    assert_eq!(at(&r, "/deleteMultiple/errors"), &Value::Array(vec![]));
    assert_eq!(at(&r, "/afterDelete/contents"), &Value::Array(vec![]));
    recorded(
        &emu,
        &[
            "PutBucket",
            "PutObject",
            "GetObject",
            "HeadObject",
            "CopyObject",
            "DeleteObject",
            "DeleteMultipleObjects",
            "ListObjects",
        ],
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdk_lists_with_prefix_delimiter_and_marker_pages() {
    let (r, emu) = scenario("listing").await;
    let all = [
        "a/1.txt",
        "a/2.txt",
        "a/b/3.txt",
        "c.txt",
        "d/4.txt",
        "e.txt",
    ];
    assert_eq!(strings(&r, "/all/contents"), all);
    assert_eq!(text(&r, "/all/truncated"), "false");
    assert_eq!(
        strings(&r, "/prefix/contents"),
        ["a/1.txt", "a/2.txt", "a/b/3.txt"]
    );
    assert_eq!(strings(&r, "/delimiter/contents"), ["c.txt", "e.txt"]);
    assert_eq!(strings(&r, "/delimiter/prefixes"), ["a/", "d/"]);
    assert_eq!(
        strings(&r, "/prefixDelimiter/contents"),
        ["a/1.txt", "a/2.txt"]
    );
    assert_eq!(strings(&r, "/prefixDelimiter/prefixes"), ["a/b/"]);
    // Pages of two joined by NextMarker give every key once, in order.
    let pages = at(&r, "/pages").as_array().unwrap();
    assert_eq!(pages.len(), 3, "{pages:#?}");
    let mut joined = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let keys = strings(page, "/contents");
        assert_eq!(keys.len(), 2, "page {i}: {page:#}");
        let last = i == pages.len() - 1;
        assert_eq!(
            text(page, "/truncated"),
            if last { "false" } else { "true" }
        );
        if !last {
            assert_eq!(text(page, "/nextMarker"), keys[1], "page {i}");
        }
        joined.extend(keys);
    }
    assert_eq!(joined, all);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdk_slice_upload_and_multipart_steps() {
    let (r, emu) = scenario("multipart").await;
    ok(&r, "/slice");
    assert_eq!(text(&r, "/slice/gotMd5"), text(&r, "/slice/expectedMd5"));
    assert!(
        text(&r, "/slice/etag").ends_with("-4\""),
        "a 4-part ETag: {}",
        r["slice"]["etag"]
    );
    // List Parts shows both parts with the sizes and ETags Upload Part returned.
    ok(&r, "/listParts");
    let parts = at(&r, "/listParts/parts").as_array().unwrap();
    assert_eq!(parts.len(), 2, "{parts:#?}");
    for (i, part) in parts.iter().enumerate() {
        assert_eq!(text(part, "/n"), (i + 1).to_string());
        assert_eq!(
            text(part, "/etag"),
            at(&r, "/listParts/uploadEtags")[i],
            "part {i}"
        );
        assert_eq!(
            text(part, "/etag"),
            format!("\"{}\"", at(&r, "/listParts/partMd5s")[i].as_str().unwrap())
        );
    }
    assert_eq!(text(&parts[0], "/size"), (1024 * 1024).to_string());
    assert_eq!(text(&parts[1], "/size"), "10");
    ok(&r, "/complete");
    assert!(text(&r, "/complete/data/ETag").ends_with("-2\""));
    assert_eq!(text(&r, "/manual/gotMd5"), text(&r, "/manual/expectedMd5"));
    // Abort: listed before, gone after.
    assert_eq!(at(&r, "/listedBeforeAbort"), &serde_json::json!([true]));
    ok(&r, "/abort");
    failed(&r, "/listPartsAfterAbort", 404, Some("NoSuchUpload"));
    assert_eq!(at(&r, "/listedAfterAbort"), 0);
    recorded(
        &emu,
        &[
            "InitiateMultipartUpload",
            "UploadPart",
            "ListParts",
            "CompleteMultipartUpload",
            "AbortMultipartUpload",
            "ListMultipartUploads",
        ],
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdk_acl_tagging_and_cors() {
    let (r, emu) = scenario("acl_tagging_cors").await;
    ok(&r, "/putObjectAcl");
    assert_eq!(text(&r, "/objectAcl/acl"), "public-read");
    ok(&r, "/putBucketAcl");
    assert_eq!(text(&r, "/bucketAcl/acl"), "public-read");
    let tags = serde_json::json!([{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v 2"}]);
    ok(&r, "/putTagging");
    assert_eq!(at(&r, "/tags/tags"), &tags);
    ok(&r, "/deleteTagging");
    assert_eq!(at(&r, "/tagsAfterDelete/tags"), &Value::Array(vec![]));
    ok(&r, "/putBucketTagging");
    assert_eq!(at(&r, "/bucketTags/tags"), &tags);
    ok(&r, "/putCors");
    let rules = at(&r, "/cors/rules");
    assert_eq!(rules.as_array().unwrap().len(), 1, "{rules:#}");
    assert_eq!(
        rules[0]["AllowedOrigins"],
        serde_json::json!(["http://example.com"])
    );
    assert_eq!(
        rules[0]["AllowedMethods"],
        serde_json::json!(["GET", "PUT"])
    );
    assert_eq!(rules[0]["ExposeHeaders"], serde_json::json!(["ETag"]));
    assert_eq!(rules[0]["MaxAgeSeconds"], "600");
    assert!(at(&r, "/options/err").is_null());
    assert_eq!(
        text(&r, "/options/headers/access-control-allow-origin"),
        "http://example.com"
    );
    // An origin no rule allows is refused (403, which the SDK reports as
    // `OptionsForbidden`).
    assert!(at(&r, "/optionsRefused/err").is_null());
    assert_eq!(at(&r, "/optionsRefused/forbidden"), true);
    ok(&r, "/deleteCors");
    // The SDK turns NoSuchCORSConfiguration into an empty rule list.
    assert_eq!(at(&r, "/corsAfterDelete/rules"), &Value::Array(vec![]));
    recorded(
        &emu,
        &[
            "PutObjectAcl",
            "GetObjectAcl",
            "PutBucketAcl",
            "GetBucketAcl",
            "PutObjectTagging",
            "GetObjectTagging",
            "DeleteObjectTagging",
            "PutBucketTagging",
            "GetBucketTagging",
            "PutBucketCors",
            "GetBucketCors",
            "OptionsObject",
            "DeleteBucketCors",
        ],
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdk_presigned_get_url_is_served_to_a_plain_http_client() {
    let (r, emu) = scenario("presigned").await;
    let url = text(&r, "/url");
    assert!(url.starts_with(
        "http://test-1250000000.cos.ap-guangzhou.myqcloud.com/pre/signed%20file.txt?"
    ));
    assert!(url.contains("q-signature="), "{url}");
    assert_eq!(at(&r, "/get/status"), 200, "{:#}", r["get"]);
    assert_eq!(text(&r, "/get/body"), "presigned body");
    assert_eq!(at(&r, "/otherKey/status"), 403);
    assert!(text(&r, "/otherKey/body").contains("<Code>SignatureDoesNotMatch</Code>"));
    assert_eq!(at(&r, "/unsigned/status"), 403);
    // The emulator saw the signature in the query string, not in a header.
    let log = emu.requests();
    let get = log
        .iter()
        .find(|q| q.operation == "GetObject" && q.status == 200)
        .expect("no successful GetObject recorded");
    assert!(get.query_param("q-signature").is_some());
    assert!(get.header("authorization").is_none());
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdk_explicit_and_default_content_types() {
    let (r, emu) = scenario("content_type_explicit").await;
    assert_eq!(text(&r, "/explicit/content-type"), "text/xml");
    // No type and no extension: application/octet-stream, for a string as for a
    // Buffer (the SDK's test suite, "Content-Type: false Bug", against real COS).
    assert_eq!(text(&r, "/string/content-type"), "application/octet-stream");
    assert_eq!(text(&r, "/buffer/content-type"), "application/octet-stream");
    emu.shutdown().await;
}

/// Known defect (fixed in another branch): COS answers an expired signature with
/// `AccessDenied` / exactly `Request has expired`, which the SDK's CorrectClockSkew
/// recognises (sdk/base.js `allowRetry`): it takes the offset from the answer's
/// `Date` and signs again, so a client an hour slow recovers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdk_recovers_from_a_clock_an_hour_slow() {
    let (r, emu) = scenario("clock_skew").await;
    // Without the correction: refused with COS's exact message.
    failed(&r, "/uncorrected", 403, Some("AccessDenied"));
    assert_eq!(text(&r, "/uncorrected/err/message"), "Request has expired");
    ok(&r, "/putBucket");
    ok(&r, "/put");
    assert_eq!(text(&r, "/get/body"), "late clock");
    let offset = at(&r, "/offsetAfter").as_i64().unwrap();
    assert!(
        offset.abs() < 60_000,
        "offset after correction: {offset} ms"
    );
    // The first request (PutBucket) was refused, its retry accepted; the clock
    // stayed corrected for the requests after it.
    let statuses = |op: &str| -> Vec<u16> {
        emu.requests()
            .iter()
            .filter(|q| q.operation == op)
            .map(|q| q.status)
            .collect()
    };
    assert_eq!(statuses("PutBucket"), [403, 200]);
    assert_eq!(statuses("PutObject"), [200]);
    emu.shutdown().await;
}

/// Known defect (fixed in another branch): an object stored without a Content-Type
/// (or with the empty one the SDK's multipartInit sends) is typed from its key's
/// extension, as the SDK's test suite ("upload Content-Type") sees on real COS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdk_objects_without_a_type_are_typed_from_their_extension() {
    let (r, emu) = scenario("content_type_from_extension").await;
    assert_eq!(text(&r, "/putZip/content-type"), "application/zip");
    assert_eq!(text(&r, "/putTxt/content-type"), "text/plain");
    assert_eq!(text(&r, "/sliceTxt/content-type"), "text/plain");
    assert_eq!(text(&r, "/sliceExplicit/content-type"), "text/xml");
    emu.shutdown().await;
}

/// Known defect (fixed in another branch): the SDK sends `Cache-Control:` (and from
/// multipartInit `Content-Type:`) empty; COS treats them as absent and serves no
/// empty header (the SDK's test suite, "Cache-Control": absent or its default).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdk_empty_cache_control_and_content_type_are_absent() {
    let (r, emu) = scenario("empty_headers").await;
    for ptr in ["/put", "/slice", "/sliceGet"] {
        let cache = &r[&ptr[1..]]["cache-control"];
        assert!(
            cache.is_null() || cache == "max-age=259200",
            "{ptr}: Cache-Control {cache}"
        );
    }
    assert_eq!(text(&r, "/put/content-type"), "application/octet-stream");
    assert_eq!(text(&r, "/slice/content-type"), "application/octet-stream");
    assert_eq!(
        text(&r, "/sliceGet/content-type"),
        "application/octet-stream"
    );
    // A real value is kept.
    assert_eq!(text(&r, "/kept/cache-control"), "max-age=7200");
    emu.shutdown().await;
}
