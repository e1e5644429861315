//! Every provider of the default chain end to end against the emulator's mock STS and
//! metadata server: environment, tccli profile (temp HOME), TKE OIDC (token file),
//! CVM instance role, STS AssumeRole; and `ConfigBuilder::from_environment`.

use std::path::Path;
use std::time::Duration;

use cos_auth::{Credentials, CredentialsError, ProvideCredentials, StaticProvider};
use cos_core::credentials::{
    AssumeRoleProvider, DefaultChain, Environment, InstanceRoleProvider, ProfileProvider,
    WebIdentityProvider,
};
use cos_core::{BucketName, Client, ConfigBuilder, Endpoint, Error};
use cos_emulator::{Emulator, EmulatorHandle};

use crate::common::{creds, key};

pub const BUCKET: &str = "examplebucket-1250000000";
pub const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/cos-reader";

pub async fn mock_emulator() -> EmulatorHandle {
    Emulator::builder()
        .mock_sts(true)
        .sts_web_identity_token("oidc-token-1")
        .mock_metadata("cos-role")
        .start()
        .await
        .unwrap()
}

/// A client of `emu` whose credentials come from `provider`; the bucket created with
/// the emulator's long-term keys first.
pub async fn client_with(
    emu: &EmulatorHandle,
    provider: impl ProvideCredentials + 'static,
) -> (Client, BucketName) {
    let bucket = BucketName::new(BUCKET).unwrap();
    let admin = crate::common::client_for(emu, crate::common::fast_retry());
    let _ = admin.put_bucket(&bucket).send().await;
    let config = ConfigBuilder::default()
        .region("ap-guangzhou")
        .credentials_provider(provider)
        .connect_to(emu.endpoint())
        .retry(crate::common::fast_retry())
        .build()
        .unwrap();
    (Client::new(config).unwrap(), bucket)
}

/// A put and a get through `client` succeed.
pub async fn round_trip(client: &Client, bucket: &BucketName, name: &str) {
    let k = key(name);
    client
        .put_object(bucket, &k)
        .body("hello")
        .send()
        .await
        .unwrap();
    let got = client.get_object(bucket, &k).send().await.unwrap();
    assert_eq!(&got.body.collect().await.unwrap()[..], b"hello");
}

/// The requests that reached the emulator with a security token.
fn token_requests(emu: &EmulatorHandle) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.header("x-cos-security-token").is_some() && r.status < 300)
        .count()
}

fn chain_for(emu: &EmulatorHandle, env: Environment) -> DefaultChain {
    DefaultChain::builder()
        .environment(env)
        .sts_endpoint(emu.endpoint())
        .metadata_endpoint(emu.endpoint())
        .build()
        .unwrap()
}

#[tokio::test]
async fn environment_keys_come_first() {
    let emu = mock_emulator().await;
    let env = Environment::from_vars([
        ("COS_SECRET_ID", "AKIDEXAMPLE"),
        ("COS_SECRET_KEY", "SECRETKEYEXAMPLE"),
        ("TENCENTCLOUD_SECRET_ID", "AKIDOTHER"),
        ("TENCENTCLOUD_SECRET_KEY", "OTHER"),
    ]);
    let chain = chain_for(&emu, env);
    let (client, bucket) = client_with(&emu, chain.clone()).await;
    round_trip(&client, &bucket, "env.txt").await;
    assert_eq!(chain.chosen(), Some("environment"));
}

fn write_profile(home: &Path, profile: &str, body: &str) {
    let dir = home.join(".tccli");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{profile}.credential")), body).unwrap();
}

#[tokio::test]
async fn the_tccli_profile_of_tencentcloud_profile_is_read_from_home() {
    let emu = mock_emulator().await;
    let home = tempfile::tempdir().unwrap();
    write_profile(
        home.path(),
        "ci",
        r#"{"secretId": "AKIDEXAMPLE", "secretKey": "SECRETKEYEXAMPLE"}"#,
    );
    write_profile(
        home.path(),
        "default",
        r#"{"secretId": "AKIDWRONG", "secretKey": "x"}"#,
    );
    let env = Environment::from_vars([("TENCENTCLOUD_PROFILE", "ci")]).with_home(home.path());
    let chain = chain_for(&emu, env);
    let (client, bucket) = client_with(&emu, chain.clone()).await;
    round_trip(&client, &bucket, "profile.txt").await;
    assert_eq!(chain.chosen(), Some("profile"));

    // Broken files are errors naming the file, never its content.
    let broken = tempfile::tempdir().unwrap();
    write_profile(
        broken.path(),
        "default",
        r#"{"secretId": "AKIDSECRETVALUE""#,
    );
    let p = ProfileProvider::new(&Environment::from_vars([("X", "y")]).with_home(broken.path()));
    let e = p.provide_credentials().await.unwrap_err().to_string();
    assert!(
        e.contains("default.credential") && e.contains("not JSON"),
        "{e}"
    );
    assert!(!e.contains("AKIDSECRETVALUE"), "{e}");
}

#[tokio::test]
async fn tke_oidc_exchanges_the_token_file_with_sts() {
    let emu = mock_emulator().await;
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
    let chain = chain_for(&emu, env);
    let (client, bucket) = client_with(&emu, chain.clone()).await;
    round_trip(&client, &bucket, "oidc.txt").await;
    assert_eq!(chain.chosen(), Some("web identity"));
    assert!(token_requests(&emu) >= 2, "temporary keys with their token");
    let sts: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.header("x-tc-action") == Some("AssumeRoleWithWebIdentity"))
        .collect();
    assert_eq!(sts.len(), 1);
    assert_eq!(sts[0].header("authorization"), Some("SKIP"));
    assert_eq!(sts[0].header("x-tc-region"), Some("ap-guangzhou"));

    // A token STS refuses: the error carries STS's code.
    std::fs::write(&token_file, "stolen").unwrap();
    let p = WebIdentityProvider::builder("ap-guangzhou", "tke-oidc", &token_file, ROLE_ARN)
        .endpoint(emu.endpoint())
        .build()
        .unwrap();
    let e = p.credentials().await.unwrap_err();
    assert!(
        e.to_string()
            .contains("InvalidParameter.WebIdentityTokenError"),
        "{e}"
    );
}

#[tokio::test]
async fn the_instance_role_is_discovered_from_the_metadata_server() {
    let emu = mock_emulator().await;
    let chain = chain_for(&emu, Environment::from_vars([("X", "y")]));
    let (client, bucket) = client_with(&emu, chain.clone()).await;
    round_trip(&client, &bucket, "cvm.txt").await;
    assert_eq!(chain.chosen(), Some("instance role"));
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
    // A role the server does not have.
    let p = InstanceRoleProvider::builder()
        .endpoint(emu.endpoint())
        .role("other-role")
        .build()
        .unwrap();
    assert!(matches!(
        p.credentials().await,
        Err(CredentialsError::Provider { .. })
    ));
}

#[tokio::test]
async fn nothing_configured_lists_every_reason() {
    let emu = Emulator::builder().start().await.unwrap();
    let chain = chain_for(&emu, Environment::from_vars([("X", "y")]));
    match chain.credentials().await {
        Err(CredentialsError::Chain(reasons)) => {
            assert_eq!(reasons.len(), 4, "{reasons:?}");
            assert!(
                reasons
                    .iter()
                    .all(|r| matches!(r, CredentialsError::NotConfigured { .. }))
            );
        }
        other => panic!("{other:?}"),
    }
    // A half-set pair is an error, not a reason to move on.
    let env = Environment::from_vars([("COS_SECRET_ID", "AKIDEXAMPLE")]);
    assert!(matches!(
        chain_for(&emu, env).credentials().await,
        Err(CredentialsError::Env(_))
    ));
}

#[tokio::test]
async fn assume_role_signs_sts_with_the_base_keys() {
    let emu = mock_emulator().await;
    let provider =
        AssumeRoleProvider::builder(StaticProvider::new(creds()), ROLE_ARN, "cos-rs-test")
            .duration(Duration::from_secs(1800))
            .policy(r#"{"version":"2.0","statement":[]}"#)
            .endpoint(emu.endpoint())
            .build()
            .unwrap();
    let temp = provider.credentials().await.unwrap();
    assert_ne!(temp.secret_id(), "AKIDEXAMPLE");
    assert!(temp.token().is_some());
    let (client, bucket) = client_with(&emu, provider).await;
    round_trip(&client, &bucket, "assumed.txt").await;
    let sts: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.header("x-tc-action") == Some("AssumeRole"))
        .collect();
    assert_eq!(sts.len(), 1, "cached after the first call");
    let auth = sts[0].header("authorization").unwrap();
    assert!(
        auth.starts_with("TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        "{auth}"
    );
    assert_eq!(sts[0].header("x-tc-version"), Some("2018-08-13"));

    // Base keys STS does not know: its error code, and no keys.
    let bogus = Credentials::new("AKIDBOGUS", "nope").unwrap();
    let p = AssumeRoleProvider::builder(StaticProvider::new(bogus), ROLE_ARN, "s")
        .endpoint(emu.endpoint())
        .build()
        .unwrap();
    let e = p.credentials().await.unwrap_err().to_string();
    assert!(e.contains("AuthFailure.SecretIdNotFound"), "{e}");

    // The chain's keys as the base of AssumeRole.
    let chain = DefaultChain::builder()
        .environment(Environment::from_vars([
            ("TENCENTCLOUD_SECRET_ID", "AKIDEXAMPLE"),
            ("TENCENTCLOUD_SECRET_KEY", "SECRETKEYEXAMPLE"),
        ]))
        .sts_endpoint(emu.endpoint())
        .instance_role(false)
        .assume_role(ROLE_ARN, "chained")
        .build()
        .unwrap();
    let c = chain.credentials().await.unwrap();
    assert!(c.token().is_some() && c.secret_id() != "AKIDEXAMPLE");
    assert_eq!(chain.chosen(), Some("environment"));
}

#[tokio::test]
async fn from_environment_reads_region_endpoint_and_credentials() {
    let emu = mock_emulator().await;
    let endpoint = emu.endpoint();
    let env = Environment::from_vars([
        ("TENCENTCLOUD_REGION", "ap-beijing"),
        ("COS_REGION", "ap-guangzhou"),
        ("COS_ENDPOINT", endpoint.as_str()),
        ("COS_SECRET_ID", "AKIDEXAMPLE"),
        ("COS_SECRET_KEY", "SECRETKEYEXAMPLE"),
    ]);
    let config =
        ConfigBuilder::from_environment(&env, DefaultChain::builder().instance_role(false))
            .unwrap()
            .build()
            .unwrap();
    assert_eq!(config.region.as_str(), "ap-guangzhou");
    let client = Client::new(config).unwrap();
    let bucket = BucketName::new(BUCKET).unwrap();
    client.put_bucket(&bucket).send().await.unwrap();
    round_trip(&client, &bucket, "from-env.txt").await;

    let env = Environment::from_vars([
        ("TENCENTCLOUD_REGION", "ap-beijing"),
        ("COS_ENDPOINT", "files.example.com"),
    ]);
    let config =
        ConfigBuilder::from_environment(&env, DefaultChain::builder().instance_role(false))
            .unwrap()
            .build()
            .unwrap();
    assert_eq!(config.region.as_str(), "ap-beijing");
    assert_eq!(
        config.endpoint,
        Endpoint::Custom("files.example.com".into())
    );
    // No region anywhere: a typed error before any request.
    let none = ConfigBuilder::from_environment(
        &Environment::from_vars([("X", "y")]),
        DefaultChain::builder().instance_role(false),
    )
    .unwrap()
    .build();
    assert!(matches!(none, Err(Error::InvalidInput(_))), "{none:?}");
}

#[tokio::test]
async fn providers_never_show_secrets_in_debug() {
    let emu = mock_emulator().await;
    let env = Environment::from_vars([
        ("COS_SECRET_ID", "AKIDEXAMPLE"),
        ("COS_SECRET_KEY", "SECRETKEYEXAMPLE"),
    ]);
    let chain = DefaultChain::builder()
        .environment(env)
        .sts_endpoint(emu.endpoint())
        .assume_role(ROLE_ARN, "debug")
        .build()
        .unwrap();
    let temp = chain.credentials().await.unwrap();
    let assume = AssumeRoleProvider::builder(StaticProvider::new(creds()), ROLE_ARN, "s")
        .endpoint(emu.endpoint());
    let shown = format!("{chain:?} {assume:?} {:?}", assume.clone().build().unwrap());
    for secret in ["SECRETKEYEXAMPLE", temp.secret_key(), temp.token().unwrap()] {
        assert!(!shown.contains(secret), "{shown}");
    }
}
