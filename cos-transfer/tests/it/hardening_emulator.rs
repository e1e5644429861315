//! Downloads racing for one destination, folder prefixes that could alias, and symlinks
//! below a folder download's destination, through cos-core against the emulator.

use std::path::Path;

use crate::common;
use crate::common::emu::{BUCKET, random, setup};
use bytes::Bytes;
use cos_transfer::{
    Backend, CancelHandle, CosBackend, DownloadOptions, FileStatus, PARTIAL_SUFFIX, TransferError,
    Transfers,
};

const MIB: usize = 1024 * 1024;

async fn put(backend: &CosBackend, key: &str, body: &[u8]) {
    backend
        .put_object(
            &common::bucket(BUCKET),
            &common::key(key),
            Bytes::copy_from_slice(body),
            None,
        )
        .await
        .unwrap();
}

/// Every file below `dir`, relative, sorted (folders end in `/`).
fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                out.push(format!("{rel}/"));
                walk(root, &p, out);
            } else {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Item 1: two downloads of different objects to one path, ten rounds: each succeeds with
/// exactly its object (or fails cleanly), the file at the end is exactly one of the two,
/// and no temporary file is left. (With the shared temporary file of old, the result was
/// a mix of both in most rounds while a call returned Ok.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_downloads_to_one_path_leave_exactly_one_whole_object() {
    let (_emu, backend) = setup().await;
    let a = random(3 * MIB + 1234, 11);
    let b = random(5 * MIB, 22);
    let small = random(200_000, 33);
    put(&backend, "a", &a).await;
    put(&backend, "b", &b).await;
    put(&backend, "small", &small).await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("same.bin");
    let options = DownloadOptions::default()
        .single_threshold(MIB as u64)
        .part_size(MIB as u64)
        .concurrency(4);
    let crc = cos_crc64::checksum;
    for round in 0..10 {
        // Ranged and ranged, then ranged and a single GET.
        let (other, other_body) = if round % 2 == 0 {
            ("b", &b)
        } else {
            ("small", &small)
        };
        let cancel = CancelHandle::new();
        let (bucket, key_a, key_b) = (common::bucket(BUCKET), common::key("a"), common::key(other));
        let transfers = Transfers::with_backend(&backend);
        let (ra, rb) = tokio::join!(
            transfers
                .download_file(&bucket, &key_a, &dest)
                .options(options.clone())
                .cancel(&cancel)
                .send(),
            transfers
                .download_file(&bucket, &key_b, &dest)
                .options(options.clone())
                .cancel(&cancel)
                .send(),
        );
        for (r, body) in [(ra, &a), (rb, other_body)] {
            match r {
                Ok(out) => assert_eq!((out.size, out.crc64), (body.len() as u64, crc(body))),
                Err(e) => assert!(!matches!(e, TransferError::Integrity { .. }), "{e}"),
            }
        }
        let got = std::fs::read(&dest).unwrap();
        assert!(
            got == a || got == *other_body,
            "round {round}: the file is neither object ({} bytes)",
            got.len()
        );
        assert_eq!(
            tree(dir.path()),
            vec!["same.bin".to_owned()],
            "round {round}"
        );
    }
}

/// Item 1: a prefix without `/` names one folder: `p` downloads `p/ok.txt` as `ok.txt`
/// and leaves `pok.txt` alone (both used to map to `ok.txt`, one overwriting the other).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefix_without_slash_names_one_folder_and_never_aliases() {
    let (_emu, backend) = setup().await;
    put(&backend, "p/ok.txt", b"in the folder").await;
    put(&backend, "pok.txt", b"a sibling").await;
    put(&backend, "p/sub/x.txt", b"deeper").await;
    put(&backend, "p", b"the prefix itself").await;
    for prefix in ["p", "p/"] {
        let dir = tempfile::tempdir().unwrap();
        let s = Transfers::with_backend(&backend)
            .download_dir(&common::bucket(BUCKET), prefix, dir.path())
            .send()
            .await
            .unwrap();
        assert!(s.is_success(), "{:?}", s.files);
        let keys: Vec<&str> = s.files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["p/ok.txt", "p/sub/x.txt"]);
        assert_eq!(tree(dir.path()), ["ok.txt", "sub/", "sub/x.txt"]);
        assert_eq!(
            std::fs::read(dir.path().join("ok.txt")).unwrap(),
            b"in the folder"
        );
    }
}

/// Item 2: a symlinked folder below the destination is never followed: keys whose way
/// goes through it fail before anything is created outside the destination; a symlink
/// where a file lands is replaced, its target untouched.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folder_downloads_never_follow_symlinks() {
    let (_emu, backend) = setup().await;
    put(&backend, "d/link/sub/x.txt", b"x").await;
    put(&backend, "d/link/y.txt", b"y").await;
    put(&backend, "d/fine/z.txt", b"z").await;
    put(&backend, "d/victim", b"new").await;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("victim"), b"precious").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("victim"), dir.path().join("victim")).unwrap();
    let s = Transfers::with_backend(&backend)
        .download_dir(&common::bucket(BUCKET), "d/", dir.path())
        .send()
        .await
        .unwrap();
    let status: Vec<(&str, FileStatus)> =
        s.files.iter().map(|f| (f.key.as_str(), f.status)).collect();
    assert_eq!(
        status,
        [
            ("d/fine/z.txt", FileStatus::Done),
            ("d/link/sub/x.txt", FileStatus::Failed),
            ("d/link/y.txt", FileStatus::Failed),
            ("d/victim", FileStatus::Done),
        ]
    );
    for f in s.problems() {
        assert!(
            matches!(
                f.error,
                Some(TransferError::UnsafeKey {
                    reason: cos_transfer::paths::UnsafeKey::Symlink,
                    ..
                })
            ),
            "{:?}",
            f.error
        );
    }
    assert_eq!(tree(outside.path()), ["victim"], "nothing created outside");
    assert_eq!(
        std::fs::read(outside.path().join("victim")).unwrap(),
        b"precious"
    );
    let victim = dir.path().join("victim");
    assert!(std::fs::symlink_metadata(&victim).unwrap().is_file());
    assert_eq!(std::fs::read(&victim).unwrap(), b"new");
    assert!(
        !tree(dir.path()).iter().any(|p| p.ends_with(PARTIAL_SUFFIX)),
        "{:?}",
        tree(dir.path())
    );
}

/// Item 5, through cos-core: a service whose HEAD answers 200 without `Content-Length`
/// (a raw server on 127.0.0.1 that answers every request so) makes `download_file` fail
/// with a typed error instead of writing a 0-byte file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_without_content_length_from_the_wire_is_a_typed_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        // A few connections at most: the client does not retry a 200.
        for _ in 0..4 {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut req = Vec::new();
            let mut buf = [0u8; 4096];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let reply = "HTTP/1.1 200 OK\r\nETag: \"0123\"\r\n\
                         Last-Modified: Sat, 21 Nov 2026 10:00:00 GMT\r\n\
                         x-cos-request-id: test\r\nConnection: close\r\n\r\n";
            let _ = sock.write_all(reply.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    let backend = CosBackend::new(common::emu::client_for_addr(addr, 1));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.bin");
    let (options, cancel) = (DownloadOptions::default(), CancelHandle::new());
    let (bucket, key) = (common::bucket(BUCKET), common::key("k"));
    let transfers = Transfers::with_backend(&backend);
    let run = transfers
        .download_file(&bucket, &key, &dest)
        .options(options.clone())
        .cancel(&cancel)
        .send();
    let e = tokio::time::timeout(std::time::Duration::from_secs(60), run)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            e,
            TransferError::MissingHeader {
                operation: "HeadObject",
                header: "Content-Length"
            }
        ),
        "{e}"
    );
    assert!(tree(dir.path()).is_empty());
    server.abort();
}
