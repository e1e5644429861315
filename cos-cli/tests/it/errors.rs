//! Exit codes per failure class, error messages (COS code, request id, no secret),
//! multi-file commands going on past failures, profiles and --endpoint.

use crate::common::*;

#[test]
fn usage_errors_exit_2_before_any_request() {
    let env = Env::new();
    env.mb();
    env.emu.clear_requests();
    let f = env.file("f", b"x");
    let f = f.to_str().unwrap();
    env.file("dir/g", b"y");
    let d = env.path("dir");
    let d = d.to_str().unwrap();
    let aes = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/keys/aes_master.b64")
        .display()
        .to_string();
    for args in [
        vec!["cp", f],                          // missing DST
        vec!["ls", "s3://bucket/x"],            // not cos://
        vec!["stat", "cos://no_such_format/k"], // bad bucket name
        vec![
            "cp",
            f,
            "cos://examplebucket-1250000000/k",
            "--acl",
            "everyone",
        ],
        vec![
            "cp",
            f,
            "cos://examplebucket-1250000000/k",
            "--meta",
            "novalue",
        ],
        vec![
            "cp",
            f,
            "cos://examplebucket-1250000000/k",
            "--part-size",
            "12Q",
        ],
        vec![
            "cp",
            f,
            "cos://examplebucket-1250000000/k",
            "--include",
            "a[b",
        ],
        vec![
            "cp",
            f,
            "cos://examplebucket-1250000000/k",
            "--part-size",
            "512K", // below COS's 1 MiB parts
        ],
        // Client-side encryption: parts of whole AES blocks, no COS→COS copy.
        vec![
            "sync",
            d,
            "cos://examplebucket-1250000000/p/",
            "--part-size",
            "1048577",
            "--cse-aes-key-file",
            &aes,
        ],
        vec![
            "cp",
            "cos://examplebucket-1250000000/a",
            "cos://examplebucket-1250000000/b",
            "--cse-aes-key-file",
            &aes,
        ],
        vec![
            "cp",
            d,
            "cos://examplebucket-1250000000/p/",
            "--cse-aes-key-file",
            &aes,
        ], // no -r
        vec!["cp", f, f],                                // two local paths
        vec!["stat", "cos://examplebucket-1250000000/"], // a bucket, not an object
        vec!["frobnicate"],
    ] {
        let o = env.cos(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty());
    }
    assert!(env.requests().is_empty(), "{:?}", env.requests());
    // A profile that does not exist is a usage error too.
    env.cos(&["ls", "--profile", "nope"]).assert().code(2);
}

#[test]
fn failures_exit_1_with_code_and_request_id_never_a_secret() {
    let env = Env::new();
    env.mb();
    let o = env.cos(&["stat", &uri("missing")]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let o = env.cos(&["cat", &uri("missing")]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("NoSuchKey") && err.contains("request id"),
        "{err}"
    );
    // Wrong credentials: the service's code, and no secret printed.
    let o = env
        .cos(&["ls", &format!("cos://{BUCKET}")])
        .env("COS_SECRET_KEY", "WRONGSECRETVALUE")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("SignatureDoesNotMatch") || err.contains("AccessDenied"),
        "{err}"
    );
    assert!(!err.contains("WRONGSECRETVALUE") && !stdout(&o).contains("WRONGSECRETVALUE"));
    // A missing bucket.
    let o = env
        .cos(&["ls", "cos://nobucket-1250000000"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("NoSuchBucket"), "{}", stderr(&o));
    // A local file that is not there: exit 1, naming it.
    let o = env
        .cos(&["cp", env.path("absent.txt").to_str().unwrap(), &uri("k")])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("absent.txt"), "{}", stderr(&o));
    // No service listening: exit 1 with the connection error.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = assert_cmd::Command::cargo_bin("cos").unwrap();
    for (k, v) in env.env_pairs() {
        c.env(k, v);
    }
    let o = c
        .args(["ls", &format!("cos://{BUCKET}")])
        .args(["--endpoint", &format!("http://127.0.0.1:{port}")])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("connect"), "{}", stderr(&o));
}

#[test]
fn multi_file_commands_go_on_and_report_every_failure() {
    let env = Env::new();
    env.mb();
    for n in ["a.txt", "bad1.txt", "c.txt", "bad2.txt"] {
        env.file(&format!("d/{n}"), n.as_bytes());
    }
    env.emu
        .add_fault(cos_emulator::FaultRule::parse("status=403,op=PutObject,key=*bad*").unwrap());
    let o = env
        .cos(&["cp", "-r", env.path("d").to_str().unwrap(), &uri("x/")])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("bad1.txt") && err.contains("bad2.txt") && err.contains("AccessDenied"),
        "{err}"
    );
    assert!(
        stdout(&o).contains("2 transferred, 0 unchanged, 2 failed"),
        "{}",
        stdout(&o)
    );
    env.cos(&["stat", &uri("x/a.txt")]).assert().success();
    env.cos(&["stat", &uri("x/c.txt")]).assert().success();
}

#[test]
fn profiles_and_endpoint_from_the_config_file() {
    let env = Env::new();
    let cfg = env.file(
        "home/.cos/config.toml",
        format!(
            "[default]\nregion = \"ap-beijing\"\n\n[emu]\nregion = \"ap-guangzhou\"\nendpoint = \"{}\"\nsecret_id = \"AKIDEXAMPLE\"\nsecret_key = \"SECRETKEYEXAMPLE\"\n",
            env.endpoint()
        )
        .as_bytes(),
    );
    assert!(cfg.exists());
    // No --endpoint, no credentials in the environment: all from the profile.
    let mut c = assert_cmd::Command::cargo_bin("cos").unwrap();
    c.envs(env.env_pairs())
        .env_remove("COS_SECRET_ID")
        .env_remove("COS_SECRET_KEY")
        .env_remove("COS_REGION")
        .args(["--profile", "emu", "mb", &format!("cos://{BUCKET}")]);
    c.assert().success();
    let r = &env.requests()[0];
    assert_eq!(r.operation, "PutBucket");
    assert_eq!(
        r.path,
        format!("/{BUCKET}/"),
        "path-style for an IP endpoint"
    );
    // A malformed config file is a usage error.
    env.file("home/.cos/config.toml", b"[default\n");
    env.cos(&["ls"]).assert().code(2);
}
