//! Typed server-side encryption through cos-core's builders against the emulator:
//! SSE-COS, SSE-KMS and SSE-C round trips through put, get, head, copy (source and
//! destination keys), initiate, upload part and upload part copy; a missing or wrong
//! SSE-C key fails with COS's code; the key never shows in `Debug`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use crate::common::*;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cos_core::{KmsOptions, MetadataDirective, ReadOptions, Sse, SseCustomerKey, WriteOptions};

fn header<'a>(h: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

const BIG: usize = 1 << 20;

#[tokio::test]
async fn each_sse_kind_round_trips_through_put_get_head_copy() {
    let (emu, client, bucket) = setup().await;
    let key_c = SseCustomerKey::new([3; 32]);
    let kinds = [
        ("cos", Sse::Cos),
        (
            "kms",
            Sse::Kms(KmsOptions::new().key_id("cmk-9").context("app", "x")),
        ),
        ("c", Sse::Customer(key_c.clone())),
    ];
    for (name, sse) in kinds {
        let k = key(&format!("sse/{name}"));
        let w = WriteOptions::new().sse(sse.clone());
        let put = client
            .put_object(&bucket, &k)
            .body("payload")
            .options(&w)
            .unwrap()
            .send()
            .await
            .unwrap();
        let read = match &sse {
            Sse::Customer(key) => ReadOptions::new().sse_customer_key(key.clone()),
            _ => ReadOptions::new(),
        };
        let head = client
            .head_object(&bucket, &k)
            .options(&read)
            .unwrap()
            .send()
            .await
            .unwrap();
        let got = client
            .get_object(&bucket, &k)
            .options(&read)
            .unwrap()
            .send()
            .await
            .unwrap();
        let (h, g) = (&head.meta.headers, &got.meta.headers);
        match &sse {
            Sse::Cos => assert_eq!(header(h, "x-cos-server-side-encryption"), Some("AES256")),
            Sse::Kms(_) => {
                assert_eq!(header(g, "x-cos-server-side-encryption"), Some("cos/kms"));
                assert_eq!(
                    header(h, "x-cos-server-side-encryption-cos-kms-key-id"),
                    Some("cmk-9")
                );
                let r = reqs(&emu, "PutObject").pop().unwrap();
                let ctx = r.header("x-cos-server-side-encryption-context").unwrap();
                assert_eq!(STANDARD.decode(ctx).unwrap(), br#"{"app":"x"}"#);
            }
            _ => {
                let md5 = key_c.key_md5();
                assert_eq!(
                    header(
                        &put.meta.headers,
                        "x-cos-server-side-encryption-customer-key-MD5"
                    ),
                    Some(md5.as_str())
                );
                assert_eq!(
                    header(g, "x-cos-server-side-encryption-customer-algorithm"),
                    Some("AES256")
                );
            }
        }
        assert_eq!(&got.body.collect().await.unwrap()[..], b"payload");

        // Copy it to an SSE-C object under another key (source key given when needed).
        let dest = key(&format!("sse/{name}-copy"));
        let other = SseCustomerKey::new([4; 32]);
        let mut copy = client
            .copy_object(&bucket, &dest, &bucket, &k)
            .metadata_directive(MetadataDirective::Replaced)
            .options(&WriteOptions::new().sse_customer_key(other.clone()))
            .unwrap();
        if let Some(src) = sse.customer_key() {
            copy = copy.copy_source_sse_customer_key(src);
        }
        copy.send().await.unwrap();
        let read = ReadOptions::new().sse_customer_key(other);
        let body = client
            .get_object(&bucket, &dest)
            .options(&read)
            .unwrap()
            .send()
            .await
            .unwrap()
            .body
            .collect()
            .await
            .unwrap();
        assert_eq!(&body[..], b"payload");
    }
}

#[tokio::test]
async fn sse_c_without_or_with_a_wrong_key_fails_with_cos_code() {
    let (_emu, client, bucket) = setup().await;
    let k = key("c-only");
    let right = SseCustomerKey::new([5; 32]);
    client
        .put_object(&bucket, &k)
        .body("x")
        .options(&WriteOptions::new().sse_customer_key(right.clone()))
        .unwrap()
        .send()
        .await
        .unwrap();
    let e = client.get_object(&bucket, &k).send().await.unwrap_err();
    assert_eq!(
        (e.status().map(|s| s.as_u16()), e.code()),
        (Some(400), Some("InvalidArgument"))
    );
    let wrong = ReadOptions::new().sse_customer_key(SseCustomerKey::new([6; 32]));
    let e = client
        .get_object(&bucket, &k)
        .options(&wrong)
        .unwrap()
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidArgument"));
    assert!(!format!("{e:?}").contains(&STANDARD.encode([6u8; 32])));
    let e = client
        .copy_object(&bucket, &key("c-copy"), &bucket, &k)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidArgument"));
    // The builders' Debug hides the key.
    let b = client
        .get_object(&bucket, &k)
        .options(&ReadOptions::new().sse_customer_key(right))
        .unwrap();
    assert!(!format!("{b:?}").contains(&STANDARD.encode([5u8; 32])));
}

#[tokio::test]
async fn sse_c_multipart_with_part_copy_round_trips() {
    let (_emu, client, bucket) = setup().await;
    let src_key = SseCustomerKey::new([1; 32]);
    let dst_key = SseCustomerKey::new([2; 32]);
    let src = key("mp/src");
    let data: Vec<u8> = (0..BIG + 10).map(|i| (i % 251) as u8).collect();
    client
        .put_object(&bucket, &src)
        .body(data.clone())
        .options(&WriteOptions::new().sse_customer_key(src_key.clone()))
        .unwrap()
        .send()
        .await
        .unwrap();
    let dst = key("mp/dst");
    let w = WriteOptions::new().sse_customer_key(dst_key.clone());
    let id = client
        .initiate_multipart_upload(&bucket, &dst)
        .options(&w)
        .unwrap()
        .send()
        .await
        .unwrap()
        .upload_id;
    // Part 1 copied from the SSE-C source, part 2 uploaded.
    let p1 = client
        .upload_part_copy(&bucket, &dst, &id, 1, &bucket, &src)
        .source_range(0, BIG as u64 - 1)
        .copy_source_sse_customer_key(&src_key)
        .sse_customer_key(&dst_key)
        .send()
        .await
        .unwrap();
    // Without the upload's key a part is refused.
    let e = client
        .upload_part(&bucket, &dst, &id, 2)
        .body(data[BIG..].to_vec())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidArgument"));
    let p2 = client
        .upload_part(&bucket, &dst, &id, 2)
        .body(data[BIG..].to_vec())
        .options(&w)
        .unwrap()
        .send()
        .await
        .unwrap();
    client
        .complete_multipart_upload(&bucket, &dst, &id)
        .part(1, p1.etag)
        .part(2, p2.etag.unwrap())
        .send()
        .await
        .unwrap();
    let got = client
        .get_object(&bucket, &dst)
        .options(&ReadOptions::new().sse_customer_key(dst_key))
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(got.body.collect().await.unwrap(), data);
}
