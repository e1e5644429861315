//! Folder transfers: cp -r both ways with globs, kill-and-resume with
//! --checkpoint-dir, sync twice, sync --delete / --dry-run, rm -r, unsafe keys.

use std::time::{Duration, Instant};

use crate::common::*;

#[test]
fn cp_recursive_both_ways_with_globs() {
    let env = Env::new();
    env.mb();
    env.file("site/index.html", b"<html>");
    env.file("site/css/a.css", b"a{}");
    env.file("site/tmp/x.tmp", b"junk");
    let o = env
        .cos(&[
            "cp",
            "-r",
            env.path("site").to_str().unwrap(),
            &uri("web/"),
            "--exclude",
            "**/*.tmp",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = json_lines(&o);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(
        (summary["done"].as_u64(), summary["failed"].as_u64()),
        (Some(2), Some(0)),
        "{lines:?}"
    );
    // Without -r a folder is a usage error.
    env.cos(&["cp", env.path("site").to_str().unwrap(), &uri("web/")])
        .assert()
        .code(2);

    let o = env
        .cos(&[
            "cp",
            "-r",
            &uri("web"),
            env.path("back").to_str().unwrap(),
            "--include",
            "css/**",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 transferred, 0 unchanged, 0 failed"),
        "{}",
        stdout(&o)
    );
    assert_eq!(read(&env.path("back/css/a.css")), b"a{}");
    assert!(!env.path("back/index.html").exists());
    // --fsync (durable downloads) takes the same paths, single file and folder.
    env.cos(&[
        "cp",
        "-r",
        &uri("web"),
        env.path("durable").to_str().unwrap(),
        "--fsync",
    ])
    .assert()
    .success();
    assert_eq!(read(&env.path("durable/index.html")), b"<html>");
    let one = env.path("one.css");
    env.cos(&[
        "cp",
        &uri("web/css/a.css"),
        one.to_str().unwrap(),
        "--fsync",
    ])
    .assert()
    .success();
    assert_eq!(read(&one), b"a{}");

    // COS → COS recursive copy, then rm -r of the source folder only.
    env.cos(&["cp", "-r", &uri("web/"), &uri("web2/")])
        .assert()
        .success();
    let o = env
        .cos(&["ls", &uri("web2/"), "-r", "--json"])
        .output()
        .unwrap();
    assert_eq!(json_lines(&o).len(), 2);
    env.cos(&["rm", "-r", &uri("web"), "--dry-run"])
        .assert()
        .success();
    assert_eq!(env.count("DeleteMultipleObjects"), 0);
    let o = env.cos(&["rm", "-r", &uri("web")]).output().unwrap();
    assert!(stdout(&o).contains("2 deleted, 0 failed"), "{}", stdout(&o));
    let o = env
        .cos(&["ls", &format!("cos://{BUCKET}"), "-r", "--json"])
        .output()
        .unwrap();
    assert!(
        json_lines(&o)
            .iter()
            .all(|v| v["key"].as_str().unwrap().starts_with("web2/"))
    );
    // rm -r of a whole bucket needs --yes without a terminal.
    env.cos(&["rm", "-r", &format!("cos://{BUCKET}")])
        .assert()
        .code(2);
    env.cos(&["rm", "-r", &format!("cos://{BUCKET}"), "--yes"])
        .assert()
        .success();
}

#[test]
fn download_refuses_keys_escaping_the_destination() {
    let env = Env::new();
    env.mb();
    let f = env.file("f", b"data");
    for k in ["d/ok.txt", "d/../escape.txt"] {
        env.cos(&["cp", f.to_str().unwrap(), &uri(k)])
            .assert()
            .success();
    }
    let dest = env.path("out/inner");
    let o = env
        .cos(&["cp", "-r", &uri("d/"), dest.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("escape.txt"), "{}", stderr(&o));
    assert_eq!(read(&dest.join("ok.txt")), b"data", "the rest continues");
    assert!(!env.path("out/escape.txt").exists());
    // sync refuses it the same way.
    let dest = env.path("sync/inner");
    let o = env
        .cos(&["sync", &uri("d/"), dest.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("escape.txt"), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 transferred, 0 unchanged, 1 failed"));
    assert_eq!(read(&dest.join("ok.txt")), b"data", "the rest continues");
    assert!(!env.path("sync/escape.txt").exists());
}

#[test]
fn sync_twice_transfers_nothing_the_second_time() {
    let env = Env::new();
    env.mb();
    for i in 0..5 {
        env.file(&format!("s/f{i}.txt"), format!("file {i}").as_bytes());
    }
    let src = env.path("s");
    let s = src.to_str().unwrap();
    // A dry run changes nothing.
    let o = env
        .cos(&["sync", s, &uri("p/"), "--dry-run"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("would upload"), "{}", stdout(&o));
    assert_eq!(env.count("PutObject"), 0);

    env.cos(&["sync", s, &uri("p/")]).assert().success();
    assert_eq!(env.count("PutObject"), 5);
    env.emu.clear_requests();
    let o = env.cos(&["sync", s, &uri("p/")]).output().unwrap();
    assert!(
        stdout(&o).contains("0 transferred, 5 unchanged"),
        "{}",
        stdout(&o)
    );
    let ops: Vec<String> = env.requests().into_iter().map(|r| r.operation).collect();
    // Only the listing: no upload, and no HEAD either (CRCs cached by ETag).
    assert_eq!(ops, vec!["ListObjects".to_owned()], "{ops:?}");

    // A changed file (same size) goes up; --delete removes what the folder lost.
    env.file("s/f1.txt", b"FILE 1");
    std::fs::remove_file(src.join("f4.txt")).unwrap();
    env.emu.clear_requests();
    env.cos(&["sync", s, &uri("p/"), "--delete"])
        .assert()
        .success();
    assert_eq!(env.count("PutObject"), 1);
    let o = env.cos(&["ls", &uri("p/"), "--json"]).output().unwrap();
    assert_eq!(json_lines(&o).len(), 4);

    // Down: into an empty folder, then again with nothing to do.
    let back = env.path("back");
    env.cos(&["sync", &uri("p/"), back.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(read(&back.join("f1.txt")), b"FILE 1");
    env.emu.clear_requests();
    let o = env
        .cos(&["sync", &uri("p/"), back.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("0 transferred, 4 unchanged"),
        "{}",
        stdout(&o)
    );
    assert_eq!(env.count("GetObject"), 0);
}

#[test]
fn killed_cp_resumes_from_its_checkpoint() {
    let env = Env::new();
    env.mb();
    let body = data(8 << 20, 3);
    let src = env.file("big.bin", &body);
    let ck = env.path("ck");
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "cp",
            src.to_str().unwrap(),
            &uri("big.bin"),
            "--part-size",
            "1M",
            "--concurrency",
            "1",
            "--checkpoint-dir",
            ck.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    // Slow parts, so the process is surely killed midway.
    env.emu
        .add_fault(cos_emulator::FaultRule::parse("latency-ms=400,op=UploadPart").unwrap());
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cos"))
        .args(args(&["--endpoint", &env.endpoint()]))
        .envs(env.env_pairs())
        .env_remove("COS_ENDPOINT")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while env
        .requests()
        .iter()
        .filter(|r| r.operation == "UploadPart" && r.status == 200)
        .count()
        < 3
    {
        assert!(Instant::now() < deadline, "no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(1200)); // a checkpoint write falls in here
    child.kill().unwrap();
    child.wait().unwrap();
    env.emu.clear_faults();
    let before = env
        .requests()
        .iter()
        .filter(|r| r.operation == "UploadPart" && r.status == 200)
        .count();
    assert!(before < 8, "killed after {before} parts");
    env.emu.clear_requests();

    let a = args(&[]);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let o = env.cos(&a).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        env.count("InitiateMultipartUpload"),
        0,
        "the same upload went on"
    );
    assert!(
        env.count("UploadPart") <= 8 - before + 1,
        "only missing parts sent"
    );
    let o = env.cos(&["cat", &uri("big.bin")]).output().unwrap();
    assert!(o.stdout == body, "resumed object differs");
}

/// Plain, and with client-side encryption (the encrypted engines take the same cancel
/// handle).
#[test]
fn ctrl_c_stops_cleanly_and_aborts_a_non_resumable_upload() {
    let env = Env::new();
    env.mb();
    let src = env.file("big.bin", &data(6 << 20, 5));
    let aes_key =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keys/aes_master.b64");
    for (round, cse) in [false, true].into_iter().enumerate() {
        env.emu
            .add_fault(cos_emulator::FaultRule::parse("latency-ms=400,op=UploadPart").unwrap());
        let parts_before = env.count("UploadPart");
        let mut args = vec![
            "cp".to_owned(),
            src.display().to_string(),
            uri(&format!("big-{round}.bin")),
            "--part-size".into(),
            "1M".into(),
            "--concurrency".into(),
            "1".into(),
        ];
        if cse {
            args.extend(["--cse-aes-key-file".into(), aes_key.display().to_string()]);
        }
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cos"))
            .args(&args)
            .args(["--endpoint", &env.endpoint()])
            .envs(env.env_pairs())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while env
            .requests()
            .iter()
            .filter(|r| r.operation == "UploadPart")
            .count()
            <= parts_before
        {
            assert!(Instant::now() < deadline, "no progress (cse: {cse})");
            std::thread::sleep(Duration::from_millis(20));
        }
        let kill = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(1), "cse {cse}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("interrupted") && err.contains("cancelled"),
            "cse {cse}: {err}"
        );
        env.emu.clear_faults();
        assert_eq!(
            env.count("AbortMultipartUpload"),
            round + 1,
            "no upload left behind (cse: {cse})"
        );
        assert_eq!(env.count("CompleteMultipartUpload"), 0);
    }
}

#[test]
fn killed_download_resumes_from_its_checkpoint() {
    let env = Env::new();
    env.mb();
    let body = data(8 << 20, 9);
    let src = env.file("big.bin", &body);
    env.cos(&["cp", src.to_str().unwrap(), &uri("big.bin")])
        .assert()
        .success();
    let dest = env.path("out.bin");
    let ck = env.path("ck");
    let args: Vec<String> = [
        "cp",
        &uri("big.bin"),
        dest.to_str().unwrap(),
        "--part-size",
        "1M",
        "--concurrency",
        "1",
        "--checkpoint-dir",
        ck.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    env.emu
        .add_fault(cos_emulator::FaultRule::parse("latency-ms=400,op=GetObject").unwrap());
    env.emu.clear_requests();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cos"))
        .args(&args)
        .args(["--endpoint", &env.endpoint()])
        .envs(env.env_pairs())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let ranges = |env: &Env| {
        env.requests()
            .iter()
            .filter(|r| r.operation == "GetObject" && r.status == 206)
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while ranges(&env) < 3 {
        assert!(Instant::now() < deadline, "no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(1200)); // a checkpoint write falls in here
    child.kill().unwrap();
    child.wait().unwrap();
    env.emu.clear_faults();
    let before = ranges(&env);
    assert!(before < 8, "killed after {before} ranges");
    assert!(!dest.exists(), "no partial file at the destination");
    env.emu.clear_requests();
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = env.cos(&a).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // The checkpoint (written at most once a second) recorded at least the first three
    // ranges; those are not fetched again.
    let again = env.count("GetObject");
    assert!(
        again <= 8 - 3,
        "fetched {again} ranges again (killed after {before})"
    );
    assert!(read(&dest) == body, "resumed file differs");
}

#[test]
fn sync_keeps_checkpoints_and_a_rerun_continues_the_upload() {
    let env = Env::new();
    env.mb();
    let body = data(3 << 20, 4);
    env.file("s/big.bin", &body);
    let (s, ck) = (env.path("s"), env.path("ck"));
    let args = [
        "sync",
        s.to_str().unwrap(),
        &uri("p/"),
        "--part-size",
        "1M",
        "--checkpoint-dir",
        ck.to_str().unwrap(),
    ];
    env.emu.add_fault(
        cos_emulator::FaultRule::parse("status=403,op=CompleteMultipartUpload").unwrap(),
    );
    let o = env.cos(&args).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("big.bin") && stderr(&o).contains("AccessDenied"),
        "{}",
        stderr(&o)
    );
    let kept: Vec<_> = std::fs::read_dir(&ck)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    env.emu.clear_faults();
    env.emu.clear_requests();
    let o = env.cos(&args).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        env.count("InitiateMultipartUpload"),
        0,
        "the same upload went on"
    );
    assert_eq!(env.count("UploadPart"), 0, "every part was already there");
    let o = env.cos(&["cat", &uri("p/big.bin")]).output().unwrap();
    assert!(o.stdout == body);
}
