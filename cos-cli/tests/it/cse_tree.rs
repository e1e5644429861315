//! Client-side encryption of whole folders (`cp -r`, `sync`) both ways, interoperating
//! with the official Python SDK's `CosEncryptionClient` (cos-python-sdk-v5 in the
//! workspace's `target/xtask-python` venv, created when missing): a tree Python wrote
//! is downloaded and decrypted, and a tree we wrote is read back by Python.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use md5::Digest;
use serde_json::{Value, json};

use crate::common::*;

fn keys() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keys")
}

fn aes_flags() -> Vec<String> {
    let f = keys().join("aes_master.b64");
    vec!["--cse-aes-key-file".into(), f.display().to_string()]
}

fn rsa_flags() -> Vec<String> {
    let k = keys();
    vec![
        "--cse-rsa-public-key".into(),
        k.join("rsa_public.pem").display().to_string(),
        "--cse-rsa-private-key".into(),
        k.join("rsa_private.pem").display().to_string(),
    ]
}

/// Runs the Python SDK on a batch of operations (see tests/python/cse_interop.py).
fn python(env: &Env, ops: &Value) -> Vec<Value> {
    let py = cos_testkit::python::python_or_panic();
    // cos-crypto's interop driver (the same operations on the official Python SDK).
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../cos-crypto/tests/python/cse_interop.py");
    let mut child = Command::new(py)
        .arg(script)
        .arg(env.emu.addr().port().to_string())
        .arg(keys())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ops.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn md5_hex(b: &[u8]) -> String {
    md5::Md5::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn run(env: &Env, args: &[&str], extra: &[String]) -> std::process::Output {
    let mut c = env.cos(args);
    c.args(extra);
    c.output().unwrap()
}

/// The summary object of a `--json` run.
fn summary(o: &std::process::Output) -> Value {
    json_lines(o)
        .into_iter()
        .find_map(|v| v.get("summary").cloned())
        .unwrap_or_else(|| panic!("no summary: {}", stdout(o)))
}

const MIB: usize = 1 << 20;

#[test]
fn a_tree_the_python_sdk_encrypted_downloads_with_cp_r_and_sync() {
    let env = Env::new();
    env.mb();
    // (relative key, length, multipart part size of the Python upload)
    let files: [(&str, usize, Option<usize>); 3] = [
        ("a.txt", 1007, None),
        ("sub/b.bin", 2 * MIB + 5, Some(MIB)),
        ("empty", 0, None),
    ];
    let mut ops = Vec::new();
    for (i, (rel, len, part)) in files.iter().enumerate() {
        let src = env.file(&format!("py-src/{i}"), &data(*len, i as u8));
        ops.push(
            json!({"op": "put", "provider": "aes", "key": format!("py/{rel}"),
                        "src": src, "part_size": part}),
        );
    }
    python(&env, &Value::Array(ops));

    let out1 = env.path("out1");
    let o = run(
        &env,
        &["cp", "-r", &uri("py/"), out1.to_str().unwrap()],
        &aes_flags(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 transferred"), "{}", stdout(&o));
    for (i, (rel, len, _)) in files.iter().enumerate() {
        assert_eq!(read(&out1.join(rel)), data(*len, i as u8), "{rel}");
    }

    // sync: the first run downloads everything, the second nothing (the envelope of
    // a Python object has no CRC-64: the plaintext's is remembered by ETag).
    let out2 = env.path("out2");
    let sync = ["--json", "sync", &uri("py/"), out2.to_str().unwrap()];
    let o = run(&env, &sync, &aes_flags());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&o)["done"], 3, "{}", stdout(&o));
    for (i, (rel, len, _)) in files.iter().enumerate() {
        assert_eq!(read(&out2.join(rel)), data(*len, i as u8), "{rel}");
    }
    env.emu.clear_requests();
    let o = run(&env, &sync, &aes_flags());
    assert!(o.status.success(), "{}", stderr(&o));
    let s = summary(&o);
    assert_eq!(
        (s["done"].clone(), s["unchanged"].clone()),
        (json!(0), json!(3))
    );
    assert_eq!(env.count("GetObject"), 0);
    assert_eq!(env.count("HeadObject"), 0);

    // A key escaping the destination is refused and reported; the rest continues.
    let f = env.file("plain", b"x");
    env.cos(&["cp", f.to_str().unwrap(), &uri("py/../escape.txt")])
        .assert()
        .success();
    let out3 = env.path("out3/inner");
    let o = run(
        &env,
        &["cp", "-r", &uri("py/"), out3.to_str().unwrap()],
        &aes_flags(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("escape.txt"), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 transferred, 0 unchanged, 1 failed"));
    assert_eq!(read(&out3.join("a.txt")), data(1007, 0));
    assert!(!env.path("out3/escape.txt").exists());
}

#[test]
fn a_tree_we_encrypted_with_cp_r_and_sync_reads_in_the_python_sdk() {
    let env = Env::new();
    env.mb();
    let files: [(&str, usize); 3] = [("x.txt", 5000), ("d/y.bin", 2 * MIB + 3), ("e", 0)];
    for (i, (rel, len)) in files.iter().enumerate() {
        env.file(&format!("up/{rel}"), &data(*len, 50 + i as u8));
    }
    let up = env.path("up");
    let up = up.to_str().unwrap();
    // AES with cp -r (multipart for the large file), RSA with sync.
    let o = run(
        &env,
        &["cp", "-r", up, &uri("rs/"), "--part-size", "1M"],
        &aes_flags(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 transferred"), "{}", stdout(&o));
    let sync = ["--json", "sync", up, &uri("rs2")];
    let o = run(&env, &sync, &rsa_flags());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&o)["done"], 3, "{}", stdout(&o));
    let o = run(&env, &sync, &rsa_flags());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&o)["unchanged"], 3, "{}", stdout(&o));
    assert_eq!(summary(&o)["done"], 0, "{}", stdout(&o));

    // Stored encrypted: the raw bytes are not the file's.
    let raw = env.cos(&["cat", &uri("rs/x.txt")]).output().unwrap();
    assert_ne!(raw.stdout, data(5000, 50));
    let raw = env.cos(&["cat", &uri("rs2/x.txt")]).output().unwrap();
    assert_ne!(raw.stdout, data(5000, 50));

    let mut ops = Vec::new();
    let mut want = Vec::new();
    for (prefix, provider) in [("rs", "aes"), ("rs2", "rsa-path")] {
        for (i, (rel, len)) in files.iter().enumerate() {
            ops.push(json!({"op": "get", "provider": provider,
                            "key": format!("{prefix}/{rel}"), "range": null}));
            want.push((
                format!("{prefix}/{rel}"),
                md5_hex(&data(*len, 50 + i as u8)),
            ));
        }
    }
    let got = python(&env, &Value::Array(ops));
    for (g, (what, md5)) in got.iter().zip(&want) {
        assert_eq!(g["md5"].as_str().unwrap(), md5, "{what}");
    }
    assert_eq!(got.len(), want.len());
}

#[test]
fn ctrl_c_stops_an_encrypted_folder_upload_before_the_next_file() {
    use std::time::{Duration, Instant};
    let env = Env::new();
    env.mb();
    for i in 0..6u8 {
        env.file(&format!("many/f{i}"), &data(10_000, i));
    }
    env.emu
        .add_fault(cos_emulator::FaultRule::parse("latency-ms=400,op=PutObject").unwrap());
    let dir = env.path("many");
    let child = Command::new(assert_cmd::cargo::cargo_bin("cos"))
        .args(["cp", "-r", dir.to_str().unwrap(), &uri("enc/")])
        .args(["--concurrency", "1"])
        .args(aes_flags())
        .args(["--endpoint", &env.endpoint()])
        .envs(env.env_pairs())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while env.count("PutObject") < 1 {
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cancelled"), "{}", stderr(&o));
    env.emu.clear_faults();
    assert!(env.count("PutObject") <= 3, "files went on after Ctrl-C");
}

#[test]
fn mv_r_with_encryption_moves_both_ways() {
    let env = Env::new();
    env.mb();
    env.file("src/a", &data(3000, 1));
    env.file("src/b/c", &data(70_000, 2));
    let src = env.path("src");
    let o = run(
        &env,
        &["mv", "-r", src.to_str().unwrap(), &uri("m/")],
        &aes_flags(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!src.join("a").exists() && !src.join("b/c").exists());
    let back = env.path("back");
    let o = run(
        &env,
        &["mv", "-r", &uri("m/"), back.to_str().unwrap()],
        &aes_flags(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&back.join("a")), data(3000, 1));
    assert_eq!(read(&back.join("b/c")), data(70_000, 2));
    let o = env
        .cos(&["--json", "ls", "-r", &uri("m/")])
        .output()
        .unwrap();
    assert!(json_lines(&o).is_empty(), "{}", stdout(&o));
}
