//! Shared test helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use std::time::Duration;

use cos_core::{BucketName, Client, Config, ObjectKey, RetryConfig};
use cos_emulator::{Emulator, EmulatorHandle};

pub fn creds() -> cos_auth::Credentials {
    cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap()
}

pub fn client_for(emu: &EmulatorHandle, retry: RetryConfig) -> Client {
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(creds())
        .connect_to(emu.endpoint())
        .read_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_secs(20))
        .retry(retry)
        .build()
        .unwrap();
    Client::new(config).unwrap()
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
