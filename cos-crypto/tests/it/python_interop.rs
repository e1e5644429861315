//! Interop with the official Python SDK's `CosEncryptionClient` (cos-python-sdk-v5 in the
//! workspace's `target/xtask-python` venv, created when missing), both ways, through the
//! emulator: AES, RSA with keys as contents (PKCS#1 v1.5) and as files (OAEP); single
//! PUT and multipart; empty and odd-sized objects; ranges at unaligned offsets.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use cos_core::{BucketName, ObjectKey, ReadOptions, WriteOptions};
use cos_crypto::{ByteRange, EncryptionClient, KeyProvider};
use md5::Digest;
use serde_json::{Value, json};

use crate::common::{BUCKET, aes, random, rsa_pair, rsa_path, setup, testdata, to_hex};

const MIB: usize = 1024 * 1024;

/// Runs the script's batch of operations, returning one result per operation.
fn python(port: u16, ops: &Value) -> Vec<Value> {
    python_home(port, ops, None)
}

/// [`python`] with `HOME` set to `home` (where the SDK keeps and generates its default
/// key files).
fn python_home(port: u16, ops: &Value, home: Option<&Path>) -> Vec<Value> {
    let py = cos_testkit::python::python_or_panic();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/cse_interop.py");
    let mut cmd = Command::new(py);
    if let Some(home) = home {
        cmd.env("HOME", home);
    }
    let mut child = cmd
        .arg(script)
        .arg(port.to_string())
        .arg(testdata("keys"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ops.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

fn provider(name: &str) -> std::sync::Arc<dyn KeyProvider> {
    match name {
        "aes" => std::sync::Arc::new(aes()),
        "rsa-pair" => std::sync::Arc::new(rsa_pair()),
        _ => std::sync::Arc::new(rsa_path()),
    }
}

fn md5_hex(b: &[u8]) -> String {
    to_hex(&md5::Md5::digest(b))
}

/// (provider, key, length, multipart part size)
const CASES: &[(&str, &str, usize, Option<usize>)] = &[
    ("aes", "empty", 0, None),
    ("aes", "odd", 1000 + 7, None),
    ("rsa-pair", "odd", 4099, None),
    ("rsa-path", "odd", 33, None),
    ("aes", "multi", 2 * MIB + 5, Some(MIB)),
    ("rsa-pair", "multi", MIB + 17, Some(MIB)),
    ("rsa-path", "multi", 2 * MIB + 1, Some(MIB)),
];

/// Unaligned ranges within `len` bytes.
fn ranges(len: usize) -> Vec<(u64, u64)> {
    let last = len as u64 - 1;
    [(0, 0), (1, 30), (17, 17 + 100), (len as u64 / 2 + 3, last)]
        .into_iter()
        .map(|(s, e)| (s.min(last), e.min(last)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_the_python_sdk_encrypted_decrypt_with_ours() {
    let (emu, client) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ops = Vec::new();
    for (i, (p, name, len, part)) in CASES.iter().enumerate() {
        let src = dir.path().join(format!("{i}"));
        std::fs::write(&src, random(*len, i as u64 + 1)).unwrap();
        ops.push(
            json!({"op": "put", "provider": p, "key": format!("py/{p}/{name}"),
                        "src": src, "part_size": part}),
        );
    }
    python(emu.addr().port(), &Value::Array(ops));
    let bucket = BucketName::new(BUCKET).unwrap();
    for (i, (p, name, len, _)) in CASES.iter().enumerate() {
        let data = random(*len, i as u64 + 1);
        let key = ObjectKey::new(format!("py/{p}/{name}")).unwrap();
        let enc = EncryptionClient::with_provider(client.clone(), provider(p));
        let got = enc
            .get_object(&bucket, &key, None, &ReadOptions::default())
            .await
            .unwrap();
        // Python writes no length or CRC: still readable.
        assert_eq!(got.head.envelope.plaintext_crc64, None);
        assert_eq!(
            &got.body.bytes().await.unwrap()[..],
            &data[..],
            "{p} {name}"
        );
        if *len > 0 {
            for (s, e) in ranges(*len) {
                let r = Some(ByteRange {
                    start: s,
                    end: Some(e),
                });
                let got = enc
                    .get_object(&bucket, &key, r, &ReadOptions::default())
                    .await
                    .unwrap();
                let got = got.body.bytes().await.unwrap();
                assert_eq!(
                    &got[..],
                    &data[s as usize..=e as usize],
                    "{p} {name} {s}-{e}"
                );
            }
        }
        let dest = dir.path().join(format!("down{i}"));
        let options = cos_transfer::DownloadOptions::default()
            .single_threshold(MIB as u64)
            .part_size(MIB as u64);
        enc.download_file(&bucket, &key, &dest, options)
            .await
            .unwrap();
        assert_eq!(
            std::fs::read(&dest).unwrap(),
            data,
            "{p} {name} download_file"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_we_encrypted_decrypt_with_the_python_sdk() {
    let (emu, client) = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let bucket = BucketName::new(BUCKET).unwrap();
    let mut ops = Vec::new();
    let mut want = Vec::new();
    for (i, (p, name, len, part)) in CASES.iter().enumerate() {
        let data = random(*len, i as u64 + 100);
        let key = ObjectKey::new(format!("rs/{p}/{name}")).unwrap();
        let enc = EncryptionClient::with_provider(client.clone(), provider(p));
        match part {
            None => {
                enc.put_object(&bucket, &key, data.clone(), &WriteOptions::default())
                    .await
                    .unwrap();
            }
            Some(part) => {
                let src = dir.path().join(format!("{i}"));
                std::fs::write(&src, &data).unwrap();
                let options = cos_transfer::UploadOptions::default()
                    .multipart_threshold(*part as u64)
                    .part_size(*part as u64);
                let out = enc
                    .upload_file(&bucket, &key, &src, options, &WriteOptions::default())
                    .await
                    .unwrap();
                assert!(out.multipart);
            }
        }
        ops.push(json!({"op": "get", "provider": p, "key": key.as_str(), "range": null}));
        want.push((md5_hex(&data), data.len(), None));
        if *len > 0 {
            for (s, e) in ranges(*len) {
                ops.push(json!({"op": "get", "provider": p, "key": key.as_str(), "range": [s, e]}));
                let slice = &data[s as usize..=e as usize];
                want.push((md5_hex(slice), slice.len(), Some(to_hex(slice))));
            }
        }
    }
    let got = python(emu.addr().port(), &Value::Array(ops));
    assert_eq!(got.len(), want.len());
    for (i, (g, (md5, len, hex))) in got.iter().zip(want).enumerate() {
        assert_eq!(g["len"].as_u64().unwrap() as usize, len, "op {i}");
        assert_eq!(g["md5"].as_str().unwrap(), md5, "op {i}");
        if let Some(hex) = hex
            && len <= 4096
        {
            assert_eq!(g["hex"].as_str().unwrap(), hex, "op {i}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_and_passphrase_protected_keys_work_both_ways() {
    let (emu, client) = setup().await;
    let bucket = BucketName::new(BUCKET).unwrap();
    let data = random(5000 + 3, 77);

    // Keys we generate (with and without a passphrase), read by the SDK's key-file loading.
    let mut ops = Vec::new();
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    for (dir, pass) in dirs.iter().zip([None, Some("pass phrase 1")]) {
        let p = cos_crypto::RsaProvider::generate_key_files(
            dir.path().join("rsa_public.pem"),
            dir.path().join("rsa_private.pem"),
            pass,
        )
        .unwrap();
        // Created private and never overwritten.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("rsa_private.pem"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0);
        }
        assert!(
            cos_crypto::RsaProvider::generate_key_files(
                dir.path().join("rsa_public.pem"),
                dir.path().join("other.pem"),
                pass
            )
            .is_err()
        );
        let key = ObjectKey::new(format!("gen/ours/{}", pass.is_some())).unwrap();
        EncryptionClient::new(client.clone(), p)
            .put_object(&bucket, &key, data.clone(), &WriteOptions::default())
            .await
            .unwrap();
        ops.push(
            json!({"op": "get", "provider": "rsa-path", "key": key.as_str(),
                        "keys": dir.path(), "passphrase": pass}),
        );
    }
    for g in python(emu.addr().port(), &Value::Array(ops)) {
        assert_eq!(g["md5"].as_str().unwrap(), md5_hex(&data));
    }

    // Keys the SDK generates in its default places (RSA with a passphrase: its public key
    // file is legacy-PEM encrypted; AES: base64 in a key file), read by ours.
    let home = tempfile::tempdir().unwrap();
    let src = home.path().join("src");
    std::fs::write(&src, &data).unwrap();
    let ops = json!([
        {"op": "put", "provider": "rsa-generate", "key": "gen/py/rsa", "src": src, "passphrase": "py pass"},
        {"op": "put", "provider": "aes-generate", "key": "gen/py/aes", "src": src},
    ]);
    python_home(emu.addr().port(), &ops, Some(home.path()));
    let rsa_dir = home.path().join(".cos_local_rsa");
    let public = std::fs::read_to_string(rsa_dir.join(".public_key.pem")).unwrap();
    assert!(public.contains("Proc-Type: 4,ENCRYPTED"), "{public}");
    let rsa = cos_crypto::RsaProvider::from_key_files(
        rsa_dir.join(".public_key.pem"),
        rsa_dir.join(".private_key.pem"),
        Some("py pass"),
    )
    .unwrap();
    let wrong = cos_crypto::RsaProvider::from_key_files(
        rsa_dir.join(".public_key.pem"),
        rsa_dir.join(".private_key.pem"),
        Some("not it"),
    );
    assert!(
        matches!(wrong, Err(cos_crypto::CryptoError::KeyFile { .. })),
        "{wrong:?}"
    );
    let aes =
        cos_crypto::AesProvider::from_key_file(home.path().join(".cos_local_aes/.aes_key.pem"))
            .unwrap();
    for (key, p) in [
        ("gen/py/rsa", provider_of(rsa)),
        ("gen/py/aes", provider_of(aes)),
    ] {
        let enc = EncryptionClient::with_provider(client.clone(), p);
        let got = enc
            .get_object(
                &bucket,
                &ObjectKey::new(key).unwrap(),
                None,
                &ReadOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(&got.body.bytes().await.unwrap()[..], &data[..], "{key}");
    }
}

fn provider_of(p: impl KeyProvider + 'static) -> std::sync::Arc<dyn KeyProvider> {
    std::sync::Arc::new(p)
}
