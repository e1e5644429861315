//! Presigned URLs: a download URL and an upload URL used by a plain HTTP client (no
//! SDK, no credentials), and an `Authorization` value for a request you send yourself.
//!
//! `cargo run -p cos-core --example presign` (emulator; with `COS_BUCKET` it prints the
//! URLs for real COS, to use with `curl`).
#![allow(clippy::print_stdout)]

mod support;

use std::time::Duration;

use cos_core::ObjectKey;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = support::Target::from_env().await?;
    let (client, bucket) = (&target.client, &target.bucket);
    let key = ObjectKey::new("examples/presign/report.csv")?;

    // An upload URL: whoever has it may PUT this key for 10 minutes.
    let upload = client
        .get_presigned_url("PUT", bucket, &key)
        .expires(Duration::from_secs(600))
        .build()
        .await?;
    println!("PUT URL (expires {:?}): {:?}", upload.expires, upload); // Debug hides the signature
    // A download URL.
    let download = client
        .get_presigned_download_url(bucket, &key)
        .build()
        .await?;

    if let Some(emulator) = target.emulator.as_ref() {
        let (status, _) = support::plain_http("PUT", &upload.url, b"a,b\n1,2\n", Some(emulator))?;
        println!("plain PUT: {status}");
        let (status, body) = support::plain_http("GET", &download.url, b"", Some(emulator))?;
        println!("plain GET: {status}: {:?}", String::from_utf8_lossy(&body));
        client.delete_object(bucket, &key).send().await?;
    } else {
        println!("curl -T file.csv '{}'", upload.url);
        println!("curl '{}'", download.url);
    }

    // An Authorization value for a request sent by other means.
    let auth = client
        .get_auth("GET", bucket, Some(&key))
        .authorization()
        .await?;
    println!(
        "Authorization: {}…",
        auth.split("&q-signature").next().unwrap_or_default()
    );
    target.finish().await;
    Ok(())
}
