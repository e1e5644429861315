//! Bad input gets typed errors; secrets never show in `Debug`.

use cos_crypto::{AesProvider, CryptoError, DataKey, Envelope, RsaProvider};

use crate::common::{master_b64, testdata};

#[test]
fn bad_aes_master_keys_are_typed_errors() {
    assert!(matches!(
        AesProvider::from_bytes(&[0u8; 16]),
        Err(CryptoError::KeyLength {
            expected: 32,
            got: 16,
            ..
        })
    ));
    assert!(matches!(
        AesProvider::from_base64("not base64 at all!"),
        Err(CryptoError::KeyEncoding { .. })
    ));
    // Valid base64 of 24 bytes.
    assert!(matches!(
        AesProvider::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"),
        Err(CryptoError::KeyLength { got: 24, .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "@@@@").unwrap();
    assert!(matches!(
        AesProvider::from_key_file(&bad),
        Err(CryptoError::KeyFile { .. })
    ));
    assert!(matches!(
        AesProvider::from_key_file(dir.path().join("missing")),
        Err(CryptoError::KeyFile { .. })
    ));
    // The golden key file (base64 text, as the SDK writes it) loads.
    AesProvider::from_key_file(testdata("keys/aes_master.b64")).unwrap();
}

#[test]
fn rsa_key_files_that_do_not_parse_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.pem");
    std::fs::write(
        &junk,
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    )
    .unwrap();
    let private = testdata("keys/rsa_private.pem");
    assert!(matches!(
        RsaProvider::from_key_files(&junk, &private, None),
        Err(CryptoError::KeyFile { .. })
    ));
    assert!(matches!(
        RsaProvider::from_key_files(
            testdata("keys/rsa_public.pem"),
            dir.path().join("none"),
            None
        ),
        Err(CryptoError::KeyFile { .. })
    ));
    assert!(matches!(
        RsaProvider::from_pem(b"garbage", b"garbage", None),
        Err(CryptoError::InvalidKey(_))
    ));
    // A public key where the private one belongs.
    let public = std::fs::read(testdata("keys/rsa_public.pem")).unwrap();
    assert!(matches!(
        RsaProvider::from_pem(&public, &public, None),
        Err(CryptoError::InvalidKey(_))
    ));
}

#[test]
fn envelopes_that_are_missing_truncated_or_not_base64_are_typed_errors() {
    let m = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
    assert!(matches!(
        Envelope::from_metadata(&[], "b/k"),
        Err(CryptoError::MissingEnvelope { .. })
    ));
    // Only half of it.
    assert!(matches!(
        Envelope::from_metadata(&m("client-side-encryption-key", "AAAA"), "b/k"),
        Err(CryptoError::MissingEnvelope { .. })
    ));
    let both = |key: &str, iv: &str| {
        vec![
            ("client-side-encryption-key".to_owned(), key.to_owned()),
            ("client-side-encryption-iv".to_owned(), iv.to_owned()),
        ]
    };
    assert!(matches!(
        Envelope::from_metadata(&both("%%%", "AAAA"), "b/k"),
        Err(CryptoError::InvalidEnvelope {
            header: "client-side-encryption-key",
            ..
        })
    ));
    assert!(matches!(
        Envelope::from_metadata(&both("AAAA", "AAA"), "b/k"),
        Err(CryptoError::InvalidEnvelope {
            header: "client-side-encryption-iv",
            ..
        })
    ));
}

#[tokio::test]
async fn a_truncated_envelope_does_not_unwrap() {
    use cos_crypto::KeyProvider;
    let aes = crate::common::aes();
    let key = DataKey::generate();
    let mut w = aes.wrap(&key).await.unwrap();
    w.key.truncate(20);
    assert!(matches!(aes.unwrap(&w).await, Err(CryptoError::Unwrap(_))));
    let rsa = crate::common::rsa_path();
    let mut w = rsa.wrap(&key).await.unwrap();
    w.iv.truncate(100);
    assert!(matches!(rsa.unwrap(&w).await, Err(CryptoError::Unwrap(_))));
}

#[test]
fn key_material_never_shows_in_debug() {
    let aes = AesProvider::from_base64(&master_b64()).unwrap();
    let key = DataKey::from_slices(&[0xab; 32], &[0xcd; 16]).unwrap();
    for shown in [
        format!("{aes:?}"),
        format!("{key:?}"),
        format!("{:?}", crate::common::rsa_pair()),
    ] {
        assert!(!shown.contains("AAECAwQF"), "{shown}");
        assert!(
            !shown.contains("171") && !shown.to_lowercase().contains("abab"),
            "{shown}"
        );
        assert!(!shown.contains("MII"), "{shown}");
    }
    let err = AesProvider::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYX").unwrap_err();
    assert!(!err.to_string().contains("AAECAwQF"));
}
