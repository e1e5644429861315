//! Test data, keys and the in-process emulator.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use cos_core::{BucketName, Client, Config, RetryConfig};
use cos_emulator::{Emulator, EmulatorHandle};
use serde_json::Value;

pub const BUCKET: &str = "examplebucket-1250000000";

pub fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

pub fn vectors() -> Value {
    serde_json::from_str(&std::fs::read_to_string(testdata("cse_vectors.json")).unwrap()).unwrap()
}

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn master_b64() -> String {
    std::fs::read_to_string(testdata("keys/aes_master.b64")).unwrap()
}

pub fn aes() -> cos_crypto::AesProvider {
    cos_crypto::AesProvider::from_base64(&master_b64()).unwrap()
}

pub fn rsa_pair() -> cos_crypto::RsaProvider {
    cos_crypto::RsaProvider::from_pem(
        &std::fs::read(testdata("keys/rsa_public.pem")).unwrap(),
        &std::fs::read(testdata("keys/rsa_private.pem")).unwrap(),
        None,
    )
    .unwrap()
}

pub fn rsa_path() -> cos_crypto::RsaProvider {
    cos_crypto::RsaProvider::from_key_files(
        testdata("keys/rsa_public.pem"),
        testdata("keys/rsa_private.pem"),
        None,
    )
    .unwrap()
}

/// Pseudo-random bytes (xorshift).
pub fn random(len: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    let mut x = seed | 1;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

pub fn client_for(emu: &EmulatorHandle) -> Client {
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
        .connect_to(format!("http://{}", emu.addr()))
        .read_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(120))
        .retry(
            RetryConfig::default()
                .max_attempts(4)
                .delays(Duration::from_millis(2), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

/// An emulator with [`BUCKET`] and a client on it.
pub async fn setup() -> (EmulatorHandle, Client) {
    let emu = Emulator::builder().seed(7).start().await.unwrap();
    let client = client_for(&emu);
    client
        .put_bucket(&BucketName::new(BUCKET).unwrap())
        .send()
        .await
        .unwrap();
    (emu, client)
}
