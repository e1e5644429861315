//! Listing: one page, all pages as a stream, single entries, and "folders" with a
//! delimiter.
//!
//! `cargo run -p cos-core --example listing` (emulator, or real COS with `COS_BUCKET`).
#![allow(clippy::print_stdout)]

mod support;

use cos_core::ObjectKey;
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = support::Target::from_env().await?;
    let (client, bucket) = (&target.client, &target.bucket);
    let keys: Vec<ObjectKey> = ["a/1.txt", "a/2.txt", "a/b/3.txt", "c/4.txt", "top.txt"]
        .iter()
        .map(|k| ObjectKey::new(format!("examples/listing/{k}")))
        .collect::<Result<_, _>>()?;
    for k in &keys {
        client.put_object(bucket, k).body("x").send().await?;
    }

    // One page of at most 2 keys: the rest is behind `next_marker`.
    let page = client
        .list_objects(bucket)
        .prefix("examples/listing/")
        .max_keys(2)
        .send()
        .await?;
    println!(
        "first page: {} keys, truncated: {}",
        page.contents.len(),
        page.is_truncated
    );

    // Every page, following the markers (a marker that does not advance is an error).
    let mut pages = client
        .list_objects(bucket)
        .prefix("examples/listing/")
        .max_keys(2)
        .into_pages();
    let mut n = 0;
    while let Some(page) = pages.try_next().await? {
        n += 1;
        println!(
            "page {n}: {:?}",
            page.contents.iter().map(|o| &o.key).collect::<Vec<_>>()
        );
    }

    // Single entries, across pages.
    let all: Vec<_> = client
        .list_objects(bucket)
        .prefix("examples/listing/")
        .into_objects()
        .try_collect()
        .await?;
    println!("{} objects in all", all.len());

    // One level, as folders: common prefixes and the objects directly inside.
    let level = client
        .list_objects(bucket)
        .prefix("examples/listing/")
        .delimiter("/")
        .send()
        .await?;
    for p in &level.common_prefixes {
        println!("folder {}", p.prefix);
    }
    for o in &level.contents {
        println!("file   {} ({} bytes)", o.key, o.size);
    }

    let deleted = client
        .delete_multiple_objects(bucket)
        .keys(&keys)
        .send()
        .await?;
    println!("deleted {}", deleted.deleted.len());
    target.finish().await;
    Ok(())
}
