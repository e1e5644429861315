//! The cos-rs quickstart: bucket, a ~100 MiB upload with progress, list, a verified
//! download, a presigned URL fetched over plain HTTP, a server-side copy, clean up.
//!
//! By default it starts the COS emulator in-process (no account needed). With
//! `COS_SECRET_ID`, `COS_SECRET_KEY`, `COS_REGION` and `COS_BUCKET` set it runs the same
//! steps against real COS (the bucket must exist; only the objects it creates are
//! deleted). `QUICKSTART_MIB` changes the file size.
//!
//! ```text
//! cargo run --release -p cos-transfer --example quickstart
//! ```

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cos_core::{BucketName, Client, Config, ObjectKey};
use cos_transfer::{
    CancelHandle, CopySource, CosBackend, Progress, ProgressFn, Transfers, WriteOptions,
};
use futures_util::TryStreamExt;
use http_body_util::{BodyExt, Empty};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Target {
    client: Client,
    bucket: BucketName,
    /// Where to connect for plain HTTP requests (the emulator), keeping the COS Host.
    connect_to: Option<std::net::SocketAddr>,
    _emulator: Option<cos_emulator::EmulatorHandle>,
}

async fn target() -> Result<Target, BoxError> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if let (Some(_), Some(_), Some(region), Some(bucket)) = (
        env("COS_SECRET_ID"),
        env("COS_SECRET_KEY"),
        env("COS_REGION"),
        env("COS_BUCKET"),
    ) {
        println!("target: real COS, bucket {bucket} in {region}");
        let config = Config::builder()
            .region(region)
            .credentials_provider(cos_auth::EnvProvider::new())
            .build()?;
        return Ok(Target {
            client: Client::new(config)?,
            bucket: BucketName::new(bucket)?,
            connect_to: None,
            _emulator: None,
        });
    }
    let emu = cos_emulator::Emulator::builder().start().await?;
    println!(
        "target: cos-emulator at {} (set COS_SECRET_ID, COS_SECRET_KEY, COS_REGION, COS_BUCKET for real COS)",
        emu.endpoint()
    );
    let config = Config::builder()
        .region(emu.region())
        .credentials(cos_auth::Credentials::new(
            "AKIDEXAMPLE",
            "SECRETKEYEXAMPLE",
        )?)
        .connect_to(emu.endpoint())
        .build()?;
    let client = Client::new(config)?;
    let bucket = BucketName::new("quickstart-1250000000")?;
    client.put_bucket(&bucket).send().await?;
    println!("created bucket {bucket}");
    Ok(Target {
        client,
        bucket,
        connect_to: Some(emu.addr()),
        _emulator: Some(emu),
    })
}

fn progress_bar(label: &'static str) -> ProgressFn {
    let last = Arc::new(AtomicU64::new(0));
    Arc::new(move |p| {
        if let Progress::Bytes { done, total } = p {
            let pct = (done * 100).checked_div(total).unwrap_or(100);
            if pct != last.swap(pct, Ordering::Relaxed) || done == total {
                let bar = "#".repeat((pct / 4) as usize);
                eprint!(
                    "\r{label} [{bar:<25}] {pct:>3}% {:.1}/{:.1} MiB",
                    mib(done),
                    mib(total)
                );
                if done == total {
                    eprintln!();
                }
                let _ = std::io::stderr().flush();
            }
        }
    })
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn rate(bytes: u64, d: Duration) -> String {
    format!("{:.0} MiB/s", mib(bytes) / d.as_secs_f64().max(1e-9))
}

/// GETs a presigned URL over plain HTTP(S), connecting to `connect_to` when given.
async fn fetch(url: &str, connect_to: Option<std::net::SocketAddr>) -> Result<Vec<u8>, BoxError> {
    let uri: hyper::Uri = url.parse()?;
    let host = uri
        .authority()
        .map(|a| a.as_str().to_owned())
        .unwrap_or_default();
    let target: hyper::Uri = match connect_to {
        Some(addr) => format!(
            "http://{addr}{}",
            uri.path_and_query().map_or("/", |p| p.as_str())
        )
        .parse()?,
        None => uri,
    };
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, Empty<bytes::Bytes>>(https);
    let req = hyper::Request::get(target)
        .header("host", host)
        .body(Empty::new())?;
    let resp = client.request(req).await?;
    let status = resp.status();
    let body = resp.into_body().collect().await?.to_bytes().to_vec();
    if !status.is_success() {
        return Err(format!(
            "GET presigned URL: {status}: {}",
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    Ok(body)
}

/// Writes `QUICKSTART_MIB` (default 100) MiB of pseudo-random data to `path`; returns
/// its CRC-64.
fn generate_source(path: &std::path::Path) -> Result<u64, BoxError> {
    let size_mib: u64 = std::env::var("QUICKSTART_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let data: Vec<u8> = (0..size_mib * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(path, &data)?;
    let local_crc = cos_crc64::checksum(&data);
    println!(
        "generated {size_mib} MiB at {} (crc64 {local_crc})",
        path.display()
    );
    Ok(local_crc)
}

/// What the steps after setup share.
struct Steps {
    t: Target,
    transfers: Transfers<CosBackend>,
    key: ObjectKey,
    dir: tempfile::TempDir,
    cancel: CancelHandle,
    local_crc: u64,
}

impl Steps {
    /// Uploads `src` with a checkpoint and progress.
    async fn upload(&self, src: &std::path::Path) -> Result<(), BoxError> {
        let started = Instant::now();
        let up = self
            .transfers
            .upload_file(&self.t.bucket, &self.key, src)
            .checkpoint(self.dir.path().join("upload.checkpoint"))
            .progress(progress_bar("upload  "))
            .cancel(&self.cancel)
            .send()
            .await?;
        println!(
            "uploaded {} in {} parts, {} (etag {}, crc64 {} verified by the service)",
            self.key,
            up.parts_sent,
            rate(up.size, started.elapsed()),
            up.etag,
            up.crc64
        );
        Ok(())
    }

    /// Lists the objects under `quickstart/`.
    async fn list(&self) -> Result<(), BoxError> {
        let pages: Vec<_> = self
            .t
            .client
            .list_objects(&self.t.bucket)
            .prefix("quickstart/")
            .into_pages()
            .try_collect()
            .await?;
        for o in pages.iter().flat_map(|p| &p.contents) {
            println!("listed  {} ({} bytes, {})", o.key, o.size, o.storage_class);
        }
        Ok(())
    }

    /// Downloads the object and compares its CRC-64 with the source's.
    async fn download(&self) -> Result<(), BoxError> {
        let dest = self.dir.path().join("downloaded.bin");
        let started = Instant::now();
        let down = self
            .transfers
            .download_file(&self.t.bucket, &self.key, &dest)
            .progress(progress_bar("download"))
            .cancel(&self.cancel)
            .send()
            .await?;
        if down.crc64 != self.local_crc {
            return Err("downloaded CRC64 differs from the source".into());
        }
        println!(
            "downloaded to {} at {}, crc64 matches the source",
            dest.display(),
            rate(down.size, started.elapsed())
        );
        Ok(())
    }

    /// Fetches a presigned URL with a plain HTTP client and checks the content.
    async fn presigned(&self) -> Result<(), BoxError> {
        let url = self
            .t
            .client
            .get_presigned_download_url(&self.t.bucket, &self.key)
            .expires(Duration::from_secs(600))
            .build()
            .await?
            .url;
        let fetched = fetch(&url, self.t.connect_to).await?;
        if cos_crc64::checksum(&fetched) != self.local_crc {
            return Err("presigned download differs from the source".into());
        }
        println!(
            "presigned URL (10 min) fetched with a plain HTTP client: {} bytes, crc64 matches",
            fetched.len()
        );
        Ok(())
    }

    /// Copies the object on the server side; returns the copy's key.
    async fn copy(&self) -> Result<ObjectKey, BoxError> {
        let copy = ObjectKey::new("quickstart/copy.bin")?;
        let source = CopySource::new(&self.t.bucket, &self.key);
        let copied = self
            .transfers
            .copy(&self.t.bucket, &copy, &source)
            .cancel(&self.cancel)
            .send()
            .await?;
        println!(
            "copied to {copy} on the server side: {} bytes, crc64 {:?} (checked against the source)",
            copied.size, copied.crc64
        );
        Ok(copy)
    }

    /// Deletes the objects (and the emulator's bucket).
    async fn clean_up(&self, copy: &ObjectKey) -> Result<(), BoxError> {
        let (t, key) = (&self.t, &self.key);
        let result = t
            .client
            .delete_multiple_objects(&t.bucket)
            .keys([key, copy])
            .quiet(true)
            .send()
            .await?;
        if !result.errors.is_empty() {
            return Err(format!("delete failed: {:?}", result.errors).into());
        }
        println!("deleted {key} and {copy}");
        if t._emulator.is_some() {
            t.client.delete_bucket(&t.bucket).send().await?;
            println!("deleted bucket {}", t.bucket);
        }
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let t = target().await?;
    let dir = tempfile::tempdir()?;
    let src = dir.path().join("quickstart.bin");
    let local_crc = generate_source(&src)?;
    let transfers = Transfers::with_backend(
        CosBackend::new(t.client.clone()).write_options(
            WriteOptions::new()
                .content_type("application/octet-stream")
                .metadata("generated-by", "cos-rs quickstart"),
        ),
    );
    let steps = Steps {
        t,
        transfers,
        key: ObjectKey::new("quickstart/data.bin")?,
        dir,
        cancel: CancelHandle::new(),
        local_crc,
    };
    steps.upload(&src).await?;
    steps.list().await?;
    steps.download().await?;
    steps.presigned().await?;
    let copy = steps.copy().await?;
    steps.clean_up(&copy).await?;
    println!("quickstart: all steps passed");
    Ok(())
}
