// Included (hidden) by cos-core's doctests, so that they run against an in-process
// cos-emulator on 127.0.0.1 (port 0) instead of being `no_run`:
//
//     /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
//     /// # fn main() { doc_run(run) }
//
// `run(client)` is the example's own `async fn`. The emulator has the bucket
// `examplebucket-1250000000` with `docs/hello.txt` ("hello") and `a.txt` in it.
// `doc_run_bare(run)` gives a client of an emulator without any bucket, and
// `doc_run_at(run)` gives `run` the emulator's endpoint (same bucket and objects as
// `doc_run`), for examples that build their own client: they add
// `# .connect_to(endpoint)` to their config.

/// The region, keys and bucket of the doctests' emulator.
#[allow(dead_code)]
const DOC_REGION: &str = "ap-guangzhou";

/// Starts an emulator (with the example bucket and objects when `seed`), hands `run`
/// its endpoint and a client, and shuts it down; panics on any error.
#[allow(dead_code, clippy::unwrap_used)]
fn doc_emulator<F, Fut, E>(seed: bool, run: F)
where
    F: FnOnce(String, cos_core::Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Debug,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let emulator = cos_emulator::Emulator::builder()
            .region(DOC_REGION)
            .start()
            .await
            .unwrap();
        let credentials =
            cos_core::auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap();
        let config = cos_core::Config::builder()
            .region(DOC_REGION)
            .credentials(credentials)
            .connect_to(emulator.endpoint())
            .operation_timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap();
        let client = cos_core::Client::new(config).unwrap();
        if seed {
            let bucket = cos_core::BucketName::new("examplebucket-1250000000").unwrap();
            client.put_bucket(&bucket).send().await.unwrap();
            let key = cos_core::ObjectKey::new("docs/hello.txt").unwrap();
            client
                .put_object(&bucket, &key)
                .body("hello")
                .send()
                .await
                .unwrap();
            let key = cos_core::ObjectKey::new("a.txt").unwrap();
            client
                .put_object(&bucket, &key)
                .body("a")
                .send()
                .await
                .unwrap();
        }
        run(emulator.endpoint(), client).await.unwrap();
        emulator.shutdown().await;
    });
}

/// Runs `run` with a client of a fresh in-process emulator; panics on any error.
#[allow(dead_code)]
fn doc_run<F, Fut, E>(run: F)
where
    F: FnOnce(cos_core::Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Debug,
{
    doc_emulator(true, |_, client| run(client))
}

/// As [`doc_run`], on an emulator without any bucket.
#[allow(dead_code)]
fn doc_run_bare<F, Fut, E>(run: F)
where
    F: FnOnce(cos_core::Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Debug,
{
    doc_emulator(false, |_, client| run(client))
}

/// As [`doc_run`], giving `run` the emulator's endpoint (for `connect_to`).
#[allow(dead_code)]
fn doc_run_at<F, Fut, E>(run: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Debug,
{
    doc_emulator(true, |endpoint, _| run(endpoint))
}
