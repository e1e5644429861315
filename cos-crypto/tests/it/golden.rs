//! The golden vectors of the official Python SDK (`cse` in the shared vectors, made with
//! cos-python-sdk-v5 1.9.44 / pycryptodome): data cipher, per-part counters, unaligned
//! ranges, the AES and RSA wraps, and the envelope headers.

use cos_crypto::{DataKey, Envelope, KeyProvider, RsaPadding, WrappedKey};
use serde_json::Value;

use crate::common::{aes, hex, rsa_pair, rsa_path, testdata, to_hex, vectors};

fn data_key(v: &Value) -> DataKey {
    DataKey::from_slices(
        &hex(v["data_key_hex"].as_str().unwrap()),
        &hex(v["iv_hex"].as_str().unwrap()),
    )
    .unwrap()
}

fn wrapped(v: &Value) -> WrappedKey {
    WrappedKey {
        key: hex(v["wrapped_key_hex"].as_str().unwrap()),
        iv: hex(v["wrapped_iv_hex"].as_str().unwrap()),
    }
}

fn plaintext() -> Vec<u8> {
    hex(vectors()["cse_rsa_pair_decrypt"]["plaintext_hex"]
        .as_str()
        .unwrap())
}

#[test]
fn data_is_aes256_ctr_with_the_iv_as_a_128_bit_counter_including_its_wraparound() {
    let all = vectors();
    for name in [
        "cse_aes_single",
        "cse_aes_iv_wrap",
        "cse_rsa_pair_pkcs1v15_seeded",
    ] {
        let v = &all[name];
        let mut buf = plaintext();
        data_key(v).apply(0, &mut buf);
        assert_eq!(
            to_hex(&buf),
            v["ciphertext_hex"].as_str().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn every_part_encrypts_alone_at_its_offset_aligned_or_not() {
    let all = vectors();
    for name in ["cse_aes_multipart_16", "cse_aes_multipart_10_unaligned"] {
        let v = &all[name];
        let key = data_key(v);
        let plain = plaintext();
        for part in v["parts"].as_array().unwrap() {
            let (off, size) = (
                part["offset"].as_u64().unwrap(),
                part["size"].as_u64().unwrap(),
            );
            let mut buf = plain[off as usize..(off + size) as usize].to_vec();
            key.apply(off, &mut buf);
            assert_eq!(
                to_hex(&buf),
                part["ciphertext_hex"].as_str().unwrap(),
                "{name} {off}"
            );
        }
    }
}

#[test]
fn an_unaligned_range_decrypts_from_the_block_before_it() {
    let all = vectors();
    let r = &all["cse_aes_decrypt_range_20_39"];
    let cipher = hex(all["cse_aes_single"]["ciphertext_hex"].as_str().unwrap());
    // What is sent: bytes=16-39; what the caller gets: 20..=39.
    assert_eq!(r["range_sent_to_cos"], "bytes=16-39");
    let mut got = cipher[16..40].to_vec();
    data_key(&all["cse_aes_single"]).apply(16, &mut got);
    assert_eq!(to_hex(&got[4..]), r["plaintext_hex"].as_str().unwrap());
}

#[tokio::test]
async fn the_aes_wrap_is_one_ctr_stream_from_counter_zero_over_key_then_iv() {
    let all = vectors();
    let p = aes();
    for name in ["cse_aes_single", "cse_aes_iv_wrap"] {
        let v = &all[name];
        let w = p.wrap(&data_key(v)).await.unwrap();
        assert_eq!(w, wrapped(v), "{name}");
        let back = p.unwrap(&w).await.unwrap();
        assert_eq!(back.key(), data_key(v).key());
        assert_eq!(back.iv(), data_key(v).iv());
    }
}

#[tokio::test]
async fn rsa_keys_given_as_contents_unwrap_pkcs1_v15_and_key_files_unwrap_oaep() {
    let all = vectors();
    let pair = rsa_pair();
    assert_eq!(pair.padding(), RsaPadding::Pkcs1v15);
    let path = rsa_path();
    assert_eq!(path.padding(), RsaPadding::OaepSha1);
    let v1 = &all["cse_rsa_pair_pkcs1v15_seeded"];
    let v2 = &all["cse_rsa_path_oaep_seeded"];
    let k1 = pair.unwrap(&wrapped(v1)).await.unwrap();
    assert_eq!(k1.key(), data_key(v1).key());
    assert_eq!(k1.iv(), data_key(v1).iv());
    let k2 = path.unwrap(&wrapped(v2)).await.unwrap();
    assert_eq!(k2.key(), data_key(v2).key());
    // The other padding is detected as a failed unwrap, never a wrong key.
    assert!(matches!(
        path.unwrap(&wrapped(v1)).await,
        Err(cos_crypto::CryptoError::Unwrap(_))
    ));
    // Our own wraps (randomized padding) unwrap to the same key.
    for p in [&pair, &path] {
        let w = p.wrap(&data_key(v1)).await.unwrap();
        assert_eq!(w.key.len(), 256);
        assert_eq!(p.unwrap(&w).await.unwrap().key(), data_key(v1).key());
    }
}

#[test]
fn the_envelope_headers_are_base64_of_the_wrapped_key_and_iv() {
    let all = vectors();
    for name in [
        "cse_aes_single",
        "cse_rsa_pair_pkcs1v15_seeded",
        "cse_rsa_path_oaep_seeded",
    ] {
        let v = &all[name];
        let meta: Vec<(String, String)> = v["metadata_headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, val)| (k.clone(), val.as_str().unwrap().to_owned()))
            .collect();
        let env = Envelope::from_metadata(&meta, name).unwrap();
        assert_eq!(env.wrapped, wrapped(v), "{name}");
        assert_eq!(env.plaintext_len, None);
        let ours: Vec<(String, String)> = env
            .metadata()
            .into_iter()
            .map(|(k, v)| (format!("x-cos-meta-{k}"), v))
            .collect();
        assert_eq!(ours, meta, "{name}");
    }
}

#[tokio::test]
async fn the_wire_capture_body_is_our_ciphertext() {
    let wire: Value =
        serde_json::from_str(&std::fs::read_to_string(testdata("wire_cse.json")).unwrap()).unwrap();
    let v = &vectors()["cse_aes_single"];
    let mut buf = plaintext();
    data_key(v).apply(0, &mut buf);
    assert_eq!(to_hex(&buf), wire["put_body_hex"].as_str().unwrap());
    let headers = wire["put_headers"].as_array().unwrap();
    let w = aes().wrap(&data_key(v)).await.unwrap();
    let env = Envelope {
        wrapped: w,
        plaintext_len: None,
        plaintext_crc64: None,
    };
    for (k, val) in env.metadata() {
        let name = format!("x-cos-meta-{k}");
        assert!(
            headers
                .iter()
                .any(|h| h[0] == name.as_str() && h[1] == val.as_str()),
            "{name}"
        );
    }
}
