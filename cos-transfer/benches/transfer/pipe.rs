//! The pipe upload of the transfer bench (a module of `../transfer.rs`): `upload_reader`
//! from the stdout of `cat SRC` (a pipe: length unknown, read once), against
//! `upload_file` of the same file in the same rounds, and the peak RSS of a pipe upload
//! of the object's size (from `head -c N /dev/zero`) in a child process.
//!
//! `BENCH_TRANSFER_PIPE=0` skips it. Prints `RESULT pipe_up_mibs`, `RESULT
//! pipe_vs_file`, `RESULT pipe_rss_mib` and a line
//! `transfer_pipe: pipe_vs_file=R pipe_rss_mib=N bound_mib=N`.

use std::process::Stdio;

use super::*;

/// Uploads the stdout of `program args` with `upload_reader` and our options.
async fn pipe_upload(backend: &CosBackend, key: &str, program: &str, args: &[&str]) {
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (up, _) = our_options();
    let out = Transfers::with_backend(backend)
        .upload_reader(
            &BucketName::new(BUCKET).unwrap(),
            &cos_core::ObjectKey::new(key).unwrap(),
            stdout,
        )
        .options(up)
        .send()
        .await
        .unwrap();
    assert!(child.wait().await.unwrap().success());
    assert!(out.size > 0);
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
    let (mut file, mut pipe) = (Vec::new(), Vec::new());
    for run in 0..bench.runs as usize + 1 {
        let mut order = [true, false];
        if run % 2 == 1 {
            order.reverse();
        }
        let mut line = Vec::new();
        for from_file in order {
            let s = if from_file {
                bench.timed(emu, bench.ours_up())
            } else {
                bench.timed(emu, pipe_upload(&bench.backend, "pipe.bin", "cat", &[&src]))
            };
            let name = if from_file { "file" } else { "pipe" };
            line.push(format!("{name} {:.0}", mibs(bench.size, s.secs)));
            if run >= 1 {
                if from_file { &mut file } else { &mut pipe }.push(s);
            }
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
    println!("transfer_pipe: pipe_vs_file={r:.2} pipe_rss_mib={rss_mib} bound_mib={bound}");
}
