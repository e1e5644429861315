//! The pipe upload of the transfer bench (a module of `../transfer.rs`): uploads from a
//! pipe (length unknown, read once) against `upload_file` of the same file in the same
//! rounds, and the peak RSS of a pipe upload of the object's size (from `head -c N
//! /dev/zero`) in a child process.
//!
//! Pipes are read with `upload_blocking_reader` (the way for pipes), and one way with
//! `upload_reader` over tokio's `ChildStdout` for comparison. Two producers feed them,
//! and the CPU time each spends is measured (from `/proc/PID/stat` once it has written
//! everything), because on this 2-core machine the producer runs on the cores the
//! upload needs:
//! - `cat SRC` (GNU cat: `read` into its buffer, `write` into the pipe: two copies of
//!   every byte; `pipe`, and `pipe64k` at Linux's default 64 KiB capacity);
//! - this binary re-run as a zero-copy producer (`splice(2)` from the file into its
//!   stdout: references to the page-cache pages move into the pipe, as `pv` and other
//!   splice-based producers do; `pipe_splice`, and `pipe_splice_async` through
//!   `upload_reader`). What is left is the upload's own work: one copy out of the pipe,
//!   as a file read is.
//!
//! Also `upload_reader` over the file opened as a plain `AsyncRead` (`reader`), and the
//! pipe's own ceilings (`cat SRC | cat > /dev/null`; `cat SRC` read by this process in
//! 1 MiB reads at 64 KiB and 1 MiB capacity), so a pipe slower than the network is told
//! apart from the engine. The 1 MiB pipes are raised with
//! `cos_transfer::set_pipe_capacity` to `PIPE_CAPACITY`, as `stdin_blocking_reader` does.
//!
//! `BENCH_TRANSFER_PIPE=0` skips it. Prints `RESULT pipe_up_mibs`, `RESULT
//! pipe_vs_file` (from `cat`), `RESULT pipe_splice_vs_file`, `RESULT
//! pipe_splice_async_vs_file`, the producers' CPU per GiB, where the CPU went, `RESULT
//! pipe_rss_mib` and a line `transfer_pipe: pipe_vs_file=R pipe_splice_vs_file=R …
//! pipe_rss_mib=N bound_mib=N`.

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

/// How a pipe upload reads its pipe.
#[derive(Clone, Copy)]
enum Engine {
    /// `upload_blocking_reader` over the pipe (the way for pipes).
    Blocking,
    /// `upload_reader` over tokio's `ChildStdout` (the reactor).
    Async,
}

/// Uploads the stdout of `producer` through `engine` with our options, the pipe's
/// capacity raised to 1 MiB when `big`. Returns the producer's CPU seconds.
async fn pipe_upload(
    backend: &CosBackend,
    key: &str,
    big: bool,
    engine: Engine,
    mut producer: std::process::Command,
) -> f64 {
    let mut child = producer.stdout(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    if big {
        cos_transfer::set_pipe_capacity(&stdout, cos_transfer::PIPE_CAPACITY).unwrap();
    }
    let pid = child.id();
    match engine {
        Engine::Blocking => {
            let (up, _) = our_options();
            let out = Transfers::with_backend(backend)
                .upload_blocking_reader(
                    &BucketName::new(BUCKET).unwrap(),
                    &cos_core::ObjectKey::new(key).unwrap(),
                    stdout,
                )
                .options(up)
                .send()
                .await
                .unwrap();
            assert!(out.size > 0);
        }
        Engine::Async => {
            let stdout = tokio::process::ChildStdout::from_std(stdout).unwrap();
            reader_upload(backend, key, stdout).await;
        }
    }
    // All of its output was read: its work is done (its times stay readable until it
    // is reaped).
    let cpu = cos_testkit::procstat::cpu_secs(pid).unwrap_or(f64::NAN);
    assert!(child.wait().unwrap().success());
    cpu
}

/// `cat SRC`.
fn cat(src: &str) -> std::process::Command {
    let mut c = Command::new("cat");
    c.arg(src);
    c
}

/// This binary as a zero-copy producer of `src` ([`splice_child`]).
fn splicer(src: &str) -> std::process::Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.env("COS_TRANSFER_BENCH_SPLICE_SRC", src);
    c
}

/// In the child: moves the file `src` into stdout (a pipe) with `splice(2)`, which
/// hands the pipe references to the file's page-cache pages instead of copying them
/// through user memory (what `pv` and other splice-based producers do).
pub(super) fn splice_child(src: &str) {
    let file = std::fs::File::open(src).unwrap();
    let stdout = std::io::stdout();
    loop {
        let n = rustix::pipe::splice(
            &file,
            None,
            &stdout,
            None,
            1 << 20,
            rustix::pipe::SpliceFlags::MORE,
        )
        .unwrap();
        if n == 0 {
            break;
        }
    }
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
        let mut head = Command::new("head");
        head.args(["-c", &format!("{}", mib * MIB), "/dev/zero"]);
        pipe_upload(&backend, "pipe-rss.bin", true, Engine::Blocking, head).await;
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

/// What the rounds measured (warm-up excluded).
#[derive(Default)]
struct Rounds {
    /// By way: `upload_file`, pipe from `cat` (1 MiB), reader over the file, pipe from
    /// `cat` (64 KiB), pipe from the zero-copy producer (1 MiB), all pipes through
    /// `upload_blocking_reader`; and the zero-copy producer's pipe through
    /// `upload_reader` (the reactor).
    ways: [Vec<Sample>; 6],
    /// Seconds of the pipe ceilings: `cat|cat`, read at 64 KiB and at 1 MiB capacity.
    ceilings: [Vec<f64>; 3],
    /// Producer CPU seconds: `cat` (1 MiB pipe) and the zero-copy producer.
    cat_cpu: Vec<f64>,
    splice_cpu: Vec<f64>,
}

/// One warm-up round and `bench.runs` measured ones of the six ways, in an order that
/// rotates, each followed by the pipe ceilings.
fn rounds(bench: &Bench, emu: &mut EmulatorProcess, src: &str) -> Rounds {
    let mut r = Rounds::default();
    for run in 0..bench.runs as usize + 1 {
        let mut order = [0, 1, 2, 3, 4, 5];
        order.rotate_left(run % 6);
        let mut line = Vec::new();
        for way in order {
            let mut producer_cpu = 0.0;
            let s = match way {
                0 => bench.timed(emu, bench.ours_up()),
                2 => bench.timed(emu, async {
                    let f = tokio::fs::File::open(src).await.unwrap();
                    reader_upload(&bench.backend, "pipe.bin", f).await;
                }),
                _ => {
                    let (producer, engine) = match way {
                        1 | 3 => (cat(src), Engine::Blocking),
                        4 => (splicer(src), Engine::Blocking),
                        _ => (splicer(src), Engine::Async),
                    };
                    bench.timed(emu, async {
                        producer_cpu =
                            pipe_upload(&bench.backend, "pipe.bin", way != 3, engine, producer)
                                .await;
                    })
                }
            };
            let name = [
                "file",
                "pipe",
                "reader",
                "pipe64k",
                "pipe_splice",
                "pipe_splice_async",
            ][way];
            line.push(format!("{name} {:.0}", mibs(bench.size, s.secs)));
            if run >= 1 {
                r.ways[way].push(s);
                match way {
                    1 => r.cat_cpu.push(producer_cpu),
                    4 => r.splice_cpu.push(producer_cpu),
                    _ => {}
                }
            }
        }
        if run >= 1 {
            r.ceilings[0].push(pipe_ceiling_secs(src));
            r.ceilings[1].push(pipe_read_ceiling_secs(src, false));
            r.ceilings[2].push(pipe_read_ceiling_secs(src, true));
        }
        eprintln!(
            "pipe upload run {run}{}: {} MiB/s",
            if run < 1 { " (warm-up)" } else { "" },
            line.join(" / ")
        );
    }
    r
}

/// Means per GiB (the bench's [`cpu_per_gib`]) of the client's, the emulator's and the
/// whole machine's CPU seconds (the machine's includes the producer).
fn cpu_split(size: u64, v: &[Sample]) -> String {
    format!(
        "{:.2} + {:.2} (machine {:.2})",
        cpu_per_gib(size, v, |s| s.client),
        cpu_per_gib(size, v, |s| s.server),
        cpu_per_gib(size, v, |s| s.busy)
    )
}

/// Rounds of `upload_file` and the pipe uploads, then the RSS child; prints the results.
pub(super) fn run(bench: &Bench, emu: &mut EmulatorProcess) {
    if std::env::var("BENCH_TRANSFER_PIPE").as_deref() == Ok("0") {
        return;
    }
    let src = bench.src.to_str().unwrap().to_owned();
    let Rounds {
        ways: [file, pipe, reader, small, splice, splice_async],
        ceilings: [ceiling, read_small, read_big],
        cat_cpu,
        splice_cpu,
    } = rounds(bench, emu, &src);
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
    let (r, r_splice) = (ratio(&pipe, &file), ratio(&splice, &file));
    let r_splice_async = ratio(&splice_async, &file);
    let gib = bench.size as f64 / (1024.0 * MIB as f64);
    let per_gib = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2] / gib
    };
    let (cat_cpu, splice_cpu) = (per_gib(cat_cpu), per_gib(splice_cpu));
    let (r_reader, r_small) = (ratio(&reader, &file), ratio(&small, &file));
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        mibs(bench.size, v[v.len() / 2])
    };
    let ceiling_mibs = median(ceiling);
    let (read_small_mibs, read_big_mibs) = (median(read_small), median(read_big));
    let file_mibs = mibs(bench.size, median_secs(&file));
    let pipe_mibs = mibs(bench.size, median_secs(&pipe));
    let rss_mib = rss_kib / 1024;
    println!(
        "pipe upload (upload_blocking_reader from `cat`, unknown length): {pipe_mibs:.0} MiB/s vs upload_file {file_mibs:.0} MiB/s; peak RSS of a {} MiB pipe upload: {rss_mib} MiB (before: {} MiB; bound {bound} MiB)",
        bench.size / MIB,
        before_kib / 1024,
    );
    println!("RESULT pipe_up_mibs {pipe_mibs:.0}");
    println!("RESULT pipe_vs_file {r:.2}");
    println!("RESULT pipe_splice_vs_file {r_splice:.2}");
    println!("RESULT pipe_splice_async_vs_file {r_splice_async:.2}");
    println!("RESULT pipe_cat_cpu_s_per_gib {cat_cpu:.2}");
    println!("RESULT pipe_splice_cpu_s_per_gib {splice_cpu:.2}");
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
        "CPU s/GiB, client + emulator (machine busy): upload_file {}, reader {}, pipe from cat {}, pipe from splice {}, same through upload_reader {}",
        cpu_split(bench.size, &file),
        cpu_split(bench.size, &reader),
        cpu_split(bench.size, &pipe),
        cpu_split(bench.size, &splice),
        cpu_split(bench.size, &splice_async)
    );
    println!(
        "producers' CPU per GiB piped: cat {cat_cpu:.2} s, zero-copy (splice) {splice_cpu:.2} s; upload from the zero-copy producer's pipe vs upload_file: {r_splice:.2} (upload_blocking_reader), {r_splice_async:.2} (upload_reader)"
    );
    println!(
        "transfer_pipe: pipe_vs_file={r:.2} pipe_splice_vs_file={r_splice:.2} pipe_splice_async_vs_file={r_splice_async:.2} cat_cpu_s_per_gib={cat_cpu:.2} splice_cpu_s_per_gib={splice_cpu:.2} pipe64k_vs_file={r_small:.2} reader_vs_file={r_reader:.2} pipe_ceiling_mibs={ceiling_mibs:.0} pipe_read_ceiling_64k_mibs={read_small_mibs:.0} pipe_read_ceiling_1m_mibs={read_big_mibs:.0} pipe_rss_mib={rss_mib} bound_mib={bound}"
    );
}
