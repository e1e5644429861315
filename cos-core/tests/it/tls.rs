//! HTTPS against the emulator's TLS listener with a throwaway CA: CRUD, HTTP/2 when
//! opted in (negotiated by ALPN), certificates from an untrusted CA refused with a
//! typed error, CA bundles from a file, and the DNS hook.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{self, fast_retry, key};
use cos_core::raw::RawRequest;
use cos_core::transport::TlsErrorKind;
use cos_core::{BucketName, Client, ConfigBuilder, Error, Scheme};
use cos_emulator::{Emulator, EmulatorHandle};
use cos_testkit::tls::TestPki;

const BUCKET: &str = "examplebucket-1250000000";

async fn tls_emulator(pki: &TestPki) -> EmulatorHandle {
    Emulator::builder()
        .region("ap-guangzhou")
        .tls(pki.cert_pem.clone(), pki.key_pem.clone())
        .start()
        .await
        .unwrap()
}

/// A client for the HTTPS emulator trusting `ca_pem`.
fn trusting(emu: &EmulatorHandle, ca_pem: &str) -> ConfigBuilder {
    common::config_for(emu.endpoint())
        .ca_bundle_pem(ca_pem)
        .read_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(30))
        .retry(fast_retry())
}

#[tokio::test]
async fn crud_over_https_with_a_private_ca() {
    let pki = TestPki::generate().unwrap();
    let emu = tls_emulator(&pki).await;
    assert!(emu.endpoint().starts_with("https://127.0.0.1:"));
    let client = Client::new(trusting(&emu, &pki.ca_pem).build().unwrap()).unwrap();
    let bucket = BucketName::new(BUCKET).unwrap();
    client.put_bucket(&bucket).send().await.unwrap();
    let body = vec![7u8; 300_000];
    client
        .put_object(&bucket, &key("tls/a.bin"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let head = client
        .head_object(&bucket, &key("tls/a.bin"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length, Some(300_000));
    let got = client
        .get_object(&bucket, &key("tls/a.bin"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&got[..], &body[..]);
    client
        .delete_object(&bucket, &key("tls/a.bin"))
        .send()
        .await
        .unwrap();
    let gone = client
        .head_object(&bucket, &key("tls/a.bin"))
        .send()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone:?}");
    // Every request reached the emulator, over TLS, with the COS host kept.
    let reqs = emu.requests();
    assert!(
        reqs.iter()
            .any(|r| r.operation == "PutObject" && r.status == 200)
    );
    assert!(reqs.iter().all(|r| r.host.ends_with(".myqcloud.com")));
}

/// The version of a raw request's answer.
async fn answer_version(client: &Client) -> http::Version {
    let raw = RawRequest::new(
        "GetService",
        http::Method::GET,
        "service.cos.myqcloud.com",
        "/",
    );
    client.send_raw(raw).await.unwrap().version
}

#[tokio::test]
async fn http2_is_negotiated_only_when_opted_in() {
    let pki = TestPki::generate().unwrap();
    let emu = tls_emulator(&pki).await;
    let h1 = Client::new(trusting(&emu, &pki.ca_pem).build().unwrap()).unwrap();
    assert_eq!(answer_version(&h1).await, http::Version::HTTP_11);

    let h2 = Client::new(trusting(&emu, &pki.ca_pem).http2(true).build().unwrap()).unwrap();
    assert_eq!(answer_version(&h2).await, http::Version::HTTP_2);
    // Signed operations work over HTTP/2 (the COS Host travels as `host`, the
    // signature covers it), concurrently on one connection.
    let bucket = BucketName::new(BUCKET).unwrap();
    h2.put_bucket(&bucket).send().await.unwrap();
    let puts = (0..8).map(|i| {
        let h2 = h2.clone();
        let bucket = bucket.clone();
        async move {
            h2.put_object(&bucket, &key(&format!("h2/{i}")))
                .body(vec![i as u8; 10_000])
                .send()
                .await
        }
    });
    for r in futures_util::future::join_all(puts).await {
        r.unwrap();
    }
    let got = h2
        .get_object(&bucket, &key("h2/5"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    assert_eq!(&got[..], &[5u8; 10_000][..]);

    // Plain HTTP stays HTTP/1.1 even when HTTP/2 is offered.
    let plain = common::emulator().await;
    let c = Client::new(
        common::config_for(plain.endpoint())
            .http2(true)
            .build()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(answer_version(&c).await, http::Version::HTTP_11);
}

#[tokio::test]
async fn a_certificate_from_an_untrusted_ca_is_a_typed_tls_error() {
    let pki = TestPki::generate().unwrap();
    let other = TestPki::generate().unwrap();
    let emu = tls_emulator(&pki).await;
    let bucket = BucketName::new(BUCKET).unwrap();
    // Another CA trusted, and only the default roots: both refused.
    for config in [
        trusting(&emu, &other.ca_pem),
        common::config_for(emu.endpoint()).retry(fast_retry()),
    ] {
        let client = Client::new(config.build().unwrap()).unwrap();
        let e = client.put_bucket(&bucket).send().await.unwrap_err();
        assert!(e.is_tls(), "{e:?}");
        assert!(!e.is_retryable());
        match e.without_context() {
            Error::Tls(t) => assert_eq!(t.kind(), TlsErrorKind::UntrustedCertificate),
            other => panic!("{other:?}"),
        }
        let chain = format!("{}", std::error::Error::source(&e).unwrap());
        // UnknownIssuer, or BadSignature when the other CA bears the same name.
        assert!(chain.contains("invalid peer certificate"), "{chain}");
    }
    // A certificate for another name is refused too.
    let named = TestPki::generate_for(&["elsewhere.example"]).unwrap();
    let emu2 = tls_emulator(&named).await;
    let client = Client::new(trusting(&emu2, &named.ca_pem).build().unwrap()).unwrap();
    let e = client.put_bucket(&bucket).send().await.unwrap_err();
    match e.without_context() {
        Error::Tls(t) => assert_eq!(t.kind(), TlsErrorKind::InvalidCertificate),
        other => panic!("{other:?}"),
    }
    // Nothing reached either emulator.
    assert!(emu.requests().is_empty() && emu2.requests().is_empty());
}

#[tokio::test]
async fn a_ca_file_alone_can_be_trusted_and_a_bad_one_fails_at_client_creation() {
    let pki = TestPki::generate().unwrap();
    let emu = tls_emulator(&pki).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let config = common::config_for(emu.endpoint())
        .ca_bundle_file(&ca)
        .tls_builtin_roots(false)
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    client
        .put_bucket(&BucketName::new(BUCKET).unwrap())
        .send()
        .await
        .unwrap();

    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    for config in [
        common::config_for(emu.endpoint()).ca_bundle_file(&junk),
        common::config_for(emu.endpoint()).ca_bundle_file(dir.path().join("missing.pem")),
    ] {
        let e = Client::new(config.build().unwrap()).unwrap_err();
        assert!(
            matches!(e, Error::Config(cos_core::error::ConfigError::Tls(_))),
            "{e:?}"
        );
    }
}

#[tokio::test]
async fn a_custom_resolver_replaces_dns() {
    let emu = common::emulator().await;
    let addr = emu.addr();
    let asked = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = asked.clone();
    let resolver = move |host: String| {
        seen.lock().unwrap().push(host);
        async move { Ok(vec![addr]) }
    };
    // No connect_to: the COS domain is resolved, by the hook, to the emulator.
    let config = cos_core::Config::builder()
        .region("ap-guangzhou")
        .credentials(common::creds())
        .scheme(Scheme::Http)
        .resolver(resolver)
        .no_proxy_at_all()
        .retry(fast_retry())
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    let bucket = BucketName::new(BUCKET).unwrap();
    client.put_bucket(&bucket).send().await.unwrap();
    client
        .put_object(&bucket, &key("dns.txt"))
        .body("resolved")
        .send()
        .await
        .unwrap();
    let host = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";
    assert!(asked.lock().unwrap().iter().all(|h| h == host));
    assert!(!asked.lock().unwrap().is_empty());
    assert!(emu.requests().iter().all(|r| r.host == host));

    // A resolver that finds nothing is a connection error, not a hang.
    let empty = |_h: String| async { Ok(Vec::new()) };
    let config = cos_core::Config::builder()
        .region("ap-guangzhou")
        .credentials(common::creds())
        .scheme(Scheme::Http)
        .resolver(empty)
        .retry(fast_retry().max_attempts(1))
        .build()
        .unwrap();
    let e = Client::new(config)
        .unwrap()
        .put_bucket(&bucket)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_connection(), "{e:?}");
}
