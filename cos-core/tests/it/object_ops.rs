//! Object operations against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use crate::common;

use bytes::Bytes;
use common::*;
use cos_core::{Acl, Body, Error, IntegrityError, MetadataDirective, StorageClass};
use cos_xml::{Tag, Tagging};

#[tokio::test]
async fn put_get_with_headers_and_metadata() {
    let (emu, client, bucket) = setup().await;
    let k = key("dir/a b+c%d~e.txt");
    let out = client
        .put_object(&bucket, &k)
        .body("Hello, World!")
        .content_type("text/plain")
        .cache_control("no-cache")
        .content_disposition("attachment")
        .metadata("Author", "Zhang San")
        .storage_class(StorageClass::StandardIa)
        .acl(Acl::Private)
        .compute_content_md5()
        .traffic_limit(819_200)
        .send()
        .await
        .unwrap();
    assert!(out.etag.is_some());
    assert_eq!(out.crc64, Some(cos_core::crc::checksum(b"Hello, World!")));
    let r = last(&emu);
    assert_eq!(r.path, "/dir/a%20b%2Bc%25d~e.txt");
    assert_eq!(r.key.as_deref(), Some("dir/a b+c%d~e.txt"));
    assert_eq!(r.header("x-cos-meta-Author"), Some("Zhang San"));
    assert_eq!(r.header("x-cos-storage-class"), Some("STANDARD_IA"));
    assert_eq!(r.header("x-cos-traffic-limit"), Some("819200"));
    assert_eq!(r.header("content-md5"), Some("ZajifYh5KDgxtmS9i38K1A=="));
    assert_eq!(r.header("content-length"), Some("13"));

    let got = client
        .get_object(&bucket, &k)
        .response_content_type("text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_type.as_deref(), Some("text/html"));
    assert_eq!(got.content_length, Some(13));
    assert_eq!(
        got.body.collect().await.unwrap(),
        Bytes::from_static(b"Hello, World!")
    );
    let r = last(&emu);
    assert_eq!(r.query_param("response-content-type"), Some("text/html"));

    let head = client.head_object(&bucket, &k).send().await.unwrap();
    assert_eq!(head.content_length, Some(13));
    assert!(
        head.metadata
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("author") && v == "Zhang San")
    );
    assert_eq!(head.storage_class.as_deref(), Some("STANDARD_IA"));
}

#[tokio::test]
async fn get_range_and_conditions() {
    let (emu, client, bucket) = setup().await;
    let k = key("r.txt");
    let put = client
        .put_object(&bucket, &k)
        .body("0123456789")
        .send()
        .await
        .unwrap();
    let got = client
        .get_object(&bucket, &k)
        .range(2, Some(4))
        .send()
        .await
        .unwrap();
    assert_eq!(got.meta.status.as_u16(), 206);
    assert_eq!(
        got.body.collect().await.unwrap(),
        Bytes::from_static(b"234")
    );
    assert_eq!(last(&emu).header("range"), Some("bytes=2-4"));
    // Past the end: 416 InvalidRange, with the object's size in Content-Range.
    let err = client
        .get_object(&bucket, &k)
        .range(10, None)
        .send()
        .await
        .unwrap_err();
    let service = err.service_error().unwrap();
    assert_eq!(service.status.as_u16(), 416);
    assert_eq!(service.code, "InvalidRange");
    assert_eq!(service.headers["content-range"], "bytes */10");
    let etag = put.etag.unwrap();
    let err = client
        .get_object(&bucket, &k)
        .if_none_match(etag.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(304));
    let err = client
        .get_object(&bucket, &k)
        .if_match("\"nope\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(412));
    client
        .get_object(&bucket, &k)
        .if_match(etag)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn get_missing_is_no_such_key_and_head_missing_is_not_found() {
    let (emu, client, bucket) = setup().await;
    let err = client
        .get_object(&bucket, &key("nokey"))
        .send()
        .await
        .unwrap_err();
    let se = err.service_error().unwrap();
    assert_eq!(se.code, "NoSuchKey");
    assert!(se.request_id.is_some());
    let err = client
        .head_object(&bucket, &key("nokey"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("NoSuchResource"));
    assert!(!client.object_exists(&bucket, &key("nokey")).await.unwrap());
    assert_eq!(reqs(&emu, "GetObject").len(), 1, "404 is not retried");
}

#[tokio::test]
async fn put_from_file_region_and_stream() {
    let (emu, client, bucket) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("src.bin");
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    client
        .put_object(&bucket, &key("file"))
        .body(Body::from_file(&path).await.unwrap())
        .send()
        .await
        .unwrap();
    client
        .put_object(&bucket, &key("region"))
        .body(Body::from_file_region(&path, 1000, 5000))
        .send()
        .await
        .unwrap();
    let chunks = vec![Ok(Bytes::from_static(b"ab")), Ok(Bytes::from_static(b"cd"))];
    client
        .put_object(&bucket, &key("stream"))
        .body(Body::from_stream(
            futures_util::stream::iter(chunks),
            Some(4),
        ))
        .send()
        .await
        .unwrap();
    let whole = client
        .get_object(&bucket, &key("file"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&whole[..], &data[..]);
    let region = client
        .get_object(&bucket, &key("region"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&region[..], &data[1000..6000]);
    let s = client
        .get_object(&bucket, &key("stream"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&s[..], b"abcd");
    assert_eq!(reqs(&emu, "PutObject").len(), 3);
}

#[tokio::test]
async fn get_to_file_is_atomic() {
    let (_emu, client, bucket) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let data = vec![7u8; 100_000];
    client
        .put_object(&bucket, &key("big"))
        .body(data.clone())
        .send()
        .await
        .unwrap();
    let dest = dir.path().join("out.bin");
    let n = client
        .get_object(&bucket, &key("big"))
        .send()
        .await
        .unwrap()
        .body
        .write_to_file(&dest)
        .await
        .unwrap();
    assert_eq!(n, 100_000);
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp file left"
    );
}

#[tokio::test]
async fn truncated_download_is_integrity_error_and_leaves_nothing() {
    let (emu, client, bucket) = setup().await;
    client
        .put_object(&bucket, &key("t"))
        .body(vec![1u8; 1_000_000])
        .send()
        .await
        .unwrap();
    emu.add_fault(
        cos_emulator::FaultRule::new(cos_emulator::FaultAction::TruncateResponse(300_000))
            .operation("GetObject"),
    );
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("t.bin");
    let out = client.get_object(&bucket, &key("t")).send().await.unwrap();
    let err = out.body.write_to_file(&dest).await.unwrap_err();
    assert!(
        matches!(
            err.without_context(),
            Error::Integrity(_) | Error::Connection(_)
        ),
        "{err:?}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing partial left"
    );
    let out = client.get_object(&bucket, &key("t")).send().await.unwrap();
    let err = out.body.collect().await.unwrap_err();
    assert!(
        matches!(
            err.without_context(),
            Error::Integrity(IntegrityError::Truncated(_) | IntegrityError::LengthMismatch { .. })
                | Error::Connection(_)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn delete_object_and_delete_objects_quiet() {
    let (emu, client, bucket) = setup().await;
    for k in ["a", "b", "c"] {
        client
            .put_object(&bucket, &key(k))
            .body("x")
            .send()
            .await
            .unwrap();
    }
    client
        .delete_object(&bucket, &key("a"))
        .send()
        .await
        .unwrap();
    assert!(!client.object_exists(&bucket, &key("a")).await.unwrap());
    // Deleting a missing key succeeds; a missing bucket does not.
    client
        .delete_object(&bucket, &key("a"))
        .send()
        .await
        .unwrap();
    let missing = cos_core::BucketName::new("missing-1250000000").unwrap();
    assert!(
        client
            .delete_object(&missing, &key("a"))
            .send()
            .await
            .is_err()
    );
    let res = client
        .delete_multiple_objects(&bucket)
        .key(&key("b"))
        .key(&key("c"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.deleted.len(), 2);
    client
        .put_object(&bucket, &key("d"))
        .body("x")
        .send()
        .await
        .unwrap();
    let res = client
        .delete_multiple_objects(&bucket)
        .key(&key("d"))
        .quiet(true)
        .send()
        .await
        .unwrap();
    assert!(res.deleted.is_empty() && res.errors.is_empty());
    let r = last(&emu);
    assert_eq!(r.operation, "DeleteMultipleObjects");
    assert!(r.header("content-md5").is_some());
    let err = client
        .delete_multiple_objects(&bucket)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err.without_context(), Error::InvalidInput(_)));
}

#[tokio::test]
async fn versioned_delete_by_version_id() {
    let (emu, client, bucket) = setup().await;
    client
        .put_bucket_versioning(&bucket, cos_xml::VersioningStatus::Enabled)
        .send()
        .await
        .unwrap();
    let v1 = client
        .put_object(&bucket, &key("v"))
        .body("one")
        .send()
        .await
        .unwrap();
    client
        .put_object(&bucket, &key("v"))
        .body("two")
        .send()
        .await
        .unwrap();
    let vid = v1.version_id.expect("version id");
    let old = client
        .get_object(&bucket, &key("v"))
        .version_id(vid.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.body.collect().await.unwrap(),
        Bytes::from_static(b"one")
    );
    client
        .delete_object_version(&bucket, &key("v"), vid.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(last(&emu).query_param("versionId"), Some(vid.as_str()));
    assert!(
        client
            .get_object(&bucket, &key("v"))
            .version_id(vid)
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn copy_object_copy_and_replaced() {
    let (emu, client, bucket) = setup().await;
    client
        .put_object(&bucket, &key("src"))
        .body("data")
        .content_type("text/plain")
        .metadata("a", "1")
        .send()
        .await
        .unwrap();
    let out = client
        .copy_object(&bucket, &key("dst"), &bucket, &key("src"))
        .send()
        .await
        .unwrap();
    assert!(!out.result.etag.is_empty());
    let r = last(&emu);
    assert_eq!(
        r.header("x-cos-copy-source"),
        Some("examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/src")
    );
    client
        .copy_object(&bucket, &key("dst2"), &bucket, &key("src"))
        .metadata_directive(MetadataDirective::Replaced)
        .content_type("application/json")
        .metadata("b", "2")
        .send()
        .await
        .unwrap();
    let h = client
        .head_object(&bucket, &key("dst2"))
        .send()
        .await
        .unwrap();
    assert_eq!(h.content_type.as_deref(), Some("application/json"));
    let err = client
        .copy_object(&bucket, &key("x"), &bucket, &key("nosrc"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = client
        .copy_object(&bucket, &key("src"), &bucket, &key("src"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let err = client
        .copy_object(&bucket, &key("y"), &bucket, &key("src"))
        .copy_source_if_match("\"zzz\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(412));
}

#[tokio::test]
async fn restore_object_sends_body() {
    let (emu, client, bucket) = setup().await;
    client
        .put_object(&bucket, &key("arc"))
        .body("x")
        .storage_class(StorageClass::Archive)
        .send()
        .await
        .unwrap();
    client
        .restore_object(&bucket, &key("arc"))
        .days(2)
        .tier(cos_xml::Tier::Bulk)
        .send()
        .await
        .unwrap();
    let r = last(&emu);
    assert_eq!(r.operation, "RestoreObject");
    assert!(r.body_len > 0);
    let err = client
        .restore_object(&bucket, &key("missing"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn append_object_positions() {
    let (emu, client, bucket) = setup().await;
    let a = client
        .append_object(&bucket, &key("log"), 0)
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(a.next_append_position, Some(3));
    assert_eq!(last(&emu).query_param("position"), Some("0"));
    client
        .append_object(&bucket, &key("log"), 3)
        .body("de")
        .send()
        .await
        .unwrap();
    let err = client
        .append_object(&bucket, &key("log"), 1)
        .body("z")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    let all = client
        .get_object(&bucket, &key("log"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&all[..], b"abcde");
}

#[tokio::test]
async fn object_acl_and_tagging() {
    let (emu, client, bucket) = setup().await;
    client
        .put_object(&bucket, &key("o"))
        .body("x")
        .send()
        .await
        .unwrap();
    client
        .put_object_acl(&bucket, &key("o"))
        .acl(Acl::PublicRead)
        .send()
        .await
        .unwrap();
    assert_eq!(last(&emu).header("x-cos-acl"), Some("public-read"));
    let acl = client
        .get_object_acl(&bucket, &key("o"))
        .send()
        .await
        .unwrap();
    assert!(!acl.owner.id.is_empty());
    assert!(
        client
            .get_object_acl(&bucket, &key("none"))
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    let tags = Tagging::new([Tag::new("k", "v")]);
    client
        .put_object_tagging(&bucket, &key("o"), &tags)
        .send()
        .await
        .unwrap();
    let got = client
        .get_object_tagging(&bucket, &key("o"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.tag_set.tags, vec![Tag::new("k", "v")]);
    client
        .delete_object_tagging(&bucket, &key("o"))
        .send()
        .await
        .unwrap();
    assert!(
        client
            .get_object_tagging(&bucket, &key("o"))
            .send()
            .await
            .unwrap()
            .tag_set
            .tags
            .is_empty()
    );
    assert!(
        client
            .put_object_tagging(&bucket, &key("none"), &tags)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
}
