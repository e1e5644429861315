//! Signing and verifying `http::Request` values (feature `http`).
#![cfg(feature = "http")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cos_auth::Credentials;
use cos_auth::http_request::{HttpSignError, sign_request, verify_request};
use cos_auth::qsign::{self, KeyTime, SignableRequest, SigningSettings, VerifyError};

#[test]
fn an_http_request_signs_like_the_borrowed_view_and_verifies() {
    let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")
        .unwrap()
        .with_token("TOK")
        .unwrap();
    let kt = KeyTime::new(1_700_000_000, 1_700_003_600).unwrap();
    let mut req = http::Request::builder()
        .method("PUT")
        .uri("http://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com:9000/dir/a%20b%2Bc.txt?acl&prefix=a+b%2Fc")
        .header("Content-Type", "text/plain")
        .header("User-Agent", "cos-rs")
        .body(())
        .unwrap();
    let sig = sign_request(&mut req, &creds, kt, &SigningSettings::default()).unwrap();
    assert_eq!(req.headers()["authorization"], sig.authorization());
    assert_eq!(req.headers()["x-cos-security-token"], "TOK");

    let headers = [
        ("Content-Type", "text/plain"),
        (
            "Host",
            "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
        ),
    ];
    let params = [("acl", ""), ("prefix", "a b/c")];
    let view = SignableRequest::new("PUT", "/dir/a b+c.txt")
        .params(&params)
        .headers(&headers);
    assert_eq!(
        qsign::sign(&view, &creds, kt, &SigningSettings::default()).authorization(),
        sig.authorization()
    );

    let lookup = [creds.clone()];
    assert!(verify_request(&req, &lookup[..], 1_700_000_001).is_ok());
    *req.uri_mut() = "http://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com:9000/dir/a%20b%2Bd.txt?acl&prefix=a+b%2Fc"
        .parse()
        .unwrap();
    assert_eq!(
        verify_request(&req, &lookup[..], 1_700_000_001).unwrap_err(),
        VerifyError::SignatureMismatch
    );
}

#[test]
fn a_non_utf8_header_is_a_typed_error_on_both_sides() {
    let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap();
    let kt = KeyTime::new(1_700_000_000, 1_700_003_600).unwrap();
    let mut req = http::Request::builder()
        .uri("http://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/a.txt")
        .header(
            "x-cos-meta-name",
            http::HeaderValue::from_bytes(b"caf\xe9").unwrap(),
        )
        .body(())
        .unwrap();
    match sign_request(&mut req, &creds, kt, &SigningSettings::default()) {
        Err(HttpSignError::NonUtf8Header(name)) => assert_eq!(name, "x-cos-meta-name"),
        other => panic!("{other:?}"),
    }
    assert!(req.headers().get("authorization").is_none());
    assert_eq!(
        verify_request(&req, &[creds][..], 1_700_000_001).unwrap_err(),
        VerifyError::NonUtf8Header("x-cos-meta-name".into())
    );
}
