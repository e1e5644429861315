//! Multipart uploads and the list operations (pages and streams) against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use crate::common;

use common::*;
use futures_util::TryStreamExt;

#[tokio::test]
async fn multipart_full_cycle_with_list_parts_and_part_copy() {
    let (emu, client, bucket) = setup().await;
    let k = key("dir/big file.bin");
    client
        .put_object(&bucket, &key("src"))
        .body(vec![9u8; 2 << 20])
        .send()
        .await
        .unwrap();
    let init = client
        .initiate_multipart_upload(&bucket, &k)
        .content_type("application/octet-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(last(&emu).query_param("uploads"), Some(""));
    let id = init.upload_id.clone();
    let p1 = client
        .upload_part(&bucket, &k, &id, 1)
        .body(vec![1u8; 1 << 20])
        .send()
        .await
        .unwrap();
    let r = last(&emu);
    assert_eq!(r.operation, "UploadPart");
    assert_eq!(r.query_param("partNumber"), Some("1"));
    assert_eq!(r.query_param("uploadId"), Some(id.as_str()));
    let p2 = client
        .upload_part_copy(&bucket, &k, &id, 2, &bucket, &key("src"))
        .source_range(0, (1 << 20) - 1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        last(&emu).header("x-cos-copy-source-range"),
        Some("bytes=0-1048575")
    );
    let p3 = client
        .upload_part(&bucket, &k, &id, 3)
        .body("tail")
        .send()
        .await
        .unwrap();

    let parts = client.list_parts(&bucket, &k, &id).send().await.unwrap();
    assert_eq!(parts.parts.len(), 3);
    assert_eq!(parts.key, k.as_str());
    let pages: Vec<_> = client
        .list_parts(&bucket, &k, &id)
        .max_parts(1)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);

    let ups = client
        .list_multipart_uploads(&bucket)
        .prefix("dir/")
        .send()
        .await
        .unwrap();
    assert_eq!(ups.uploads.len(), 1);
    assert_eq!(ups.uploads[0].key, "dir/big file.bin");

    let done = client
        .complete_multipart_upload(&bucket, &k, &id)
        .part(3, p3.etag.unwrap())
        .part(1, p1.etag.unwrap())
        .part(2, p2.etag)
        .send()
        .await
        .unwrap();
    assert_eq!(done.key, k.as_str());
    let h = client.head_object(&bucket, &k).send().await.unwrap();
    assert_eq!(h.content_length, Some((2 << 20) + 4));
    let err = client
        .list_parts(&bucket, &k, &id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoSuchUpload"));
}

#[tokio::test]
async fn abort_multipart_upload_and_errors() {
    let (emu, client, bucket) = setup().await;
    let k = key("x");
    let init = client
        .initiate_multipart_upload(&bucket, &k)
        .send()
        .await
        .unwrap();
    client
        .abort_multipart_upload(&bucket, &k, &init.upload_id)
        .send()
        .await
        .unwrap();
    let err = client
        .abort_multipart_upload(&bucket, &k, &init.upload_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoSuchUpload"));
    let err = client
        .upload_part(&bucket, &k, &init.upload_id, 1)
        .body("a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoSuchUpload"));
    let err = client
        .complete_multipart_upload(&bucket, &k, "nope")
        .part(1, "\"e\"")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(reqs(&emu, "CompleteMultipartUpload").len(), 1);
}

#[tokio::test]
async fn list_objects_pages_delimiter_and_url_decoding() {
    let (emu, client, bucket) = setup().await;
    let keys = [
        "a/1.txt",
        "a/2 two.txt",
        "a/b/3.txt",
        "c+d%e.txt",
        "中文/文件.txt",
        "z",
    ];
    for k in keys {
        client
            .put_object(&bucket, &key(k))
            .body("x")
            .send()
            .await
            .unwrap();
    }
    emu.clear_requests();
    let page = client
        .list_objects(&bucket)
        .prefix("a/")
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let r = last(&emu);
    assert_eq!(r.query_param("encoding-type"), Some("url"));
    assert_eq!(r.query_param("prefix"), Some("a/"));
    let got: Vec<_> = page.contents.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(got, ["a/1.txt", "a/2 two.txt"]);
    assert_eq!(page.common_prefixes[0].prefix, "a/b/");
    assert_eq!(page.prefix, "a/");

    let pages: Vec<_> = client
        .list_objects(&bucket)
        .max_keys(2)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    let all: Vec<String> = pages
        .iter()
        .flat_map(|p| p.contents.iter().map(|o| o.key.clone()))
        .collect();
    let mut want: Vec<String> = keys.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(all, want);
    assert_eq!(reqs(&emu, "ListObjects").len(), 4);

    let missing = cos_core::BucketName::new("missing-1250000000").unwrap();
    assert_eq!(
        client
            .list_objects(&missing)
            .send()
            .await
            .unwrap_err()
            .code(),
        Some("NoSuchBucket")
    );
}

#[tokio::test]
async fn list_object_versions_pages() {
    let (emu, client, bucket) = setup().await;
    client
        .put_bucket_versioning(&bucket, cos_xml::VersioningStatus::Enabled)
        .send()
        .await
        .unwrap();
    for body in ["1", "2", "3"] {
        client
            .put_object(&bucket, &key("v k"))
            .body(body)
            .send()
            .await
            .unwrap();
    }
    client
        .delete_object(&bucket, &key("v k"))
        .send()
        .await
        .unwrap();
    let page = client.list_object_versions(&bucket).send().await.unwrap();
    assert_eq!(page.versions().count(), 3);
    assert_eq!(page.delete_markers().count(), 1);
    assert!(page.versions().all(|v| v.key == "v k"));
    assert_eq!(last(&emu).query_param("versions"), Some(""));
    let pages: Vec<_> = client
        .list_object_versions(&bucket)
        .max_keys(1)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.iter().map(|p| p.entries.len()).sum::<usize>(), 4);
    let missing = cos_core::BucketName::new("missing-1250000000").unwrap();
    assert!(
        client
            .list_object_versions(&missing)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn list_multipart_uploads_pages() {
    let (_emu, client, bucket) = setup().await;
    for k in ["u1", "u2", "u3"] {
        client
            .initiate_multipart_upload(&bucket, &key(k))
            .send()
            .await
            .unwrap();
    }
    let pages: Vec<_> = client
        .list_multipart_uploads(&bucket)
        .max_uploads(2)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.iter().map(|p| p.uploads.len()).sum::<usize>(), 3);
    assert!(pages.len() >= 2);
}
