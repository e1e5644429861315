//! A tiny HTTP proxy on `127.0.0.1` for tests: `CONNECT` tunnels and absolute-form
//! (forwarded) requests, optionally requiring Basic `Proxy-Authorization`. It records
//! what it was asked, so a test can assert that traffic went through it. It only
//! connects to loopback targets — or, started with [`TestProxy::start_to`], sends every
//! target to one local address (as if it resolved every name to it) — and stops when
//! dropped.
//!
//! ```
//! let proxy = cos_testkit::proxy::TestProxy::start(None)?;
//! # assert!(proxy.url().starts_with("http://127.0.0.1:"));
//! // point a client at proxy.url() ...
//! assert!(proxy.requests().iter().all(|r| r.method == "CONNECT"));
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Longest request head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Sockets idle for longer are closed (tests stop by themselves).
const IDLE: Duration = Duration::from_secs(30);

/// One request the proxy received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxiedRequest {
    /// `CONNECT`, or the method of a forwarded request.
    pub method: String,
    /// `host:port` of a `CONNECT`, or the absolute URL of a forwarded request.
    pub target: String,
    /// The request carried the expected `Proxy-Authorization` (always true when the
    /// proxy requires none).
    pub authorized: bool,
}

/// A running proxy; dropping it stops accepting.
#[derive(Debug)]
pub struct TestProxy {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<ProxiedRequest>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TestProxy {
    /// Starts a proxy on an ephemeral port of `127.0.0.1`; with `auth`
    /// (`(user, password)`), requests without that Basic `Proxy-Authorization` get
    /// `407`.
    ///
    /// Errors: the listener cannot be bound.
    pub fn start(auth: Option<(&str, &str)>) -> io::Result<TestProxy> {
        Self::spawn(None, auth)
    }

    /// As [`start`](Self::start), but every tunnel or forwarded request goes to
    /// `upstream`, whatever host it names (e.g. `b-1.cos.ap-guangzhou.myqcloud.com:443`
    /// reaches an emulator on 127.0.0.1).
    ///
    /// Errors: the listener cannot be bound.
    pub fn start_to(upstream: SocketAddr, auth: Option<(&str, &str)>) -> io::Result<TestProxy> {
        Self::spawn(Some(upstream), auth)
    }

    fn spawn(upstream: Option<SocketAddr>, auth: Option<(&str, &str)>) -> io::Result<TestProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let expected =
            auth.map(|(u, p)| format!("Basic {}", base64(format!("{u}:{p}").as_bytes())));
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log2, stop2) = (log.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (log, expected) = (log2.clone(), expected.clone());
                std::thread::spawn(move || {
                    let _ = handle(conn, upstream, expected.as_deref(), &log);
                });
            }
        });
        Ok(TestProxy {
            addr,
            log,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://USER:PASSWORD@127.0.0.1:PORT`.
    pub fn url_with_auth(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.addr)
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<ProxiedRequest> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves one client connection: one `CONNECT` or forwarded request, then a pipe.
fn handle(
    mut client: TcpStream,
    upstream: Option<SocketAddr>,
    expected: Option<&str>,
    log: &Mutex<Vec<ProxiedRequest>>,
) -> io::Result<()> {
    client.set_read_timeout(Some(IDLE))?;
    let (head, rest) = read_head(&mut client)?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("").to_owned();
    let target = request_line.next().unwrap_or("").to_owned();
    let version = request_line.next().unwrap_or("HTTP/1.1").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let auth = headers
        .iter()
        .find(|(n, _)| n == "proxy-authorization")
        .map(|(_, v)| v.as_str());
    let authorized = expected.is_none_or(|e| auth == Some(e));
    if let Ok(mut l) = log.lock() {
        l.push(ProxiedRequest {
            method: method.clone(),
            target: target.clone(),
            authorized,
        });
    }
    if !authorized {
        client.write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )?;
        return Ok(());
    }
    if method == "CONNECT" {
        let upstream = connect(upstream, &target)?;
        client.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")?;
        return pipe(client, upstream, &rest);
    }
    // A forwarded request: `GET http://host:port/path HTTP/1.1`.
    let Some(after) = target.strip_prefix("http://") else {
        client.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")?;
        return Ok(());
    };
    let (authority, path) = after.split_at(after.find('/').unwrap_or(after.len()));
    let path = if path.is_empty() { "/" } else { path };
    let upstream = connect(upstream, authority)?;
    let mut out = format!("{method} {path} {version}\r\n");
    for (n, v) in &headers {
        if n != "proxy-authorization" && n != "proxy-connection" {
            out.push_str(&format!("{n}: {v}\r\n"));
        }
    }
    out.push_str("\r\n");
    let mut first = out.into_bytes();
    first.extend_from_slice(&rest);
    pipe(client, upstream, &first)
}

/// Reads up to the end of the head; gives back the head and the bytes after it.
fn read_head(client: &mut TcpStream) -> io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = client.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            return Ok((head, buf[end + 4..].to_vec()));
        }
        if buf.len() > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too long"));
        }
    }
}

/// Connects to the fixed `upstream`, or to `authority` when it is a loopback address.
fn connect(upstream: Option<SocketAddr>, authority: &str) -> io::Result<TcpStream> {
    match upstream {
        Some(addr) => {
            let s = TcpStream::connect_timeout(&addr, IDLE)?;
            s.set_read_timeout(Some(IDLE))?;
            Ok(s)
        }
        None => connect_loopback(authority),
    }
}

/// Connects to `host:port`, refusing anything but loopback.
fn connect_loopback(authority: &str) -> io::Result<TcpStream> {
    let (host, port) = authority
        .rsplit_once(':')
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no port"))?;
    let host = match host {
        "localhost" => "127.0.0.1",
        h => h.trim_start_matches('[').trim_end_matches(']'),
    };
    let ip: std::net::IpAddr = host
        .parse()
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "not an IP"))?;
    if !ip.is_loopback() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "not loopback",
        ));
    }
    let port: u16 = port
        .parse()
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "bad port"))?;
    let s = TcpStream::connect_timeout(&SocketAddr::new(ip, port), IDLE)?;
    s.set_read_timeout(Some(IDLE))?;
    Ok(s)
}

/// Sends `first` upstream, then copies both ways until either side closes.
fn pipe(client: TcpStream, mut upstream: TcpStream, first: &[u8]) -> io::Result<()> {
    upstream.write_all(first)?;
    let (mut c2, mut u2) = (client.try_clone()?, upstream.try_clone()?);
    let back = std::thread::spawn(move || {
        let _ = io::copy(&mut u2, &mut c2);
        let _ = c2.shutdown(Shutdown::Write);
    });
    let (mut c, mut u) = (client, upstream);
    let _ = io::copy(&mut c, &mut u);
    let _ = u.shutdown(Shutdown::Write);
    let _ = back.join();
    Ok(())
}

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= c.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b"Aladdin:opensesame"), "QWxhZGRpbjpvcGVuc2VzYW1l");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }

    #[test]
    fn tunnels_and_checks_auth() {
        let echo = TcpListener::bind("127.0.0.1:0").unwrap();
        let echo_addr = echo.local_addr().unwrap();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = echo.accept() {
                let mut b = [0u8; 5];
                s.read_exact(&mut b).unwrap();
                s.write_all(&b).unwrap();
            }
        });
        let proxy = TestProxy::start(Some(("u", "p"))).unwrap();
        let mut denied = TcpStream::connect(proxy.addr).unwrap();
        write!(denied, "CONNECT {echo_addr} HTTP/1.1\r\n\r\n").unwrap();
        let mut answer = String::new();
        denied.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 407"), "{answer}");

        let mut ok = TcpStream::connect(proxy.addr).unwrap();
        write!(
            ok,
            "CONNECT {echo_addr} HTTP/1.1\r\nProxy-Authorization: Basic {}\r\n\r\nhello",
            base64(b"u:p")
        )
        .unwrap();
        let mut got = vec![0u8; 39 + 5];
        ok.read_exact(&mut got).unwrap();
        assert!(got.starts_with(b"HTTP/1.1 200"));
        assert!(got.ends_with(b"hello"));
        let log = proxy.requests();
        assert_eq!(log.len(), 2);
        assert!(!log[0].authorized && log[1].authorized);
        assert_eq!(log[1].target, echo_addr.to_string());
    }
}
