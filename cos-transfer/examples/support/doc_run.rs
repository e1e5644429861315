// Included (hidden) by cos-transfer's doctests, so that they run against an in-process
// cos-emulator on 127.0.0.1 (port 0) instead of being `no_run`:
//
//     /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
//     /// # fn main() { doc_run(run) }
//
// (`transfers.rs` puts both on one line: it is near the file-size limit.) `run(client)`
// is the example's own `async fn`. It runs in a fresh temporary directory (its current
// directory), so that the local paths it names stay there: `big.iso` (3 MiB) and the
// tree `site/` (`index.html`, `css/a.css`, `draft.tmp`). The emulator has the buckets
// `examplebucket-1250000000` (with `isos/big.iso`, `inbox/report.pdf`,
// `backup/site/index.html`, `backup/site/css/a.css`, `tmp/a.txt`, `tmp/b/c.txt`) and
// `sourcebucket-1250000000` (with `big.iso`).

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
        doc_seed(&client, &bucket).await.unwrap();
        run(client).await.unwrap();
        emulator.shutdown().await;
    });
}

/// The local files and objects the examples name (see the top of this file).
#[allow(dead_code)]
async fn doc_seed(
    client: &cos_core::Client,
    bucket: &cos_core::BucketName,
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::write("big.iso", vec![7u8; 3 << 20])?;
    std::fs::create_dir_all("site/css")?;
    std::fs::write("site/index.html", "<p>hi</p>")?;
    std::fs::write("site/css/a.css", "p {}")?;
    std::fs::write("site/draft.tmp", "scratch")?;
    let objects: [(&str, bytes::Bytes); 6] = [
        ("isos/big.iso", vec![7u8; 1 << 20].into()),
        ("inbox/report.pdf", "%PDF".into()),
        ("backup/site/index.html", "<p>hi</p>".into()),
        ("backup/site/css/a.css", "p {}".into()),
        ("tmp/a.txt", "a".into()),
        ("tmp/b/c.txt", "c".into()),
    ];
    for (key, body) in objects {
        let key = cos_core::ObjectKey::new(key)?;
        client.put_object(bucket, &key).body(body).send().await?;
    }
    let source = cos_core::BucketName::new("sourcebucket-1250000000")?;
    client.put_bucket(&source).send().await?;
    let key = cos_core::ObjectKey::new("big.iso")?;
    client
        .put_object(&source, &key)
        .body(vec![7u8; 1 << 20])
        .send()
        .await?;
    Ok(())
}
