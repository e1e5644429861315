// Included (hidden) by cos-v4-legacy's doctests, so that they run against an
// in-process cos-emulator on 127.0.0.1 (port 0) instead of being `no_run`:
//
//     /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
//     /// # fn main() { doc_run(run) }
//
// `run(client)` is the example's own `async fn`. The emulator has the bucket `mybucket`
// (APPID 1250000000) with the file `/sample_file.txt` ("hello") and the empty folder
// `/sample_folder/`, and the example runs in a fresh temporary directory (its current
// directory), so that relative local paths stay there. `doc_run_at(run)` gives `run`
// the emulator's endpoint instead, for examples that build their own client.

/// Starts the emulator, seeds it, enters a temporary directory and hands `run` the
/// endpoint and a client; panics on any error.
#[allow(dead_code, clippy::unwrap_used)]
fn doc_emulator<F, Fut, E>(run: F)
where
    F: FnOnce(String, cos_v4_legacy::CosClient) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Debug,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::env::set_current_dir(dir.path()).unwrap();
    runtime.block_on(async {
        let emulator = cos_emulator::Emulator::builder().start().await.unwrap();
        let credentials =
            cos_core::auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap();
        let xml = cos_core::Client::new(
            cos_core::Config::builder()
                .region(emulator.region())
                .credentials(credentials)
                .connect_to(emulator.endpoint())
                .build()
                .unwrap(),
        )
        .unwrap();
        let bucket = cos_core::BucketName::new("mybucket-1250000000").unwrap();
        xml.put_bucket(&bucket).send().await.unwrap();
        let client = cos_v4_legacy::CosClient::with_config(
            1250000000,
            "AKIDEXAMPLE",
            "SECRETKEYEXAMPLE",
            cos_v4_legacy::Config::new("sh")
                .connect_to(emulator.endpoint())
                .timeout(std::time::Duration::from_secs(30)),
        )
        .unwrap();
        client
            .upload_bytes("mybucket", "/sample_file.txt", "hello")
            .send()
            .await
            .unwrap();
        client
            .create_folder("mybucket", "/sample_folder/")
            .send()
            .await
            .unwrap();
        run(emulator.endpoint(), client).await.unwrap();
        emulator.shutdown().await;
    });
}

/// Runs `run` with a v4 client of a fresh in-process emulator; panics on any error.
#[allow(dead_code)]
fn doc_run<F, Fut, E>(run: F)
where
    F: FnOnce(cos_v4_legacy::CosClient) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Debug,
{
    doc_emulator(|_, client| run(client))
}

/// As [`doc_run`], giving `run` the emulator's endpoint (for `Config::connect_to`).
#[allow(dead_code)]
fn doc_run_at<F, Fut, E>(run: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Debug,
{
    doc_emulator(|endpoint, _| run(endpoint))
}
