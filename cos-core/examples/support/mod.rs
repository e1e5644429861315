//! Shared by the examples: a client and bucket for real COS when `COS_BUCKET` is set
//! (with `COS_REGION`, `COS_SECRET_ID`, `COS_SECRET_KEY`), else for an in-process
//! `cos-emulator` on 127.0.0.1 with the documented example keys.

use std::time::Duration;

use cos_core::{BucketName, Client, Config};
use cos_emulator::{Emulator, EmulatorHandle};

/// Where an example runs: the client, the bucket and the emulator (if any).
pub struct Target {
    /// The client.
    pub client: Client,
    /// The bucket the example writes into.
    pub bucket: BucketName,
    /// The in-process emulator, when no real bucket was configured.
    pub emulator: Option<EmulatorHandle>,
}

impl Target {
    /// Real COS when `COS_BUCKET` is set, else a fresh emulator with the bucket created.
    pub async fn from_env() -> Result<Self, Box<dyn std::error::Error>> {
        if let Ok(bucket) = std::env::var("COS_BUCKET") {
            let region = std::env::var("COS_REGION").unwrap_or_else(|_| "ap-guangzhou".into());
            let config = Config::builder()
                .region(region)
                .credentials_provider(cos_core::auth::EnvProvider::new())
                .build()?;
            println!("target: real COS, bucket {bucket}");
            return Ok(Target {
                client: Client::new(config)?,
                bucket: BucketName::new(bucket)?,
                emulator: None,
            });
        }
        let emulator = Emulator::builder().region("ap-guangzhou").start().await?;
        let config = Config::builder()
            .region("ap-guangzhou")
            .credentials(cos_core::auth::Credentials::new(
                "AKIDEXAMPLE",
                "SECRETKEYEXAMPLE",
            )?)
            .connect_to(emulator.endpoint())
            .operation_timeout(Duration::from_secs(30))
            .build()?;
        let client = Client::new(config)?;
        let bucket = BucketName::new("examplebucket-1250000000")?;
        client.put_bucket(&bucket).send().await?;
        println!(
            "target: in-process emulator at {} (set COS_BUCKET for real COS)",
            emulator.endpoint()
        );
        Ok(Target {
            client,
            bucket,
            emulator: Some(emulator),
        })
    }

    /// Stops the emulator, if one was started.
    pub async fn finish(self) {
        if let Some(emulator) = self.emulator {
            emulator.shutdown().await;
        }
    }
}

/// A GET through a plain HTTP/1.1 connection (no SDK): how a browser or `curl` would
/// use a presigned URL. Returns the status line and the body. When an emulator runs,
/// the connection goes to it with the URL's `Host`.
#[allow(dead_code)] // used by some examples only
pub fn plain_http(
    method: &str,
    url: &str,
    body: &[u8],
    emulator: Option<&EmulatorHandle>,
) -> Result<(String, Vec<u8>), Box<dyn std::error::Error>> {
    use std::io::{Read, Write};
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("not an http(s) URL")?;
    let (host, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let Some(emulator) = emulator else {
        return Err("plain_http only speaks HTTP to the emulator; use curl for real COS".into());
    };
    let mut conn = std::net::TcpStream::connect(emulator.addr())?;
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        conn,
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    conn.write_all(body)?;
    let mut response = Vec::new();
    conn.read_to_end(&mut response)?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no header end")?;
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head.lines().next().unwrap_or_default().to_owned();
    Ok((status, response[split + 4..].to_vec()))
}
