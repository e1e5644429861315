//! The pipe upload of the transfer bench (a module of `../transfer.rs`): `upload_reader`
//! from the stdout of `cat SRC` (a pipe: length unknown, read once), against
//! `upload_file` of the same file in the same rounds, and the peak RSS of a pipe upload
//! of the object's size (from `head -c N /dev/zero`) in a child process.
//!
//! Also `upload_reader` over the file opened as a plain `AsyncRead` (the same engine, no
//! pipe), and the pipe's own ceiling (`cat SRC | cat > /dev/null`), so a pipe slower than
//! the network is told apart from the engine.
//!
//! The pipe is measured twice: at Linux's default capacity (64 KiB, `pipe64k`) and
//! raised with `cos_transfer::set_pipe_capacity` to `PIPE_CAPACITY` (1 MiB, `pipe`), as
//! `cos_transfer::stdin_reader` does; and so is its ceiling read by this process
//! (`cat SRC` into 1 MiB reads, nothing else done with the bytes).
//!
//! `BENCH_TRANSFER_PIPE=0` skips it. Prints `RESULT pipe_up_mibs`, `RESULT
//! pipe_vs_file`, `RESULT pipe_rss_mib` and a line
//! `transfer_pipe: pipe_vs_file=R pipe_rss_mib=N bound_mib=N`.

use std::process::Stdio;

use super::*;

/// Uploads `reader` (length unknown to the engine) with `upload_reader` and our options.
async fn reader_upload(
    backend: &CosBackend,
    key: &str,
    reader: impl tokio::io::AsyncRead + Send + Unpin,
) {
    let (up, _) = our_options();
    let out = Transfers::with_backend(backend)
        .upload_reader(
            &BucketName::new(BUCKET).unwrap(),
            &cos_core::ObjectKey::new(key).unwrap(),
            reader,
        )
        .options(up)
        .send()
        .await
        .unwrap();
    assert!(out.size > 0);
}

/// Uploads the stdout of `program args` with `upload_reader` and our options, the
/// pipe's capacity raised to 1 MiB when `big`.
async fn pipe_upload(backend: &CosBackend, key: &str, big: bool, program: &str, args: &[&str]) {
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    if big {
        cos_transfer::set_pipe_capacity(&stdout, cos_transfer::PIPE_CAPACITY).unwrap();
    }
    reader_upload(backend, key, stdout).await;
    assert!(child.wait().await.unwrap().success());
}

/// The pipe's own ceiling on this machine: seconds of `cat SRC | cat > /dev/null`.
fn pipe_ceiling_secs(src: &str) -> f64 {
    let start = std::time::Instant::now();
    let status = Command::new("sh")
        .args(["-c", "cat \"$0\" | cat > /dev/null", src])
        .status()
        .unwrap();
    assert!(status.success());
    start.elapsed().as_secs_f64()
}

/// The pipe's ceiling as this process reads it: seconds to read all of `cat SRC` in
/// 1 MiB reads (capacity raised to 1 MiB when `big`), doing nothing with the bytes.
fn pipe_read_ceiling_secs(src: &str, big: bool) -> f64 {
    use std::io::Read;
    let start = std::time::Instant::now();
    let mut child = Command::new("cat")
        .arg(src)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    if big {
        cos_transfer::set_pipe_capacity(&stdout, cos_transfer::PIPE_CAPACITY).unwrap();
    }
    let mut buf = vec![0u8; MIB as usize];
    while stdout.read(&mut buf).unwrap() > 0 {}
    assert!(child.wait().unwrap().success());
    start.elapsed().as_secs_f64()
}

/// In the child: a pipe upload of `COS_TRANSFER_BENCH_PIPE_RSS_MIB` zeros; prints the
/// peak RSS before and after.
pub(super) fn rss_child(addr: &str) {
    let mib: u64 = std::env::var("COS_TRANSFER_BENCH_PIPE_RSS_MIB")
        .unwrap()
        .parse()
        .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let before = vm_hwm_kib();
    rt.block_on(async {
        let backend = CosBackend::new(client(addr.parse().unwrap()));
        let count = format!("{}", mib * MIB);
        pipe_upload(
            &backend,
            "pipe-rss.bin",
            true,
            "head",
            &["-c", &count, "/dev/zero"],
        )
        .await;
    });
    println!("RSS_BEFORE_KIB {before}");
    println!("RSS_KIB {}", vm_hwm_kib());
}

/// Peak RSS (KiB) of a pipe upload of `mib` MiB in a child process, and before it.
fn rss_of_pipe_upload(addr: SocketAddr, mib: u64) -> (u64, u64) {
    let out = Command::new(std::env::current_exe().unwrap())
        .env("COS_TRANSFER_BENCH_PIPE_RSS_ADDR", addr.to_string())
        .env("COS_TRANSFER_BENCH_PIPE_RSS_MIB", mib.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap()
    };
    (get("RSS_KIB "), get("RSS_BEFORE_KIB "))
}

/// Rounds of `upload_file` and the pipe upload, in alternating order (one warm-up
/// round), then the RSS child; prints the results.
pub(super) fn run(bench: &Bench, emu: &mut EmulatorProcess) {
    if std::env::var("BENCH_TRANSFER_PIPE").as_deref() == Ok("0") {
        return;
    }
    let src = bench.src.to_str().unwrap().to_owned();
    let (mut file, mut pipe, mut reader, mut small) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut ceiling, mut read_small, mut read_big) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..bench.runs as usize + 1 {
        let mut order = [0, 1, 2, 3];
        order.rotate_left(run % 4);
        let mut line = Vec::new();
        for way in order {
            let s = match way {
                0 => bench.timed(emu, bench.ours_up()),
                1 | 3 => bench.timed(
                    emu,
                    pipe_upload(&bench.backend, "pipe.bin", way == 1, "cat", &[&src]),
                ),
                _ => bench.timed(emu, async {
                    let f = tokio::fs::File::open(&src).await.unwrap();
                    reader_upload(&bench.backend, "pipe.bin", f).await;
                }),
            };
            let name = ["file", "pipe", "reader", "pipe64k"][way];
            line.push(format!("{name} {:.0}", mibs(bench.size, s.secs)));
            if run >= 1 {
                [&mut file, &mut pipe, &mut reader, &mut small][way].push(s);
            }
        }
        if run >= 1 {
            ceiling.push(pipe_ceiling_secs(&src));
            read_small.push(pipe_read_ceiling_secs(&src, false));
            read_big.push(pipe_read_ceiling_secs(&src, true));
        }
        eprintln!(
            "pipe upload run {run}{}: {} MiB/s",
            if run < 1 { " (warm-up)" } else { "" },
            line.join(" / ")
        );
    }
    let (rss_kib, before_kib) = rss_of_pipe_upload(bench.addr, bench.size / MIB);
    bench.rt.block_on(async {
        let b = BucketName::new(BUCKET).unwrap();
        for k in ["pipe.bin", "pipe-rss.bin"] {
            let key = cos_core::ObjectKey::new(k).unwrap();
            let _ = bench.backend.client().delete_object(&b, &key).send().await;
        }
    });
    let (part, conc) = (bench.part, bench.conc as u64);
    let bound = 20 + 5 * (part / MIB) * conc / 2;
    let r = ratio(&pipe, &file);
    let r_reader = ratio(&reader, &file);
    let r_small = ratio(&small, &file);
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        mibs(bench.size, v[v.len() / 2])
    };
    let ceiling_mibs = median(ceiling);
    let (read_small_mibs, read_big_mibs) = (median(read_small), median(read_big));
    let file_mibs = mibs(bench.size, median_secs(&file));
    let rss_mib = rss_kib / 1024;
    println!(
        "pipe upload (upload_reader from `cat`, unknown length): {:.0} MiB/s vs upload_file {:.0} MiB/s; peak RSS of a {} MiB pipe upload: {rss_mib} MiB (before: {} MiB; bound {bound} MiB)",
        mibs(bench.size, median_secs(&pipe)),
        mibs(bench.size, median_secs(&file)),
        bench.size / MIB,
        before_kib / 1024,
    );
    println!(
        "RESULT pipe_up_mibs {:.0}",
        mibs(bench.size, median_secs(&pipe))
    );
    println!("RESULT pipe_vs_file {r:.2}");
    println!("RESULT pipe_rss_mib {rss_mib}");
    println!("RESULT reader_vs_file {r_reader:.2}");
    println!("RESULT pipe64k_vs_file {r_small:.2}");
    println!("RESULT pipe_ceiling_mibs {ceiling_mibs:.0}");
    println!("RESULT pipe_read_ceiling_64k_mibs {read_small_mibs:.0}");
    println!("RESULT pipe_read_ceiling_1m_mibs {read_big_mibs:.0}");
    println!(
        "pipe ceilings vs upload_file ({file_mibs:.0} MiB/s): cat|cat {:.2}, read at 64 KiB capacity {:.2}, at 1 MiB {:.2}",
        ceiling_mibs / file_mibs,
        read_small_mibs / file_mibs,
        read_big_mibs / file_mibs,
    );
    println!(
        "transfer_pipe: pipe_vs_file={r:.2} pipe64k_vs_file={r_small:.2} reader_vs_file={r_reader:.2} pipe_ceiling_mibs={ceiling_mibs:.0} pipe_read_ceiling_64k_mibs={read_small_mibs:.0} pipe_read_ceiling_1m_mibs={read_big_mibs:.0} pipe_rss_mib={rss_mib} bound_mib={bound}"
    );
}
