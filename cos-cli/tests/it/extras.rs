//! `cos select`, the client-side encryption flags of `cp`, and `cos config`.

use crate::common::*;

const PEOPLE: &str = "name,age,city\nalice,34,Shanghai\nbob,25,Beijing\ncarol,41,Guangzhou\n";

#[test]
fn select_filters_a_csv_object_with_a_header() {
    let env = Env::new();
    env.mb();
    let src = env.file("people.csv", PEOPLE.as_bytes());
    env.cos(&["cp", src.to_str().unwrap(), &uri("people.csv")])
        .assert()
        .success();
    let o = env
        .cos(&[
            "select",
            &uri("people.csv"),
            "--input",
            "csv",
            "--csv-header",
            "use",
            "--sql",
            "select name, city from COSObject where cast(age as int) > 30",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "alice,Shanghai\ncarol,Guangzhou\n");
    assert_eq!(env.count("SelectObjectContent"), 1);

    // JSON output of the same query.
    let o = env
        .cos(&[
            "select",
            &uri("people.csv"),
            "--input",
            "csv",
            "--csv-header",
            "use",
            "--output",
            "json",
            "--sql",
            "select name from COSObject where city = 'Beijing'",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json_lines(&o), vec![serde_json::json!({"name": "bob"})]);

    // An object written with SSE-C is queried with its key: the SSE-C headers go with
    // the request (the emulator's log keeps the key's MD5, never the key).
    use base64::Engine as _;
    let key = [4u8; 32];
    let kf = env.file("ssec.key", &key);
    let kf = kf.to_str().unwrap();
    env.cos(&[
        "cp",
        src.to_str().unwrap(),
        &uri("c.csv"),
        "--sse-c-key-file",
        kf,
    ])
    .assert()
    .success();
    env.emu.clear_requests();
    let o = env
        .cos(&[
            "select",
            &uri("c.csv"),
            "--input",
            "csv",
            "--csv-header",
            "use",
        ])
        .args([
            "--sql",
            "select name from COSObject",
            "--sse-c-key-file",
            kf,
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "alice\nbob\ncarol\n");
    let md5 = {
        use md5::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(key))
    };
    let sent = env
        .requests()
        .into_iter()
        .filter(|r| r.operation == "SelectObjectContent")
        .flat_map(|r| r.headers)
        .find(|(k, _)| k.eq_ignore_ascii_case("x-cos-server-side-encryption-customer-key-md5"))
        .map(|(_, v)| v);
    assert_eq!(sent.as_deref(), Some(md5.as_str()));
}

#[test]
fn select_with_bad_sql_exits_1_with_the_cos_code() {
    let env = Env::new();
    env.mb();
    let src = env.file("people.csv", PEOPLE.as_bytes());
    env.cos(&["cp", src.to_str().unwrap(), &uri("people.csv")])
        .assert()
        .success();
    let o = env
        .cos(&[
            "select",
            &uri("people.csv"),
            "--input",
            "csv",
            "--sql",
            "select * from",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ParseUnexpectedToken"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
}

fn aes_key_file(env: &Env, name: &str, seed: u8) -> String {
    use base64::Engine as _;
    let text = base64::engine::general_purpose::STANDARD.encode(data(32, seed));
    env.file(name, text.as_bytes()).display().to_string()
}

#[test]
fn cse_round_trip_stores_ciphertext_and_a_wrong_key_leaves_no_file() {
    let env = Env::new();
    env.mb();
    let key = aes_key_file(&env, "keys/aes.pem", 7);
    let other = aes_key_file(&env, "keys/other.pem", 9);
    let plain = data(300_000, 3);
    let src = env.file("secret.bin", &plain);
    env.cos(&[
        "cp",
        src.to_str().unwrap(),
        &uri("secret.bin"),
        "--cse-aes-key-file",
        &key,
    ])
    .assert()
    .success();

    // The stored object is the ciphertext, with the Python SDK's envelope metadata.
    let raw = env.cos(&["cat", &uri("secret.bin")]).output().unwrap();
    assert!(raw.status.success(), "{}", stderr(&raw));
    assert_eq!(raw.stdout.len(), plain.len());
    assert_ne!(raw.stdout, plain);
    let stat = env
        .cos(&["stat", &uri("secret.bin"), "--json"])
        .output()
        .unwrap();
    let meta = &json_lines(&stat)[0]["metadata"];
    assert!(meta.get("client-side-encryption-key").is_some(), "{meta}");

    // Round trip with the right key.
    let back = env.path("out/back.bin");
    std::fs::create_dir_all(back.parent().unwrap()).unwrap();
    env.cos(&[
        "cp",
        &uri("secret.bin"),
        back.to_str().unwrap(),
        "--cse-aes-key-file",
        &key,
    ])
    .assert()
    .success();
    assert_eq!(read(&back), plain);

    // Another key: exit 1, nothing written (not even a temporary file).
    let wrong = env.path("wrong/w.bin");
    std::fs::create_dir_all(wrong.parent().unwrap()).unwrap();
    let o = env
        .cos(&[
            "cp",
            &uri("secret.bin"),
            wrong.to_str().unwrap(),
            "--cse-aes-key-file",
            &other,
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!wrong.exists());
    assert_eq!(
        std::fs::read_dir(wrong.parent().unwrap()).unwrap().count(),
        0
    );

    // A key file that is not a key: usage error before any request.
    let bad = env.file("keys/bad.pem", b"not a key");
    let before = env.requests().len();
    let o = env
        .cos(&[
            "cp",
            src.to_str().unwrap(),
            &uri("x.bin"),
            "--cse-aes-key-file",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(env.requests().len(), before);
}

const CORS: &str = "<CORSConfiguration><CORSRule><ID>r1</ID>\
<AllowedOrigin>https://www.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>\
<AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader>\
<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>";

const WEBSITE: &str = "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix>\
</IndexDocument><ErrorDocument><Key>404.html</Key></ErrorDocument></WebsiteConfiguration>";

/// put, get (XML and JSON), delete, then get → exit 1 with `code`.
fn round_trip(env: &Env, family: &str, xml: &str, expect: &[&str], code: &str) {
    let bucket = format!("cos://{BUCKET}");
    let file = env.file(&format!("{family}.xml"), xml.as_bytes());
    env.cos(&[
        "config",
        "put",
        family,
        &bucket,
        "--file",
        file.to_str().unwrap(),
    ])
    .assert()
    .success();
    let o = env
        .cos(&["config", "get", family, &bucket])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let got = stdout(&o);
    for want in expect {
        assert!(got.contains(want), "{family}: {want} not in {got}");
    }
    // What get prints is a document put takes back.
    let again = env.file(&format!("{family}-again.xml"), got.as_bytes());
    env.cos(&[
        "config",
        "put",
        family,
        &bucket,
        "--file",
        again.to_str().unwrap(),
    ])
    .assert()
    .success();
    let o = env
        .cos(&["config", "get", family, &bucket, "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json_lines(&o).len(), 1);
    env.cos(&["config", "delete", family, &bucket])
        .assert()
        .success();
    let o = env
        .cos(&["config", "get", family, &bucket])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(code), "{}", stderr(&o));
}

#[test]
fn config_put_get_delete_cors_and_website() {
    let env = Env::new();
    env.mb();
    round_trip(
        &env,
        "cors",
        CORS,
        &[
            "<AllowedOrigin>https://www.example.com</AllowedOrigin>",
            "<AllowedMethod>PUT</AllowedMethod>",
            "<MaxAgeSeconds>600</MaxAgeSeconds>",
        ],
        "NoSuchCORSConfiguration",
    );
    round_trip(
        &env,
        "website",
        WEBSITE,
        &["<Suffix>index.html</Suffix>", "<Key>404.html</Key>"],
        "NoSuchWebsiteConfiguration",
    );
    assert_eq!(env.count("PutBucketCors"), 2);
    assert_eq!(env.count("DeleteBucketWebsite"), 1);
}

#[test]
fn config_put_get_delete_tagging_lifecycle_and_referer() {
    let env = Env::new();
    env.mb();
    round_trip(
        &env,
        "tagging",
        "<Tagging><TagSet><Tag><Key>team</Key><Value>storage</Value></Tag></TagSet></Tagging>",
        &["<Key>team</Key>", "<Value>storage</Value>"],
        "NoSuchTagSet",
    );
    round_trip(
        &env,
        "lifecycle",
        "<LifecycleConfiguration><Rule><ID>expire-logs</ID><Filter><Prefix>logs/</Prefix>\
</Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>\
</LifecycleConfiguration>",
        &["<ID>expire-logs</ID>", "<Days>30</Days>"],
        "NoSuchLifecycleConfiguration",
    );
    round_trip(
        &env,
        "referer",
        "<RefererConfiguration><Status>Enabled</Status><RefererType>White-List</RefererType>\
<DomainList><Domain>*.example.com</Domain></DomainList></RefererConfiguration>",
        &["<Domain>*.example.com</Domain>", "White-List"],
        "NoSuchRefererConfiguration",
    );
    assert_eq!(env.count("PutBucketTagging"), 2);
    assert_eq!(env.count("DeleteBucketLifecycle"), 1);
}

#[test]
fn config_rejects_unknown_families_and_bad_files_before_any_request() {
    let env = Env::new();
    env.mb();
    let bucket = format!("cos://{BUCKET}");
    let before = env.requests().len();
    let o = env
        .cos(&["config", "get", "nosuchfamily", &bucket])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    for name in [
        "cors",
        "website",
        "lifecycle",
        "intelligent-tiering",
        "response-control",
    ] {
        assert!(stderr(&o).contains(name), "{name}: {}", stderr(&o));
    }
    let bad = env.file("bad.xml", b"<CORSConfiguration><CORSRule>");
    let o = env
        .cos(&[
            "config",
            "put",
            "cors",
            &bucket,
            "--file",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = env
        .cos(&["config", "delete", "logging", &bucket])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(env.requests().len(), before);
}

#[test]
fn cse_rsa_key_files_round_trip_and_help_lists_the_new_commands() {
    let env = Env::new();
    env.mb();
    let keys = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
    let (public, private) = (keys.join("rsa_public.pem"), keys.join("rsa_private.pem"));
    let rsa = [
        "--cse-rsa-public-key",
        public.to_str().unwrap(),
        "--cse-rsa-private-key",
        private.to_str().unwrap(),
    ];
    let plain = data(70_000, 5);
    let src = env.file("rsa.bin", &plain);
    let mut up = env.cos(&["cp", src.to_str().unwrap(), &uri("rsa.bin")]);
    up.args(rsa).assert().success();
    let raw = env.cos(&["cat", &uri("rsa.bin")]).output().unwrap();
    assert!(raw.status.success(), "{}", stderr(&raw));
    assert_ne!(raw.stdout, plain);
    let back = env.path("rsa-back.bin");
    let mut down = env.cos(&["cp", &uri("rsa.bin"), back.to_str().unwrap()]);
    down.args(rsa).assert().success();
    assert_eq!(read(&back), plain);

    // The public key alone is a usage error (clap: --cse-rsa-private-key required).
    let o = env
        .cos(&["cp", src.to_str().unwrap(), &uri("x"), rsa[0], rsa[1]])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    let help = env.cos(&["--help"]).output().unwrap();
    for cmd in ["select", "config"] {
        assert!(stdout(&help).contains(cmd), "{}", stdout(&help));
    }
    let cp_help = env.cos(&["cp", "--help"]).output().unwrap();
    assert!(stdout(&cp_help).contains("--cse-aes-key-file"));
}

/// `cos cp - cos://…`: standard input of unknown length as one object (one PUT when
/// small, multipart when larger than a part), byte for byte; misuses are usage errors
/// before any request.
#[test]
fn cp_from_standard_input_uploads_one_object() {
    let env = Env::new();
    env.mb();
    let small = data(100_000, 3);
    let o = env
        .cos(&["cp", "-", &uri("in/small.bin")])
        .write_stdin(small.clone())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("standard input"), "{}", stdout(&o));
    assert_eq!(env.count("PutObject"), 1);
    let large = data(3 * 1024 * 1024 + 4321, 4);
    let o = env
        .cos(&[
            "cp",
            "-",
            &uri("in/large.bin"),
            "--part-size",
            "1M",
            "--json",
        ])
        .write_stdin(large.clone())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v = &json_lines(&o)[0];
    assert_eq!(
        (v["size"].as_u64(), v["multipart"].as_bool()),
        (Some(large.len() as u64), Some(true))
    );
    assert_eq!(env.count("InitiateMultipartUpload"), 1);
    assert_eq!(env.count("UploadPart"), 4);
    for (key, want) in [("in/small.bin", &small), ("in/large.bin", &large)] {
        let o = env.cos(&["cat", &uri(key)]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(&o.stdout, want, "{key}");
    }
    let before = env.requests().len();
    for args in [
        vec!["cp", "-", &uri("in/")],
        vec!["mv", "-", &uri("in/x")],
        vec!["cp", "-r", "-", &uri("in/x")],
        vec!["cp", "-", "local.bin"],
        vec!["cp", &uri("in/small.bin"), "-"],
    ] {
        let o = env.cos(&args).write_stdin("data").output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(env.requests().len(), before);
}
