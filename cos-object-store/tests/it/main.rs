//! object_store's own integration suite (its `integration` module, as each of its
//! backends runs it) against an in-process emulator, plus the signer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::time::Duration;

use cos_core::{BucketName, Client, Config};
use cos_emulator::{Emulator, EmulatorHandle};
use cos_object_store::CosObjectStore;
use object_store::integration;
use object_store::path::Path;
use object_store::signer::{Method, Signer};
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

/// A presigned GET URL fetched with a plain HTTP/1.1 request returns the object;
/// after the object is deleted it answers 404.
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
