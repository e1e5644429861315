//! Hardening 3: a listing whose server repeats or cycles its markers ends with a typed
//! error instead of fetching pages forever, for all four list streams. The server is a
//! hostile raw-TCP HTTP server on 127.0.0.1 that answers every request with the next
//! canned page, cycling.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{fast_retry, key};
use cos_core::{BucketName, Client, Error};
use cos_xml::{ListBucketResult, ListMultipartUploadsResult, ListPartsResult, ListVersionsResult};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// At most this many pages are read in a test: a listing that is not stopped by then
/// loops.
const MAX_PAGES: usize = 20;

/// Serves `pages` in turn (cycling) to every request, over keep-alive connections, and
/// records each request line.
async fn hostile_server(pages: Vec<String>) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let pages = pages.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                    buf.drain(..end + 4);
                    let line = head.lines().next().unwrap_or("").to_owned();
                    let n = {
                        let mut l = log.lock().unwrap();
                        l.push(line);
                        l.len() - 1
                    };
                    let body = &pages[n % pages.len()];
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\
                         x-cos-request-id: hostile-{n}\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if sock.write_all(resp.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (addr, seen)
}

fn client(addr: SocketAddr) -> Client {
    common::client_at(addr, fast_retry())
}

fn bucket() -> BucketName {
    BucketName::new("examplebucket-1250000000").unwrap()
}

/// Reads at most [`MAX_PAGES`] pages; returns how many came before the error, and the error.
async fn run<P>(mut pages: cos_core::ops::list::PageStream<P>) -> (usize, Option<Error>) {
    let mut ok = 0;
    let read = async {
        while let Some(page) = pages.next().await {
            match page {
                Ok(_) => ok += 1,
                Err(e) => return Some(e),
            }
            if ok >= MAX_PAGES {
                return None;
            }
        }
        None
    };
    let err = tokio::time::timeout(Duration::from_secs(20), read)
        .await
        .expect("the listing ended in time");
    // After the error the stream is over.
    if err.is_some() {
        assert!(
            pages.next().await.is_none(),
            "the stream goes on after the error"
        );
    }
    (ok, err)
}

fn assert_loop_error(case: &str, ok: usize, err: Option<Error>, max_ok: usize) {
    let err = err.unwrap_or_else(|| panic!("{case}: {ok} pages and no error: loops forever"));
    assert!(err.is_listing_loop(), "{case}: {err:?}");
    assert!(
        matches!(err.without_context(), Error::ListingLoop { .. }),
        "{case}: {err:?}"
    );
    assert!(
        ok <= max_ok,
        "{case}: {ok} pages before the error (at most {max_ok})"
    );
}

fn objects_page(next_marker: &str) -> String {
    let mut p = ListBucketResult::default();
    p.name = bucket().to_string();
    p.max_keys = 1;
    p.is_truncated = true;
    p.next_marker = Some(next_marker.to_owned());
    cos_xml::to_string(&p).unwrap()
}

#[tokio::test]
async fn list_objects_repeated_or_cycling_marker_is_an_error() {
    for (case, markers, max_ok) in [
        ("same marker", vec!["m"], 1),
        ("A/B/A/B", vec!["a", "b"], 2),
        ("B/A/B/A (steps back)", vec!["b", "a"], 1),
    ] {
        let pages = markers.iter().map(|m| objects_page(m)).collect();
        let (addr, seen) = hostile_server(pages).await;
        let stream = client(addr).list_objects(&bucket()).into_pages();
        let (ok, err) = run(stream).await;
        assert_loop_error(case, ok, err, max_ok);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), ok + 1, "{case}: {seen:?}");
        // The client did follow the markers it was given.
        assert!(
            seen[1].contains(&format!("marker={}", markers[0])),
            "{case}: {seen:?}"
        );
    }
    // A listing that starts from the marker the server keeps naming stops at once.
    let (addr, seen) = hostile_server(vec![objects_page("m")]).await;
    let stream = client(addr)
        .list_objects(&bucket())
        .marker("m")
        .into_pages();
    let (ok, err) = run(stream).await;
    assert_loop_error("starts at the repeated marker", ok, err, 0);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

fn versions_page(key: &str, version: &str) -> String {
    let mut p = ListVersionsResult::default();
    p.name = bucket().to_string();
    p.max_keys = 1;
    p.is_truncated = true;
    p.next_key_marker = Some(key.to_owned());
    p.next_version_id_marker = Some(version.to_owned());
    cos_xml::to_string(&p).unwrap()
}

#[tokio::test]
async fn list_object_versions_repeated_or_cycling_marker_is_an_error() {
    for (case, markers, max_ok) in [
        ("same marker", vec![("k", "v1")], 1),
        ("A/B/A/B on one key", vec![("k", "v1"), ("k", "v2")], 2),
        ("A/B/A/B over keys", vec![("a", "v1"), ("b", "v1")], 2),
    ] {
        let pages = markers.iter().map(|(k, v)| versions_page(k, v)).collect();
        let (addr, seen) = hostile_server(pages).await;
        let stream = client(addr).list_object_versions(&bucket()).into_pages();
        let (ok, err) = run(stream).await;
        assert_loop_error(case, ok, err, max_ok);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), ok + 1, "{case}: {seen:?}");
        assert!(
            seen[1].contains(&format!("version-id-marker={}", markers[0].1)),
            "{case}: {seen:?}"
        );
    }
}

fn uploads_page(key: &str, upload: &str) -> String {
    let mut p = ListMultipartUploadsResult::default();
    p.bucket = bucket().to_string();
    p.max_uploads = 1;
    p.is_truncated = true;
    p.next_key_marker = Some(key.to_owned());
    p.next_upload_id_marker = Some(upload.to_owned());
    cos_xml::to_string(&p).unwrap()
}

#[tokio::test]
async fn list_multipart_uploads_repeated_or_cycling_marker_is_an_error() {
    for (case, markers, max_ok) in [
        ("same marker", vec![("k", "u1")], 1),
        ("A/B/A/B on one key", vec![("k", "u1"), ("k", "u2")], 2),
        ("A/B/A/B over keys", vec![("a", "u1"), ("b", "u1")], 2),
    ] {
        let pages = markers.iter().map(|(k, u)| uploads_page(k, u)).collect();
        let (addr, seen) = hostile_server(pages).await;
        let stream = client(addr).list_multipart_uploads(&bucket()).into_pages();
        let (ok, err) = run(stream).await;
        assert_loop_error(case, ok, err, max_ok);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), ok + 1, "{case}: {seen:?}");
        assert!(
            seen[1].contains(&format!("upload-id-marker={}", markers[0].1)),
            "{case}: {seen:?}"
        );
    }
    // Truncated, with nothing to continue from: an error, not a silent end.
    let (addr, _) = hostile_server(vec![{
        let mut p = ListMultipartUploadsResult::default();
        p.is_truncated = true;
        cos_xml::to_string(&p).unwrap()
    }])
    .await;
    let stream = client(addr).list_multipart_uploads(&bucket()).into_pages();
    let (ok, err) = run(stream).await;
    assert_loop_error("truncated without a marker", ok, err, 0);
}

fn parts_page(next: u32) -> String {
    let mut p = ListPartsResult::default();
    p.bucket = bucket().to_string();
    p.key = "big.bin".into();
    p.upload_id = "upload".into();
    p.max_parts = 1;
    p.is_truncated = true;
    p.next_part_number_marker = Some(next);
    cos_xml::to_string(&p).unwrap()
}

#[tokio::test]
async fn list_parts_repeated_or_cycling_marker_is_an_error() {
    for (case, markers, max_ok) in [
        ("same marker", vec![3], 1),
        ("A/B/A/B", vec![2, 5], 2),
        ("B/A/B/A (steps back)", vec![5, 2], 1),
    ] {
        let pages = markers.iter().map(|n| parts_page(*n)).collect();
        let (addr, seen) = hostile_server(pages).await;
        let stream = client(addr)
            .list_parts(&bucket(), &key("big.bin"), "upload")
            .into_pages();
        let (ok, err) = run(stream).await;
        assert_loop_error(case, ok, err, max_ok);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), ok + 1, "{case}: {seen:?}");
        assert!(
            seen[1].contains(&format!("part-number-marker={}", markers[0])),
            "{case}: {seen:?}"
        );
    }
}

#[tokio::test]
async fn a_page_whose_head_and_tail_disagree_on_the_next_marker_is_an_error() {
    // The head (read to send the next request early) names `b`; a second NextMarker
    // after the entries names `z`. Neither is trusted.
    let page = "<ListBucketResult><Name>examplebucket-1250000000</Name>\
        <EncodingType>url</EncodingType><MaxKeys>1</MaxKeys>\
        <IsTruncated>true</IsTruncated><NextMarker>b</NextMarker>\
        <Contents><Key>a</Key><Size>1</Size></Contents>\
        <NextMarker>z</NextMarker></ListBucketResult>";
    let (addr, _seen) = hostile_server(vec![page.to_owned()]).await;
    let stream = client(addr).list_objects(&bucket()).into_pages();
    let (ok, err) = run(stream).await;
    assert_eq!(ok, 0);
    let err = err.expect("an error");
    assert!(matches!(err.without_context(), Error::Decode(_)), "{err:?}");
}
