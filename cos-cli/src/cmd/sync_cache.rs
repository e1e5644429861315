//! The CRC-64 cache of `cos sync`: a local file's CRC-64 keyed by its path, size and
//! modification time, and an object's keyed by its ETag, so that a sync with nothing to
//! do reads no file and sends no HEAD a second time.
//!
//! Kept in `$COS_CACHE_DIR`, else `$XDG_CACHE_HOME/cos`, else `~/.cache/cos`, as
//! `crc64-cache.json`, written atomically (a temporary file of its own, then rename).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    /// Absolute path → (size, mtime in ns, crc64).
    local: HashMap<String, (u64, u128, u64)>,
    /// `bucket/key` → (etag, crc64).
    remote: HashMap<String, (String, u64)>,
}

/// The cache, shared by the concurrent tasks of one sync.
#[derive(Debug)]
pub struct CrcCache {
    file: Option<PathBuf>,
    data: Mutex<Stored>,
}

fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("COS_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(Path::new(&d).join("cos"));
    }
    std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache").join("cos"))
}

fn mtime_ns(meta: &std::fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

fn path_key(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

impl CrcCache {
    /// Loads the cache (an unreadable or corrupt cache is simply empty).
    pub fn load() -> Self {
        let file = cache_dir().map(|d| d.join("crc64-cache.json"));
        let data = file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Self {
            file,
            data: Mutex::new(data),
        }
    }

    /// The CRC-64 of the file at `path`, from the cache when its size and mtime are
    /// unchanged, else read (and remembered).
    pub async fn local_crc(&self, path: &Path) -> std::io::Result<u64> {
        let meta = tokio::fs::metadata(path).await?;
        let key = path_key(path);
        let (size, mtime) = (meta.len(), mtime_ns(&meta));
        if let Ok(d) = self.data.lock()
            && let Some(&(s, m, crc)) = d.local.get(&key)
            && s == size
            && m == mtime
        {
            return Ok(crc);
        }
        let p = path.to_path_buf();
        let crc = tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
            let mut f = std::fs::File::open(&p)?;
            let mut h = cos_crc64::Crc64::new();
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                let n = f.read(&mut buf)?;
                if n == 0 {
                    return Ok(h.value());
                }
                h.update(&buf[..n]);
            }
        })
        .await
        .map_err(std::io::Error::other)??;
        if let Ok(mut d) = self.data.lock() {
            d.local.insert(key, (size, mtime, crc));
        }
        Ok(crc)
    }

    /// Remembers a file's CRC-64 (just transferred).
    pub fn put_local(&self, path: &Path, crc: u64) {
        if let Ok(meta) = std::fs::metadata(path)
            && let Ok(mut d) = self.data.lock()
        {
            d.local
                .insert(path_key(path), (meta.len(), mtime_ns(&meta), crc));
        }
    }

    /// The cached CRC-64 of `bucket/key` at `etag`.
    pub fn remote(&self, bucket: &str, key: &str, etag: &str) -> Option<u64> {
        let d = self.data.lock().ok()?;
        let (e, crc) = d.remote.get(&format!("{bucket}/{key}"))?;
        (e == etag).then_some(*crc)
    }

    /// Remembers an object's CRC-64 at `etag`.
    pub fn put_remote(&self, bucket: &str, key: &str, etag: &str, crc: u64) {
        if let Ok(mut d) = self.data.lock() {
            d.remote
                .insert(format!("{bucket}/{key}"), (etag.to_owned(), crc));
        }
    }

    /// Writes the cache back (best effort: a cache that cannot be written only costs
    /// time on the next sync).
    pub fn save(&self) {
        let (Some(file), Ok(d)) = (&self.file, self.data.lock()) else {
            return;
        };
        let Some(dir) = file.parent() else { return };
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(dir)?;
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            serde_json::to_writer(&mut tmp, &*d).map_err(std::io::Error::other)?;
            tmp.persist(file).map_err(|e| e.error)?;
            Ok(())
        };
        if let Err(e) = write() {
            tracing::warn!("cannot write the CRC-64 cache {}: {e}", file.display());
        }
    }
}
