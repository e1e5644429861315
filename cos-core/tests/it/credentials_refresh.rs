//! Temporary keys over time, against the emulator's clock: expiry and refresh, one
//! refresh for many concurrent callers, a failed refresh keeping still-valid keys; and
//! anonymous access to public-read buckets.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cos_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use cos_core::credentials::{AssumeRoleProvider, InstanceRoleProvider, RefreshSettings};
use cos_core::{Acl, BucketName, Client, ConfigBuilder, Error};
use cos_emulator::{Emulator, EmulatorHandle, FaultRule};

use crate::common::{creds, key};
use crate::credentials_chain::{BUCKET, ROLE_ARN, client_with, round_trip};

/// Refresh settings judging expiry by `emu`'s clock, without jitter.
fn following(emu: &Arc<EmulatorHandle>) -> RefreshSettings {
    let clock = emu.clone();
    RefreshSettings::default()
        .jitter(Duration::ZERO)
        .clock(move || clock.now())
}

fn key_fetches(emu: &EmulatorHandle) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.path == "/latest/meta-data/cam/security-credentials/cos-role")
        .count()
}

#[tokio::test]
async fn expired_keys_are_refused_and_replaced_before_expiry() {
    let emu = Arc::new(
        Emulator::builder()
            .mock_metadata("cos-role")
            .metadata_key_lifetime(Duration::from_secs(1000))
            .start()
            .await
            .unwrap(),
    );
    let provider = InstanceRoleProvider::builder()
        .endpoint(emu.endpoint())
        .refresh(following(&emu))
        .build()
        .unwrap();
    let (client, bucket) = client_with(&emu, provider.clone()).await;
    round_trip(&client, &bucket, "a.txt").await;
    let first = provider.credentials().await.unwrap();

    // The first keys, used after their expiry by the emulator's clock, are refused.
    emu.advance_clock(Duration::from_secs(1001));
    let stale = Client::new(
        crate::common::config_for(emu.endpoint())
            .credentials(first.clone())
            .retry(cos_core::RetryConfig::disabled())
            .build()
            .unwrap(),
    )
    .unwrap();
    let refused = stale
        .head_object(&bucket, &key("a.txt"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused.status().map(|s| s.as_u16()),
        Some(403),
        "{refused:?}"
    );
    // The provider's client refreshed in time and keeps working.
    round_trip(&client, &bucket, "b.txt").await;
    let second = provider.credentials().await.unwrap();
    assert_ne!(first.secret_id(), second.secret_id());
    assert_eq!(key_fetches(&emu), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_share_one_refresh() {
    let emu = Arc::new(
        Emulator::builder()
            .mock_metadata("cos-role")
            .metadata_key_lifetime(Duration::from_secs(1000))
            .start()
            .await
            .unwrap(),
    );
    let provider = InstanceRoleProvider::builder()
        .endpoint(emu.endpoint())
        .role("cos-role")
        .refresh(following(&emu))
        .build()
        .unwrap();
    for round in 1..=2 {
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let p = provider.clone();
                tokio::spawn(async move { p.credentials().await.unwrap() })
            })
            .collect();
        let mut ids = Vec::new();
        for t in tasks {
            ids.push(t.await.unwrap().secret_id().to_owned());
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "one set of keys for every caller");
        assert_eq!(key_fetches(&emu), round, "one fetch for 32 callers");
        // Into the refresh margin (300 s before expiry).
        emu.advance_clock(Duration::from_secs(750));
    }
}

/// Base keys for `AssumeRole` that turn bogus (so STS refuses) when `broken` is set.
#[derive(Debug)]
struct Breakable(Arc<AtomicBool>);

impl ProvideCredentials for Breakable {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let c = if self.0.load(Ordering::SeqCst) {
            Credentials::new("AKIDBOGUS", "nope")
        } else {
            Ok(creds())
        };
        Box::pin(async move { c })
    }
}

#[tokio::test]
async fn a_failed_refresh_keeps_valid_keys_and_never_hands_out_expired_ones() {
    let emu = Arc::new(Emulator::builder().mock_sts(true).start().await.unwrap());
    let broken = Arc::new(AtomicBool::new(false));
    let provider = AssumeRoleProvider::builder(Breakable(broken.clone()), ROLE_ARN, "s")
        .duration(Duration::from_secs(1000))
        .endpoint(emu.endpoint())
        .refresh(following(&emu).retry_delay(Duration::ZERO))
        .build()
        .unwrap();
    let (client, bucket) = client_with(&emu, provider.clone()).await;
    round_trip(&client, &bucket, "a.txt").await;
    let first = provider.credentials().await.unwrap();

    broken.store(true, Ordering::SeqCst);
    emu.advance_clock(Duration::from_secs(800)); // due for a refresh, 200 s still valid
    round_trip(&client, &bucket, "b.txt").await;
    assert_eq!(
        provider.credentials().await.unwrap().secret_id(),
        first.secret_id()
    );
    let refused = emu
        .requests()
        .iter()
        .filter(|r| r.header("x-tc-action") == Some("AssumeRole"))
        .count();
    assert!(refused >= 2, "the refresh was tried ({refused} STS calls)");

    emu.advance_clock(Duration::from_secs(201)); // expired
    let e = client
        .head_object(&bucket, &key("a.txt"))
        .send()
        .await
        .unwrap_err();
    match e.without_context() {
        Error::Credentials(CredentialsError::Provider { reason, .. }) => {
            assert!(reason.contains("AuthFailure.SecretIdNotFound"), "{reason}");
        }
        other => panic!("expected the refresh error, got {other:?}"),
    }
    broken.store(false, Ordering::SeqCst);
    round_trip(&client, &bucket, "c.txt").await;
    assert_ne!(
        provider.credentials().await.unwrap().secret_id(),
        first.secret_id()
    );
}

#[tokio::test]
async fn sts_failing_during_a_refresh_keeps_the_valid_keys() {
    let emu = Arc::new(Emulator::builder().mock_sts(true).start().await.unwrap());
    let provider =
        AssumeRoleProvider::builder(cos_auth::StaticProvider::new(creds()), ROLE_ARN, "s")
            .duration(Duration::from_secs(1000))
            .endpoint(emu.endpoint())
            .transport(
                cos_core::transport::TransportConfig::default()
                    .retry(cos_core::RetryConfig::disabled()),
            )
            .refresh(following(&emu).retry_delay(Duration::ZERO))
            .build()
            .unwrap();
    let (client, bucket) = client_with(&emu, provider.clone()).await;
    round_trip(&client, &bucket, "a.txt").await;
    let first = provider.credentials().await.unwrap();
    emu.add_fault(FaultRule::parse("op=AssumeRole,status=503").unwrap());
    emu.advance_clock(Duration::from_secs(800));
    round_trip(&client, &bucket, "b.txt").await;
    assert_eq!(
        provider.credentials().await.unwrap().secret_id(),
        first.secret_id()
    );
    let failed = emu
        .requests()
        .iter()
        .filter(|r| r.operation == "AssumeRole" && r.status == 503)
        .count();
    assert!(failed >= 1, "STS was asked and failed");
    emu.clear_faults();
    round_trip(&client, &bucket, "c.txt").await;
    assert_ne!(
        provider.credentials().await.unwrap().secret_id(),
        first.secret_id()
    );
}

/// A plain HTTP/1.1 GET of `url` (`http://host:port/path`): the status line's code.
async fn plain_get(url: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (authority, path) = rest.split_at(rest.find('/').unwrap());
    let mut s = tokio::net::TcpStream::connect(authority).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&out);
    text.split(' ').nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn anonymous_reads_public_read_buckets_and_is_refused_on_private_ones() {
    let emu = Emulator::builder().start().await.unwrap();
    let admin = crate::common::client_for(&emu, crate::common::fast_retry());
    let public = BucketName::new(BUCKET).unwrap();
    let private = BucketName::new("private-1250000000").unwrap();
    for b in [&public, &private] {
        admin.put_bucket(b).send().await.unwrap();
        admin
            .put_object(b, &key("f.txt"))
            .body("hi")
            .send()
            .await
            .unwrap();
    }
    admin
        .put_bucket_acl(&public)
        .acl(Acl::PublicRead)
        .send()
        .await
        .unwrap();
    emu.clear_requests();

    let anonymous = Client::new(
        ConfigBuilder::default()
            .region("ap-guangzhou")
            .anonymous()
            .connect_to(emu.endpoint())
            .build()
            .unwrap(),
    )
    .unwrap();
    let got = anonymous
        .get_object(&public, &key("f.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(&got.body.collect().await.unwrap()[..], b"hi");
    let refused = anonymous
        .get_object(&private, &key("f.txt"))
        .send()
        .await
        .unwrap_err();
    assert!(refused.is_access_denied(), "{refused:?}");
    assert!(
        emu.requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "no Authorization at all"
    );
    // Presigning needs credentials.
    assert!(matches!(
        anonymous
            .get_presigned_download_url(&public, &key("f.txt"))
            .build()
            .await,
        Err(Error::Credentials(_))
    ));

    // The unsigned URL, path-style on the emulator's address: usable as is.
    let path_style = Client::new(
        ConfigBuilder::default()
            .region("ap-guangzhou")
            .anonymous()
            .path_style(true)
            .connect_to(emu.endpoint())
            .build()
            .unwrap(),
    )
    .unwrap();
    let url = path_style.get_object_url(&public, &key("f.txt"));
    assert_eq!(url, format!("{}/{BUCKET}/f.txt", emu.endpoint()));
    assert_eq!(plain_get(&url).await, 200);
    let url = path_style.get_object_url(&private, &key("f.txt"));
    assert_eq!(plain_get(&url).await, 403);
    // Virtual-hosted, with a custom domain.
    let custom = Client::new(
        ConfigBuilder::default()
            .region("ap-guangzhou")
            .anonymous()
            .endpoint(cos_core::Endpoint::Custom("files.example.com".into()))
            .build()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        custom.get_object_url(&public, &key("a b/c+d.txt")),
        "https://files.example.com/a%20b/c%2Bd.txt"
    );
}
