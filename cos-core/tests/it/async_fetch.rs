//! Async fetch tasks against the emulator, which fetches from loopback only: an object
//! of a public-read bucket of the same emulator is the origin.

use cos_core::Acl;

use crate::common::{key, reqs, setup};

fn md5_hex(data: &[u8]) -> String {
    use md5::Digest;
    md5::Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_task_fetches_a_url_into_an_object() {
    let (emu, client, bucket) = setup().await;
    client
        .put_bucket_acl(&bucket)
        .acl(Acl::PublicRead)
        .send()
        .await
        .unwrap();
    let data = b"fetched from the origin".to_vec();
    client
        .put_object(&bucket, &key("origin/a.txt"))
        .body(data.clone())
        .content_type("text/plain")
        .send()
        .await
        .unwrap();
    let url = format!("{}/{bucket}/origin/a.txt", emu.endpoint());

    let task = client
        .put_async_fetch_task(&bucket, &url, &key("copy.txt"))
        .md5(md5_hex(&data))
        .send()
        .await
        .unwrap();
    assert_eq!(reqs(&emu, "PutAsyncFetchTask").len(), 1);
    let put = reqs(&emu, "PutAsyncFetchTask").pop().unwrap();
    assert_eq!(
        put.host, "ap-guangzhou.migration.myqcloud.com",
        "the official SDKs' host"
    );
    let state = client
        .get_async_fetch_task(&bucket, &task.task_id)
        .send()
        .await
        .unwrap();
    assert!(state.succeeded(), "{state:?}");
    let got = client
        .get_object(&bucket, &key("copy.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_type.as_deref(), Some("text/plain"));
    assert_eq!(got.body.collect().await.unwrap().to_vec(), data);

    // A wrong MD5, a missing origin: failed tasks that store nothing.
    for (url, md5, code) in [
        (url.clone(), Some("0".repeat(32)), "InvalidDigest"),
        (
            format!("{}/{bucket}/missing", emu.endpoint()),
            None,
            "FetchFailed",
        ),
    ] {
        let mut put = client.put_async_fetch_task(&bucket, &url, &key("failed.txt"));
        if let Some(md5) = md5 {
            put = put.md5(md5);
        }
        let task = put.send().await.unwrap();
        let state = client
            .get_async_fetch_task(&bucket, &task.task_id)
            .send()
            .await
            .unwrap();
        assert_eq!(
            (state.status.as_str(), state.code.as_str()),
            ("TASK_FAILED", code)
        );
        let e = client
            .head_object(&bucket, &key("failed.txt"))
            .send()
            .await
            .unwrap_err();
        assert!(e.is_not_found());
    }
}

#[tokio::test]
async fn only_loopback_urls_and_known_tasks() {
    let (emu, client, bucket) = setup().await;
    let e = client
        .put_async_fetch_task(&bucket, "http://example.com/a", &key("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_error().unwrap().code, "InvalidArgument", "{e}");
    let e = client
        .put_async_fetch_task(&bucket, "ftp://127.0.0.1/a", &key("x"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e.without_context(), cos_core::Error::InvalidInput(_)),
        "{e}"
    );
    let e = client
        .get_async_fetch_task(&bucket, "no-such-task")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_error().unwrap().status.as_u16(), 404);
    assert_eq!(reqs(&emu, "GetAsyncFetchTask").len(), 1);
}
