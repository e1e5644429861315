//! Symlinks against the emulator: GET and HEAD through a symlink serve its target,
//! GET `?symlink` names it.

use cos_core::error::ServiceCode;

use crate::common::{key, setup};

#[tokio::test]
async fn reads_through_a_symlink_serve_its_target() {
    let (_emu, client, bucket) = setup().await;
    let target = key("releases/v1 2+3.txt");
    let link = key("latest");
    let put = client
        .put_object(&bucket, &target)
        .body("release notes")
        .content_type("text/markdown")
        .send()
        .await
        .unwrap();
    let made = client
        .put_symlink(&bucket, &link, &target)
        .send()
        .await
        .unwrap();
    assert_ne!(made.etag, put.etag, "a symlink has an ETag of its own");

    let got = client.get_object(&bucket, &link).send().await.unwrap();
    assert_eq!(got.etag, put.etag);
    assert_eq!(got.content_type.as_deref(), Some("text/markdown"));
    assert_eq!(&got.body.collect().await.unwrap()[..], b"release notes");
    let head = client.head_object(&bucket, &link).send().await.unwrap();
    assert_eq!(head.content_length, Some(13));

    let named = client.get_symlink(&bucket, &link).send().await.unwrap();
    assert_eq!(named.target, target.as_str());
    assert_eq!(named.etag, made.etag);

    // The symlink is an object of its own: its content is the target's key.
    let listed = client.list_objects(&bucket).send().await.unwrap();
    let entry = listed.contents.iter().find(|o| o.key == "latest").unwrap();
    assert_eq!(entry.size, target.as_str().len() as u64);

    // A new version of the target is what the symlink serves next.
    client
        .put_object(&bucket, &target)
        .body("v2")
        .send()
        .await
        .unwrap();
    let got = client.get_object(&bucket, &link).send().await.unwrap();
    assert_eq!(&got.body.collect().await.unwrap()[..], b"v2");
}

#[tokio::test]
async fn dangling_and_chained_symlinks_are_not_found() {
    let (_emu, client, bucket) = setup().await;
    client
        .put_symlink(&bucket, &key("dangling"), &key("missing"))
        .send()
        .await
        .unwrap();
    let e = client
        .get_object(&bucket, &key("dangling"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_code(), Some(ServiceCode::NoSuchKey));
    // One level is followed: a symlink to a symlink is not.
    client
        .put_object(&bucket, &key("real"))
        .body("x")
        .send()
        .await
        .unwrap();
    client
        .put_symlink(&bucket, &key("l1"), &key("real"))
        .send()
        .await
        .unwrap();
    client
        .put_symlink(&bucket, &key("l2"), &key("l1"))
        .send()
        .await
        .unwrap();
    let e = client
        .get_object(&bucket, &key("l2"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_code(), Some(ServiceCode::NoSuchKey));

    // Not a symlink; a symlink to itself.
    let e = client
        .get_symlink(&bucket, &key("real"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_error().unwrap().code, "InvalidArgument");
    let e = client
        .put_symlink(&bucket, &key("self"), &key("self"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_error().unwrap().code, "InvalidArgument");
}
