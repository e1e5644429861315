//! A local Tencent Cloud Object Storage (COS) server for tests and development.
//!
//! It checks signatures with `cos-auth` (headers and presigned URLs), answers every
//! documented XML API operation with COS's documents and error codes, keeps data in
//! memory or in a directory (crash-safe: objects appear only once complete), and
//! injects faults (error statuses, connection resets, latency, truncated bodies)
//! deterministically from a seed.
//!
//! ```
//! # async fn demo() -> Result<(), cos_emulator::EmulatorError> {
//! use cos_emulator::{Emulator, FaultRule};
//!
//! let emulator = Emulator::builder()
//!     .fault(FaultRule::parse("op=UploadPart,status=503,first=1")?)
//!     .start()
//!     .await?;
//! println!("COS at {} ({})", emulator.endpoint(), emulator.region());
//! // ... point a client at it; `emulator.requests()` shows what it received.
//! emulator.shutdown().await;
//! # Ok(()) }
//! # fn main() {
//! #     let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! #     runtime.block_on(demo()).unwrap();
//! # }
//! ```
#![deny(missing_docs)]

mod auth;
mod body;
mod conn;
mod errors;
mod faults;
mod header_case;
mod ops;
mod record;
mod routing;
mod select;
mod server;
mod state;
mod storage;
mod sts;
mod threads;
mod time;
mod tls;
mod v4;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use cos_auth::Credentials;

pub use errors::EmulatorError;
pub use faults::{FaultAction, FaultRule};
pub use record::{
    DEFAULT_LOG_MAX_BYTES, RecordedRequest, UNTRUSTED_HEADERS_MAX, UNTRUSTED_VALUE_MAX,
};
#[doc(hidden)]
pub use storage::StorageFaults;

/// The default region.
pub const DEFAULT_REGION: &str = "ap-guangzhou";
/// The secret id accepted when no credential is configured.
pub const DEFAULT_SECRET_ID: &str = "AKIDEXAMPLE";
/// The secret key accepted when no credential is configured.
pub const DEFAULT_SECRET_KEY: &str = "SECRETKEYEXAMPLE";

/// Entry point: `Emulator::builder()...start().await`.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: `127.0.0.1:0`, `AKIDEXAMPLE`/`SECRETKEYEXAMPLE`,
    /// region `ap-guangzhou`, in-memory storage, no faults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: Vec::new(),
            region: DEFAULT_REGION.to_owned(),
            data_dir: None,
            bench_mode: false,
            faults: Vec::new(),
            seed: 0,
            log_capacity: record::DEFAULT_LOG_CAPACITY,
            storage_faults: StorageFaults::default(),
            log_max_bytes: record::DEFAULT_LOG_MAX_BYTES,
            limits: conn::Limits::default(),
            clock_offset: std::time::Duration::ZERO,
            mock: state::mock::MockConfig::default(),
            tls: None,
        }
    }
}

/// Settings of an emulator; [`EmulatorBuilder::start`] runs it.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    credentials: Vec<Credentials>,
    region: String,
    data_dir: Option<PathBuf>,
    bench_mode: bool,
    faults: Vec<FaultRule>,
    seed: u64,
    log_capacity: usize,
    storage_faults: StorageFaults,
    log_max_bytes: usize,
    limits: conn::Limits,
    clock_offset: std::time::Duration,
    mock: state::mock::MockConfig,
    tls: Option<tls::TlsSource>,
}

impl EmulatorBuilder {
    /// The address to listen on (default `127.0.0.1:0`: an ephemeral port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Accepts requests signed with these credentials (repeatable). Credentials with a
    /// token require requests to carry it in `x-cos-security-token`. With none, the
    /// emulator accepts `AKIDEXAMPLE` / `SECRETKEYEXAMPLE`.
    pub fn credential(mut self, c: Credentials) -> Self {
        self.credentials.push(c);
        self
    }

    /// The region reported for buckets (default `ap-guangzhou`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Keeps data in this directory and reloads it on start. Without it, everything
    /// lives in memory.
    ///
    /// The directory is created if needed; an existing one must be empty or an
    /// emulator data directory (it holds a `cos-emulator-data` marker file; data
    /// directories of earlier versions, with only `meta.json`, `blobs/` and `tmp/`, are
    /// adopted). One emulator at a time may use it. Every acknowledged change is
    /// fsynced to an append-only journal before the answer, so data survives a crash.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Skips work a throughput benchmark should not measure (MD5 ETags unless a
    /// `Content-Md5` is to be checked, the request log's header copies).
    pub fn bench_mode(mut self, on: bool) -> Self {
        self.bench_mode = on;
        self
    }

    /// Adds a fault rule (repeatable).
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// Seeds the randomness of probabilistic faults (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How many requests [`EmulatorHandle::requests`] keeps (default 100,000; 0 turns
    /// the log off): older ones are forgotten, so that memory stays bounded however
    /// long the emulator runs.
    pub fn request_log_capacity(mut self, requests: usize) -> Self {
        self.log_capacity = requests;
        self
    }

    /// Failure injection for the data directory's writes (tests only).
    #[doc(hidden)]
    pub fn storage_faults(mut self, faults: StorageFaults) -> Self {
        self.storage_faults = faults;
        self
    }

    /// How many bytes the requests [`EmulatorHandle::requests`] keeps may hold (default
    /// [`DEFAULT_LOG_MAX_BYTES`]; 0 turns the log off): older ones are forgotten beyond.
    /// Requests that were not authenticated are kept clipped (see
    /// [`RecordedRequest::truncated`]).
    pub fn request_log_max_bytes(mut self, bytes: usize) -> Self {
        self.log_max_bytes = bytes;
        self
    }

    /// How long a client may take to send a request's head (request line and headers)
    /// once the connection is ready for one, also between the requests of a keep-alive
    /// connection; the connection is closed after (default 30 s).
    pub fn header_read_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.limits.header_read_timeout = timeout;
        self
    }

    /// How long bytes may stop moving on a connection (a request body that stalls, an
    /// answer the client stops reading, an idle keep-alive connection) before it is
    /// closed (default 60 s). Time a request spends being handled does not count.
    pub fn idle_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.limits.idle_timeout = timeout;
        self
    }

    /// How many connections are served at once (default 1024, at least 1): further
    /// connections wait in the listen queue until one closes.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.limits.max_connections = connections.max(1);
        self
    }

    /// Starts the emulator's clock `offset` ahead of the system clock (whole seconds;
    /// default zero). Everything time-dependent — signature key times, temporary
    /// credentials, lifecycle, restore expiry, `Last-Modified` — reads that clock;
    /// [`EmulatorHandle::advance_clock`] moves it further while running.
    pub fn clock_offset(mut self, offset: std::time::Duration) -> Self {
        self.clock_offset = offset;
        self
    }

    /// Serves HTTPS with this certificate chain and private key (PEM): TLS 1.2 and 1.3,
    /// ALPN offering `h2` and `http/1.1` (HTTP/2 is served when the client picks it).
    /// Without it the emulator speaks plain HTTP/1.1.
    pub fn tls(mut self, cert_chain_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        self.tls = Some(tls::TlsSource::Pem {
            cert: cert_chain_pem.into(),
            key: key_pem.into(),
        });
        self
    }

    /// As [`tls`](Self::tls), reading the PEM files at [`start`](Self::start)
    /// (`--tls-cert` / `--tls-key`).
    pub fn tls_files(mut self, cert_chain: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.tls = Some(tls::TlsSource::Files {
            cert: cert_chain.into(),
            key: key.into(),
        });
        self
    }

    /// Binds the address, loads the data directory if any, and serves in the
    /// background of the current tokio runtime.
    ///
    /// Errors: [`EmulatorError::Bind`] when the address is taken,
    /// [`EmulatorError::DataDir`] when the directory is unusable, and
    /// [`EmulatorError::Tls`] when the certificate or key is.
    pub async fn start(self) -> Result<EmulatorHandle, EmulatorError> {
        let credentials = if self.credentials.is_empty() {
            vec![default_credentials()?]
        } else {
            self.credentials
        };
        let store = match &self.data_dir {
            Some(dir) => {
                storage::Store::open_dir(dir, self.bench_mode, self.storage_faults.clone()).await?
            }
            None => storage::Store::in_memory(self.bench_mode),
        };
        let tls = self
            .tls
            .as_ref()
            .map(tls::TlsSource::acceptor)
            .transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let listener = tokio::net::TcpListener::bind(self.listen)
            .await
            .map_err(|source| EmulatorError::Bind {
                addr: self.listen,
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: self.listen,
                source,
            })?;
        let shared = Arc::new(state::Shared::new(
            state::Config {
                region: self.region.clone(),
                credentials,
                bench_mode: self.bench_mode,
                limits: self.limits,
                clock: time::Clock::with_offset(self.clock_offset),
                mock: self.mock,
            },
            store,
            faults::FaultSet::new(self.faults, self.seed),
            header_case::HeaderCase::new().await,
            record::RequestLog::new(self.log_capacity, self.log_max_bytes),
        ));
        let running = server::spawn(listener, shared.clone(), tls);
        Ok(EmulatorHandle {
            addr,
            scheme,
            region: self.region,
            shared,
            running: Some(running),
        })
    }

    /// Turns the mock STS on (default off): requests carrying `X-TC-Action` are answered
    /// as Tencent Cloud API 3.0 STS calls — `AssumeRole` and `GetFederationToken`
    /// (TC3-HMAC-SHA256 signed with an accepted credential, the signature's timestamp
    /// checked against the real clock) and `AssumeRoleWithWebIdentity` (unsigned) —
    /// minting temporary credentials that this emulator then accepts, with their token,
    /// until they expire by its clock ([`EmulatorHandle::advance_clock`]). Point a
    /// client's STS endpoint at [`EmulatorHandle::endpoint`].
    pub fn mock_sts(mut self, on: bool) -> Self {
        self.mock.sts = on;
        self
    }

    /// Makes the mock STS's `AssumeRoleWithWebIdentity` accept only this OIDC token
    /// (default: any non-empty token).
    pub fn sts_web_identity_token(mut self, token: impl Into<String>) -> Self {
        self.mock.web_identity_token = Some(token.into());
        self
    }

    /// Turns the mock CVM instance-metadata server on (default off), serving `role`:
    /// `GET /latest/meta-data/cam/security-credentials/` answers the role name and
    /// `…/security-credentials/<role>` fresh temporary keys (lasting 2 h by the
    /// emulator's clock unless [`metadata_key_lifetime`](Self::metadata_key_lifetime)).
    /// Point a client's metadata endpoint at [`EmulatorHandle::endpoint`].
    pub fn mock_metadata(mut self, role: impl Into<String>) -> Self {
        self.mock.metadata_role = Some(role.into());
        self
    }

    /// How long the keys of the mock metadata server last (whole seconds).
    pub fn metadata_key_lifetime(mut self, lifetime: std::time::Duration) -> Self {
        self.mock.metadata_lifetime = lifetime;
        self
    }
}

fn default_credentials() -> Result<Credentials, EmulatorError> {
    Credentials::new(DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY)
        .map_err(|e| EmulatorError::Usage(format!("default credentials: {e}")))
}

/// A running emulator. Dropping it stops the server (abruptly); prefer
/// [`EmulatorHandle::shutdown`] for a graceful stop.
#[derive(Debug)]
pub struct EmulatorHandle {
    addr: SocketAddr,
    scheme: &'static str,
    region: String,
    shared: Arc<state::Shared>,
    running: Option<server::Running>,
}

impl EmulatorHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`, or `https://HOST:PORT` with [`EmulatorBuilder::tls`].
    pub fn endpoint(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The configured region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Adds a fault rule while running.
    pub fn add_fault(&self, rule: FaultRule) {
        self.shared.edit_faults(|f| f.add(rule));
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.edit_faults(faults::FaultSet::clear);
    }

    /// The requests received so far (the latest
    /// [`request_log_capacity`](EmulatorBuilder::request_log_capacity) of them), in
    /// order of completion.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.to_vec()
    }

    /// The bytes the recorded requests hold (an estimate from above), at most
    /// [`request_log_max_bytes`](EmulatorBuilder::request_log_max_bytes).
    pub fn request_log_bytes(&self) -> usize {
        self.shared.log.bytes()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// Moves the emulator's clock `by` forward (whole seconds), so tests of expiry,
    /// lifecycle or restore never sleep. The clock never moves back.
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.shared.config.clock.advance(by);
    }

    /// The emulator's current time (the system clock plus every advance).
    pub fn now(&self) -> std::time::SystemTime {
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(self.shared.config.clock.now_secs())
    }

    /// Runs the work that is due by the emulator's clock, now, instead of in the
    /// background: access logs of buckets with logging are written to their target
    /// buckets. Call it after [`advance_clock`](Self::advance_clock) (or after the
    /// requests whose effects a test checks) so that tests never sleep. Lifecycle rules
    /// take effect (expiration, noncurrent expiration, transitions, abort of incomplete
    /// multipart uploads) by the emulator's clock, and queued writes and deletes of
    /// replicated buckets reach their destination buckets, and enabled inventories
    /// whose period has passed write their reports.
    ///
    /// Errors: [`EmulatorError::DataDir`] when the data directory cannot be written.
    pub async fn run_due_work(&self) -> Result<(), EmulatorError> {
        ops::due::run(&self.shared)
            .await
            .map_err(|e| EmulatorError::DataDir {
                path: std::path::PathBuf::new(),
                message: format!("due work failed: {e}"),
            })
    }

    /// Stops accepting connections, lets in-flight requests finish (up to 5 s), and
    /// waits for the server to stop.
    pub async fn shutdown(mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            running.abort();
        }
    }
}
