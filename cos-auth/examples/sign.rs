//! The signer end to end: sign a request, presign a URL, verify both, and make a legacy
//! v4 signature. Credentials come from `COS_SECRET_ID` / `COS_SECRET_KEY`
//! (`COS_SECURITY_TOKEN`) or `TENCENTCLOUD_*`; without them the documented example
//! keys are used.
//!
//! ```text
//! cargo run -p cos-auth --example sign -- [bucket-appid] [region] [key]
//! ```

use cos_auth::qsign::{
    self, KeyTime, PresignRequest, PresignSettings, ReceivedRequest, SignableRequest,
    SigningSettings,
};
use cos_auth::v4::V4Signer;
use cos_auth::{Credentials, CredentialsError, EnvError, EnvProvider};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bucket = args
        .first()
        .map_or("examplebucket-1250000000", String::as_str);
    let region = args.get(1).map_or("ap-guangzhou", String::as_str);
    let key = args.get(2).map_or("dir/hello world.txt", String::as_str);

    let creds = match EnvProvider::new().load() {
        Ok(c) => {
            println!("credentials: {c} (from the environment)");
            c
        }
        Err(CredentialsError::Env(EnvError::Unset)) => {
            let c = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?;
            println!(
                "credentials: {c} (example keys: set COS_SECRET_ID/COS_SECRET_KEY to use yours)"
            );
            c
        }
        Err(e) => return Err(e.into()),
    };

    let host = format!("{bucket}.cos.{region}.myqcloud.com");
    let now = qsign::unix_now();
    let key_time = KeyTime::from_now(now, 3600);

    // 1. Sign a PUT Object request.
    let body = b"Hello, COS!\n";
    let length = body.len().to_string();
    let headers = [
        ("Host", host.as_str()),
        ("Content-Type", "text/plain"),
        ("Content-Length", length.as_str()),
        ("x-cos-meta-author", "cos-rs"),
    ];
    let request = SignableRequest::new("PUT", key).headers(&headers);
    let (signature, inter) =
        qsign::sign_with_intermediates(&request, &creds, key_time, &SigningSettings::default());
    println!("\nPUT https://{host}{}", cos_auth::encode::url_path(key));
    println!("HttpString:   {:?}", inter.http_string);
    println!("StringToSign: {:?}", inter.string_to_sign);
    for (name, value) in signature.headers() {
        println!(
            "{name}: {}",
            if name == "authorization" {
                value
            } else {
                "<token>"
            }
        );
    }

    // 2. The verifier a server (cos-emulator) runs accepts it.
    let mut received_headers = headers.to_vec();
    received_headers.push(("Authorization", signature.authorization()));
    if let Some(token) = signature.security_token() {
        received_headers.push((qsign::SECURITY_TOKEN_HEADER, token));
    }
    let path = cos_auth::encode::signed_path(key);
    let received = ReceivedRequest {
        method: "PUT",
        path: &path,
        query: &[],
        headers: &received_headers,
    };
    qsign::verify(&received, &[creds.clone()][..], now)?;
    println!("verified by cos-auth's verifier: ok");

    // 3. A presigned download URL, valid for an hour.
    let presign = PresignRequest::new("GET", &host, key);
    let url = qsign::presign_url(&presign, &creds, key_time, &PresignSettings::default());
    println!("\npresigned GET (1 h): {}", url.url);

    // 4. A legacy v4 multiple-use signature for the JSON API.
    if let Some((name, appid)) = bucket.rsplit_once('-') {
        let v4 = V4Signer::new(appid, creds.clone());
        println!(
            "\nv4 sign_more (10 min): {}",
            v4.sign_more(name, &format!("/{key}"), 600)
        );
    }
    Ok(())
}
