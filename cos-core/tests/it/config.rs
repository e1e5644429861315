//! Configuration that changes the wire: endpoint domains, user agent, timeouts and the
//! proxy tunnel, observed on the emulator (and a local CONNECT proxy).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{creds, emulator, fast_retry, key};
use cos_core::error::ConfigError;
use cos_core::{BucketName, Client, Config, ConfigBuilder, Endpoint, Error};
use cos_emulator::{EmulatorHandle, FaultAction, FaultRule};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const BUCKET: &str = "examplebucket-1250000000";

fn base(emu: &EmulatorHandle) -> ConfigBuilder {
    common::config_for(emu.endpoint()).retry(fast_retry())
}

async fn with_bucket(emu: &EmulatorHandle) -> BucketName {
    let bucket = BucketName::new(BUCKET).unwrap();
    let client = Client::new(base(emu).build().unwrap()).unwrap();
    client.put_bucket(&bucket).send().await.unwrap();
    bucket
}

#[tokio::test]
async fn endpoint_modes_choose_the_host() {
    let emu = emulator().await;
    let bucket = with_bucket(&emu).await;
    let cases = [
        (
            Endpoint::Default,
            "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
        ),
        (
            Endpoint::TencentCos,
            "examplebucket-1250000000.cos.ap-guangzhou.tencentcos.cn",
        ),
        (
            Endpoint::Accelerate,
            "examplebucket-1250000000.cos.accelerate.myqcloud.com",
        ),
    ];
    for (endpoint, host) in cases {
        let client = Client::new(base(&emu).endpoint(endpoint.clone()).build().unwrap()).unwrap();
        emu.clear_requests();
        client
            .put_object(&bucket, &key("e.txt"))
            .body("e")
            .send()
            .await
            .unwrap();
        let r = emu.requests();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].host, host, "{endpoint:?}");
        assert_eq!(
            r[0].status, 200,
            "{endpoint:?}: the emulator accepted the signature"
        );
    }
    // A custom domain (a CNAME bound to the bucket) is sent as is, the key as the path.
    let client = Client::new(
        base(&emu)
            .endpoint(Endpoint::Custom("files.example.com".into()))
            .build()
            .unwrap(),
    )
    .unwrap();
    emu.clear_requests();
    let _ = client.get_object(&bucket, &key("e.txt")).send().await;
    let r = emu.requests();
    assert_eq!(r[0].host, "files.example.com");
    assert_eq!(r[0].path, "/e.txt");
}

#[tokio::test]
async fn user_agent_is_sent() {
    let emu = emulator().await;
    let bucket = with_bucket(&emu).await;
    let client = Client::new(base(&emu).user_agent("my-app/1.2").build().unwrap()).unwrap();
    emu.clear_requests();
    client.head_bucket(&bucket).send().await.unwrap();
    let r = emu.requests();
    let ua = r[0]
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
        .map(|(_, v)| v.clone());
    assert_eq!(ua.as_deref(), Some("my-app/1.2"));
}

#[tokio::test]
async fn read_and_operation_timeouts_end_slow_requests() {
    let emu = emulator().await;
    let bucket = with_bucket(&emu).await;
    emu.add_fault(
        FaultRule::new(FaultAction::Latency(Duration::from_secs(3))).operation("HeadBucket"),
    );
    let client = Client::new(
        base(&emu)
            .read_timeout(Duration::from_millis(200))
            .operation_timeout(Duration::from_millis(700))
            .build()
            .unwrap(),
    )
    .unwrap();
    let t = Instant::now();
    let err = client.head_bucket(&bucket).send().await.unwrap_err();
    assert!(
        matches!(err.without_context(), Error::Timeout(_)),
        "{err:?}"
    );
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

/// A minimal HTTP CONNECT proxy: tunnels to whatever the client asks for and counts
/// the tunnels it opened.
async fn connect_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let tunnels = Arc::new(AtomicUsize::new(0));
    let count = tunnels.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if client.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                let text = String::from_utf8_lossy(&head);
                let Some(target) = text
                    .strip_prefix("CONNECT ")
                    .and_then(|r| r.split(' ').next())
                else {
                    let _ = client
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                        .await;
                    return;
                };
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                if client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    (format!("http://{addr}"), tunnels)
}

#[tokio::test]
async fn requests_go_through_the_proxy_tunnel() {
    let emu = emulator().await;
    let bucket = with_bucket(&emu).await;
    let (proxy, tunnels) = connect_proxy().await;
    let client = Client::new(base(&emu).proxy(proxy).build().unwrap()).unwrap();
    emu.clear_requests();
    client
        .put_object(&bucket, &key("p.txt"))
        .body("via proxy")
        .send()
        .await
        .unwrap();
    let body = client
        .get_object(&bucket, &key("p.txt"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&body[..], b"via proxy");
    assert!(
        tunnels.load(Ordering::SeqCst) >= 1,
        "no CONNECT reached the proxy"
    );
    assert_eq!(emu.requests().len(), 2);
    // A proxy that is not there is a connection error, not a hang.
    let client = Client::new(
        base(&emu)
            .proxy("http://127.0.0.1:9")
            .retry(cos_core::RetryConfig::default().max_attempts(1))
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = client.head_bucket(&bucket).send().await.unwrap_err();
    assert!(
        matches!(
            err.without_context(),
            Error::Connection(_) | Error::Timeout(_)
        ),
        "{err:?}"
    );
}

/// Hardening 6: `Debug` of the configuration (and of its builder, the client and a
/// builder carrying an SSE-C key) never prints a secret; nor does a proxy error.
#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let proxy = "http://proxyuser:pr0xy-pa55word@127.0.0.1:3128";
    let builder = common::config_for("http://127.0.0.1:9000").proxy(proxy);
    let shown = format!("{builder:?}");
    assert!(!shown.contains("pr0xy-pa55word"), "{shown}");
    let config = builder.build().unwrap();
    let client = Client::new(config.clone()).unwrap();
    let bucket = BucketName::new(BUCKET).unwrap();
    let put = client
        .put_object(&bucket, &key("k"))
        .header(
            "x-cos-server-side-encryption-customer-key",
            "c3NlLWMta2V5LXNlY3JldA==",
        )
        .body("x");
    for shown in [
        format!("{config:?}"),
        format!("{config:#?}"),
        format!("{client:?}"),
        format!("{put:?}"),
    ] {
        for secret in [
            "pr0xy-pa55word",
            "SECRETKEYEXAMPLE",
            "c3NlLWMta2V5LXNlY3JldA==",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
    let shown = format!("{config:?}");
    assert!(
        shown.contains("127.0.0.1:3128"),
        "the proxy is still named: {shown}"
    );
    assert!(
        shown.contains("AKIDEXAMPLE"),
        "the secret id is shown: {shown}"
    );
    // A malformed proxy URL is reported without its password.
    let err = Config::builder()
        .region("ap-guangzhou")
        .credentials(creds())
        .proxy("http://user:pr0xy-pa55word@bad host:1")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err.without_context(),
            Error::Config(ConfigError::ProxyUrl { .. })
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("pr0xy-pa55word"), "{err}");
    assert!(!format!("{err:?}").contains("pr0xy-pa55word"), "{err:?}");
}

fn with_connect_to(origin: &str) -> Result<Config, Error> {
    common::config_for(origin).build()
}

/// Hardening 7: `connect_to` names its scheme; a bare `host:port` (which used to switch
/// to plain http silently) is a configuration error naming the fix.
#[tokio::test]
async fn connect_to_requires_an_explicit_scheme() {
    for bad in [
        "127.0.0.1:9000",
        "localhost",
        "ftp://127.0.0.1:9000",
        "http://",
        "http://127.0.0.1:9000/some/path",
        "http://127.0.0.1:9000/?q=1",
        "http://user:pass@127.0.0.1:9000",
    ] {
        let err = with_connect_to(bad).unwrap_err();
        assert!(
            matches!(
                err.without_context(),
                Error::Config(ConfigError::ConnectTo { .. })
            ),
            "{bad}: {err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains("http://"), "{bad}: the fix is named: {msg}");
        assert!(!msg.contains("pass@"), "{bad}: {msg}");
    }
    let c = with_connect_to("http://127.0.0.1:9000/").unwrap();
    assert_eq!(c.connect_to.as_deref(), Some("http://127.0.0.1:9000"));
    assert_eq!(c.scheme, cos_core::Scheme::Http);
    let c = with_connect_to("https://gateway.example.com:8443").unwrap();
    assert_eq!(c.scheme, cos_core::Scheme::Https);
    // An explicit scheme still governs COS URLs (presigning); the connection uses
    // connect_to's.
    let c = common::config_for("http://127.0.0.1:9000")
        .scheme(cos_core::Scheme::Https)
        .build()
        .unwrap();
    assert_eq!(c.scheme, cos_core::Scheme::Https);
}

/// `https://` in `connect_to` is honoured: the client opens TLS (its first bytes are a
/// TLS handshake record), and `http://` sends plain HTTP.
#[tokio::test]
async fn connect_to_scheme_chooses_tls_or_plain_http() {
    for (origin_scheme, tls) in [("https", true), ("http", false)] {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let first = tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 3];
            sock.read_exact(&mut buf).await.unwrap();
            buf
        });
        let client = Client::new(
            with_connect_to(&format!("{origin_scheme}://{addr}"))
                .map(|mut c| {
                    c.retry = cos_core::RetryConfig::disabled();
                    c.read_timeout = Duration::from_millis(500);
                    c
                })
                .unwrap(),
        )
        .unwrap();
        let bucket = BucketName::new(BUCKET).unwrap();
        let _ = client.head_bucket(&bucket).send().await;
        let buf = tokio::time::timeout(Duration::from_secs(5), first)
            .await
            .unwrap()
            .unwrap();
        if tls {
            assert_eq!(buf[0], 0x16, "a TLS handshake record: {buf:?}");
        } else {
            assert_eq!(&buf, b"HEA", "plain HTTP: {buf:?}");
        }
    }
}

/// The userinfo of a proxy URL (the password `Debug` hides) is sent as the `CONNECT`'s
/// `Proxy-Authorization: Basic`, percent-decoded; without userinfo none is sent.
#[tokio::test]
async fn proxy_credentials_are_sent_with_connect() {
    for (userinfo, expected) in [
        // base64("proxyuser:pr0xy pa55")
        (
            "proxyuser:pr0xy%20pa55@",
            Some("Basic cHJveHl1c2VyOnByMHh5IHBhNTU="),
        ),
        ("", None),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let head = tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                sock.read_exact(&mut byte).await.unwrap();
                head.push(byte[0]);
            }
            let _ = sock
                .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
                .await;
            String::from_utf8_lossy(&head).into_owned()
        });
        let client = Client::new(
            Config::builder()
                .region("ap-guangzhou")
                .credentials(creds())
                .proxy(format!("http://{userinfo}{addr}"))
                .retry(cos_core::RetryConfig::disabled())
                .build()
                .unwrap(),
        )
        .unwrap();
        let bucket = BucketName::new(BUCKET).unwrap();
        assert!(client.head_bucket(&bucket).send().await.is_err());
        let head = tokio::time::timeout(Duration::from_secs(5), head)
            .await
            .unwrap()
            .unwrap();
        assert!(head.starts_with("CONNECT "), "{head}");
        let auth = head
            .lines()
            .find_map(|l| l.strip_prefix("proxy-authorization: "))
            .or_else(|| {
                head.lines()
                    .find_map(|l| l.strip_prefix("Proxy-Authorization: "))
            });
        assert_eq!(auth, expected, "{head}");
    }
}
