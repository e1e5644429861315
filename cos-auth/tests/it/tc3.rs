//! TC3-HMAC-SHA256 against the vectors of `testdata/tc3_vectors.json`, produced by
//! Tencent's official Python signer (`tencentcloud-sdk-python-common`, see
//! `testdata/tc3_vectors.py`), and the verifier against the signer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cos_auth::Credentials;
use cos_auth::tc3::{self, ReceivedRequest, SignableRequest, Tc3VerifyError};
use serde_json::Value;

fn testdata(name: &str) -> String {
    let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn vectors() -> Vec<Value> {
    serde_json::from_str(&testdata("tc3_vectors.json")).unwrap()
}

fn creds(case: &Value) -> Credentials {
    let c = Credentials::new(
        case["secret_id"].as_str().unwrap(),
        case["secret_key"].as_str().unwrap(),
    )
    .unwrap();
    match case["token"].as_str() {
        Some(t) => c.with_token(t).unwrap(),
        None => c,
    }
}

fn signable(case: &Value) -> SignableRequest<'_> {
    SignableRequest::new(
        case["method"].as_str().unwrap(),
        case["host"].as_str().unwrap(),
        case["content_type"].as_str().unwrap(),
        case["payload"].as_str().unwrap().as_bytes(),
    )
    .query(case["query"].as_str().unwrap())
}

#[test]
fn vectors_match_the_official_signer_byte_for_byte() {
    let cases = vectors();
    assert_eq!(cases.len(), 5);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let ts = case["timestamp"].as_u64().unwrap();
        let service = case["service"].as_str().unwrap();
        let sig = tc3::sign(&signable(case), &creds(case), service, ts);
        assert_eq!(
            sig.authorization(),
            case["authorization"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(sig.timestamp(), ts.to_string(), "{name}");
        assert_eq!(sig.token(), case["token_header"].as_str(), "{name}");
    }
}

#[test]
fn the_verifier_accepts_the_official_signatures_and_refuses_changes() {
    for case in &vectors() {
        let name = case["name"].as_str().unwrap();
        let ts = case["timestamp"].as_u64().unwrap();
        let service = case["service"].as_str().unwrap();
        let ts_text = ts.to_string();
        let mut headers = vec![
            ("Authorization", case["authorization"].as_str().unwrap()),
            ("Content-Type", case["content_type"].as_str().unwrap()),
            ("Host", case["host"].as_str().unwrap()),
            ("X-TC-Timestamp", ts_text.as_str()),
        ];
        if let Some(t) = case["token_header"].as_str() {
            headers.push(("X-TC-Token", t));
        }
        let payload = case["payload"].as_str().unwrap().as_bytes();
        let req = ReceivedRequest {
            method: case["method"].as_str().unwrap(),
            path: "/",
            query: case["query"].as_str().unwrap(),
            headers: &headers,
            payload,
        };
        let lookup = vec![creds(case)];
        let ok = tc3::verify(&req, &lookup, service, ts + 10, 300).unwrap();
        assert_eq!(
            ok.credentials.secret_id(),
            case["secret_id"].as_str().unwrap(),
            "{name}"
        );

        let tampered = [payload, b" "].concat();
        let bad = ReceivedRequest {
            payload: &tampered,
            ..req
        };
        assert_eq!(
            tc3::verify(&bad, &lookup, service, ts, 300).unwrap_err(),
            Tc3VerifyError::SignatureMismatch,
            "{name}"
        );
        assert!(matches!(
            tc3::verify(&req, &lookup, service, ts + 301, 300),
            Err(Tc3VerifyError::Skewed { .. })
        ));
        assert!(matches!(
            tc3::verify(&req, &lookup, "other", ts, 300),
            Err(Tc3VerifyError::WrongService(_))
        ));
        let nobody: Vec<Credentials> = Vec::new();
        assert!(matches!(
            tc3::verify(&req, &nobody, service, ts, 300),
            Err(Tc3VerifyError::UnknownSecretId(_))
        ));
        if case["token_header"].is_string() {
            let without: Vec<_> = headers
                .iter()
                .copied()
                .filter(|(k, _)| *k != "X-TC-Token")
                .collect();
            let req = ReceivedRequest {
                headers: &without,
                ..req
            };
            assert_eq!(
                tc3::verify(&req, &lookup, service, ts, 300).unwrap_err(),
                Tc3VerifyError::MissingToken
            );
        }
    }
}

#[test]
fn secrets_never_appear_in_debug() {
    let case = &vectors()[3];
    let c = creds(case);
    let i = tc3::sign_with_intermediates(&signable(case), &c, "sts", 1_767_225_599);
    let shown = format!("{i:?}");
    assert!(!shown.contains(c.secret_key()));
    assert!(!shown.contains(c.token().unwrap()));
    assert!(
        i.string_to_sign
            .starts_with("TC3-HMAC-SHA256\n1767225599\n2025-12-31/sts/tc3_request\n")
    );
}

/// Regenerates the vectors with the official Python signer and compares them with the
/// committed file: the committed vectors are what Tencent's SDK produces today.
#[test]
fn the_official_python_signer_still_produces_the_committed_vectors() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let python = cos_testkit::python::python_with_extras_or_panic(&[cos_testkit::python::TC3]);
    let script = format!("{}/testdata/tc3_vectors.py", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(testdata("tc3_cases.json").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let fresh: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fresh, Value::Array(vectors()));
}
