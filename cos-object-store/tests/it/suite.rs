// The tests run once per object_store release (included by `main.rs` into `v0_13`
// and `v0_14`, where `object_store` and `CosObjectStore` name that release's).

use std::time::Duration;

use cos_core::{BucketName, Client, Config};
use cos_emulator::{Emulator, EmulatorHandle};
use object_store::integration;
use object_store::list::{PaginatedListOptions, PaginatedListStore};
use object_store::multipart::MultipartStore;
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, ObjectStore, ObjectStoreExt, PutMode, PutMultipartOptions, PutOptions,
};

/// An emulator with one bucket, and a store over it.
async fn store() -> (EmulatorHandle, CosObjectStore) {
    let emu = Emulator::builder()
        .region("ap-guangzhou")
        .seed(1)
        .start()
        .await
        .unwrap();
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(cos_core::auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
        .connect_to(emu.endpoint())
        .read_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    let bucket = BucketName::new("examplebucket-1250000000").unwrap();
    client.put_bucket(&bucket).send().await.unwrap();
    (emu, CosObjectStore::new(client, bucket))
}

macro_rules! suite {
    ($($name:ident => |$s:ident| $call:expr;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let (emu, $s) = store().await;
            $call.await;
            emu.shutdown().await;
        }
    )*};
}

suite! {
    put_get_delete_list => |s| integration::put_get_delete_list(&s);
    get_opts => |s| integration::get_opts(&s);
    put_opts => |s| integration::put_opts(&s, false);
    list_uses_directories_correctly => |s| integration::list_uses_directories_correctly(&s);
    list_with_delimiter => |s| integration::list_with_delimiter(&s);
    list_with_offset_exclusivity => |s| integration::list_with_offset_exclusivity(&s);
    rename_and_copy => |s| integration::rename_and_copy(&s);
    copy_if_not_exists => |s| integration::copy_if_not_exists(&s);
    copy_rename_nonexistent_object => |s| integration::copy_rename_nonexistent_object(&s);
    get_nonexistent_object => |s| async { integration::get_nonexistent_object(&s, None).await.unwrap_err(); };
    stream_get => |s| integration::stream_get(&s);
    multipart_out_of_order => |s| integration::multipart_out_of_order(&s);
    multipart_race_condition => |s| integration::multipart_race_condition(&s, true);
    multipart_store => |s| integration::multipart(&s, &s);
    list_paginated => |s| integration::list_paginated(&s, &s);
}

/// object_store's `put_get_attributes` with metadata names COS accepts: its own uses
/// `test_key`, and COS metadata header suffixes take letters, digits and `-` only (no
/// `_`), which cos-core checks before sending. Attributes survive PUT and multipart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_get_attributes_with_cos_metadata_names() {
    let (emu, s) = store().await;
    let attributes = Attributes::from_iter([
        (Attribute::CacheControl, "max-age=604800"),
        (
            Attribute::ContentDisposition,
            r#"attachment; filename="test.html""#,
        ),
        (Attribute::ContentEncoding, "gzip"),
        (Attribute::ContentLanguage, "en-US"),
        (Attribute::ContentType, "text/html; charset=utf-8"),
        (Attribute::Metadata("test-key".into()), "test_value"),
        (
            Attribute::Metadata("key-with-spaces".into()),
            "hello   world",
        ),
    ]);
    let path = Path::from("attributes");
    s.put_opts(&path, "foo".into(), attributes.clone().into())
        .await
        .unwrap();
    assert_eq!(s.get(&path).await.unwrap().attributes, attributes);

    let opts = PutMultipartOptions::from(attributes.clone());
    let mut upload = s.put_multipart_opts(&path, opts).await.unwrap();
    upload.put_part("bar".into()).await.unwrap();
    upload.complete().await.unwrap();
    let got = s.get(&path).await.unwrap();
    assert_eq!(got.attributes, attributes);
    assert_eq!(got.bytes().await.unwrap(), "bar");

    // The name object_store's own test uses is refused before any request.
    let bad = Attributes::from_iter([(Attribute::Metadata("test_key".into()), "v")]);
    let err = s.put_opts(&path, "x".into(), bad.into()).await.unwrap_err();
    assert!(err.to_string().contains("test_key"), "{err}");
    emu.shutdown().await;
}

/// `PutMode::Update` has no COS equivalent: refused before any request.
#[tokio::test]
async fn conditional_update_is_not_implemented() {
    let (emu, s) = store().await;
    let path = Path::from("a.txt");
    let put = s.put(&path, "1".into()).await.unwrap();
    let mode = PutMode::Update(put.into());
    let err = s
        .put_opts(&path, "2".into(), PutOptions::from(mode))
        .await
        .unwrap_err();
    assert!(
        matches!(err, object_store::Error::NotImplemented { .. }),
        "{err}"
    );
    emu.shutdown().await;
}

/// `MultipartStore` refuses a part index past COS's 10 000 parts before any request,
/// and `abort_multipart` ends the upload (its parts can no longer be completed).
#[tokio::test]
async fn multipart_store_limits_and_abort() {
    let (emu, s) = store().await;
    let path = Path::from("parts/a.bin");
    let id = s.create_multipart(&path).await.unwrap();
    let err = s
        .put_part(&path, &id, 10_000, "x".into())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("10000 parts"), "{err}");
    let part = s.put_part(&path, &id, 0, "x".into()).await.unwrap();
    s.abort_multipart(&path, &id).await.unwrap();
    let err = s
        .complete_multipart(&path, &id, vec![part])
        .await
        .unwrap_err();
    assert!(
        matches!(err, object_store::Error::NotFound { .. }),
        "{err:?}"
    );
    assert!(matches!(
        s.head(&path).await.unwrap_err(),
        object_store::Error::NotFound { .. }
    ));
    emu.shutdown().await;
}

/// `PaginatedListStore`: the offset is exclusive, a page asks COS for at most 1000
/// keys however many are asked for, and following the tokens visits every key once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paginated_listing_follows_tokens_and_offsets() {
    let (emu, s) = store().await;
    for i in 0..7 {
        s.put(&Path::from(format!("p/{i}")), "x".into())
            .await
            .unwrap();
    }
    let mut opts = PaginatedListOptions {
        max_keys: Some(3),
        offset: Some("p/1".to_owned()),
        ..Default::default()
    };
    let mut seen = Vec::new();
    for _ in 0..10 {
        let page = s.list_paginated(Some("p/"), opts.clone()).await.unwrap();
        assert!(page.result.objects.len() <= 3);
        seen.extend(page.result.objects.into_iter().map(|o| o.location.to_string()));
        match page.page_token {
            Some(t) => opts.page_token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen, ["p/2", "p/3", "p/4", "p/5", "p/6"]);
    let all = PaginatedListOptions {
        max_keys: Some(5000),
        ..Default::default()
    };
    let page = s.list_paginated(None, all).await.unwrap();
    assert_eq!(page.result.objects.len(), 7);
    assert_eq!(page.page_token, None);
    emu.shutdown().await;
}

/// A presigned GET URL fetched with a plain HTTP/1.1 request returns the object;
/// after the object is deleted it answers 404.
#[cfg(feature = "signer")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_urls_work_with_a_plain_http_client() {
    let (emu, s) = store().await;
    let path = Path::from("signed/hello.txt");
    s.put(&path, "hello signer".into()).await.unwrap();
    let url = s
        .signed_url(Method::GET, &path, Duration::from_secs(300))
        .await
        .unwrap();
    assert!(url.query().unwrap().contains("q-signature="), "{url}");
    let addr = emu.endpoint().trim_start_matches("http://").to_owned();
    let host = url.host_str().unwrap().to_owned();
    let target = format!("{}?{}", url.path(), url.query().unwrap());
    use http::Method;
    use object_store::signer::Signer;
    use std::io::{Read, Write};
    let fetch = move || {
        let mut conn = std::net::TcpStream::connect(&addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            conn,
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        conn.read_to_string(&mut response).unwrap();
        response
    };
    let fetch2 = fetch.clone();
    let response = tokio::task::spawn_blocking(fetch).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("hello signer"), "{response}");
    s.delete(&path).await.unwrap();
    let response = tokio::task::spawn_blocking(fetch2).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    emu.shutdown().await;
}
