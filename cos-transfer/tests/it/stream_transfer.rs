//! Stream transfers against the emulator: uploads from a pipe (`AsyncRead`) or a
//! `Stream` of unknown length (small → one PUT, large → multipart from reused buffers,
//! a failing source → the upload aborted, a failed part retried from its buffer), from
//! bytes in memory, and downloads into an `AsyncWrite` resumed across a broken stream
//! and stopped when the object changes; the part buffers bound what is read ahead.

use std::io;

use bytes::Bytes;
use cos_core::{BucketName, ObjectKey};
use cos_emulator::{FaultAction, FaultRule};
use cos_transfer::{SseCustomerKey, TransferError, Transfers, UploadOptions, WriteOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::emu::{BUCKET, count, random, setup};

const MIB: usize = 1024 * 1024;

pub(crate) fn names(k: &str) -> (BucketName, ObjectKey) {
    (BucketName::new(BUCKET).unwrap(), ObjectKey::new(k).unwrap())
}

pub(crate) fn small_parts() -> UploadOptions {
    UploadOptions::default()
        .part_size(MIB as u64)
        .concurrency(2)
}

/// A pipe whose writing end a task fills with `data` in odd-sized writes: a reader of
/// unknown length that cannot be read twice.
fn pipe(data: Vec<u8>) -> tokio::io::DuplexStream {
    let (mut w, r) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        for chunk in data.chunks(100_003) {
            w.write_all(chunk).await.unwrap();
        }
        w.shutdown().await.unwrap();
    });
    r
}

pub(crate) async fn get_all(t: &Transfers, b: &BucketName, k: &ObjectKey) -> Vec<u8> {
    let mut out = Vec::new();
    t.download_to(b, k, &mut out).send().await.unwrap();
    out
}

#[tokio::test]
async fn small_pipe_is_one_put_large_pipe_is_multipart() {
    let (emu, backend) = setup().await;
    let t = Transfers::with_backend(backend);
    let (b, small) = names("pipe/small");
    let data = random(MIB / 2, 1);
    let out = t
        .upload_reader(&b, &small, pipe(data.clone()))
        .options(small_parts())
        .send()
        .await
        .unwrap();
    assert!(!out.multipart);
    assert_eq!(out.size, data.len() as u64);
    assert_eq!(count(&emu, "PutObject", 200), 1);
    assert_eq!(count(&emu, "InitiateMultipartUpload", 200), 0);
    assert_eq!(get_all(&t, &b, &small).await, data);

    let (_, large) = names("pipe/large");
    let data = random(3 * MIB + MIB / 2, 2);
    let out = t
        .upload_reader(&b, &large, pipe(data.clone()))
        .options(small_parts())
        .send()
        .await
        .unwrap();
    assert!(out.multipart);
    assert_eq!((out.parts_sent, out.size), (4, data.len() as u64));
    assert_eq!(out.crc64, cos_crc64::checksum(&data));
    assert_eq!(get_all(&t, &b, &large).await, data);
}

#[tokio::test]
async fn a_stream_of_chunks_uploads_with_sse_c_and_bytes_upload_in_parallel_parts() {
    let (emu, backend) = setup().await;
    let key = SseCustomerKey::new([3; 32]);
    let t = Transfers::with_backend(
        backend.write_options(WriteOptions::new().sse_customer_key(key.clone())),
    );
    let (b, k) = names("stream/chunks");
    let data = random(2 * MIB + 17, 3);
    // Uneven chunks, some larger than a part, some empty.
    let chunks: Vec<Result<Bytes, io::Error>> = [0usize, 1000, 0, MIB + 5000, 77, MIB]
        .iter()
        .scan(0usize, |pos, &len| {
            let start = (*pos).min(data.len());
            *pos += len;
            Some(Ok(Bytes::copy_from_slice(
                &data[start..(*pos).min(data.len())],
            )))
        })
        .chain(std::iter::once(Ok(Bytes::copy_from_slice(
            &data[(2 * MIB + 6077).min(data.len())..],
        ))))
        .collect();
    let out = t
        .upload_stream(&b, &k, futures_util::stream::iter(chunks))
        .options(small_parts())
        .send()
        .await
        .unwrap();
    assert!(out.multipart && out.size == data.len() as u64);
    let mut back = Vec::new();
    t.download_to(&b, &k, &mut back)
        .read_options(cos_transfer::ReadOptions::new().sse_customer_key(key))
        .send()
        .await
        .unwrap();
    assert_eq!(back, data);

    let (_, k2) = names("stream/bytes");
    let data = random(3 * MIB, 4);
    let out = t
        .upload_bytes(&b, &k2, data.clone())
        .options(small_parts().multipart_threshold(MIB as u64))
        .send()
        .await
        .unwrap();
    assert_eq!((out.multipart, out.parts_sent), (true, 3));
    assert!(count(&emu, "UploadPart", 200) >= 6);
}

/// A stream that yields `good` bytes, then an error.
fn failing(good: usize) -> impl futures_util::Stream<Item = Result<Bytes, io::Error>> {
    let data = random(good, 5);
    futures_util::stream::iter(
        data.chunks(256 * 1024)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .chain(std::iter::once(Err(io::Error::other("disk on fire"))))
            .collect::<Vec<_>>(),
    )
}

#[tokio::test]
async fn a_source_failing_midway_aborts_the_upload_on_the_service() {
    let (emu, backend) = setup().await;
    let client = backend.client().clone();
    let t = Transfers::with_backend(backend);
    let (b, k) = names("stream/fails");
    let e = t
        .upload_stream(&b, &k, failing(2 * MIB + 1000))
        .options(small_parts())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, TransferError::StreamIo { source, .. } if source.to_string().contains("fire")),
        "{e:?}"
    );
    assert_eq!(count(&emu, "InitiateMultipartUpload", 200), 1);
    assert_eq!(count(&emu, "AbortMultipartUpload", 204), 1);
    let uploads = client.list_multipart_uploads(&b).send().await.unwrap();
    assert!(uploads.uploads.is_empty(), "{:?}", uploads.uploads);
    assert!(client.head_object(&b, &k).send().await.is_err());
    // Within the first part: nothing was started, nothing to abort.
    let e = t
        .upload_stream(&b, &k, failing(1000))
        .options(small_parts())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, TransferError::StreamIo { .. }));
    assert_eq!(count(&emu, "InitiateMultipartUpload", 200), 1);
}

#[tokio::test]
async fn a_failed_part_is_retried_from_its_buffer() {
    let (emu, backend) = setup().await;
    let t = Transfers::with_backend(backend);
    let (b, k) = names("pipe/retried");
    // The second Upload Part is answered 503 once; the pipe cannot be read again, so
    // the retry can only come from the part's buffer.
    emu.add_fault(
        FaultRule::new(FaultAction::status(503))
            .operation("UploadPart")
            .first(1),
    );
    let data = random(3 * MIB, 6);
    let out = t
        .upload_reader(&b, &k, pipe(data.clone()))
        .options(small_parts().concurrency(1))
        .send()
        .await
        .unwrap();
    assert_eq!(out.parts_sent, 3);
    assert_eq!(count(&emu, "UploadPart", 503), 1);
    assert_eq!(count(&emu, "UploadPart", 200), 3);
    assert_eq!(get_all(&t, &b, &k).await, data);
    // The same from a blocking reader (an OS pipe).
    emu.add_fault(
        FaultRule::new(FaultAction::status(503))
            .operation("UploadPart")
            .first(1),
    );
    let out = t
        .upload_blocking_reader(&b, &k, crate::blocking_reader::os_pipe(data.clone()))
        .options(small_parts().concurrency(1))
        .send()
        .await
        .unwrap();
    assert_eq!(out.parts_sent, 3);
    assert_eq!(count(&emu, "UploadPart", 503), 2);
    assert_eq!(get_all(&t, &b, &k).await, data);
}

#[tokio::test]
async fn download_to_a_writer_resumes_a_broken_stream_pinned_to_the_etag() {
    let (emu, backend) = setup().await;
    let t = Transfers::with_backend(backend);
    let (b, k) = names("down/reset");
    let data = random(2 * MIB + 3, 7);
    t.upload_bytes(&b, &k, data.clone()).send().await.unwrap();
    emu.add_fault(
        FaultRule::new(FaultAction::ResetResponseAfter(300_000))
            .operation("GetObject")
            .first(1),
    );
    let mut out = Vec::new();
    let got = t.download_to(&b, &k, &mut out).send().await.unwrap();
    assert_eq!(got.stream_resumes, 1);
    assert_eq!(out, data);
    let gets: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.operation == "GetObject")
        .collect();
    assert_eq!(gets.len(), 2);
    let resume = &gets[1];
    let range = resume.header("range").unwrap();
    assert!(
        range.starts_with("bytes=") && !range.starts_with("bytes=0-"),
        "{range}"
    );
    assert_eq!(resume.header("if-match"), Some(got.etag.as_str()));
}

#[tokio::test]
async fn download_to_a_writer_stops_when_the_object_changes() {
    let (emu, backend) = setup().await;
    let client = backend.client().clone();
    let t = Transfers::with_backend(backend);
    let (b, k) = names("down/changes");
    let data = random(2 * MIB, 8);
    t.upload_bytes(&b, &k, data.clone()).send().await.unwrap();
    emu.add_fault(
        FaultRule::new(FaultAction::ResetResponseAfter(500_000))
            .operation("GetObject")
            .first(1),
    );
    // The sink is a pipe nobody reads yet: the download blocks inside the first
    // (broken) GET while the object is overwritten; its resume then meets the new ETag.
    let (mut sink, mut reader) = tokio::io::duplex(64 * 1024);
    let download = async {
        let r = t.download_to(&b, &k, &mut sink).send().await;
        drop(sink);
        r
    };
    let overwrite_then_drain = async {
        // Once the first GET is answered (the emulator logs it with its head).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while count(&emu, "GetObject", 206) == 0 {
            assert!(std::time::Instant::now() < deadline, "no GET");
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        client
            .put_object(&b, &k)
            .body(random(1000, 9))
            .send()
            .await
            .unwrap();
        let mut got = Vec::new();
        reader.read_to_end(&mut got).await.unwrap();
        got
    };
    let (r, got) = tokio::join!(download, overwrite_then_drain);
    assert!(matches!(r, Err(TransferError::Changed)), "{r:?}");
    assert!(got.len() < data.len() && data.starts_with(&got));
}

/// An `AsyncRead` over `data` that counts what was read from it and checks, at every
/// read, that what was read but not yet acknowledged fits in `bound` bytes.
struct Counting {
    data: std::io::Cursor<Vec<u8>>,
    read: u64,
    acked: std::sync::Arc<std::sync::atomic::AtomicU64>,
    bound: u64,
    peak: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl tokio::io::AsyncRead for Counting {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = std::pin::Pin::new(&mut self.data).poll_read(cx, buf);
        self.read += (buf.filled().len() - before) as u64;
        let held = self.read - self.acked.load(std::sync::atomic::Ordering::SeqCst);
        self.peak
            .fetch_max(held, std::sync::atomic::Ordering::SeqCst);
        assert!(
            held <= self.bound,
            "{held} bytes held, bound {}",
            self.bound
        );
        r
    }
}

#[tokio::test]
async fn a_stream_upload_holds_at_most_concurrency_part_buffers() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let (emu, backend) = setup().await;
    // Slow parts: the reader would run far ahead if nothing bounded it.
    emu.add_fault(
        FaultRule::new(FaultAction::Latency(std::time::Duration::from_millis(30)))
            .operation("UploadPart"),
    );
    let t = Transfers::with_backend(backend);
    let (b, k) = names("pipe/bounded");
    let data = random(8 * MIB, 10);
    let (acked, peak) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let reader = Counting {
        data: std::io::Cursor::new(data.clone()),
        read: 0,
        acked: acked.clone(),
        bound: 2 * MIB as u64,
        peak: peak.clone(),
    };
    let seen = acked.clone();
    let progress: cos_transfer::ProgressFn = Arc::new(move |p| {
        if let cos_transfer::Progress::Part { len, .. } = p {
            seen.fetch_add(len, Ordering::SeqCst);
        }
    });
    let out = t
        .upload_reader(&b, &k, reader)
        .options(small_parts())
        .progress(progress)
        .send()
        .await
        .unwrap();
    assert_eq!((out.parts_sent, out.size), (8, data.len() as u64));
    // The reader ran ahead of the acknowledged parts (more than one buffer in use),
    // never beyond the pool's two buffers of 1 MiB (checked at every read).
    assert!(peak.load(Ordering::SeqCst) > MIB as u64);
    assert_eq!(get_all(&t, &b, &k).await, data);
}
