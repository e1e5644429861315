//! Proxies taken from the environment (`HTTPS_PROXY`, `NO_PROXY`, with Basic proxy
//! authentication), proved end to end: the environment of a process cannot be changed
//! safely from a test, so each case runs [`child`] in a child process of this test
//! binary with the variables set, against an HTTPS emulator and a recording proxy
//! started here. The child addresses the real COS domain with no `connect_to`; its
//! resolver sends every name to the emulator, so nothing leaves 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use crate::common::{self, key};
use cos_core::{BucketName, Client, Config};
use cos_emulator::{Emulator, EmulatorHandle};
use cos_testkit::proxy::TestProxy;
use cos_testkit::tls::TestPki;

const BUCKET: &str = "examplebucket-1250000000";
const HOST: &str = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";
/// Variables the child reads (besides the proxy ones).
const EMU_VAR: &str = "COS_RS_TEST_CHILD_EMULATOR";
const CA_VAR: &str = "COS_RS_TEST_CHILD_CA";
const EXPECT_VAR: &str = "COS_RS_TEST_CHILD_EXPECT";
const CONNECT_TO_VAR: &str = "COS_RS_TEST_CHILD_CONNECT_TO";

async fn tls_emulator(pki: &TestPki) -> EmulatorHandle {
    Emulator::builder()
        .region("ap-guangzhou")
        .tls(pki.cert_pem.clone(), pki.key_pem.clone())
        .start()
        .await
        .unwrap()
}

/// A certificate for the COS domain of the region (and the loopback names).
fn cos_pki() -> TestPki {
    TestPki::generate_for(&["*.cos.ap-guangzhou.myqcloud.com", "localhost", "127.0.0.1"]).unwrap()
}

/// Runs [`child`] with `env` (and no other proxy variable); panics with its output
/// unless it succeeded.
async fn run_child(emu: &EmulatorHandle, pki: &TestPki, env: &[(&str, String)]) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "proxy_env::child",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for v in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "REQUEST_METHOD",
        CONNECT_TO_VAR,
    ] {
        cmd.env_remove(v);
    }
    cmd.env(EMU_VAR, emu.addr().to_string())
        .env(CA_VAR, &pki.ca_pem);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "child failed:\n{text}");
    assert!(
        text.contains("1 passed"),
        "the child test did not run:\n{text}"
    );
}

/// The child: put and get an object with a default client (environment proxies on),
/// succeeding or failing as `COS_RS_TEST_CHILD_EXPECT` says.
#[tokio::test]
#[ignore = "run by the other proxy_env tests in a child process with the proxy environment"]
async fn child() {
    let emu: SocketAddr = std::env::var(EMU_VAR).unwrap().parse().unwrap();
    let ca = std::env::var(CA_VAR).unwrap();
    let expect_ok = std::env::var(EXPECT_VAR).unwrap() == "ok";
    let resolver = move |_host: String| async move { Ok(vec![emu]) };
    let mut config = Config::builder()
        .region("ap-guangzhou")
        .credentials(common::creds())
        .ca_bundle_pem(ca)
        .resolver(resolver)
        .read_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(30))
        .retry(common::fast_retry().max_attempts(2));
    if let Ok(origin) = std::env::var(CONNECT_TO_VAR) {
        config = config.connect_to(origin);
    }
    let client = Client::new(config.build().unwrap()).unwrap();
    let bucket = BucketName::new(BUCKET).unwrap();
    let put = client.put_bucket(&bucket).send().await;
    if !expect_ok {
        let e = put.unwrap_err();
        assert!(e.is_connection(), "{e:?}");
        return;
    }
    // Another run may have created it already.
    if let Err(e) = put {
        assert_eq!(e.code(), Some("BucketAlreadyExists"), "{e:?}");
    }
    client
        .put_object(&bucket, &key("p.txt"))
        .body("through the proxy")
        .send()
        .await
        .unwrap();
    let got = client
        .get_object(&bucket, &key("p.txt"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&got[..], b"through the proxy");
}

#[tokio::test]
async fn https_proxy_from_the_environment_with_basic_auth() {
    let pki = cos_pki();
    let emu = tls_emulator(&pki).await;
    let proxy = TestProxy::start_to(emu.addr(), Some(("alice", "p@ss word"))).unwrap();
    // The password percent-encoded in the URL, as in any proxy variable.
    let url = proxy.url_with_auth("alice", "p%40ss%20word");
    run_child(
        &emu,
        &pki,
        &[("https_proxy", url), (EXPECT_VAR, "ok".into())],
    )
    .await;
    let seen = proxy.requests();
    assert!(!seen.is_empty(), "nothing went through the proxy");
    for r in &seen {
        assert_eq!(r.method, "CONNECT");
        assert_eq!(r.target, format!("{HOST}:443"));
        assert!(r.authorized, "{r:?}");
    }
    let ops: Vec<_> = emu.requests().into_iter().map(|r| r.operation).collect();
    assert!(ops.contains(&"PutObject".to_owned()) && ops.contains(&"GetObject".to_owned()));
}

#[tokio::test]
async fn a_wrong_proxy_password_fails_and_no_proxy_bypasses() {
    let pki = cos_pki();
    let emu = tls_emulator(&pki).await;
    let proxy = TestProxy::start_to(emu.addr(), Some(("alice", "right"))).unwrap();
    let wrong = proxy.url_with_auth("alice", "wrong");
    run_child(
        &emu,
        &pki,
        &[("HTTPS_PROXY", wrong.clone()), (EXPECT_VAR, "err".into())],
    )
    .await;
    let seen = proxy.requests();
    assert!(
        !seen.is_empty() && seen.iter().all(|r| !r.authorized),
        "{seen:?}"
    );
    assert!(emu.requests().is_empty());

    // NO_PROXY naming the COS domain: straight to the emulator, the proxy untouched.
    let before = proxy.requests().len();
    run_child(
        &emu,
        &pki,
        &[
            ("HTTPS_PROXY", wrong.clone()),
            ("NO_PROXY", ".myqcloud.com".into()),
            (EXPECT_VAR, "ok".into()),
        ],
    )
    .await;
    assert_eq!(proxy.requests().len(), before);
    assert!(
        emu.requests()
            .iter()
            .any(|r| r.host == HOST && r.status == 200)
    );

    // A loopback destination (an emulator via connect_to) never uses the environment.
    run_child(
        &emu,
        &pki,
        &[
            ("HTTPS_PROXY", wrong),
            (CONNECT_TO_VAR, emu.endpoint()),
            (EXPECT_VAR, "ok".into()),
        ],
    )
    .await;
    assert_eq!(proxy.requests().len(), before);
}

/// In-process: a per-client proxy overrides, and `no_proxy_at_all` disables.
#[tokio::test]
async fn per_client_proxy_and_disabling() {
    let pki = cos_pki();
    let emu = tls_emulator(&pki).await;
    let proxy = TestProxy::start_to(emu.addr(), None).unwrap();
    let addr = emu.addr();
    let base = || {
        Config::builder()
            .region("ap-guangzhou")
            .credentials(common::creds())
            .ca_bundle_pem(&pki.ca_pem)
            .resolver(move |_h: String| async move { Ok(vec![addr]) })
            .retry(common::fast_retry())
    };
    let bucket = BucketName::new(BUCKET).unwrap();
    let via = Client::new(base().proxy(proxy.url()).build().unwrap()).unwrap();
    via.put_bucket(&bucket).send().await.unwrap();
    assert_eq!(proxy.requests().len(), 1);
    let direct = Client::new(base().proxy(proxy.url()).no_proxy_at_all().build().unwrap()).unwrap();
    direct
        .put_object(&bucket, &key("d.txt"))
        .body("direct")
        .send()
        .await
        .unwrap();
    assert_eq!(proxy.requests().len(), 1);
    // `no_proxy` applies to a given proxy too.
    let bypass = Client::new(
        base()
            .proxy(proxy.url())
            .no_proxy("examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com")
            .build()
            .unwrap(),
    )
    .unwrap();
    bypass.head_bucket(&bucket).send().await.unwrap();
    assert_eq!(proxy.requests().len(), 1);
}
