#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every v4 operation against the in-process emulator, and visibility between the v4
//! and XML APIs.

use std::time::Duration;

use cos_core::{BucketName, ObjectKey};
use cos_emulator::{Emulator, EmulatorHandle};
use cos_v4_legacy::{Authority, Config, CosClient, Error, SliceInitRequest};
use futures_util::TryStreamExt;

const APPID: u64 = 1250000000;
const BUCKET: &str = "mybucket";

struct Setup {
    emu: EmulatorHandle,
    v4: CosClient,
    xml: cos_core::Client,
    bucket: BucketName,
}

async fn setup() -> Setup {
    let emu = Emulator::builder().start().await.unwrap();
    let xml = cos_core::Client::new(
        cos_core::Config::builder()
            .region("ap-guangzhou")
            .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
            .connect_to(emu.endpoint())
            .operation_timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
    )
    .unwrap();
    let bucket = BucketName::new(format!("{BUCKET}-{APPID}")).unwrap();
    xml.put_bucket(&bucket).send().await.unwrap();
    let v4 = CosClient::with_config(
        APPID,
        "AKIDEXAMPLE",
        "SECRETKEYEXAMPLE",
        Config::new("gz")
            .connect_to(emu.endpoint())
            .timeout(Duration::from_secs(10)),
    )
    .unwrap();
    Setup {
        emu,
        v4,
        xml,
        bucket,
    }
}

fn sha1_hex(data: &[u8]) -> String {
    use sha1::Digest;
    sha1::Sha1::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `update_file` changes the attributes and replaces the header group as a whole.
async fn update_and_check(s: &Setup) {
    let c = &s.v4;
    c.update_file(BUCKET, "/dir/a b.txt")
        .biz_attr("new")
        .authority(Authority::WPrivateRPublic)
        .content_type("text/plain")
        .cache_control("max-age=60")
        .x_cos_meta("x-cos-meta-k", "v")
        .send()
        .await
        .unwrap();
    let stat = c.stat_file(BUCKET, "/dir/a b.txt").send().await.unwrap();
    assert_eq!(stat.biz_attr, "new");
    assert_eq!(stat.authority(), Some(Authority::WPrivateRPublic));
    assert_eq!(stat.custom_headers["Content-Type"], "text/plain");
    assert_eq!(stat.custom_headers["x-cos-meta-k"], "v");
    // The header group is replaced as a whole.
    c.update_file(BUCKET, "/dir/a b.txt")
        .content_language("en")
        .send()
        .await
        .unwrap();
    let head = s
        .xml
        .head_object(&s.bucket, &ObjectKey::new("dir/a b.txt").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(head.meta.header("content-language").as_deref(), Some("en"));
    assert!(head.meta.header("cache-control").is_none());
    assert!(head.metadata.is_empty());
    let err = c
        .update_file(BUCKET, "/dir/a b.txt")
        .x_cos_meta("x-other", "v")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Params { .. }));
}

#[tokio::test]
async fn file_operations() {
    let s = setup().await;
    let c = &s.v4;
    let up = c
        .upload_bytes(BUCKET, "/dir/a b.txt", "hello v4")
        .biz_attr("attr")
        .send()
        .await
        .unwrap();
    assert!(up.access_url.ends_with("/dir/a%20b.txt"), "{up:?}");

    // insert_only (default): the file exists.
    let err = c
        .upload_bytes(BUCKET, "/dir/a b.txt", "other")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), -177, "{err}");
    // insert_only(false) overwrites.
    c.upload_bytes(BUCKET, "/dir/a b.txt", "hello v4!")
        .biz_attr("attr")
        .insert_only(false)
        .send()
        .await
        .unwrap();

    let stat = c.stat_file(BUCKET, "/dir/a b.txt").send().await.unwrap();
    assert_eq!(stat.name, "a b.txt");
    assert_eq!(stat.filesize, 9);
    assert_eq!(stat.biz_attr, "attr");
    assert_eq!(stat.sha, sha1_hex(b"hello v4!"));
    assert_eq!(stat.authority(), Some(Authority::Invalid));

    update_and_check(&s).await;

    // Download through the signed URL.
    let data = c
        .download_file(BUCKET, "/dir/a b.txt", "")
        .bytes()
        .await
        .unwrap();
    assert_eq!(&data[..], b"hello v4!");
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("copy.txt");
    c.download_file(BUCKET, "/dir/a b.txt", &local)
        .send()
        .await
        .unwrap();
    assert_eq!(std::fs::read(&local).unwrap(), b"hello v4!");
    // The temporary file is created exclusively, never at a guessable name: a file
    // someone put at `<dest>.v4download` is neither written through nor removed.
    let planted = dir.path().join("copy.txt.v4download");
    std::fs::write(&planted, b"not mine").unwrap();
    std::fs::remove_file(&local).unwrap();
    c.download_file(BUCKET, "/dir/a b.txt", &local)
        .send()
        .await
        .unwrap();
    assert_eq!(std::fs::read(&local).unwrap(), b"hello v4!");
    assert_eq!(std::fs::read(&planted).unwrap(), b"not mine");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    assert!(
        c.download_url(BUCKET, "/dir/a b.txt")
            .starts_with("http://mybucket-1250000000.cosgz.myqcloud.com/dir/a%20b.txt?sign=")
    );

    // Move, without and with overwrite.
    c.upload_bytes(BUCKET, "/dir/c.txt", "c")
        .send()
        .await
        .unwrap();
    let err = c
        .move_file(BUCKET, "/dir/a b.txt", "/dir/c.txt")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), -177);
    c.move_file(BUCKET, "/dir/a b.txt", "/dir/c.txt")
        .overwrite(true)
        .send()
        .await
        .unwrap();
    let err = c
        .stat_file(BUCKET, "/dir/a b.txt")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), -197);
    let moved = c.stat_file(BUCKET, "/dir/c.txt").send().await.unwrap();
    assert_eq!((moved.filesize, moved.biz_attr.as_str()), (9, "new"));

    c.del_file(BUCKET, "/dir/c.txt").send().await.unwrap();
    let err = c.del_file(BUCKET, "/dir/c.txt").send().await.unwrap_err();
    assert!(matches!(err, Error::Cos { code: -197, .. }), "{err:?}");
    s.emu.shutdown().await;
}

#[tokio::test]
async fn folder_operations_and_listing() {
    let s = setup().await;
    let c = &s.v4;
    c.create_folder(BUCKET, "/docs/")
        .biz_attr("bizattr")
        .send()
        .await
        .unwrap();
    let err = c.create_folder(BUCKET, "/docs/").send().await.unwrap_err();
    assert_eq!(err.code(), -178);
    let stat = c.stat_folder(BUCKET, "/docs/").send().await.unwrap();
    assert_eq!(
        (stat.name.as_str(), stat.biz_attr.as_str()),
        ("docs", "bizattr")
    );
    c.update_folder(BUCKET, "/docs/")
        .biz_attr("changed")
        .send()
        .await
        .unwrap();
    let stat = c.stat_folder(BUCKET, "/docs/").send().await.unwrap();
    assert_eq!(stat.biz_attr, "changed");

    for name in ["a1.txt", "a2.txt", "b.txt"] {
        c.upload_bytes(BUCKET, &format!("/docs/{name}"), name)
            .send()
            .await
            .unwrap();
    }
    c.create_folder(BUCKET, "/docs/sub/").send().await.unwrap();

    let page = c.list_folder(BUCKET, "/docs/").send().await.unwrap();
    assert!(page.listover);
    let names: Vec<(&str, bool)> = page
        .infos
        .iter()
        .map(|e| (e.name.as_str(), e.is_folder()))
        .collect();
    assert_eq!(
        names,
        [
            ("a1.txt", false),
            ("a2.txt", false),
            ("b.txt", false),
            ("sub", true)
        ]
    );
    let page = c
        .list_folder(BUCKET, "/docs/")
        .prefix("a")
        .send()
        .await
        .unwrap();
    assert_eq!(page.infos.len(), 2);

    // Paging: by hand and as a stream.
    let first = c.list_folder(BUCKET, "/docs/").num(3).send().await.unwrap();
    assert!(!first.listover);
    let second = c
        .list_folder(BUCKET, "/docs/")
        .num(3)
        .context(first.context.clone())
        .send()
        .await
        .unwrap();
    assert!(second.listover);
    assert_eq!(second.infos[0].name, "sub");
    let pages: Vec<_> = c
        .list_folder(BUCKET, "/docs/")
        .num(1)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 4);
    assert!(pages[3].listover);

    let err = c.del_folder(BUCKET, "/docs/").send().await.unwrap_err();
    assert_eq!(err.code(), -173);
    for name in ["a1.txt", "a2.txt", "b.txt"] {
        c.del_file(BUCKET, &format!("/docs/{name}"))
            .send()
            .await
            .unwrap();
    }
    c.del_folder(BUCKET, "/docs/sub/").send().await.unwrap();
    c.del_folder(BUCKET, "/docs/").send().await.unwrap();
    let err = c.stat_folder(BUCKET, "/docs/").send().await.unwrap_err();
    assert_eq!(err.code(), -197);
    s.emu.shutdown().await;
}

#[tokio::test]
async fn v4_and_xml_share_the_storage() {
    let s = setup().await;
    // v4 → XML
    s.v4.create_folder(BUCKET, "/v4dir/").send().await.unwrap();
    s.v4.upload_bytes(BUCKET, "/v4dir/f.txt", "from v4")
        .send()
        .await
        .unwrap();
    let got = s
        .xml
        .get_object(&s.bucket, &ObjectKey::new("v4dir/f.txt").unwrap())
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&got[..], b"from v4");
    let listed = s.xml.list_objects(&s.bucket).send().await.unwrap();
    let keys: Vec<&str> = listed.contents.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["v4dir/", "v4dir/f.txt"]);

    // XML → v4
    s.xml
        .put_object(&s.bucket, &ObjectKey::new("xml/x.txt").unwrap())
        .body("from xml")
        .send()
        .await
        .unwrap();
    let stat = s.v4.stat_file(BUCKET, "/xml/x.txt").send().await.unwrap();
    assert_eq!(stat.filesize, 8);
    assert_eq!(stat.sha, sha1_hex(b"from xml"));
    let root = s.v4.list_folder(BUCKET, "/").send().await.unwrap();
    let names: Vec<&str> = root.infos.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["v4dir", "xml"]);
    let folder = s.v4.stat_folder(BUCKET, "/xml/").send().await.unwrap();
    assert_eq!(folder.name, "xml");
    let data =
        s.v4.download_file(BUCKET, "/xml/x.txt", "")
            .bytes()
            .await
            .unwrap();
    assert_eq!(&data[..], b"from xml");
    s.v4.del_file(BUCKET, "/xml/x.txt").send().await.unwrap();
    assert!(
        s.xml
            .head_object(&s.bucket, &ObjectKey::new("xml/x.txt").unwrap())
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    s.emu.shutdown().await;
}

#[tokio::test]
async fn invalid_input_fails_before_any_request() {
    let s = setup().await;
    let c = &s.v4;
    s.emu.clear_requests();
    let errors = vec![
        c.upload_bytes(BUCKET, "no-slash.txt", "x")
            .send()
            .await
            .unwrap_err(),
        c.upload_bytes(BUCKET, "/dir/", "x")
            .send()
            .await
            .unwrap_err(),
        c.upload_file(BUCKET, "/a.txt", "/nonexistent/file")
            .send()
            .await
            .unwrap_err(),
        c.stat_file(BUCKET, "/dir/").send().await.unwrap_err(),
        c.update_file(BUCKET, "a.txt").send().await.unwrap_err(),
        c.del_file(BUCKET, "/dir/").send().await.unwrap_err(),
        c.move_file(BUCKET, "/a.txt", "/dir/")
            .send()
            .await
            .unwrap_err(),
        c.download_file(BUCKET, "/dir/", "")
            .bytes()
            .await
            .unwrap_err(),
        c.create_folder(BUCKET, "/dir").send().await.unwrap_err(),
        c.stat_folder(BUCKET, "dir/").send().await.unwrap_err(),
        c.update_folder(BUCKET, "/dir").send().await.unwrap_err(),
        c.list_folder(BUCKET, "/dir").send().await.unwrap_err(),
        c.list_folder(BUCKET, "/dir/")
            .num(200)
            .send()
            .await
            .unwrap_err(),
        c.del_folder(BUCKET, "/dir").send().await.unwrap_err(),
        c.del_folder(BUCKET, "/").send().await.unwrap_err(),
        c.upload_slice_list(BUCKET, "/dir/").await.unwrap_err(),
    ];
    for e in errors {
        assert!(matches!(e, Error::Params { .. }), "{e:?}");
        assert_eq!(e.code(), -1);
    }
    assert!(s.emu.requests().is_empty(), "{:?}", s.emu.requests());
    s.emu.shutdown().await;
}

fn v4_posts(emu: &EmulatorHandle) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.operation == "V4" && r.method == "POST")
        .count()
}

#[tokio::test]
async fn slice_upload_honours_the_server_and_resumes() {
    let s = setup().await;
    let c = &s.v4;
    let data: Vec<u8> = (0..(2 * 1024 * 1024 + 500_000u32))
        .map(|i| (i % 251) as u8)
        .collect();
    let data = bytes::Bytes::from(data);

    // The client proposes 2 MiB; the emulator answers 1 MiB: 3 slices.
    s.emu.clear_requests();
    c.upload_bytes(BUCKET, "/big/one.bin", data.clone())
        .single_threshold(1024)
        .slice_size(2 << 20)
        .enable_sha1(true)
        .max_concurrency(2)
        .biz_attr("big")
        .send()
        .await
        .unwrap();
    assert_eq!(v4_posts(&s.emu), 1 + 3 + 1);
    let stat = c.stat_file(BUCKET, "/big/one.bin").send().await.unwrap();
    assert_eq!(stat.sha, sha1_hex(&data));
    assert_eq!(stat.biz_attr, "big");

    // The same content again, with sha: an instant upload (init only).
    s.emu.clear_requests();
    let instant = c
        .upload_bytes(BUCKET, "/big/two.bin", data.clone())
        .single_threshold(1024)
        .enable_sha1(true)
        .send()
        .await
        .unwrap();
    assert!(!instant.access_url.is_empty());
    assert_eq!(v4_posts(&s.emu), 1);
    let got = c
        .download_file(BUCKET, "/big/two.bin", "")
        .bytes()
        .await
        .unwrap();
    assert_eq!(got, data);

    // An interrupted upload: init and the first slice only.
    let init = c
        .upload_slice_init(
            BUCKET,
            "/big/three.bin",
            SliceInitRequest::new(data.len() as u64, 1 << 20),
        )
        .await
        .unwrap();
    c.upload_slice_data(
        BUCKET,
        "/big/three.bin",
        &init.session,
        0,
        data.slice(..1 << 20),
        None,
    )
    .await
    .unwrap();
    let listed = c.upload_slice_list(BUCKET, "/big/three.bin").await.unwrap();
    assert_eq!(listed.session, init.session);
    assert_eq!(listed.listparts.len(), 1);
    // Resume: init answers -4019, list, the two missing slices, finish.
    s.emu.clear_requests();
    c.upload_bytes(BUCKET, "/big/three.bin", data.clone())
        .single_threshold(1024)
        .send()
        .await
        .unwrap();
    assert_eq!(v4_posts(&s.emu), 1 + 1 + 2 + 1);
    let got = s
        .xml
        .get_object(&s.bucket, &ObjectKey::new("big/three.bin").unwrap())
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(got, data);
    s.emu.shutdown().await;
}

#[tokio::test]
async fn upload_from_a_local_file() {
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.bin");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 7) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    s.v4.upload_file(BUCKET, "/local/single.bin", &path)
        .send()
        .await
        .unwrap();
    s.v4.upload_file(BUCKET, "/local/sliced.bin", &path)
        .single_threshold(1)
        .slice_size(64 * 1024)
        .send()
        .await
        .unwrap();
    for p in ["/local/single.bin", "/local/sliced.bin"] {
        let stat = s.v4.stat_file(BUCKET, p).send().await.unwrap();
        assert_eq!(stat.sha, sha1_hex(&data));
    }
    s.emu.shutdown().await;
}

#[tokio::test]
async fn signatures_are_exposed() {
    let s = setup().await;
    let once = s.v4.sign_once(BUCKET, "/a.txt");
    let decoded = cos_auth::v4::decode(&once).unwrap();
    assert_eq!(decoded.expired, 0);
    assert_eq!(decoded.file_id, "/1250000000/mybucket/a.txt");
    let more = cos_auth::v4::decode(&s.v4.sign_more(BUCKET, "/a.txt", 600)).unwrap();
    assert_eq!(more.expired, more.now + 600);
    let dl = cos_auth::v4::decode(&s.v4.sign_download(BUCKET, "/a b.txt", 600)).unwrap();
    assert_eq!(dl.file_id, "/a%20b.txt");
    s.emu.shutdown().await;
}
