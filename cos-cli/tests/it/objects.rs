//! Single-object commands: mb, cp (up, down, COS→COS), cat, stat, presign, mv, rm,
//! du, abort, rb.

use crate::common::*;

#[test]
fn object_commands_round_trip() {
    let env = Env::new();
    env.mb();
    let body = data(100_000, 7);
    let src = env.file("up/hello.bin", &body);

    // cp local → COS with object options; stat shows them.
    let o = env
        .cos(&[
            "cp",
            src.to_str().unwrap(),
            &uri("dir/"),
            "--content-type",
            "application/x-test",
            "--meta",
            "owner=alice",
            "--storage-class",
            "STANDARD_IA",
            "--sse",
            "AES256",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("dir/hello.bin"), "{}", stdout(&o));
    let put = env
        .requests()
        .into_iter()
        .find(|r| r.operation == "PutObject")
        .unwrap();
    let h = |n: &str| {
        put.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(h("x-cos-meta-owner").as_deref(), Some("alice"));
    assert_eq!(h("x-cos-storage-class").as_deref(), Some("STANDARD_IA"));
    assert_eq!(h("x-cos-server-side-encryption").as_deref(), Some("AES256"));
    assert_eq!(h("content-type").as_deref(), Some("application/x-test"));

    let o = env
        .cos(&["stat", &uri("dir/hello.bin"), "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v = &json_lines(&o)[0];
    assert_eq!(v["size"], 100_000);
    assert_eq!(v["content_type"], "application/x-test");
    assert_eq!(v["metadata"]["owner"], "alice");
    assert_eq!(v["crc64"], cos_crc64::checksum(&body).to_string());
    let o = env.cos(&["stat", &uri("dir/hello.bin")]).output().unwrap();
    assert!(
        stdout(&o).contains("Size:           100000"),
        "{}",
        stdout(&o)
    );

    // cat writes the exact bytes.
    let o = env.cos(&["cat", &uri("dir/hello.bin")]).output().unwrap();
    assert!(o.status.success());
    assert_eq!(o.stdout, body);

    // cp COS → local (into a folder) and COS → COS.
    std::fs::create_dir_all(env.path("down")).unwrap();
    env.cos(&[
        "cp",
        &uri("dir/hello.bin"),
        env.path("down").to_str().unwrap(),
    ])
    .assert()
    .success();
    assert_eq!(read(&env.path("down/hello.bin")), body);
    env.cos(&["cp", &uri("dir/hello.bin"), &uri("copy/h.bin")])
        .assert()
        .success();
    assert_eq!(
        env.count("PutObjectCopy") + env.count("CopyObject"),
        1,
        "server-side copy"
    );
    let o = env.cos(&["cat", &uri("copy/h.bin")]).output().unwrap();
    assert_eq!(o.stdout, body);

    // mv: the source is gone, the destination has the bytes.
    env.cos(&["mv", &uri("copy/h.bin"), &uri("moved/h.bin")])
        .assert()
        .success();
    env.cos(&["stat", &uri("copy/h.bin")]).assert().code(1);
    env.cos(&["stat", &uri("moved/h.bin")]).assert().success();
}

#[test]
fn presign_du_and_rm() {
    let env = Env::new();
    env.mb();
    let body = data(100_000, 7);
    let src = env.file("up/hello.bin", &body);
    for k in ["dir/hello.bin", "moved/h.bin"] {
        env.cos(&["cp", src.to_str().unwrap(), &uri(k)])
            .assert()
            .success();
    }

    // presign: a GET URL for the bucket in the path, signed, that works.
    let o = env
        .cos(&["presign", &uri("dir/hello.bin"), "--expires", "600"])
        .output()
        .unwrap();
    let url = stdout(&o).trim().to_owned();
    assert!(
        url.starts_with(&format!("{}/{BUCKET}/dir/hello.bin?", env.endpoint())),
        "{url}"
    );
    let times = url
        .split("q-key-time=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let (start, end) = times.split_once("%3B").unwrap();
    assert!(
        end.parse::<u64>().unwrap() - start.parse::<u64>().unwrap() >= 600,
        "{url}"
    );
    // The URL works as is: a plain HTTP GET with no credentials reads the object.
    let path = url.strip_prefix(&env.endpoint()).unwrap();
    let mut conn = std::net::TcpStream::connect(env.emu.addr()).unwrap();
    use std::io::{Read, Write};
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        env.emu.addr()
    )
    .unwrap();
    let mut resp = Vec::new();
    conn.read_to_end(&mut resp).unwrap();
    assert!(
        resp.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&resp[..200.min(resp.len())])
    );
    assert!(resp.ends_with(&body[body.len() - 100..]));
    let o = env
        .cos(&[
            "presign",
            &uri("dir/hello.bin"),
            "--method",
            "PUT",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(json_lines(&o)[0]["method"], "PUT");

    // du counts everything under the prefix.
    let o = env
        .cos(&["du", &format!("cos://{BUCKET}"), "--json"])
        .output()
        .unwrap();
    let v = &json_lines(&o)[0];
    assert_eq!(
        (v["objects"].as_u64(), v["bytes"].as_u64()),
        (Some(2), Some(200_000))
    );

    // rm one key; rm --dry-run deletes nothing.
    env.cos(&["rm", &uri("moved/h.bin"), "--dry-run"])
        .assert()
        .success();
    env.cos(&["stat", &uri("moved/h.bin")]).assert().success();
    env.cos(&["rm", &uri("moved/h.bin")]).assert().success();
    env.cos(&["stat", &uri("moved/h.bin")]).assert().code(1);
}

#[test]
fn abort_and_forced_rb_empty_the_bucket() {
    let env = Env::new();
    env.mb();
    let src = env.file("f.txt", b"x");
    env.cos(&["cp", src.to_str().unwrap(), &uri("a/f.txt")])
        .assert()
        .success();
    // An unfinished multipart upload, started by a cp that is refused its completion.
    env.emu.add_fault(
        cos_emulator::FaultRule::parse("status=403,op=CompleteMultipartUpload").unwrap(),
    );
    let big = env.file("big.bin", &data(3 << 20, 1));
    let ck = env.path("ck");
    let ck = ck.to_str().unwrap();
    let o = env
        .cos(&[
            "cp",
            big.to_str().unwrap(),
            &uri("big.bin"),
            "--part-size",
            "1M",
            "--checkpoint-dir",
            ck,
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    env.emu.clear_faults();
    assert!(env.count("InitiateMultipartUpload") >= 1);

    // abort --json lists the upload it aborted.
    let o = env
        .cos(&["abort", &format!("cos://{BUCKET}/big"), "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = json_lines(&o);
    assert!(
        lines
            .iter()
            .any(|v| v["status"] == "aborted" && v["key"] == "big.bin"),
        "{lines:?}"
    );

    // rb without --force on a non-empty bucket fails with the COS code.
    let o = env
        .cos(&["rb", &format!("cos://{BUCKET}")])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("BucketNotEmpty"), "{}", stderr(&o));
    // --force without a terminal and without --yes is refused (usage), nothing deleted.
    let o = env
        .cos(&["rb", &format!("cos://{BUCKET}"), "--force"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--yes"));
    env.cos(&["stat", &uri("a/f.txt")]).assert().success();
    // With --yes: emptied (objects and unfinished uploads), then removed.
    env.emu.add_fault(
        cos_emulator::FaultRule::parse("status=403,op=CompleteMultipartUpload").unwrap(),
    );
    env.cos(&[
        "cp",
        big.to_str().unwrap(),
        &uri("big2.bin"),
        "--part-size",
        "1M",
        "--checkpoint-dir",
        ck,
    ])
    .assert()
    .code(1);
    env.emu.clear_faults();
    let o = env
        .cos(&["rb", &format!("cos://{BUCKET}"), "--force", "--yes"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("uploads aborted, 0 failed") && stdout(&o).contains("removed bucket"),
        "{}",
        stdout(&o)
    );
    let o = env.cos(&["ls", "--json"]).output().unwrap();
    assert!(json_lines(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn versions_are_listed_and_removed_with_all_versions() {
    let env = Env::new();
    env.mb();
    let client = env.client();
    let bucket = cos_core::BucketName::new(BUCKET).unwrap();
    env.rt
        .block_on(
            client
                .put_bucket_versioning(&bucket, cos_xml::VersioningStatus::Enabled)
                .send(),
        )
        .unwrap();
    for body in [&b"one"[..], b"two!"] {
        let f = env.file("v.txt", body);
        env.cos(&["cp", f.to_str().unwrap(), &uri("v.txt")])
            .assert()
            .success();
    }
    let o = env
        .cos(&["ls", &uri("v.txt"), "--versions", "--json"])
        .output()
        .unwrap();
    let v = json_lines(&o);
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!(v.iter().filter(|e| e["latest"] == true).count(), 1);
    // A plain rm adds a delete marker; --all-versions --dry-run deletes nothing.
    env.cos(&["rm", &uri("v.txt")]).assert().success();
    let o = env
        .cos(&["ls", &uri("v.txt"), "--versions", "--json"])
        .output()
        .unwrap();
    let v = json_lines(&o);
    assert_eq!(
        v.iter().filter(|e| e["delete_marker"] == true).count(),
        1,
        "{v:?}"
    );
    env.cos(&["rm", &uri("v.txt"), "--all-versions", "--dry-run"])
        .assert()
        .success();
    assert_eq!(env.count("DeleteObject"), 1);
    let o = env
        .cos(&["rm", &uri("v.txt"), "--all-versions", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 4, "three versions and the summary");
    assert_eq!(lines[3]["summary"]["deleted"], 3, "{lines:?}");
    let o = env
        .cos(&["ls", &uri("v.txt"), "--versions", "--json"])
        .output()
        .unwrap();
    assert!(json_lines(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn mv_local_to_cos_and_back_removes_the_source() {
    let env = Env::new();
    env.mb();
    let f = env.file("m/a.txt", b"move me");
    env.cos(&["mv", f.to_str().unwrap(), &uri("m/")])
        .assert()
        .success();
    assert!(!f.exists());
    let back = env.path("back.txt");
    env.cos(&["mv", &uri("m/a.txt"), back.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(read(&back), b"move me");
    env.cos(&["stat", &uri("m/a.txt")]).assert().code(1);
}

#[test]
fn sse_c_key_is_sent_with_writes_and_reads_and_never_printed() {
    use base64::Engine as _;
    let env = Env::new();
    env.mb();
    let key = [9u8; 32];
    let b64 = base64::engine::general_purpose::STANDARD.encode(key);
    let key_file = env.file("key.b64", b64.as_bytes());
    let kf = key_file.to_str().unwrap();
    let f = env.file("s.txt", b"secret data");
    let o = env
        .cos(&[
            "cp",
            f.to_str().unwrap(),
            &uri("s.txt"),
            "--sse-c-key-file",
            kf,
        ])
        .output()
        .unwrap();
    let header = |op: &str| {
        env.requests()
            .into_iter()
            .filter(|r| r.operation == op)
            .flat_map(|r| r.headers)
            .find(|(k, _)| k.eq_ignore_ascii_case("x-cos-server-side-encryption-customer-key-md5"))
            .map(|(_, v)| v)
    };
    // The emulator's request log redacts the key itself; its MD5 proves which key was
    // sent.
    let md5 = {
        use md5::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(key))
    };
    assert_eq!(
        header("PutObject").as_deref(),
        Some(md5.as_str()),
        "{}",
        stderr(&o)
    );
    let dest = env.path("s.out");
    let o = env
        .cos(&[
            "cp",
            &uri("s.txt"),
            dest.to_str().unwrap(),
            "--sse-c-key-file",
            kf,
        ])
        .output()
        .unwrap();
    assert_eq!(
        header("GetObject").as_deref(),
        Some(md5.as_str()),
        "{}",
        stderr(&o)
    );
    for out in [stdout(&o), stderr(&o)] {
        assert!(!out.contains(&b64), "{out}");
    }
    // cat and stat read with the key; without it COS refuses (exit 1).
    let o = env
        .cos(&["cat", &uri("s.txt"), "--sse-c-key-file", kf])
        .output()
        .unwrap();
    assert_eq!(o.stdout, b"secret data", "{}", stderr(&o));
    env.emu.clear_requests();
    let o = env
        .cos(&["--json", "stat", &uri("s.txt"), "--sse-c-key-file", kf])
        .output()
        .unwrap();
    assert_eq!(json_lines(&o)[0]["size"], 11, "{}", stderr(&o));
    assert_eq!(header("HeadObject").as_deref(), Some(md5.as_str()));
    env.cos(&["stat", &uri("s.txt")]).assert().code(1);
    env.cos(&["cat", &uri("s.txt")]).assert().code(1);
    // A copy on the service reads the source with the key (and writes with it).
    env.cos(&["cp", &uri("s.txt"), &uri("s2.txt"), "--sse-c-key-file", kf])
        .assert()
        .success();
    let o = env
        .cos(&["cat", &uri("s2.txt"), "--sse-c-key-file", kf])
        .output()
        .unwrap();
    assert_eq!(o.stdout, b"secret data", "{}", stderr(&o));
    // A key of the wrong length is a usage error, before any request.
    let short = env.file("short.key", b"c2hvcnQ=");
    env.emu.clear_requests();
    env.cos(&[
        "cp",
        f.to_str().unwrap(),
        &uri("t.txt"),
        "--sse-c-key-file",
        short.to_str().unwrap(),
    ])
    .assert()
    .code(2);
    assert!(env.requests().is_empty());
}

#[test]
fn mb_maz_and_reading_an_older_version() {
    let env = Env::new();
    env.mb();
    let client = env.client();
    let maz = "mazbucket-1250000000";
    env.cos(&["mb", &format!("cos://{maz}"), "--maz"])
        .assert()
        .success();
    let meta = |b: &str| {
        let b = cos_core::BucketName::new(b).unwrap();
        env.rt.block_on(client.get_bucket_meta(&b)).unwrap().maz
    };
    assert!(meta(maz));
    assert!(!meta(BUCKET));

    let bucket = cos_core::BucketName::new(BUCKET).unwrap();
    env.rt
        .block_on(
            client
                .put_bucket_versioning(&bucket, cos_xml::VersioningStatus::Enabled)
                .send(),
        )
        .unwrap();
    for body in [&b"one"[..], b"two!"] {
        let f = env.file("v.txt", body);
        env.cos(&["cp", f.to_str().unwrap(), &uri("v.txt")])
            .assert()
            .success();
    }
    let o = env
        .cos(&["ls", &uri("v.txt"), "--versions", "--json"])
        .output()
        .unwrap();
    let old = json_lines(&o)
        .into_iter()
        .find(|v| v["latest"] == false)
        .unwrap();
    let id = old["version_id"].as_str().unwrap();
    let o = env
        .cos(&["cat", &uri("v.txt"), "--version-id", id])
        .output()
        .unwrap();
    assert_eq!(o.stdout, b"one", "{}", stderr(&o));
    let o = env
        .cos(&["--json", "stat", &uri("v.txt"), "--version-id", id])
        .output()
        .unwrap();
    let s = &json_lines(&o)[0];
    assert_eq!(
        (s["size"].clone(), s["version_id"].clone()),
        (3.into(), id.into())
    );
    env.cos(&["cat", &uri("v.txt")]).assert().stdout("two!");
}
