//! A tiny signed HTTP/1.1 client for the emulator tests (raw TCP, one request per
//! connection, so tests can also send partial bodies and see cut responses).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

use cos_auth::qsign::{SignableRequest, SigningSettings, sign};
use cos_auth::{Credentials, KeyTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const BUCKET: &str = "test-1250000000";

/// A parsed answer (`status` 0 when the connection died before a status line).
#[derive(Debug, Default)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The connection ended with an error (reset) or before the advertised length.
    pub cut: bool,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap()
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The head of a signed request for `bucket`/`key` (virtual-host style).
fn head(method: &str, key: &str, query: &str, extra: &[(&str, &str)], len: usize) -> String {
    let host = format!("{BUCKET}.cos.ap-guangzhou.myqcloud.com");
    let path = if key.is_empty() {
        "/".to_owned()
    } else {
        cos_auth::encode::url_path(key)
    };
    let t = now();
    let key_time = KeyTime::new(t - 60, t + 3600).unwrap();
    signed_head(method, &host, (&path, key), query, extra, len, key_time)
}

/// The head of a request to `host` with `paths.0` (the wire path, encoded) on its
/// request line, signed over `paths.1` (the signed path, raw) for `key_time`, closing
/// the connection after.
pub fn signed_head(
    method: &str,
    host: &str,
    (wire_path, signed_path): (&str, &str),
    query: &str,
    extra: &[(&str, &str)],
    len: usize,
    key_time: KeyTime,
) -> String {
    let len_s = len.to_string();
    let mut headers: Vec<(&str, &str)> = vec![("Host", host), ("Content-Length", &len_s)];
    headers.extend_from_slice(extra);
    let params: Vec<(String, String)> = cos_auth::encode::decode_query(query);
    let params: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let auth = sign(
        &SignableRequest::new(method, signed_path)
            .headers(&headers)
            .params(&params),
        &creds(),
        key_time,
        &SigningSettings::default(),
    );
    let target = if query.is_empty() {
        wire_path.to_owned()
    } else {
        format!("{wire_path}?{query}")
    };
    let mut s = format!("{method} {target} HTTP/1.1\r\n");
    for (k, v) in &headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str(&format!(
        "Authorization: {}\r\nConnection: close\r\n\r\n",
        auth.authorization()
    ));
    s
}

/// Sends a prepared head and body, and reads the answer until the connection closes.
pub async fn send(addr: SocketAddr, head: &str, body: &[u8], is_head: bool) -> Answer {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let _ = s.write_all(body).await;
    read_answer(s, is_head).await
}

/// Sends a signed request and reads the answer until the connection closes.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    key: &str,
    query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head(method, key, query, headers, body.len()).as_bytes())
        .await
        .unwrap();
    let _ = s.write_all(body).await;
    read_answer(s, method == "HEAD").await
}

/// Sends an unsigned request for `target` (a raw path and query, sent as is) to the
/// bucket's virtual host and reads the answer until the connection closes.
pub async fn unsigned(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {BUCKET}.cos.ap-guangzhou.myqcloud.com\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let _ = s.write_all(body).await;
    read_answer(s, method == "HEAD").await
}

/// Sends a signed request advertising `total` body bytes but only `sent` of them,
/// then closes the connection.
pub async fn partial_upload(addr: SocketAddr, key: &str, total: usize, sent: usize) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head("PUT", key, "", &[], total).as_bytes())
        .await
        .unwrap();
    s.write_all(&vec![7u8; sent]).await.unwrap();
    s.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(s);
}

async fn read_answer(mut s: TcpStream, is_head: bool) -> Answer {
    let mut raw = Vec::new();
    let mut cut = false;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(20), s.read(&mut buf)).await {
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => raw.extend_from_slice(&buf[..n]),
            Ok(Err(_)) | Err(_) => {
                cut = true;
                break;
            }
        }
    }
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Answer {
            cut: true,
            ..Answer::default()
        };
    };
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let body = raw[end + 4..].to_vec();
    let mut a = Answer {
        status,
        headers,
        body,
        cut,
    };
    if !is_head
        && let Some(len) = a
            .header("content-length")
            .and_then(|v| v.parse::<usize>().ok())
        && a.body.len() < len
    {
        a.cut = true;
    }
    a
}

/// A cos-core client of `emu` with the test credentials, and no retries (a refused
/// request shows as it is).
pub fn client_for(emu: &cos_emulator::EmulatorHandle) -> cos_core::Client {
    let config = cos_core::Config::builder()
        .region("ap-guangzhou")
        .credentials(creds())
        .connect_to(emu.endpoint())
        .read_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(30))
        .retry(cos_core::RetryConfig::disabled())
        .build()
        .unwrap();
    cos_core::Client::new(config).unwrap()
}

/// An object key (valid by construction in the tests).
pub fn key(k: &str) -> cos_core::ObjectKey {
    cos_core::ObjectKey::new(k).unwrap()
}
