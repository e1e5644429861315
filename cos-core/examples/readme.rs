//! The README's "Using cos-core" example: it compiles with cos-core alone (plus
//! `futures-util` and `tokio`), and `cargo xtask ci` builds it with every target.
//!
//! Run it against real COS with credentials in `COS_SECRET_ID` / `COS_SECRET_KEY` and
//! an existing bucket in `COS_BUCKET` (e.g. `examplebucket-1250000000`) and its region
//! in `COS_REGION`; without `COS_BUCKET` it sends nothing.
#![allow(clippy::print_stdout)]

// README: begin
use cos_core::{BucketName, Client, Config, ObjectKey};
use futures_util::TryStreamExt;

async fn readme(region: &str, bucket: &str) -> Result<(), cos_core::Error> {
    let client = Client::new(
        Config::builder()
            .region(region) // legacy aliases such as "cosgz" work too
            .credentials_provider(cos_core::auth::EnvProvider::new())
            .build()?,
    )?;
    let bucket = BucketName::new(bucket)?; // validated before any request
    let key = ObjectKey::new("docs/hello.txt")?;
    client
        .put_object(&bucket, &key)
        .body("hello")
        .content_type("text/plain")
        .send()
        .await?;
    let out = client.get_object(&bucket, &key).send().await?;
    out.body.write_to_file("hello.txt").await?; // atomic, length- and CRC64-checked
    let mut pages = client.list_objects(&bucket).prefix("docs/").into_pages();
    while let Some(page) = pages.try_next().await? {
        for object in &page.contents {
            println!("{} {}", object.key, object.size);
        }
    }
    Ok(())
}
// README: end

#[tokio::main]
async fn main() -> Result<(), cos_core::Error> {
    let Ok(bucket) = std::env::var("COS_BUCKET") else {
        println!("set COS_BUCKET (and COS_REGION, COS_SECRET_ID, COS_SECRET_KEY) to run");
        return Ok(());
    };
    let region = std::env::var("COS_REGION").unwrap_or_else(|_| "ap-guangzhou".into());
    readme(&region, &bucket).await
}
