//! cos-auth inside your own HTTP client (feature `http`): build an `http::Request`,
//! sign it in place with `cos_auth::http_request::sign_request`, and send it over a
//! plain `std::net::TcpStream` — no SDK, no async HTTP client.
//!
//! ```text
//! cargo run -p cos-auth --features http --example http_client
//! ```
//!
//! It starts an in-process `cos-emulator` (which verifies the signatures) and creates a
//! bucket, uploads and reads back an object. With `COS_BUCKET` set it prints the signed
//! request for real COS instead (which needs TLS; send it with your own client).
#![allow(clippy::print_stdout)]

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use cos_auth::http_request::sign_request;
use cos_auth::qsign::{KeyTime, SigningSettings, unix_now};
use cos_auth::{Credentials, EnvProvider};

/// Signs `request` with keys valid for 10 minutes.
fn signed(
    mut request: http::Request<Vec<u8>>,
    creds: &Credentials,
) -> Result<http::Request<Vec<u8>>, Box<dyn std::error::Error>> {
    sign_request(
        &mut request,
        creds,
        KeyTime::from_now(unix_now(), 600),
        &SigningSettings::default(),
    )?;
    Ok(request)
}

/// Writes `request` as HTTP/1.1 to `addr` and returns the status line and body.
fn send(
    addr: SocketAddr,
    request: &http::Request<Vec<u8>>,
) -> Result<(String, Vec<u8>), Box<dyn std::error::Error>> {
    let mut conn = std::net::TcpStream::connect(addr)?;
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let mut head = format!("{} {target} HTTP/1.1\r\n", request.method());
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str()?));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        request.body().len()
    ));
    conn.write_all(head.as_bytes())?;
    conn.write_all(request.body())?;
    let mut response = Vec::new();
    conn.read_to_end(&mut response)?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no header end")?;
    let status = String::from_utf8_lossy(&response[..split])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    Ok((status, response[split + 4..].to_vec()))
}

fn request(
    method: &str,
    host: &str,
    path: &str,
    body: &[u8],
) -> Result<http::Request<Vec<u8>>, http::Error> {
    http::Request::builder()
        .method(method)
        .uri(format!("http://{host}{path}"))
        .header("Host", host)
        .body(body.to_vec())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(bucket) = std::env::var("COS_BUCKET") {
        let region = std::env::var("COS_REGION").unwrap_or_else(|_| "ap-guangzhou".into());
        let creds = EnvProvider::new().load()?;
        let host = format!("{bucket}.cos.{region}.myqcloud.com");
        let req = signed(request("GET", &host, "/hello.txt", b"")?, &creds)?;
        println!("GET https://{host}/hello.txt");
        for (name, value) in req.headers() {
            let shown = if name == "authorization" {
                "q-sign-algorithm=sha1&…"
            } else {
                value.to_str()?
            };
            println!("{name}: {shown}");
        }
        return Ok(());
    }

    // The emulator runs on its own tokio runtime; this client is plain blocking std.
    let runtime = tokio::runtime::Runtime::new()?;
    let emulator = runtime.block_on(
        cos_emulator::Emulator::builder()
            .region("ap-guangzhou")
            .start(),
    )?;
    let addr = emulator.addr();
    let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?;
    let host = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";
    println!("emulator at {addr}");

    let (status, _) = send(addr, &signed(request("PUT", host, "/", b"")?, &creds)?)?;
    println!("PUT Bucket:          {status}");
    let (status, _) = send(
        addr,
        &signed(
            request("PUT", host, "/dir/hello%20world.txt", b"hello from std")?,
            &creds,
        )?,
    )?;
    println!("PUT Object:          {status}");
    let (status, body) = send(
        addr,
        &signed(request("GET", host, "/dir/hello%20world.txt", b"")?, &creds)?,
    )?;
    println!(
        "GET Object:          {status}: {:?}",
        String::from_utf8_lossy(&body)
    );
    // Unsigned, the same GET is refused.
    let (status, _) = send(addr, &request("GET", host, "/dir/hello%20world.txt", b"")?)?;
    println!("GET Object unsigned: {status}");

    runtime.block_on(emulator.shutdown());
    Ok(())
}
