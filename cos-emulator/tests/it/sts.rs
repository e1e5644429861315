//! The mock STS and metadata server: off by default; TC3 verification of STS calls
//! (signature, timestamp against the real clock, unknown keys, tokens); minted keys
//! accepted with their token for COS and STS until they expire by the emulator clock.

use std::time::Duration;

use cos_auth::Credentials;
use cos_auth::tc3::{SignableRequest, sign};
use cos_emulator::{Emulator, EmulatorHandle};
use serde_json::{Value, json};

use crate::common::{Answer, creds, now, send};

const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/cos-reader";

/// Posts a Tencent Cloud API call to `emu`, TC3-signed by `signer` at `timestamp`
/// (unsigned, `Authorization: SKIP`, without a signer).
async fn call(
    emu: &EmulatorHandle,
    action: &str,
    params: &Value,
    signer: Option<&Credentials>,
    timestamp: u64,
) -> Answer {
    let host = emu.addr().to_string();
    let body = params.to_string();
    let mut head = format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         X-TC-Action: {action}\r\nX-TC-Version: 2018-08-13\r\nX-TC-Region: ap-guangzhou\r\nConnection: close\r\n",
        body.len()
    );
    match signer {
        Some(c) => {
            let req = SignableRequest::new("POST", &host, "application/json", body.as_bytes());
            for (k, v) in sign(&req, c, "sts", timestamp).headers() {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
        }
        None => head.push_str(&format!(
            "X-TC-Timestamp: {timestamp}\r\nAuthorization: SKIP\r\n"
        )),
    }
    head.push_str("\r\n");
    send(emu.addr(), &head, body.as_bytes(), false).await
}

fn response(a: &Answer) -> Value {
    assert_eq!(a.status, 200, "{}", a.text());
    let v: Value = serde_json::from_slice(&a.body).unwrap();
    v["Response"].clone()
}

fn error_code(a: &Answer) -> String {
    response(a)["Error"]["Code"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

fn minted(r: &Value) -> Credentials {
    let c = &r["Credentials"];
    Credentials::new(
        c["TmpSecretId"].as_str().unwrap(),
        c["TmpSecretKey"].as_str().unwrap(),
    )
    .unwrap()
    .with_token(c["Token"].as_str().unwrap())
    .unwrap()
}

fn assume_params() -> Value {
    json!({"RoleArn": ROLE_ARN, "RoleSessionName": "test", "DurationSeconds": 900})
}

async fn sts() -> EmulatorHandle {
    Emulator::builder()
        .mock_sts(true)
        .mock_metadata("cos-role")
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn both_are_off_by_default() {
    let emu = Emulator::builder().start().await.unwrap();
    let a = call(&emu, "AssumeRole", &assume_params(), Some(&creds()), now()).await;
    assert_ne!(a.status, 200);
    assert!(a.text().contains("<Error>"), "a COS answer: {}", a.text());
    let head = format!(
        "GET /latest/meta-data/cam/security-credentials/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        emu.addr()
    );
    let a = send(emu.addr(), &head, b"", false).await;
    assert!(a.text().contains("<Error>"), "a COS answer: {}", a.text());
}

#[tokio::test]
async fn assume_role_verifies_tc3_and_mints_keys_that_expire_by_the_emulator_clock() {
    let emu = sts().await;
    let r = response(&call(&emu, "AssumeRole", &assume_params(), Some(&creds()), now()).await);
    let expiry = r["ExpiredTime"].as_u64().unwrap();
    let clock = emu
        .now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!((clock + 899..=clock + 901).contains(&expiry), "{r}");
    assert!(r["Expiration"].as_str().unwrap().ends_with('Z'));
    assert!(r["RequestId"].is_string());
    let temp = minted(&r);

    // Refusals, with Tencent Cloud API's codes.
    let wrong = Credentials::new("AKIDEXAMPLE", "WRONGKEY").unwrap();
    let a = call(&emu, "AssumeRole", &assume_params(), Some(&wrong), now()).await;
    assert_eq!(error_code(&a), "AuthFailure.SignatureFailure");
    let a = call(
        &emu,
        "AssumeRole",
        &assume_params(),
        Some(&creds()),
        now() - 600,
    )
    .await;
    assert_eq!(error_code(&a), "AuthFailure.SignatureExpire");
    let unknown = Credentials::new("AKIDNOBODY", "x").unwrap();
    let a = call(&emu, "AssumeRole", &assume_params(), Some(&unknown), now()).await;
    assert_eq!(error_code(&a), "AuthFailure.SecretIdNotFound");
    let a = call(&emu, "AssumeRole", &assume_params(), None, now()).await;
    assert_eq!(error_code(&a), "AuthFailure.InvalidAuthorization");
    let a = call(
        &emu,
        "AssumeRole",
        &json!({"RoleArn": ROLE_ARN}),
        Some(&creds()),
        now(),
    )
    .await;
    assert_eq!(error_code(&a), "MissingParameter");
    let too_long = json!({"RoleArn": ROLE_ARN, "RoleSessionName": "t", "DurationSeconds": 43_201});
    let a = call(&emu, "AssumeRole", &too_long, Some(&creds()), now()).await;
    assert_eq!(error_code(&a), "InvalidParameterValue");
    let a = call(&emu, "Nope", &json!({}), Some(&creds()), now()).await;
    assert_eq!(error_code(&a), "InvalidAction");

    // The minted keys work for STS (with their token) and for COS.
    let fed = json!({"Name": "federated", "DurationSeconds": 600});
    let r2 = response(&call(&emu, "GetFederationToken", &fed, Some(&temp), now()).await);
    assert!(r2["Error"].is_null(), "{r2}");
    let no_token = Credentials::new(temp.secret_id(), temp.secret_key()).unwrap();
    let a = call(&emu, "GetFederationToken", &fed, Some(&no_token), now()).await;
    assert_eq!(error_code(&a), "AuthFailure.TokenFailure");
    let client = cos_client(&emu, temp.clone());
    let bucket = cos_core::BucketName::new(crate::common::BUCKET).unwrap();
    client.put_bucket(&bucket).send().await.unwrap();

    // Past their expiry by the emulator's clock: refused by STS and COS alike.
    emu.advance_clock(Duration::from_secs(901));
    let a = call(&emu, "GetFederationToken", &fed, Some(&temp), now()).await;
    assert_eq!(error_code(&a), "AuthFailure.TokenFailure");
    let e = client.head_bucket(&bucket).send().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(403), "{e:?}");
    // Long-term keys are not affected by the clock.
    cos_client(&emu, creds())
        .head_bucket(&bucket)
        .send()
        .await
        .unwrap();
}

fn cos_client(emu: &EmulatorHandle, c: Credentials) -> cos_core::Client {
    let config = cos_core::Config::builder()
        .region("ap-guangzhou")
        .credentials(c)
        .connect_to(emu.endpoint())
        .retry(cos_core::RetryConfig::disabled())
        .build()
        .unwrap();
    cos_core::Client::new(config).unwrap()
}

#[tokio::test]
async fn web_identity_is_unsigned_and_checks_the_configured_token() {
    let emu = Emulator::builder()
        .mock_sts(true)
        .sts_web_identity_token("good-token")
        .start()
        .await
        .unwrap();
    let mut params = json!({
        "ProviderId": "tke", "RoleArn": ROLE_ARN, "RoleSessionName": "pod",
        "WebIdentityToken": "good-token",
    });
    let r = response(&call(&emu, "AssumeRoleWithWebIdentity", &params, None, now()).await);
    let temp = minted(&r);
    assert!(temp.secret_id().starts_with("AKID"));
    params["WebIdentityToken"] = json!("forged");
    let a = call(&emu, "AssumeRoleWithWebIdentity", &params, None, now()).await;
    assert_eq!(error_code(&a), "InvalidParameter.WebIdentityTokenError");
}

#[tokio::test]
async fn the_metadata_server_names_the_role_and_mints_its_keys() {
    let emu = sts().await;
    let get = |path: &str| {
        format!("GET {path} HTTP/1.1\r\nHost: metadata.tencentyun.com\r\nConnection: close\r\n\r\n")
    };
    let a = send(
        emu.addr(),
        &get("/latest/meta-data/cam/security-credentials/"),
        b"",
        false,
    )
    .await;
    assert_eq!((a.status, a.text()), (200, "cos-role".to_owned()));
    let a = send(
        emu.addr(),
        &get("/latest/meta-data/cam/security-credentials/cos-role"),
        b"",
        false,
    )
    .await;
    assert_eq!(a.status, 200);
    let v: Value = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(v["Code"], "Success");
    let temp = minted(&json!({"Credentials": v}));
    let bucket = cos_core::BucketName::new(crate::common::BUCKET).unwrap();
    cos_client(&emu, temp)
        .put_bucket(&bucket)
        .send()
        .await
        .unwrap();
    let a = send(
        emu.addr(),
        &get("/latest/meta-data/cam/security-credentials/other"),
        b"",
        false,
    )
    .await;
    assert_eq!(a.status, 404);
}
