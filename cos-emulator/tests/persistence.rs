//! On-disk mode: data survives a restart; nothing partial becomes visible.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{BUCKET, partial_upload, request};
use cos_emulator::{Emulator, FaultRule};

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[tokio::test]
async fn data_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    let put = request(
        addr,
        "PUT",
        "a/b.txt",
        "",
        &[("x-cos-meta-k", "v")],
        b"persisted",
    )
    .await;
    assert_eq!(put.status, 200);
    // A multipart object made of two parts.
    let init = request(addr, "POST", "mp.bin", "uploads", &[], b"").await;
    let text = init.text();
    let id = text
        .split("<UploadId>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let p1 = vec![1u8; 1 << 20];
    let q1 = format!("partNumber=1&uploadId={id}");
    let e1 = request(addr, "PUT", "mp.bin", &q1, &[], &p1).await;
    let q2 = format!("partNumber=2&uploadId={id}");
    let e2 = request(addr, "PUT", "mp.bin", &q2, &[], b"tail").await;
    let xml = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>{}</ETag></Part></CompleteMultipartUpload>",
        e1.header("etag").unwrap(),
        e2.header("etag").unwrap()
    );
    let done = request(
        addr,
        "POST",
        "mp.bin",
        &format!("uploadId={id}"),
        &[],
        xml.as_bytes(),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.text());
    let crc = done.header("x-cos-hash-crc64ecma").unwrap().to_owned();
    // An upload still in progress is kept too.
    let open = request(addr, "POST", "open.bin", "uploads", &[], b"").await;
    assert_eq!(open.status, 200);
    emu.shutdown().await;

    let emu = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    let got = request(addr, "GET", "a/b.txt", "", &[], b"").await;
    assert_eq!((got.status, got.body.as_slice()), (200, &b"persisted"[..]));
    assert_eq!(got.header("x-cos-meta-k"), Some("v"));
    assert_eq!(got.header("etag"), put.header("etag"));
    let mp = request(addr, "GET", "mp.bin", "", &[], b"").await;
    assert_eq!(mp.status, 200);
    assert_eq!(mp.body.len(), (1 << 20) + 4);
    assert_eq!(&mp.body[1 << 20..], b"tail");
    assert_eq!(mp.header("x-cos-hash-crc64ecma"), Some(crc.as_str()));
    let range = request(
        addr,
        "GET",
        "mp.bin",
        "",
        &[("Range", "bytes=1048570-1048579")],
        b"",
    )
    .await;
    assert_eq!(range.status, 206);
    assert_eq!(range.body, [1, 1, 1, 1, 1, 1, b't', b'a', b'i', b'l']);
    let uploads = request(addr, "GET", "", "uploads", &[], b"").await;
    assert!(
        uploads.text().contains("<Key>open.bin</Key>"),
        "{}",
        uploads.text()
    );
    // Deleting removes the files.
    assert_eq!(
        request(addr, "DELETE", "mp.bin", "", &[], b"").await.status,
        204
    );
    assert_eq!(
        request(addr, "DELETE", "a/b.txt", "", &[], b"")
            .await
            .status,
        204
    );
    assert_eq!(files_in(&dir.path().join("blobs")), 0);
    emu.shutdown().await;
    let _ = BUCKET;
}

#[tokio::test]
async fn no_partial_object_after_a_dropped_upload() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .fault(FaultRule::parse("op=PutObject,key=reset/*,reset-request-after=65536").unwrap())
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    // An injected reset after 64 KiB of a 1 MiB body.
    let cut = request(addr, "PUT", "reset/big.bin", "", &[], &vec![3u8; 1 << 20]).await;
    assert_eq!(cut.status, 0, "the connection must be dropped, got {cut:?}");
    // A client that goes away mid-body.
    partial_upload(addr, "gone.bin", 1 << 20, 200_000).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    for key in ["reset/big.bin", "gone.bin"] {
        assert_eq!(
            request(addr, "GET", key, "", &[], b"").await.status,
            404,
            "{key}"
        );
    }
    assert_eq!(
        files_in(&dir.path().join("tmp")),
        0,
        "temp files are removed"
    );
    assert_eq!(files_in(&dir.path().join("blobs")), 0, "no body was kept");
    let log = emu.requests();
    let reset = log
        .iter()
        .find(|r| r.key.as_deref() == Some("reset/big.bin") && r.method == "PUT")
        .unwrap();
    assert_eq!(reset.status, 0);
    assert!(
        reset.body_len > 65_536 && reset.body_len < 1 << 20,
        "{}",
        reset.body_len
    );
    emu.shutdown().await;
    // And after a restart nothing appears either.
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    assert_eq!(
        request(emu.addr(), "GET", "gone.bin", "", &[], b"")
            .await
            .status,
        404
    );
}
