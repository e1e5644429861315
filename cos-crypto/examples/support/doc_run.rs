// Included (hidden) by cos-crypto's doctests, so that they run against an in-process
// cos-emulator on 127.0.0.1 (port 0) instead of being `no_run`:
//
//     /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
//     /// # fn main() { doc_run(run) }
//
// `run(client)` is the example's own `async fn`. The emulator has the empty bucket
// `examplebucket-1250000000`, and the example runs in a fresh temporary directory (its
// current directory), so that the local paths it names stay there.

/// Runs `run` with a client of a fresh in-process emulator; panics on any error.
#[allow(dead_code, clippy::unwrap_used)]
fn doc_run<F, Fut, E>(run: F)
where
    F: FnOnce(cos_core::Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Debug,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::env::set_current_dir(dir.path()).unwrap();
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
        run(client).await.unwrap();
        emulator.shutdown().await;
    });
}
