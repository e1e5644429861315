//! The progress display: bars on a terminal (a real pseudo-terminal through
//! `script`), never in pipes, never with --no-progress.

use crate::common::*;

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Runs `cos ARGS` with stdin, stdout and stderr on a pseudo-terminal; the terminal's
/// whole output.
fn on_terminal(env: &Env, args: &[&str]) -> String {
    let mut cmd = String::new();
    for (k, v) in env.env_pairs() {
        cmd.push_str(&format!("{k}={} ", quote(&v)));
    }
    cmd.push_str(&quote(
        assert_cmd::cargo::cargo_bin("cos").to_str().unwrap(),
    ));
    for a in args.iter().copied().chain(["--endpoint", &env.endpoint()]) {
        cmd.push(' ');
        cmd.push_str(&quote(a));
    }
    let o = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("`script` (util-linux) runs commands on a pseudo-terminal");
    assert!(o.status.success(), "{}", stdout(&o));
    stdout(&o)
}

#[test]
fn bars_on_a_terminal_never_in_pipes() {
    let env = Env::new();
    env.mb();
    for i in 0..3 {
        env.file(&format!("d/f{i}"), &data(200_000, i));
    }
    // Slow uploads: the bar is drawn several times.
    env.emu
        .add_fault(cos_emulator::FaultRule::parse("latency-ms=500,op=PutObject").unwrap());
    let d = env.path("d");
    let tty = on_terminal(
        &env,
        &[
            "cp",
            "-r",
            d.to_str().unwrap(),
            &uri("t/"),
            "--concurrency",
            "1",
        ],
    );
    assert!(tty.contains("ETA") && tty.contains("files"), "{tty:?}");
    assert!(tty.contains("3 transferred"), "{tty:?}");

    // Pipes: the same command shows no bar.
    let o = env
        .cos(&[
            "cp",
            "-r",
            d.to_str().unwrap(),
            &uri("p/"),
            "--concurrency",
            "1",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        !stderr(&o).contains("ETA") && !stdout(&o).contains("ETA"),
        "{}",
        stderr(&o)
    );
    // A terminal with --no-progress: none either.
    let tty = on_terminal(
        &env,
        &["cp", "-r", d.to_str().unwrap(), &uri("q/"), "--no-progress"],
    );
    assert!(
        !tty.contains("ETA") && tty.contains("3 transferred"),
        "{tty:?}"
    );
    // --quiet on a terminal: neither bars nor the summary, only errors.
    let tty = on_terminal(
        &env,
        &["cp", "-r", d.to_str().unwrap(), &uri("r/"), "--quiet"],
    );
    assert!(
        !tty.contains("ETA") && !tty.contains("transferred"),
        "{tty:?}"
    );
    env.cos(&["stat", &uri("r/f2")]).assert().success();
}

#[test]
fn whole_bucket_rm_asks_on_a_terminal() {
    let env = Env::new();
    env.mb();
    let f = env.file("f", b"x");
    env.cos(&["cp", f.to_str().unwrap(), &uri("k")])
        .assert()
        .success();
    // Answer "n": nothing is deleted, exit 1.
    let cmd = |answer: &str| {
        let mut c = String::new();
        for (k, v) in env.env_pairs() {
            c.push_str(&format!("{k}={} ", quote(&v)));
        }
        format!(
            "echo {answer} | script -qec \"{} {} rm -r cos://{BUCKET} --endpoint {}\" /dev/null",
            c.replace('"', "\\\""),
            assert_cmd::cargo::cargo_bin("cos").display(),
            env.endpoint()
        )
    };
    let o = std::process::Command::new("sh")
        .args(["-c", &cmd("n")])
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("delete every object in bucket"),
        "{}",
        stdout(&o)
    );
    env.cos(&["stat", &uri("k")]).assert().success();
    let o = std::process::Command::new("sh")
        .args(["-c", &cmd("y")])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("1 deleted"), "{}", stdout(&o));
    env.cos(&["stat", &uri("k")]).assert().code(1);
}

#[test]
fn large_files_get_a_bar_of_their_own_on_a_terminal_only() {
    let env = Env::new();
    env.mb();
    env.file("d/big.bin", &data(3 << 20, 1));
    env.file("d/small.txt", b"small");
    // Slow parts: the per-file bar is drawn while the large file is in flight.
    env.emu
        .add_fault(cos_emulator::FaultRule::parse("latency-ms=400,op=UploadPart").unwrap());
    let d = env.path("d");
    let d = d.to_str().unwrap();
    // sync (each file its own transfer: a byte bar) and cp -r (a folder transfer:
    // the file's name, size and time in flight); 1 MiB parts make 3 MiB large.
    let (s, c) = (uri("s/"), uri("c/"));
    let runs: [(Vec<&str>, &str); 2] = [
        (vec!["sync", d, &s], "big.bin"),
        (vec!["cp", "-r", d, &c], "c/big.bin"),
    ];
    for (args, name) in runs {
        let mut all = args.clone();
        all.extend(["--part-size", "1M"]);
        let tty = on_terminal(&env, &all);
        assert!(tty.contains(name), "{args:?}: {tty:?}");
        assert!(
            !tty.contains("small.txt"),
            "small files have no bar: {tty:?}"
        );
        assert!(tty.contains("2 transferred"), "{tty:?}");
    }
    // Pipes: no bar at all, neither overall nor per file.
    let o = env
        .cos(&["sync", d, &uri("p/"), "--part-size", "1M"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.contains("big.bin") && !all.contains("ETA"), "{all}");
}
