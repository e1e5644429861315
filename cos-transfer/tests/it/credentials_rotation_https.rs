//! A long upload keeps going across a key rotation OVER HTTPS: the emulator's TLS
//! listener (a throwaway CA) serves COS and its mock STS; the `AssumeRole` provider's
//! STS calls and the client's COS requests both trust that CA. The emulator's clock
//! moves past the first temporary keys' expiry after the third part; the provider
//! refreshes them over HTTPS and no request is refused.

use std::sync::Arc;
use std::time::Duration;

use cos_auth::{ProvideCredentials, StaticProvider};
use cos_core::credentials::{AssumeRoleProvider, RefreshSettings};
use cos_core::transport::{NetworkOptions, TlsConfig};
use cos_core::{Client, Config, ConfigBuilder, RetryConfig};
use cos_emulator::{Emulator, EmulatorHandle};
use cos_testkit::tls::TestPki;
use cos_transfer::CosBackend;

use crate::common::emu::{BUCKET, create_bucket};

/// A client config for the HTTPS emulator trusting only the test CA.
fn https_config(emu: &EmulatorHandle, pki: &TestPki) -> ConfigBuilder {
    Config::builder()
        .region("ap-guangzhou")
        .connect_to(emu.endpoint())
        .ca_bundle_pem(&pki.ca_pem)
        .tls_builtin_roots(false)
        .read_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_secs(120))
}

/// The `AssumeRole` provider of the test: STS over HTTPS trusting the test CA, expiry
/// judged by the emulator's clock.
fn assume_role(emu: &Arc<EmulatorHandle>, pki: &TestPki) -> impl ProvideCredentials + 'static {
    let mut network = NetworkOptions::default();
    network.tls = TlsConfig::default()
        .add_ca_pem(&pki.ca_pem)
        .builtin_roots(false);
    let clock = emu.clone();
    let base =
        StaticProvider::new(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap());
    AssumeRoleProvider::builder(base, "qcs::cam::uin/1:roleName/uploader", "up")
        .duration(Duration::from_secs(1000))
        .endpoint(emu.endpoint())
        .network(network)
        .refresh(
            RefreshSettings::default()
                .jitter(Duration::ZERO)
                .clock(move || clock.now()),
        )
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_https_survives_the_expiry_of_its_first_keys() {
    let pki = TestPki::generate().unwrap();
    let emu = Arc::new(
        Emulator::builder()
            .tls(pki.cert_pem.clone(), pki.key_pem.clone())
            .mock_sts(true)
            .start()
            .await
            .unwrap(),
    );
    assert!(emu.endpoint().starts_with("https://"));
    let admin = Client::new(
        https_config(&emu, &pki)
            .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
            .build()
            .unwrap(),
    )
    .unwrap();
    create_bucket(&admin, BUCKET).await;
    let config = https_config(&emu, &pki)
        .credentials_provider(assume_role(&emu, &pki))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let backend = CosBackend::new(Client::new(config).unwrap());

    crate::credentials_rotation::upload_across_rotation(&emu, &backend, admin, 12).await;
}
