//! `upload_blocking_reader` against the emulator: a real pipe (small → one PUT, large →
//! multipart, byte-exact), a reader slower than the parts (the read in progress survives
//! the completions that interrupt the wait for it), a source that fails or panics midway (the upload aborted on the service), and the
//! buffers read ahead bounded by the pool.

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cos_core::BucketName;
use cos_emulator::{FaultAction, FaultRule};
use cos_transfer::{TransferError, Transfers};

use crate::common::emu::{BUCKET, count, random, setup};
use crate::stream_transfer::{get_all, names, small_parts};

const MIB: usize = 1024 * 1024;

/// A real pipe whose writing end a thread fills with `data` in odd-sized writes.
pub(crate) fn os_pipe(data: Vec<u8>) -> io::PipeReader {
    let (r, mut w) = io::pipe().unwrap();
    std::thread::spawn(move || {
        for chunk in data.chunks(100_003) {
            w.write_all(chunk).unwrap();
        }
    });
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pipe_uploads_as_one_put_or_multipart_byte_for_byte() {
    let (emu, backend) = setup().await;
    let t = Transfers::with_backend(backend);
    for (name, len, multipart) in [
        ("empty", 0, false),
        ("small", MIB / 2, false),
        // Exactly one part: full before the end is seen, so multipart (one part), as
        // `upload_reader` does.
        ("one-part", MIB, true),
        ("large", 3 * MIB + 12_345, true),
    ] {
        let (b, k) = names(&format!("blocking/{name}"));
        let data = random(len, len as u64 + 2);
        let out = t
            .upload_blocking_reader(&b, &k, os_pipe(data.clone()))
            .options(small_parts())
            .send()
            .await
            .unwrap();
        assert_eq!((out.size, out.multipart), (len as u64, multipart), "{name}");
        assert_eq!(get_all(&t, &b, &k).await, data, "{name}");
    }
    assert_eq!(count(&emu, "InitiateMultipartUpload", 200), 2);
    assert_eq!(count(&emu, "UploadPart", 200), 1 + 4);
}

/// A reader that hands out `data` in reads of at most `step` bytes, sleeping before each,
/// and records the most bytes read but not yet acknowledged.
struct Slow {
    data: io::Cursor<Vec<u8>>,
    step: usize,
    pause: Duration,
    read: u64,
    acked: Arc<AtomicU64>,
    peak: Arc<AtomicU64>,
    /// Fail (or panic, when `panic`) once this many bytes were read.
    fail_at: Option<u64>,
    panic: bool,
}

impl Slow {
    fn new(data: Vec<u8>, acked: Arc<AtomicU64>, peak: Arc<AtomicU64>) -> Self {
        Self {
            data: io::Cursor::new(data),
            step: 64 * 1024,
            pause: Duration::from_millis(1),
            read: 0,
            acked,
            peak,
            fail_at: None,
            panic: false,
        }
    }
}

impl Read for Slow {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        std::thread::sleep(self.pause);
        if self.fail_at.is_some_and(|at| self.read >= at) {
            if self.panic {
                panic!("the reader fell over");
            }
            return Err(io::Error::other("the producer caught fire"));
        }
        let n = buf.len().min(self.step);
        let got = self.data.read(&mut buf[..n])?;
        self.read += got as u64;
        let held = self.read - self.acked.load(Ordering::SeqCst);
        self.peak.fetch_max(held, Ordering::SeqCst);
        Ok(got)
    }
}

fn acked_counter() -> (Arc<AtomicU64>, cos_transfer::ProgressFn) {
    let acked = Arc::new(AtomicU64::new(0));
    let seen = acked.clone();
    let progress: cos_transfer::ProgressFn = Arc::new(move |p| {
        if let cos_transfer::Progress::Part { len, .. } = p {
            seen.fetch_add(len, Ordering::SeqCst);
        }
    });
    (acked, progress)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reader_interrupted_by_completions_loses_nothing_and_stays_bounded() {
    let (emu, backend) = setup().await;
    // Parts complete while the next part is still being read: the wait for the read is
    // dropped and taken up again many times.
    emu.add_fault(
        FaultRule::new(FaultAction::Latency(Duration::from_millis(5))).operation("UploadPart"),
    );
    let t = Transfers::with_backend(backend);
    let (b, k) = names("blocking/slow");
    let data = random(5 * MIB + 777, 21);
    let (acked, progress) = acked_counter();
    let peak = Arc::new(AtomicU64::new(0));
    let reader = Slow::new(data.clone(), acked, peak.clone());
    let out = t
        .upload_blocking_reader(&b, &k, reader)
        .options(small_parts())
        .progress(progress)
        .send()
        .await
        .unwrap();
    assert_eq!((out.parts_sent, out.size), (6, data.len() as u64));
    assert_eq!(get_all(&t, &b, &k).await, data);
    // Never more read ahead than the pool's two buffers of 1 MiB.
    let peak = peak.load(Ordering::SeqCst);
    assert!(peak > 0 && peak <= 2 * MIB as u64, "{peak}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_failing_or_panicking_midway_aborts_the_upload() {
    let (emu, backend) = setup().await;
    let client = backend.client().clone();
    let t = Transfers::with_backend(backend);
    for (i, panic) in [false, true].into_iter().enumerate() {
        let (b, k) = names(&format!("blocking/fails-{i}"));
        let mut reader = Slow::new(
            random(4 * MIB, 3),
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicU64::new(0)),
        );
        reader.pause = Duration::ZERO;
        reader.fail_at = Some(2 * MIB as u64 + 1000);
        reader.panic = panic;
        let e = t
            .upload_blocking_reader(&b, &k, reader)
            .options(small_parts())
            .send()
            .await
            .unwrap_err();
        assert!(matches!(&e, TransferError::StreamIo { .. }), "{e:?}");
        if !panic {
            assert!(format!("{e:?}").contains("caught fire"), "{e:?}");
        }
        assert!(client.head_object(&b, &k).send().await.is_err());
    }
    assert_eq!(count(&emu, "InitiateMultipartUpload", 200), 2);
    assert_eq!(count(&emu, "AbortMultipartUpload", 204), 2);
    let b = BucketName::new(BUCKET).unwrap();
    let uploads = client.list_multipart_uploads(&b).send().await.unwrap();
    assert!(uploads.uploads.is_empty(), "{:?}", uploads.uploads);
}
