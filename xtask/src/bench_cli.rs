//! `cargo xtask bench cli`: the `cos` binary against coscmd and the official Python SDK,
//! all on one `cos-emulator --bench` (release builds), one run each (the coscmd venv
//! package is installed by the tooling, as the Python SDK is):
//!
//! - `BENCH_CLI_FILES` (default 5,000) files of 8 KiB up with `cos cp -r` and down,
//!   next to `coscmd upload -r` / `download -r` and `put_object` / `get_object` from a
//!   16-thread Python pool;
//! - a no-op `cos sync` of the same files;
//! - `cos ls -r` of `BENCH_CLI_KEYS` (default 200,000) keys next to a Python
//!   `list_objects` loop, with the peak RSS of `cos`.
//!
//! Ends with `cli: small_up_vs_python=R small_up_vs_coscmd=R small_down_vs_python=R
//! list_vs_python=R list_rss_mib=N` (a baseline that could not run shows `nan`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use cos_testkit::python::{Extra, default_venv, python_with_extras};

use crate::util::{cargo, root};

const BUCKET: &str = "benchbucket-1250000000";

/// `coscmd`, pinned, beside the Python SDK in the test venv.
const COSCMD: Extra = Extra {
    requirement: "coscmd==1.9.0.6",
    module: "coscmd",
};

/// The Python SDK on the emulator: `put`/`get` of every file of a folder from a
/// 16-thread pool, or a `list_objects` loop; prints `RESULT <seconds> <count>`.
const PY: &str = r#"
import os, sys, time
from concurrent.futures import ThreadPoolExecutor
from qcloud_cos import CosConfig, CosS3Client
mode, port, bucket, arg = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
conf = CosConfig(Region='ap-guangzhou', SecretId='AKIDEXAMPLE', SecretKey='SECRETKEYEXAMPLE',
                 Scheme='http', IP='127.0.0.1', Port=port, ServiceDomain='127.0.0.1:%d' % port,
                 PoolMaxSize=16)
c = CosS3Client(conf)
start = time.perf_counter()
if mode == 'list':
    n, marker = 0, ''
    while True:
        r = c.list_objects(Bucket=bucket, Prefix=arg, Marker=marker, MaxKeys=1000)
        n += len(r.get('Contents', []))
        if r.get('IsTruncated') != 'true':
            break
        marker = r.get('NextMarker') or r['Contents'][-1]['Key']
else:
    names = sorted(os.listdir(arg))
    def put(name):
        with open(os.path.join(arg, name), 'rb') as f:
            c.put_object(Bucket=bucket, Key='py/' + name, Body=f.read())
    def get(name):
        c.get_object(Bucket=bucket, Key='py/' + name)['Body'].get_raw_stream().read()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(put if mode == 'put' else get, names))
    n = len(names)
print('RESULT %f %d' % (time.perf_counter() - start, n))
"#;

/// A count from the environment (size overrides for a quick run).
fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A `cos-emulator --bench` process on a free port, killed on drop.
struct Emu {
    child: Child,
    port: u16,
}

impl Emu {
    fn start(bin: &Path) -> Result<Self, String> {
        let mut child = Command::new(bin)
            .args(["--listen", "127.0.0.1:0", "--bench"])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cos-emulator: {e}"))?;
        let out = child.stdout.take().ok_or("cos-emulator: no stdout")?;
        let mut line = String::new();
        BufReader::new(out)
            .read_line(&mut line)
            .map_err(|e| format!("cos-emulator: {e}"))?;
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("cos-emulator printed {line:?}"))?;
        Ok(Self { child, port })
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a command to completion, returning its duration in seconds.
fn timed(cmd: &mut Command, what: &str) -> Result<f64, String> {
    let start = Instant::now();
    let out = cmd
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(start.elapsed().as_secs_f64())
}

/// The `RESULT <seconds> <count>` of the Python script.
fn python(py: &Path, args: &[&str]) -> Result<(f64, f64), String> {
    let out = Command::new(py)
        .args(["-c", PY])
        .args(args)
        .output()
        .map_err(|e| format!("python: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .ok_or_else(|| format!("python {args:?}: {}", String::from_utf8_lossy(&out.stderr)))?;
    let mut it = line
        .split_whitespace()
        .filter_map(|v| v.parse::<f64>().ok());
    match (it.next(), it.next()) {
        (Some(s), Some(n)) => Ok((s, n)),
        _ => Err(format!("python printed {line:?}")),
    }
}

/// Writes `n` files of `size` bytes into `dir` (emptied first).
fn make_files(dir: &Path, n: usize, size: usize) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for i in 0..n {
        let body: Vec<u8> = (0..size).map(|j| (i + j) as u8).collect();
        let p = dir.join(format!("f{i:07}"));
        std::fs::write(&p, body).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(())
}

struct Cli {
    bin: PathBuf,
    endpoint: String,
    home: PathBuf,
}

impl Cli {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args)
            .args(["--endpoint", &self.endpoint, "--quiet"])
            .env("COS_SECRET_ID", "AKIDEXAMPLE")
            .env("COS_SECRET_KEY", "SECRETKEYEXAMPLE")
            .env("COS_REGION", "ap-guangzhou")
            .env("HOME", &self.home)
            .env("COS_CACHE_DIR", self.home.join("cache"));
        c
    }
}

/// coscmd's `upload -r` / `download -r` through an HTTP proxy that is the emulator
/// (coscmd has no IP setting; requests sends absolute-form URIs to the proxy).
fn coscmd(py: &Path, work: &Path, port: u16, args: &[&str]) -> Result<f64, String> {
    let conf = work.join("coscmd.conf");
    std::fs::write(
        &conf,
        format!(
            "[common]\nsecret_id = AKIDEXAMPLE\nsecret_key = SECRETKEYEXAMPLE\nbucket = {BUCKET}\n\
             region = ap-guangzhou\nmax_thread = 16\npart_size = 1\nschema = http\n"
        ),
    )
    .map_err(|e| format!("{}: {e}", conf.display()))?;
    let bin = py.with_file_name("coscmd");
    let proxy = format!("http://127.0.0.1:{port}");
    timed(
        Command::new(bin)
            .arg("-c")
            .arg(&conf)
            .args(args)
            .env("http_proxy", &proxy)
            .env("HTTP_PROXY", &proxy),
        "coscmd",
    )
}

/// coscmd's `upload -r` of the small files and `download -r` of them back, in files/s
/// (NaN, with a line saying why, when coscmd is unavailable).
fn coscmd_rates(
    py: &Result<PathBuf, String>,
    work: &Path,
    port: u16,
    src: &str,
    n: f64,
) -> (f64, f64) {
    let Ok(py) = py else {
        return (f64::NAN, f64::NAN);
    };
    let rate = |args: &[&str]| match coscmd(py, work, port, args) {
        Ok(t) => n / t,
        Err(e) => {
            println!("coscmd baseline unavailable: {e}");
            f64::NAN
        }
    };
    let up = rate(&["upload", "-r", src, "coscmd/"]);
    let back = work.join("coscmd-down");
    let _ = std::fs::remove_dir_all(&back);
    let down = match back.to_str() {
        Some(b) => rate(&["download", "-r", "coscmd/", b]),
        None => f64::NAN,
    };
    (up, down)
}

/// `cargo xtask bench cli`.
pub fn cli() -> Result<(), String> {
    let files = env_count("BENCH_CLI_FILES", 5000);
    let keys = env_count("BENCH_CLI_KEYS", 200_000);
    cargo(&[
        "build",
        "--release",
        "-q",
        "-p",
        "cos-cli",
        "-p",
        "cos-emulator",
    ])?;
    let release = root().join("target").join("release");
    let work = root().join("target").join("bench-cli");
    let home = work.join("home");
    std::fs::create_dir_all(&home).map_err(|e| format!("{}: {e}", home.display()))?;
    let emu = Emu::start(&release.join("cos-emulator"))?;
    let cos = Cli {
        bin: release.join("cos"),
        endpoint: format!("http://127.0.0.1:{}", emu.port),
        home,
    };
    let py = python_with_extras(&default_venv(), &[COSCMD]).map_err(|e| e.to_string());
    let small = work.join("small");
    make_files(&small, files, 8 * 1024)?;
    let s = small.to_str().ok_or("non-UTF-8 path")?;
    let down = work.join("down");
    let _ = std::fs::remove_dir_all(&down);
    let d = down.to_str().ok_or("non-UTF-8 path")?;
    let bucket = format!("cos://{BUCKET}");
    timed(&mut cos.cmd(&["mb", &bucket]), "cos mb")?;

    let n = files as f64;
    let up = n / timed(
        &mut cos.cmd(&[
            "cp",
            "-r",
            s,
            &format!("{bucket}/small/"),
            "--concurrency",
            "64",
        ]),
        "cos cp up",
    )?;
    let down_rate = n / timed(
        &mut cos.cmd(&[
            "cp",
            "-r",
            &format!("{bucket}/small/"),
            d,
            "--concurrency",
            "64",
        ]),
        "cos cp down",
    )?;
    let sync = timed(
        &mut cos.cmd(&["sync", s, &format!("{bucket}/small/")]),
        "cos sync",
    )?;
    let nan = f64::NAN;
    let (py_up, py_down) = match &py {
        Ok(py) => {
            let port = emu.port.to_string();
            let (t_up, _) = python(py, &["put", &port, BUCKET, s])?;
            let (t_down, _) = python(py, &["get", &port, BUCKET, s])?;
            (n / t_up, n / t_down)
        }
        Err(e) => {
            println!("python baseline unavailable: {e}");
            (nan, nan)
        }
    };
    let (coscmd_up, coscmd_down) = coscmd_rates(&py, &work, emu.port, s, n);
    println!("== bench cli: {files} files of 8 KiB ==");
    println!("cos cp -r up    : {up:>10.0} files/s");
    println!("cos cp -r down  : {down_rate:>10.0} files/s");
    println!("cos sync (no-op): {sync:>10.2} s");
    println!("python 16 put   : {py_up:>10.0} files/s, get {py_down:.0} files/s");
    println!("coscmd upload -r: {coscmd_up:>10.0} files/s, download -r {coscmd_down:.0} files/s");

    let (list_rate, py_list, rss_mib) = list(&cos, &py, &work, emu.port, keys)?;
    println!(
        "cli: small_up_vs_python={:.2} small_up_vs_coscmd={:.2} small_down_vs_python={:.2} list_vs_python={:.2} list_rss_mib={:.0}",
        up / py_up,
        up / coscmd_up,
        down_rate / py_down,
        list_rate / py_list,
        rss_mib
    );
    Ok(())
}

/// `cos ls -r` of `keys` zero-byte keys (uploaded with `cos cp -r`): keys/s, the Python
/// loop's keys/s, and the peak RSS of `cos` in MiB (from Python's `getrusage`).
fn list(
    cos: &Cli,
    py: &Result<PathBuf, String>,
    work: &Path,
    port: u16,
    keys: usize,
) -> Result<(f64, f64, f64), String> {
    let many = work.join("many");
    make_files(&many, keys, 0)?;
    let m = many.to_str().ok_or("non-UTF-8 path")?;
    let prefix = format!("cos://{BUCKET}/many/");
    timed(
        &mut cos.cmd(&["cp", "-r", m, &prefix, "--concurrency", "64"]),
        "cos cp many",
    )?;
    let rate = keys as f64 / timed(&mut cos.cmd(&["ls", "-r", &prefix]), "cos ls")?;
    let Ok(py) = py else {
        return Ok((rate, f64::NAN, f64::NAN));
    };
    let (t, n) = python(py, &["list", &port.to_string(), BUCKET, "many/"])?;
    if n as usize != keys {
        return Err(format!("python listed {n} keys, expected {keys}"));
    }
    // Peak RSS of `cos ls -r` measured by a parent that only waits for it.
    let ls = cos.cmd(&["ls", "-r", &prefix]);
    let argv: Vec<String> = std::iter::once(ls.get_program())
        .chain(ls.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let envs: Vec<(String, String)> = ls
        .get_envs()
        .filter_map(|(k, v)| {
            Some((
                k.to_string_lossy().into_owned(),
                v?.to_string_lossy().into_owned(),
            ))
        })
        .collect();
    let out = Command::new(py)
        .args([
            "-c",
            "import resource, subprocess, sys\n\
             subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n\
             print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
        ])
        .args(&argv)
        .envs(envs)
        .output()
        .map_err(|e| format!("python rss: {e}"))?;
    let kib: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|_| format!("rss: {}", String::from_utf8_lossy(&out.stderr)))?;
    println!(
        "cos ls -r       : {rate:>10.0} keys/s, python {:.0} keys/s, peak RSS {:.1} MiB",
        keys as f64 / t,
        kib / 1024.0
    );
    Ok((rate, keys as f64 / t, kib / 1024.0))
}
