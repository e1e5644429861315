//! An emulator on its own runtime, and `cos` commands aimed at it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cos_emulator::{Emulator, EmulatorHandle, RecordedRequest};

pub const BUCKET: &str = "examplebucket-1250000000";

/// A running emulator and a scratch folder (HOME, cache) for the commands.
pub struct Env {
    pub emu: EmulatorHandle,
    pub rt: tokio::runtime::Runtime,
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Self {
        Self::with(Emulator::builder())
    }

    pub fn with(builder: cos_emulator::EmulatorBuilder) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emu = rt.block_on(builder.start()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Self { emu, rt, dir }
    }

    /// The emulator's endpoint as `--endpoint` takes it.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.emu.addr())
    }

    /// `cos ARGS` with credentials in the environment, HOME and the cache in the
    /// scratch folder, `--endpoint` the emulator.
    pub fn cos(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("cos").unwrap();
        self.env(&mut c);
        c.args(args).arg("--endpoint").arg(self.endpoint());
        c.timeout(std::time::Duration::from_secs(120));
        c
    }

    /// The environment of a `cos` run, for any process builder.
    pub fn env_pairs(&self) -> Vec<(String, String)> {
        vec![
            ("COS_SECRET_ID".into(), "AKIDEXAMPLE".into()),
            ("COS_SECRET_KEY".into(), "SECRETKEYEXAMPLE".into()),
            ("COS_REGION".into(), "ap-guangzhou".into()),
            ("HOME".into(), self.path("home").display().to_string()),
            (
                "COS_CACHE_DIR".into(),
                self.path("cache").display().to_string(),
            ),
        ]
    }

    fn env(&self, c: &mut Command) {
        for v in [
            "COS_ENDPOINT",
            "COS_PROFILE",
            "COS_CONFIG_FILE",
            "COS_SECURITY_TOKEN",
            "TENCENTCLOUD_SECRET_ID",
            "TENCENTCLOUD_SECRET_KEY",
            "TENCENTCLOUD_SESSION_TOKEN",
            "TENCENTCLOUD_REGION",
            "TENCENTCLOUD_PROFILE",
            "XDG_CACHE_HOME",
        ] {
            c.env_remove(v);
        }
        for (k, v) in self.env_pairs() {
            c.env(k, v);
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (and its folders) below the scratch folder.
    pub fn file(&self, rel: &str, data: &[u8]) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, data).unwrap();
        p
    }

    pub fn mb(&self) {
        self.cos(&["mb", &format!("cos://{BUCKET}")])
            .assert()
            .success();
    }

    /// A cos-core client for the emulator (for setup the CLI has no command for).
    pub fn client(&self) -> cos_core::Client {
        let config = cos_core::Config::builder()
            .region("ap-guangzhou")
            .credentials(
                cos_core::auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap(),
            )
            .connect_to(self.endpoint())
            .build()
            .unwrap();
        cos_core::Client::new(config).unwrap()
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.emu.requests()
    }

    pub fn count(&self, op: &str) -> usize {
        self.requests().iter().filter(|r| r.operation == op).count()
    }
}

pub fn uri(key: &str) -> String {
    format!("cos://{BUCKET}/{key}")
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Each stdout line parsed as JSON.
pub fn json_lines(o: &std::process::Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}

/// Deterministic bytes of length `n`.
pub fn data(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

pub fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}
