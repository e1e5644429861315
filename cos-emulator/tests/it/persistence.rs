//! On-disk mode: data survives a restart; nothing partial becomes visible.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use crate::common::{BUCKET, partial_upload, request};
use cos_emulator::{Emulator, FaultRule, StorageFaults};

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
    let crc = two_part_upload(addr, "mp.bin").await;
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

/// Uploads `key` in two parts (1 MiB of ones, then `tail`) and returns the object's
/// CRC-64 as COS announces it.
async fn two_part_upload(addr: std::net::SocketAddr, key: &str) -> String {
    let init = request(addr, "POST", key, "uploads", &[], b"").await;
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
    let e1 = request(addr, "PUT", key, &q1, &[], &p1).await;
    let q2 = format!("partNumber=2&uploadId={id}");
    let e2 = request(addr, "PUT", key, &q2, &[], b"tail").await;
    let xml = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>{}</ETag></Part></CompleteMultipartUpload>",
        e1.header("etag").unwrap(),
        e2.header("etag").unwrap()
    );
    let done = request(
        addr,
        "POST",
        key,
        &format!("uploadId={id}"),
        &[],
        xml.as_bytes(),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.text());
    done.header("x-cos-hash-crc64ecma").unwrap().to_owned()
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

fn upload_id(init: &common::Answer) -> String {
    let text = init.text();
    text.split("<UploadId>")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .unwrap()
        .to_owned()
}

fn complete_xml(parts: &[(u32, &str)]) -> String {
    let mut xml = String::from("<CompleteMultipartUpload>");
    for (n, etag) in parts {
        xml.push_str(&format!(
            "<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>"
        ));
    }
    xml + "</CompleteMultipartUpload>"
}

async fn get_whole(addr: std::net::SocketAddr, key: &str) -> Vec<u8> {
    let got = request(addr, "GET", key, "", &[], b"").await;
    assert_eq!(got.status, 200, "{key}: {}", got.text());
    assert!(!got.cut, "{key}: cut short");
    assert_eq!(
        got.header("content-length"),
        Some(got.body.len().to_string().as_str()),
        "{key}"
    );
    got.body
}

/// Item 8: a save that fails (a full disk) changes nothing: the acknowledged object
/// stays whole, before and after a restart; overwrite, part store, complete, append
/// and delete alike.
#[tokio::test]
async fn a_failed_save_keeps_the_acknowledged_data() {
    let dir = tempfile::tempdir().unwrap();
    let faults = StorageFaults::default();
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .storage_faults(faults.clone())
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    let v1: Vec<u8> = (0..(1 << 20)).map(|i| (i % 251) as u8).collect();
    assert_eq!(request(addr, "PUT", "k", "", &[], &v1).await.status, 200);
    assert_eq!(
        request(addr, "PUT", "mp", "", &[], b"before").await.status,
        200
    );
    let id = upload_id(&request(addr, "POST", "mp", "uploads", &[], b"").await);
    let q1 = format!("partNumber=1&uploadId={id}");
    let part = request(addr, "PUT", "mp", &q1, &[], b"part one").await;
    let etag = part.header("etag").unwrap().to_owned();
    let append = request(addr, "POST", "ap", "append&position=0", &[], b"hello").await;
    assert_eq!(append.status, 200, "{}", append.text());

    faults.set_full(true);
    let put = request(addr, "PUT", "k", "", &[], b"v2").await;
    assert_eq!(put.status, 500, "{}", put.text());
    assert_eq!(get_whole(addr, "k").await, v1);
    let again = request(addr, "PUT", "mp", &q1, &[], b"other bytes").await;
    assert_eq!(again.status, 500);
    let xml = complete_xml(&[(1, &etag)]);
    let q = format!("uploadId={id}");
    let done = request(addr, "POST", "mp", &q, &[], xml.as_bytes()).await;
    assert_eq!(done.status, 500);
    assert_eq!(get_whole(addr, "mp").await, b"before");
    let more = request(addr, "POST", "ap", "append&position=5", &[], b" world").await;
    assert_eq!(more.status, 500);
    assert_eq!(get_whole(addr, "ap").await, b"hello");
    assert_eq!(request(addr, "DELETE", "k", "", &[], b"").await.status, 500);
    assert_eq!(get_whole(addr, "k").await, v1);
    assert_eq!(
        files_in(&dir.path().join("blobs")),
        4,
        "the failed writes' bodies are removed, the acknowledged ones kept"
    );

    faults.set_full(false);
    let parts = request(addr, "GET", "mp", &q, &[], b"").await;
    assert!(parts.text().contains(&etag), "{}", parts.text());
    let done = request(addr, "POST", "mp", &q, &[], xml.as_bytes()).await;
    assert_eq!(done.status, 200, "the upload survived the failed complete");
    emu.shutdown().await;

    let emu = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    assert_eq!(get_whole(addr, "k").await, v1);
    assert_eq!(get_whole(addr, "mp").await, b"part one");
    assert_eq!(get_whole(addr, "ap").await, b"hello");
    let more = request(addr, "POST", "ap", "append&position=5", &[], b" world").await;
    assert_eq!(more.status, 200, "{}", more.text());
    assert_eq!(get_whole(addr, "ap").await, b"hello world");
    assert_eq!(files_in(&dir.path().join("blobs")), 4);
    emu.shutdown().await;
}

/// A signed GET on a raw connection, to read the answer at our own pace.
async fn open_get(addr: std::net::SocketAddr, key: &str) -> tokio::net::TcpStream {
    use cos_auth::qsign::{SignableRequest, SigningSettings, sign};
    use tokio::io::AsyncWriteExt;
    let host = format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let auth = sign(
        &SignableRequest::new("GET", key).headers(&[("Host", &host)]),
        &common::creds(),
        cos_auth::KeyTime::new(now - 60, now + 3600).unwrap(),
        &SigningSettings::default(),
    );
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "GET /{key} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
        auth.authorization()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s
}

/// Reads until the end: (content-length, body).
async fn read_rest(s: &mut tokio::net::TcpStream, mut raw: Vec<u8>) -> (usize, Vec<u8>) {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = tokio::time::timeout(std::time::Duration::from_secs(30), s.read(&mut buf))
            .await
            .unwrap()
            .unwrap_or(0);
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let len = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (len, raw[end + 4..].to_vec())
}

/// Item 9: a GET whose body is still being sent when the object is overwritten and
/// deleted delivers the whole old body (a multipart object: one file per part).
async fn get_races_overwrite_and_delete(data_dir: Option<&std::path::Path>) {
    use tokio::io::AsyncReadExt;
    let mut b = Emulator::builder();
    if let Some(d) = data_dir {
        b = b.data_dir(d);
    }
    let emu = b.start().await.unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    let id = upload_id(&request(addr, "POST", "big", "uploads", &[], b"").await);
    let mut body = Vec::new();
    let mut etags = Vec::new();
    for n in 1..=3u32 {
        let part = vec![n as u8; 5 << 20];
        let q = format!("partNumber={n}&uploadId={id}");
        let r = request(addr, "PUT", "big", &q, &[], &part).await;
        etags.push(r.header("etag").unwrap().to_owned());
        body.extend(part);
    }
    let parts: Vec<(u32, &str)> = (1..=3).zip(etags.iter().map(String::as_str)).collect();
    let xml = complete_xml(&parts);
    let q = format!("uploadId={id}");
    let done = request(addr, "POST", "big", &q, &[], xml.as_bytes()).await;
    assert_eq!(done.status, 200, "{}", done.text());

    let mut s = open_get(addr, "big").await;
    let mut first = vec![0u8; 64 * 1024];
    let n = s.read(&mut first).await.unwrap();
    first.truncate(n);
    assert_eq!(
        request(addr, "PUT", "big", "", &[], b"new").await.status,
        200
    );
    assert_eq!(
        request(addr, "DELETE", "big", "", &[], b"").await.status,
        204
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (len, got) = read_rest(&mut s, first).await;
    assert_eq!(len, 15 << 20);
    assert_eq!(got.len(), len, "the body was cut short");
    assert!(got == body, "the body changed");
    if let Some(d) = data_dir {
        // The old files go once the answer is sent.
        let blobs = d.join("blobs");
        for _ in 0..100 {
            if files_in(&blobs) == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(files_in(&blobs), 0);
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn a_get_racing_an_overwrite_gets_the_whole_body_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    get_races_overwrite_and_delete(Some(dir.path())).await;
}

#[tokio::test]
async fn a_get_racing_an_overwrite_gets_the_whole_body_in_memory() {
    get_races_overwrite_and_delete(None).await;
}

/// Item 13: a write appends to the journal; the snapshot (`meta.json`) is not
/// rewritten however many objects there are.
#[tokio::test]
async fn a_put_appends_to_the_journal_without_rewriting_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    for i in 0..40 {
        let key = format!("obj/{i}");
        assert_eq!(request(addr, "PUT", &key, "", &[], b"x").await.status, 200);
    }
    emu.shutdown().await;
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    let meta = dir.path().join("meta.json");
    let journal = dir.path().join("journal");
    let snapshot = std::fs::read(&meta).unwrap();
    assert!(snapshot.len() > 40 * 100, "the snapshot holds the objects");
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), 0);
    assert_eq!(
        request(addr, "PUT", "one", "", &[], b"more").await.status,
        200
    );
    assert_eq!(
        std::fs::read(&meta).unwrap(),
        snapshot,
        "meta.json was rewritten"
    );
    let grown = std::fs::metadata(&journal).unwrap().len();
    assert!(grown > 0 && grown < 2048, "journal grew by {grown}");
    emu.shutdown().await;
    let emu = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    assert_eq!(get_whole(emu.addr(), "one").await, b"more");
    assert_eq!(get_whole(emu.addr(), "obj/39").await, b"x");
    emu.shutdown().await;
}

/// Item 13: an existing directory that is not an emulator data directory is refused,
/// and its files are left alone.
#[tokio::test]
async fn a_foreign_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["tmp", "blobs"] {
        std::fs::create_dir(dir.path().join(d)).unwrap();
        std::fs::write(dir.path().join(d).join("precious"), b"keep").unwrap();
    }
    let err = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not an emulator data directory"),
        "{err}"
    );
    for d in ["tmp", "blobs"] {
        assert_eq!(
            std::fs::read(dir.path().join(d).join("precious")).unwrap(),
            b"keep"
        );
    }
}
