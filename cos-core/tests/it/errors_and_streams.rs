//! Errors a user can act on (operation, bucket and key named once; causes kept as
//! sources, never printed twice; common service codes), the per-entry list streams and
//! presigned requests, against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::error::Error as _;
use std::time::{Duration, SystemTime};

use common::{key, setup};
use cos_core::error::ServiceCode;
use cos_core::{BucketName, Error};
use cos_xml::op::Op;
use futures_util::TryStreamExt;

/// Every message of the chain of `e`, outermost first.
fn chain(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut next = e.source();
    while let Some(s) = next {
        out.push(s.to_string());
        next = s.source();
    }
    out
}

/// No message of the chain repeats a later one (anyhow's `{:#}` prints each once).
fn assert_each_cause_once(e: &(dyn std::error::Error + 'static)) {
    let c = chain(e);
    for (i, m) in c.iter().enumerate() {
        for later in &c[i + 1..] {
            assert!(
                !m.contains(later.as_str()),
                "{m:?} repeats its source {later:?}"
            );
        }
    }
}

#[tokio::test]
async fn service_errors_name_the_operation_bucket_and_key() {
    let (_emu, client, bucket) = setup().await;
    let err = client
        .get_object(&bucket, &key("dir/missing.txt"))
        .send()
        .await
        .unwrap_err();
    let ctx = err.context().expect("context");
    assert_eq!(ctx.op, Op::GetObject);
    assert_eq!(ctx.bucket.as_deref(), Some(bucket.as_str()));
    assert_eq!(ctx.key.as_deref(), Some("dir/missing.txt"));
    let shown = err.to_string();
    assert!(
        shown.starts_with(
            "GetObject on bucket examplebucket-1250000000 key \"dir/missing.txt\": \
             COS service error 404 NoSuchKey"
        ),
        "{shown}"
    );
    assert_eq!(err.service_code(), Some(ServiceCode::NoSuchKey));
    assert!(err.is_not_found() && !err.is_retryable() && !err.is_client_error());
    assert_each_cause_once(&err);

    let err = client
        .head_object(&bucket, &key("missing"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.op(), Some(Op::HeadObject));
    assert_eq!(err.service_code(), Some(ServiceCode::NoSuchResource));

    let other = BucketName::new("absent-1250000000").unwrap();
    let err = client.list_objects(&other).send().await.unwrap_err();
    assert_eq!(err.service_code(), Some(ServiceCode::NoSuchBucket));
    assert_eq!(err.op(), Some(Op::ListObjects));
    assert_eq!(err.context().unwrap().key, None);
    let err = client
        .list_parts(&bucket, &key("big"), "no-such-upload")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.service_code(), Some(ServiceCode::NoSuchUpload));
}

#[tokio::test]
async fn conditional_failures_are_classified() {
    let (_emu, client, bucket) = setup().await;
    let k = key("c.txt");
    let put = client
        .put_object(&bucket, &k)
        .body("x")
        .send()
        .await
        .unwrap();
    let etag = put.etag.unwrap();
    let err = client
        .get_object(&bucket, &k)
        .if_none_match(etag)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.service_code(), Some(ServiceCode::NotModified), "{err}");
    let err = client
        .get_object(&bucket, &k)
        .if_match("\"other\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.service_code(),
        Some(ServiceCode::PreconditionFailed),
        "{err}"
    );
    let err = client
        .get_object(&bucket, &k)
        .range(10, Some(20))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.service_code(), Some(ServiceCode::InvalidRange), "{err}");
}

#[test]
fn causes_are_sources_or_messages_never_both() {
    let xml = cos_xml::from_str::<cos_xml::Tagging>("<Tagging><TagSet>").unwrap_err();
    let decode = Error::from(xml);
    assert!(
        decode.source().is_some(),
        "the XML error is kept as the source"
    );
    assert_each_cause_once(&decode);
    let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused by peer");
    let conn = Error::Connection(Box::new(refused));
    assert_eq!(conn.to_string(), "connection error");
    assert_eq!(conn.source().unwrap().to_string(), "refused by peer");
    assert!(conn.is_retryable() && conn.is_connection());
    let io = Error::from(std::io::Error::other("disk full"));
    assert_each_cause_once(&io);
    assert!(io.to_string().contains("disk full"));
    let invalid = Error::from(cos_core::InvalidInput::PartNumber(0));
    assert_each_cause_once(&invalid);
    let t = cos_core::error::TimeoutError::BodyStalled(Duration::from_secs(1));
    assert!(Error::Timeout(t).is_retryable());
}

#[tokio::test]
async fn object_streams_yield_every_entry_across_pages() {
    let (emu, client, bucket) = setup().await;
    let names = ["a", "b", "c", "d", "e"];
    for n in names {
        client
            .put_object(&bucket, &key(n))
            .body(n)
            .send()
            .await
            .unwrap();
    }
    emu.clear_requests();
    let objects: Vec<_> = client
        .list_objects(&bucket)
        .max_keys(2)
        .into_objects()
        .try_collect()
        .await
        .unwrap();
    let keys: Vec<_> = objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, names);
    assert_eq!(
        common::reqs(&emu, "ListObjects").len(),
        3,
        "three pages of two"
    );

    let k = key("big");
    let id = client
        .initiate_multipart_upload(&bucket, &k)
        .send()
        .await
        .unwrap()
        .upload_id;
    for n in 1..=3 {
        client
            .upload_part(&bucket, &k, &id, n)
            .body("p")
            .send()
            .await
            .unwrap();
    }
    let parts: Vec<_> = client
        .list_parts(&bucket, &k, &id)
        .max_parts(2)
        .into_parts()
        .try_collect()
        .await
        .unwrap();
    let numbers: Vec<_> = parts.iter().map(|p| p.part_number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    let uploads: Vec<_> = client
        .list_multipart_uploads(&bucket)
        .into_uploads()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].upload_id, id);
    let versions: Vec<_> = client
        .list_object_versions(&bucket)
        .max_keys(2)
        .into_versions()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(versions.len(), names.len());
}

#[tokio::test]
async fn a_stream_error_names_the_listing() {
    let (_emu, client, _bucket) = setup().await;
    let other = BucketName::new("absent-1250000000").unwrap();
    let err = client
        .list_objects(&other)
        .into_objects()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.op(), Some(Op::ListObjects));
    assert_eq!(err.service_code(), Some(ServiceCode::NoSuchBucket));
}

#[tokio::test]
async fn presigned_requests_carry_method_headers_and_expiry() {
    let (_emu, client, bucket) = setup().await;
    let before = SystemTime::now();
    let p = client
        .get_presigned_url("put", &bucket, &key("a.txt"))
        .header("Content-Type", "text/plain")
        .expires(Duration::from_secs(600))
        .build()
        .await
        .unwrap();
    assert_eq!(p.method, http::Method::PUT);
    assert_eq!(
        p.headers,
        [("Content-Type".to_owned(), "text/plain".to_owned())]
    );
    assert!(p.url.contains("q-header-list=content-type"), "{}", p.url);
    let lifetime = p.expires.duration_since(before).unwrap();
    assert!(lifetime >= Duration::from_secs(600) && lifetime < Duration::from_secs(700));
    let shown = format!("{p:?}");
    assert!(!shown.contains("q-signature"), "{shown}");
    let err = client
        .get_presigned_url("NOT A METHOD", &bucket, &key("a.txt"))
        .build()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
}
