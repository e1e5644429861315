// Included (hidden) by cos-core's operation doctests, so that they run against an
// in-process cos-emulator instead of being `no_run`:
//
//     /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
//     /// # fn main() { doc_run(run) }
//
// `run(client)` is the example's own `async fn`. The emulator has the bucket
// `examplebucket-1250000000` with `docs/hello.txt` ("hello") and `a.txt` in it.

/// Runs `run` with a client of a fresh in-process emulator; panics on any error.
#[allow(dead_code, clippy::unwrap_used)]
fn doc_run<F, Fut>(run: F)
where
    F: FnOnce(cos_core::Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), cos_core::Error>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let emulator = cos_emulator::Emulator::builder()
            .region("ap-guangzhou")
            .start()
            .await
            .unwrap();
        let credentials =
            cos_core::auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap();
        let config = cos_core::Config::builder()
            .region("ap-guangzhou")
            .credentials(credentials)
            .connect_to(emulator.endpoint())
            .operation_timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap();
        let client = cos_core::Client::new(config).unwrap();
        let bucket = cos_core::BucketName::new("examplebucket-1250000000").unwrap();
        client.put_bucket(&bucket).send().await.unwrap();
        let key = cos_core::ObjectKey::new("docs/hello.txt").unwrap();
        client.put_object(&bucket, &key).body("hello").send().await.unwrap();
        let key = cos_core::ObjectKey::new("a.txt").unwrap();
        client.put_object(&bucket, &key).body("a").send().await.unwrap();
        run(client).await.unwrap();
        emulator.shutdown().await;
    });
}
