//! Errors: what COS answered (status, code, request id) and what never left the
//! client (invalid input), with the predicates to branch on.
//!
//! `cargo run -p cos-core --example errors` (emulator, or real COS with `COS_BUCKET`).
#![allow(clippy::print_stdout)]

mod support;

use cos_core::{BucketName, ObjectKey};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = support::Target::from_env().await?;
    let (client, bucket) = (&target.client, &target.bucket);

    // A service error: the key does not exist.
    let missing = ObjectKey::new("examples/errors/does-not-exist")?;
    match client.get_object(bucket, &missing).send().await {
        Ok(_) => println!("unexpected: the object exists"),
        Err(e) if e.is_not_found() => {
            let service = e.service_error();
            println!("not found: code {:?}, status {:?}", e.code(), e.status());
            println!(
                "request id {:?}",
                service.and_then(|s| s.request_id.as_deref())
            );
            println!("retryable: {}, message: {e}", e.is_retryable());
        }
        Err(e) => return Err(e.into()),
    }

    // A HEAD 404 has no body, and is still `is_not_found()`.
    let head = client.head_object(bucket, &missing).send().await;
    println!(
        "HEAD missing: not found = {}",
        head.as_ref().is_err_and(|e| e.is_not_found())
    );

    // Invalid input is refused before any request.
    match BucketName::new("Not_A_Bucket") {
        Ok(_) => println!("unexpected: accepted"),
        Err(e) => println!("invalid bucket name, nothing sent: {e}"),
    }
    match ObjectKey::new("") {
        Ok(_) => println!("unexpected: accepted"),
        Err(e) => println!("invalid key, nothing sent: {e}"),
    }

    // Create-only writes: COS answers 409 FileAlreadyExists.
    let key = ObjectKey::new("examples/errors/once.txt")?;
    client.put_object(bucket, &key).body("1").send().await?;
    let again = client
        .put_object(bucket, &key)
        .header("x-cos-forbid-overwrite", "true")
        .body("2")
        .send()
        .await;
    if let Err(e) = &again {
        println!("overwrite refused: {:?} {:?}", e.status(), e.code());
    }
    client.delete_object(bucket, &key).send().await?;
    target.finish().await;
    Ok(())
}
