//! v4 verification: expiry, once-signatures bound to their file, wrong bucket/appid, tampering.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cos_auth::Credentials;
use cos_auth::v4::{
    self, V4DecodeError, V4Expectation, V4Field, V4Nonce, V4SignatureKind, V4Signer, V4VerifyError,
};

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap()
}

const NOW: u64 = 1_700_000_000;
const NONCE: V4Nonce = V4Nonce {
    now: NOW,
    random: 5,
};

fn expect(path: &str) -> V4Expectation<'_> {
    V4Expectation {
        appid: "1250000000",
        bucket: "mybucket",
        cos_path: path,
    }
}

#[test]
fn multiple_use_signature_expires() {
    let s = V4Signer::new("1250000000", creds()).sign_more_at("mybucket", "/a.txt", 600, NONCE);
    let lookup = [creds()];
    let ok = v4::verify(&s, &expect("/other.txt"), &lookup[..], NOW + 600).unwrap();
    assert_eq!(ok.kind, V4SignatureKind::Multiple);
    assert_eq!(ok.decoded.expired, NOW + 600);
    assert_eq!(
        v4::verify(&s, &expect("/a.txt"), &lookup[..], NOW + 601),
        Err(V4VerifyError::Expired {
            expired: NOW + 600,
            now: NOW + 601
        })
    );
}

#[test]
fn once_signature_only_for_its_file() {
    let s = V4Signer::new("1250000000", creds()).sign_once_at("mybucket", "/dir/文件.txt", NONCE);
    let lookup = [creds()];
    let ok = v4::verify(&s, &expect("/dir/文件.txt"), &lookup[..], NOW + 10_000_000).unwrap();
    assert_eq!(ok.kind, V4SignatureKind::Once);
    assert_eq!(ok.decoded.random, 5);
    assert!(matches!(
        v4::verify(&s, &expect("/dir/other.txt"), &lookup[..], NOW),
        Err(V4VerifyError::OnceWrongFile { .. })
    ));
}

#[test]
fn wrong_bucket_appid_key_or_tampering_is_rejected() {
    let signer = V4Signer::new("1250000000", creds());
    let s = signer.sign_more_at("mybucket", "/a.txt", NOW + 60, NONCE);
    let lookup = [creds()];
    let other_bucket = V4Expectation {
        bucket: "other",
        ..expect("/a.txt")
    };
    assert_eq!(
        v4::verify(&s, &other_bucket, &lookup[..], NOW),
        Err(V4VerifyError::WrongBucket("mybucket".into()))
    );
    let other_app = V4Expectation {
        appid: "1",
        ..expect("/a.txt")
    };
    assert_eq!(
        v4::verify(&s, &other_app, &lookup[..], NOW),
        Err(V4VerifyError::WrongAppId("1250000000".into()))
    );
    let nobody: [Credentials; 0] = [];
    assert_eq!(
        v4::verify(&s, &expect("/a.txt"), &nobody[..], NOW),
        Err(V4VerifyError::UnknownAccessKey("AKIDEXAMPLE".into()))
    );
    let wrong_secret = [Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLF").unwrap()];
    assert_eq!(
        v4::verify(&s, &expect("/a.txt"), &wrong_secret[..], NOW),
        Err(V4VerifyError::SignatureMismatch)
    );

    // Extending the expiry in the plaintext breaks the MAC.
    let raw = STANDARD.decode(&s).unwrap();
    let text = String::from_utf8(raw[20..].to_vec()).unwrap();
    let longer = text.replace(&format!("e={}", NOW + 60), &format!("e={}", NOW + 99_999));
    let forged = STANDARD.encode([&raw[..20], longer.as_bytes()].concat());
    assert_eq!(
        v4::verify(&forged, &expect("/a.txt"), &lookup[..], NOW),
        Err(V4VerifyError::SignatureMismatch)
    );

    for garbage in ["", "!!!", "c2hvcnQ=", &STANDARD.encode([0u8; 30])] {
        assert!(
            matches!(
                v4::verify(garbage, &expect("/a.txt"), &lookup[..], NOW),
                Err(V4VerifyError::Malformed(_))
            ),
            "{garbage}"
        );
    }
}

#[test]
fn malformed_signatures_say_what_is_wrong_without_echoing_it() {
    let with_mac =
        |plaintext: &str| STANDARD.encode([&[7u8; 20][..], plaintext.as_bytes()].concat());
    let full = "a=1250000000&k=AKIDEXAMPLE&e=0&t=1&r=2&f=/x&b=mybucket";
    let cases = [
        ("!!!".to_owned(), V4DecodeError::NotBase64),
        (STANDARD.encode([0u8; 20]), V4DecodeError::TooShort),
        (
            STANDARD.encode([&[0u8; 20][..], &[0xff, 0xfe]].concat()),
            V4DecodeError::NotUtf8,
        ),
        (with_mac("a=1&k"), V4DecodeError::FieldWithoutEquals),
        (
            with_mac(&full.replace("&b=mybucket", "")),
            V4DecodeError::MissingField(V4Field::Bucket),
        ),
        (
            with_mac(&full.replace("t=1", "t=soon")),
            V4DecodeError::NotANumber(V4Field::Now),
        ),
        (
            with_mac(&full.replace("e=0", "e=-1")),
            V4DecodeError::NotANumber(V4Field::Expired),
        ),
    ];
    for (sign, want) in cases {
        let err = v4::decode(&sign).unwrap_err();
        assert_eq!(err, V4VerifyError::Malformed(want), "{sign}");
        assert_eq!(
            v4::verify(&sign, &expect("/x"), &[creds()][..], NOW),
            Err(V4VerifyError::Malformed(want))
        );
        let text = err.to_string();
        assert!(text.starts_with("malformed v4 signature: "), "{text}");
        assert!(
            !text.contains("AKIDEXAMPLE") && !text.contains("soon"),
            "{text}"
        );
        assert!(std::error::Error::source(&err).is_none());
    }
    assert_eq!(
        V4VerifyError::Malformed(V4DecodeError::MissingField(V4Field::SecretId)).to_string(),
        "malformed v4 signature: field k is missing"
    );
}

#[test]
fn generated_nonces_differ_and_signatures_verify() {
    let signer = V4Signer::new("1250000000", creds());
    let a = signer.sign_more("mybucket", "/a.txt", 600);
    let b = signer.sign_more("mybucket", "/a.txt", 600);
    let now = cos_auth::qsign::unix_now();
    let lookup = [creds()];
    for s in [&a, &b] {
        let d = v4::verify(s, &expect("/a.txt"), &lookup[..], now)
            .unwrap()
            .decoded;
        assert!(d.random < 1_000_000_000);
        assert!(d.expired >= now + 599 && d.expired <= now + 601);
    }
    let dl = signer.sign_download("mybucket", "/a b.txt", 60);
    assert_eq!(v4::decode(&dl).unwrap().file_id, "/a%20b.txt");
    let once = signer.sign_once("mybucket", "/a.txt");
    assert_eq!(v4::decode(&once).unwrap().expired, 0);
}
