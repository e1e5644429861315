//! `cos ls`: buckets, one level, recursive, long, versions, JSON lines.

use crate::common::*;

#[test]
fn ls_lists_buckets_levels_and_versions() {
    let env = Env::new();
    env.mb();
    for k in ["a/1.txt", "a/2.txt", "a/b/3.txt", "top.txt"] {
        let f = env.file("src.txt", k.as_bytes());
        env.cos(&["cp", f.to_str().unwrap(), &uri(k)])
            .assert()
            .success();
    }

    let o = env.cos(&["ls", "--json"]).output().unwrap();
    let buckets = json_lines(&o);
    assert_eq!(buckets.len(), 1);
    assert_eq!(buckets[0]["name"], BUCKET);

    // One level: the prefix a/ and top.txt.
    let o = env
        .cos(&["ls", &format!("cos://{BUCKET}")])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(
        out.contains("DIR  a/") && out.contains("top.txt") && !out.contains("3.txt"),
        "{out}"
    );

    // Recursive JSON: every key once, with its size, parsed back.
    let o = env
        .cos(&["ls", &format!("cos://{BUCKET}/a/"), "-r", "--json"])
        .output()
        .unwrap();
    let keys: Vec<(String, u64)> = json_lines(&o)
        .iter()
        .map(|v| {
            (
                v["key"].as_str().unwrap().to_owned(),
                v["size"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            ("a/1.txt".into(), 7),
            ("a/2.txt".into(), 7),
            ("a/b/3.txt".into(), 9)
        ]
    );

    // --long adds the storage class.
    let o = env
        .cos(&["ls", &format!("cos://{BUCKET}"), "-r", "--long"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("STANDARD"), "{}", stdout(&o));

    // --versions: the key's one version, marked latest.
    let o = env
        .cos(&["ls", &uri("top.txt"), "--versions", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_lines(&o);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0]["key"], "top.txt");
    assert_eq!(v[0]["latest"], true);
}

#[test]
fn ls_reads_page_after_page() {
    let env = Env::new();
    env.mb();
    // 1,001 keys: two pages of List Objects (1,000 keys a page).
    for i in 0..=1000 {
        env.file(&format!("many/{i}"), b"");
    }
    env.cos(&[
        "cp",
        "-r",
        env.path("many").to_str().unwrap(),
        &uri("m/"),
        "--quiet",
    ])
    .assert()
    .success();
    env.emu.clear_requests();
    let o = env
        .cos(&["ls", &uri("m/"), "-r", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json_lines(&o).len(), 1001);
    assert_eq!(env.count("ListObjects"), 2, "two pages");
}

#[test]
fn ls_stops_when_the_reader_goes_away() {
    let env = Env::new();
    env.mb();
    // Three pages.
    for i in 0..=2000 {
        env.file(&format!("many/{i}"), b"");
    }
    env.cos(&[
        "cp",
        "-r",
        env.path("many").to_str().unwrap(),
        &uri("m/"),
        "--quiet",
    ])
    .assert()
    .success();
    env.emu.clear_requests();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cos"))
        .args(["ls", &uri("m/"), "-r", "--endpoint", &env.endpoint()])
        .envs(env.env_pairs())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before the first line
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    // The first page, and at most the one fetched ahead while it is printed: never
    // the rest of the listing for nobody.
    let listed = env.count("ListObjects");
    assert!(
        (1..=2).contains(&listed),
        "{listed} pages listed for nobody"
    );
}
