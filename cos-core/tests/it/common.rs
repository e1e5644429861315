//! Shared test helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use std::net::SocketAddr;
use std::time::Duration;

use cos_core::{BucketName, Client, Config, ConfigBuilder, ObjectKey, RetryConfig};
use cos_emulator::{Emulator, EmulatorHandle};

pub fn creds() -> cos_auth::Credentials {
    cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap()
}

/// The preset every test client starts from: region `ap-guangzhou`, the
/// emulator's test credentials, every request sent to `origin` (`http://host:port`).
/// Tests add or override what they exercise.
pub fn config_for(origin: impl Into<String>) -> ConfigBuilder {
    Config::builder()
        .region("ap-guangzhou")
        .credentials(creds())
        .connect_to(origin)
}

/// [`config_for`] a hand-written server listening on `addr`.
pub fn config_at(addr: SocketAddr) -> ConfigBuilder {
    config_for(format!("http://{addr}"))
}

/// The preset with bounded read and operation timeouts and `retry`.
fn bounded(config: ConfigBuilder, retry: RetryConfig) -> Client {
    let config = config
        .read_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_secs(20))
        .retry(retry)
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

/// A client for the emulator (bounded timeouts, `retry`).
pub fn client_for(emu: &EmulatorHandle, retry: RetryConfig) -> Client {
    bounded(config_for(emu.endpoint()), retry)
}

/// A client for a hand-written server on `addr` (bounded timeouts, `retry`).
pub fn client_at(addr: SocketAddr, retry: RetryConfig) -> Client {
    bounded(config_at(addr), retry)
}

pub fn fast_retry() -> RetryConfig {
    RetryConfig::default().delays(Duration::from_millis(5), Duration::from_millis(20))
}

pub async fn emulator() -> EmulatorHandle {
    Emulator::builder()
        .region("ap-guangzhou")
        .seed(1)
        .start()
        .await
        .unwrap()
}

/// An emulator, a client and a freshly created bucket.
pub async fn setup() -> (EmulatorHandle, Client, BucketName) {
    let emu = emulator().await;
    let client = client_for(&emu, fast_retry());
    let bucket = BucketName::new("examplebucket-1250000000").unwrap();
    client.put_bucket(&bucket).send().await.unwrap();
    emu.clear_requests();
    (emu, client, bucket)
}

pub fn key(k: &str) -> ObjectKey {
    ObjectKey::new(k).unwrap()
}

/// Requests for one operation.
pub fn reqs(emu: &EmulatorHandle, op: &str) -> Vec<cos_emulator::RecordedRequest> {
    emu.requests()
        .into_iter()
        .filter(|r| r.operation == op)
        .collect()
}

pub fn last(emu: &EmulatorHandle) -> cos_emulator::RecordedRequest {
    emu.requests().pop().expect("a request")
}
