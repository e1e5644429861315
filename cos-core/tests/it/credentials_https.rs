//! The credential chain end to end OVER HTTPS: the emulator serves COS, its mock STS and
//! its mock metadata server on its TLS listener with a certificate of a throwaway CA
//! ([`TestPki`]); the client and every provider's STS / metadata calls trust that CA
//! (`ConfigBuilder::ca_bundle_pem`, `DefaultChainBuilder::network` and the providers'
//! `network`). Each provider of the chain, `AssumeRole`, expiry and refresh, a provider
//! refusing an untrusted CA, and anonymous reads of a public-read bucket versus a
//! private one.

use std::sync::Arc;
use std::time::Duration;

use cos_auth::{CredentialsError, ProvideCredentials, StaticProvider};
use cos_core::credentials::{
    AssumeRoleProvider, DefaultChain, Environment, InstanceRoleProvider, RefreshSettings,
    WebIdentityProvider,
};
use cos_core::transport::{NetworkOptions, TlsConfig};
use cos_core::{Acl, BucketName, Client, ConfigBuilder};
use cos_emulator::{Emulator, EmulatorHandle};
use cos_testkit::tls::TestPki;

use crate::common::{creds, fast_retry, key};
use crate::credentials_chain::{BUCKET, ROLE_ARN, round_trip};

/// An HTTPS emulator with the mock STS (web identity token `oidc-token-1`) and the
/// mock metadata server (role `cos-role`).
async fn tls_mock_emulator(pki: &TestPki) -> EmulatorHandle {
    let emu = Emulator::builder()
        .tls(pki.cert_pem.clone(), pki.key_pem.clone())
        .mock_sts(true)
        .sts_web_identity_token("oidc-token-1")
        .mock_metadata("cos-role")
        .metadata_key_lifetime(Duration::from_secs(1000))
        .start()
        .await
        .unwrap();
    assert!(emu.endpoint().starts_with("https://127.0.0.1:"));
    emu
}

/// Network options trusting only the test CA.
fn trusting(pki: &TestPki) -> NetworkOptions {
    let mut network = NetworkOptions::default();
    network.tls = TlsConfig::default()
        .add_ca_pem(&pki.ca_pem)
        .builtin_roots(false);
    network
}

/// A client config for the HTTPS emulator trusting the test CA.
fn https_config(emu: &EmulatorHandle, pki: &TestPki) -> ConfigBuilder {
    ConfigBuilder::default()
        .region("ap-guangzhou")
        .connect_to(emu.endpoint())
        .ca_bundle_pem(&pki.ca_pem)
        .tls_builtin_roots(false)
        .read_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(60))
        .retry(fast_retry())
}

/// A client whose credentials come from `provider`, over HTTPS; the bucket created
/// first with the emulator's long-term keys.
async fn https_client_with(
    emu: &EmulatorHandle,
    pki: &TestPki,
    provider: impl ProvideCredentials + 'static,
) -> (Client, BucketName) {
    let bucket = BucketName::new(BUCKET).unwrap();
    let admin = Client::new(https_config(emu, pki).credentials(creds()).build().unwrap()).unwrap();
    let _ = admin.put_bucket(&bucket).send().await;
    let config = https_config(emu, pki)
        .credentials_provider(provider)
        .build()
        .unwrap();
    (Client::new(config).unwrap(), bucket)
}

fn https_chain(emu: &EmulatorHandle, pki: &TestPki, env: Environment) -> DefaultChain {
    DefaultChain::builder()
        .environment(env)
        .sts_endpoint(emu.endpoint())
        .metadata_endpoint(emu.endpoint())
        .network(trusting(pki))
        .build()
        .unwrap()
}

/// The chain built from `env` answers with `expected`, and a put and a get signed with
/// its keys succeed over HTTPS.
async fn chain_answers(env: Environment, expected: &str) -> EmulatorHandle {
    let pki = TestPki::generate().unwrap();
    let emu = tls_mock_emulator(&pki).await;
    let chain = https_chain(&emu, &pki, env);
    let (client, bucket) = https_client_with(&emu, &pki, chain.clone()).await;
    round_trip(
        &client,
        &bucket,
        &format!("{}.txt", expected.replace(' ', "-")),
    )
    .await;
    assert_eq!(chain.chosen(), Some(expected));
    let reqs = emu.requests();
    assert!(
        reqs.iter()
            .any(|r| r.operation == "GetObject" && r.status == 200),
        "{reqs:?}"
    );
    assert!(reqs.iter().all(|r| r.status < 400), "nothing refused");
    emu
}

#[tokio::test]
async fn environment_keys_over_https() {
    let env = Environment::from_vars([
        ("COS_SECRET_ID", "AKIDEXAMPLE"),
        ("COS_SECRET_KEY", "SECRETKEYEXAMPLE"),
    ]);
    chain_answers(env, "environment").await;
}

#[tokio::test]
async fn the_tccli_profile_over_https() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".tccli");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("default.credential"),
        r#"{"secretId": "AKIDEXAMPLE", "secretKey": "SECRETKEYEXAMPLE"}"#,
    )
    .unwrap();
    let env = Environment::from_vars([("X", "y")]).with_home(home.path());
    chain_answers(env, "profile").await;
}

#[tokio::test]
async fn tke_oidc_exchanges_the_token_with_sts_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "oidc-token-1\n").unwrap();
    let token_path = token_file.to_str().unwrap().to_owned();
    let env = Environment::from_vars([
        ("TKE_REGION", "ap-guangzhou"),
        ("TKE_PROVIDER_ID", "tke-oidc"),
        ("TKE_WEB_IDENTITY_TOKEN_FILE", token_path.as_str()),
        ("TKE_ROLE_ARN", ROLE_ARN),
    ]);
    let emu = chain_answers(env, "web identity").await;
    let reqs = emu.requests();
    let sts: Vec<_> = reqs
        .iter()
        .filter(|r| r.header("x-tc-action") == Some("AssumeRoleWithWebIdentity"))
        .collect();
    assert_eq!(sts.len(), 1, "STS reached over the TLS listener");
    assert!(
        reqs.iter()
            .filter(|r| r.operation == "PutObject")
            .all(|r| r.header("x-cos-security-token").is_some()),
        "COS requests carry the temporary keys' token"
    );
}

#[tokio::test]
async fn the_instance_role_over_https() {
    let emu = chain_answers(Environment::from_vars([("X", "y")]), "instance role").await;
    let paths: Vec<String> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/latest/meta-data/"))
        .map(|r| r.path)
        .collect();
    assert_eq!(
        paths,
        [
            "/latest/meta-data/cam/security-credentials/",
            "/latest/meta-data/cam/security-credentials/cos-role"
        ]
    );
}

#[tokio::test]
async fn assume_role_over_https_directly_and_on_top_of_the_chain() {
    let pki = TestPki::generate().unwrap();
    let emu = tls_mock_emulator(&pki).await;
    let provider = AssumeRoleProvider::builder(StaticProvider::new(creds()), ROLE_ARN, "tls")
        .endpoint(emu.endpoint())
        .network(trusting(&pki))
        .build()
        .unwrap();
    let (client, bucket) = https_client_with(&emu, &pki, provider).await;
    round_trip(&client, &bucket, "assumed.txt").await;
    let assumed = |emu: &EmulatorHandle| {
        emu.requests()
            .iter()
            .filter(|r| r.header("x-tc-action") == Some("AssumeRole") && r.status == 200)
            .count()
    };
    assert_eq!(assumed(&emu), 1, "cached after the first call");

    // The chain's environment keys as the base of AssumeRole, STS over HTTPS.
    let chain = DefaultChain::builder()
        .environment(Environment::from_vars([
            ("TENCENTCLOUD_SECRET_ID", "AKIDEXAMPLE"),
            ("TENCENTCLOUD_SECRET_KEY", "SECRETKEYEXAMPLE"),
        ]))
        .sts_endpoint(emu.endpoint())
        .instance_role(false)
        .network(trusting(&pki))
        .assume_role(ROLE_ARN, "chained")
        .build()
        .unwrap();
    let (client, bucket) = https_client_with(&emu, &pki, chain.clone()).await;
    round_trip(&client, &bucket, "chained.txt").await;
    assert_eq!(chain.chosen(), Some("environment"));
    assert_eq!(assumed(&emu), 2);
    let c = chain.credentials().await.unwrap();
    assert!(c.token().is_some() && c.secret_id() != "AKIDEXAMPLE");
}

/// The error of a provider reaching an HTTPS endpoint whose CA it does not trust: a
/// provider error (the instance role reports an unreachable metadata server as "not
/// configured", so that the chain can end), naming the untrusted certificate.
fn assert_untrusted(r: Result<cos_auth::Credentials, CredentialsError>) {
    match r {
        Err(
            CredentialsError::Provider { reason, .. }
            | CredentialsError::NotConfigured { reason, .. },
        ) => {
            let lower = reason.to_lowercase();
            assert!(
                lower.contains("tls") && lower.contains("certificate"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn providers_refuse_sts_and_metadata_behind_an_untrusted_ca() {
    let pki = TestPki::generate().unwrap();
    let other = TestPki::generate().unwrap();
    let emu = tls_mock_emulator(&pki).await;
    // Default roots only: the test CA is not among them.
    let p = AssumeRoleProvider::builder(StaticProvider::new(creds()), ROLE_ARN, "s")
        .endpoint(emu.endpoint())
        .build()
        .unwrap();
    assert_untrusted(p.credentials().await);
    // Another CA.
    let p = InstanceRoleProvider::builder()
        .endpoint(emu.endpoint())
        .network(trusting(&other))
        .build()
        .unwrap();
    assert_untrusted(p.credentials().await);
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "oidc-token-1").unwrap();
    let p = WebIdentityProvider::builder("ap-guangzhou", "tke-oidc", &token_file, ROLE_ARN)
        .endpoint(emu.endpoint())
        .network(trusting(&other))
        .build()
        .unwrap();
    assert_untrusted(p.credentials().await);
    assert!(
        emu.requests().is_empty(),
        "no request got past the handshake"
    );
}

#[tokio::test]
async fn instance_role_keys_expire_and_are_refreshed_over_https() {
    let pki = TestPki::generate().unwrap();
    let emu = Arc::new(tls_mock_emulator(&pki).await);
    let clock = emu.clone();
    let provider = InstanceRoleProvider::builder()
        .endpoint(emu.endpoint())
        .network(trusting(&pki))
        .refresh(
            RefreshSettings::default()
                .jitter(Duration::ZERO)
                .clock(move || clock.now()),
        )
        .build()
        .unwrap();
    let (client, bucket) = https_client_with(&emu, &pki, provider.clone()).await;
    round_trip(&client, &bucket, "a.txt").await;
    let first = provider.credentials().await.unwrap();

    // Past the first keys' expiry by the emulator's clock: those keys are refused...
    emu.advance_clock(Duration::from_secs(1001));
    let stale = Client::new(
        https_config(&emu, &pki)
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
    // ...while the provider's client fetched new ones over HTTPS and keeps working.
    round_trip(&client, &bucket, "b.txt").await;
    let second = provider.credentials().await.unwrap();
    assert_ne!(first.secret_id(), second.secret_id());
    let fetches = emu
        .requests()
        .iter()
        .filter(|r| r.path == "/latest/meta-data/cam/security-credentials/cos-role")
        .count();
    assert_eq!(fetches, 2);
}

#[tokio::test]
async fn anonymous_reads_public_read_and_is_refused_on_private_over_https() {
    let pki = TestPki::generate().unwrap();
    let emu = tls_mock_emulator(&pki).await;
    let admin = Client::new(
        https_config(&emu, &pki)
            .credentials(creds())
            .build()
            .unwrap(),
    )
    .unwrap();
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

    let anonymous = Client::new(https_config(&emu, &pki).anonymous().build().unwrap()).unwrap();
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
    let reqs = emu.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert!(
        reqs.iter().all(|r| r.header("authorization").is_none()),
        "no Authorization at all"
    );
}
