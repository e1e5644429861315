//! Create, read, update, delete: PUT, GET (whole and ranged), HEAD, copy, DELETE.
//!
//! `cargo run -p cos-core --example crud` — against an in-process emulator, or real COS
//! when `COS_BUCKET` (and `COS_REGION`, `COS_SECRET_ID`, `COS_SECRET_KEY`) are set.
#![allow(clippy::print_stdout)]

mod support;

use cos_core::{ObjectKey, WriteOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = support::Target::from_env().await?;
    let (client, bucket) = (&target.client, &target.bucket);
    let key = ObjectKey::new("examples/crud/hello.txt")?;

    // Create, with options as plain data.
    let options = WriteOptions::new().metadata("author", "cos-rs");
    let put = client
        .put_object(bucket, &key)
        .options(&options)?
        .content_type("text/plain")
        .body("hello, COS")
        .send()
        .await?;
    println!("PUT    {key}: etag {:?}, crc64 {:?}", put.etag, put.crc64);

    // Read all of it, then a range.
    let all = client
        .get_object(bucket, &key)
        .send()
        .await?
        .body
        .collect()
        .await?;
    println!("GET    {key}: {:?}", String::from_utf8_lossy(&all));
    let part = client
        .get_object(bucket, &key)
        .range(7, Some(9))
        .send()
        .await?;
    println!(
        "GET    {key} bytes 7-9: {:?}",
        String::from_utf8_lossy(&part.body.collect().await?)
    );

    // Metadata only.
    let head = client.head_object(bucket, &key).send().await?;
    println!(
        "HEAD   {key}: {} bytes, metadata {:?}",
        head.content_length.unwrap_or(0),
        head.metadata
    );

    // Update: overwrite, then copy server-side.
    client
        .put_object(bucket, &key)
        .body("hello again")
        .send()
        .await?;
    let copy = ObjectKey::new("examples/crud/copy.txt")?;
    client
        .copy_object(bucket, &copy, bucket, &key)
        .send()
        .await?;
    println!("COPY   {key} -> {copy}");

    // Delete both; a deleted key is gone.
    for k in [&key, &copy] {
        client.delete_object(bucket, k).send().await?;
    }
    println!(
        "DELETE done; exists: {}",
        client.object_exists(bucket, &key).await?
    );
    target.finish().await;
    Ok(())
}
