//! Downloads through the signed download URL: [`DownloadFile`].

use std::path::{Path, PathBuf};

use bytes::Bytes;
use http::Method;
use tokio::io::AsyncWriteExt;

use crate::client::FileTarget;
use crate::client::{CosClient, status_error};
use crate::error::{Error, Result};
use crate::path;

/// A download: see [`CosClient::download_file`].
#[derive(Debug, Clone)]
#[must_use = "call .send().await or .bytes().await"]
pub struct DownloadFile {
    target: FileTarget,
    headers: Vec<(String, String)>,
    local_path: Option<PathBuf>,
}

impl DownloadFile {
    /// Adds a request header (e.g. `Range`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    async fn fetch(&self) -> Result<Bytes> {
        let t = &self.target;
        path::check_file(&t.cos_path)?;
        path::check_bucket(&t.bucket)?;
        let sign = t
            .client
            .sign_download(&t.bucket, &t.cos_path, t.client.sign_lifetime());
        let (host, path_and_query) = t.client.download_location(&t.bucket, &t.cos_path, &sign);
        let mut request =
            cos_core::transport::WireRequest::new("V4Download", Method::GET, host, path_and_query);
        for (k, v) in &self.headers {
            request = request.header(k.clone(), v.clone());
        }
        // The signature travels in the URL (`?sign=`): no `Authorization`.
        let response = t
            .client
            .send(request, &cos_core::transport::Authorizer::None)
            .await?;
        let status = response.status.as_u16();
        if status != 200 && status != 206 {
            return Err(status_error(status, "download"));
        }
        let declared = response
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n != response.body.len() as u64) {
            return Err(Error::Network {
                status: Some(status),
                message: "download failed with an incomplete file".into(),
            });
        }
        Ok(response.body)
    }

    /// Downloads into memory.
    ///
    /// Errors: [`Error::Params`] for a bad path; [`Error::Network`] for a status other
    /// than 200/206 or a short body.
    pub async fn bytes(self) -> Result<Bytes> {
        self.fetch().await
    }

    /// Downloads to the local file given to [`CosClient::download_file`] (written to a
    /// temporary file next to it, then renamed).
    ///
    /// Errors: as [`DownloadFile::bytes`], and [`Error::Io`] when writing fails.
    pub async fn send(self) -> Result<()> {
        let body = self.fetch().await?;
        let Some(dest) = self.local_path.clone() else {
            return Err(Error::params("no local path to download to"));
        };
        write_atomically(&dest, &body).await
    }
}

/// Writes `data` to `dest` through a temporary file next to it, created exclusively
/// under an unguessable name, synced, then renamed over `dest`; removed on failure.
async fn write_atomically(dest: &Path, data: &[u8]) -> Result<()> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut tmp = dest.as_os_str().to_owned();
    tmp.push(format!(".v4download-{}-{nanos:x}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .await?;
    let written = async {
        file.write_all(data).await?;
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&tmp, dest).await
    }
    .await;
    if written.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    Ok(written?)
}

impl CosClient {
    /// Downloads a file through its signed download URL to `local_path`.
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// client.download_file("mybucket", "/sample_file.txt", "copy.txt").send().await?;
    /// let data = client.download_file("mybucket", "/sample_file.txt", "").bytes().await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn download_file(
        &self,
        bucket: &str,
        cos_path: &str,
        local_path: impl AsRef<Path>,
    ) -> DownloadFile {
        let p = local_path.as_ref();
        DownloadFile {
            target: self.file_target(bucket, cos_path),
            headers: Vec::new(),
            local_path: (!p.as_os_str().is_empty()).then(|| p.to_path_buf()),
        }
    }

    /// The signed download URL of a file (valid for the configured signature lifetime),
    /// as the official SDK builds it.
    ///
    /// ```
    /// # let client = cos_v4_legacy::CosClient::new(1250000000, "AKIDEXAMPLE", "SECRETKEYEXAMPLE", "sh")?;
    /// let url = client.download_url("mybucket", "/sample_file.txt");
    /// # assert!(!url.is_empty());
    /// # Ok::<(), cos_v4_legacy::Error>(())
    /// ```
    pub fn download_url(&self, bucket: &str, cos_path: &str) -> String {
        let sign = self.sign_download(bucket, cos_path, self.sign_lifetime());
        let (host, path_and_query) = self.download_location(bucket, cos_path, &sign);
        let scheme = if self.config().https { "https" } else { "http" };
        format!("{scheme}://{host}{path_and_query}")
    }
}
