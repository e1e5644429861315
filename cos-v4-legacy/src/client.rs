//! [`CosClient`]: credentials, settings, the signer, and the one place requests are
//! sent and answers `{code, message, request_id, data}` are decoded.

use std::sync::Arc;

use bytes::Bytes;
use cos_auth::Credentials;
use cos_auth::v4::V4Signer;
use cos_core::transport::{
    Authorizer, RawResponse, Scheme, Transport, TransportConfig, WireRequest,
};
use http::Method;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::error::{CODE_NETWORK, Error, Result};
use crate::path;

/// A v4 API client for one appid. Cheap to clone (clones share the connection pool).
///
/// ```
/// # async fn run(endpoint: String) -> Result<(), cos_v4_legacy::Error> {
/// use cos_v4_legacy::CosClient;
/// let client = CosClient::new(1250000000, "AKIDEXAMPLE", "SECRETKEYEXAMPLE", "sh")?;
/// # let client = CosClient::with_config(1250000000, "AKIDEXAMPLE", "SECRETKEYEXAMPLE", cos_v4_legacy::Config::new("sh").connect_to(endpoint))?; // the doctest's emulator
/// let stat = client.stat_file("mybucket", "/sample_file.txt").send().await?;
/// println!("{} bytes", stat.filesize);
/// # Ok(()) }
/// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
/// # fn main() { doc_run_at(run) }
/// ```
#[derive(Clone)]
pub struct CosClient {
    inner: Arc<Inner>,
}

struct Inner {
    appid: String,
    signer: V4Signer,
    config: Config,
    transport: Transport,
}

impl std::fmt::Debug for CosClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CosClient")
            .field("appid", &self.inner.appid)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// How a request is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signing {
    /// `sign_more`, valid for the configured lifetime.
    More,
    /// `sign_once`, for the file addressed (delete, update, move).
    Once,
}

/// A request body.
#[derive(Debug)]
pub(crate) enum Payload {
    /// No body.
    Empty,
    /// A body with its `Content-Type`.
    Typed(String, Bytes),
}

/// One v4 API request, as `CosClient::call` sends it.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    /// The operation name, for logs and errors.
    pub(crate) operation: &'static str,
    /// The HTTP method.
    pub(crate) method: Method,
    /// The bucket addressed.
    pub(crate) bucket: &'a str,
    /// The file or folder path in the bucket.
    pub(crate) cos_path: &'a str,
    /// Query parameters, in order.
    pub(crate) query: &'a [(&'a str, &'a str)],
    /// The request body.
    pub(crate) payload: Payload,
    /// How the request is signed.
    pub(crate) signing: Signing,
}

/// A decoded successful answer.
#[derive(Debug)]
pub(crate) struct Reply {
    /// `data`, or `null`.
    pub data: serde_json::Value,
}

impl Reply {
    /// `data` as `T` (an absent `data` reads as `{}`).
    pub(crate) fn data<T: DeserializeOwned>(self) -> Result<T> {
        let value = if self.data.is_null() {
            serde_json::Value::Object(serde_json::Map::new())
        } else {
            self.data
        };
        serde_json::from_value(value).map_err(|e| Error::Network {
            status: None,
            message: format!("unexpected data in the answer: {e}"),
        })
    }
}

/// The answer envelope.
#[derive(Debug, Deserialize)]
struct Envelope {
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    data: serde_json::Value,
}

impl CosClient {
    /// A client for `appid` with the official SDK's defaults for `region` (`sh`, `gz`,
    /// `tj`, `sgp` or another region code; API host `<region>.file.myqcloud.com`).
    ///
    /// Errors: [`Error::Params`] for empty credentials.
    pub fn new(appid: u64, secret_id: &str, secret_key: &str, region: &str) -> Result<Self> {
        Self::with_config(appid, secret_id, secret_key, Config::new(region))
    }

    /// A client with explicit settings.
    ///
    /// ```
    /// use cos_v4_legacy::{Config, CosClient};
    /// let client = CosClient::with_config(
    ///     1250000000,
    ///     "AKIDEXAMPLE",
    ///     "SECRETKEYEXAMPLE",
    ///     Config::new("gz").connect_to("http://127.0.0.1:9000"),
    /// )?;
    /// # let _ = client;
    /// # Ok::<(), cos_v4_legacy::Error>(())
    /// ```
    ///
    /// Errors: [`Error::Params`] for empty credentials or unusable settings.
    pub fn with_config(
        appid: u64,
        secret_id: &str,
        secret_key: &str,
        config: Config,
    ) -> Result<Self> {
        let credentials =
            Credentials::new(secret_id, secret_key).map_err(|e| Error::params(e.to_string()))?;
        let transport =
            Transport::new(transport_config(&config)).map_err(|e| Error::params(e.to_string()))?;
        let appid = appid.to_string();
        Ok(CosClient {
            inner: Arc::new(Inner {
                signer: V4Signer::new(appid.clone(), credentials),
                appid,
                config,
                transport,
            }),
        })
    }

    /// The appid.
    pub fn appid(&self) -> &str {
        &self.inner.appid
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The v4 signer (see also [`CosClient::sign_more`] and friends).
    pub fn signer(&self) -> &V4Signer {
        &self.inner.signer
    }

    /// A multiple-use signature for `cos_path` in `bucket`, valid until `expired`
    /// (Unix seconds; a value smaller than now counts as seconds from now). Used for
    /// uploads, moves' targets, folder creation, stat and list.
    ///
    /// ```
    /// # let client = cos_v4_legacy::CosClient::new(1250000000, "AKIDEXAMPLE", "SECRETKEYEXAMPLE", "sh")?;
    /// let sign = client.sign_more("mybucket", "/pic/1.jpg", 600);
    /// # assert!(!sign.is_empty());
    /// # Ok::<(), cos_v4_legacy::Error>(())
    /// ```
    pub fn sign_more(&self, bucket: &str, cos_path: &str, expired: u64) -> String {
        self.inner.signer.sign_more(bucket, cos_path, expired)
    }

    /// A single-use signature for the file `cos_path`, for delete and update.
    ///
    /// ```
    /// # let client = cos_v4_legacy::CosClient::new(1250000000, "AKIDEXAMPLE", "SECRETKEYEXAMPLE", "sh")?;
    /// let sign = client.sign_once("mybucket", "/pic/1.jpg");
    /// # assert!(!sign.is_empty());
    /// # Ok::<(), cos_v4_legacy::Error>(())
    /// ```
    pub fn sign_once(&self, bucket: &str, cos_path: &str) -> String {
        self.inner.signer.sign_once(bucket, cos_path)
    }

    /// A download signature for `cos_path`, valid until `expired` (relative when
    /// smaller than now), for downloading files of private buckets.
    ///
    /// ```
    /// # let client = cos_v4_legacy::CosClient::new(1250000000, "AKIDEXAMPLE", "SECRETKEYEXAMPLE", "sh")?;
    /// let sign = client.sign_download("mybucket", "/pic/1.jpg", 600);
    /// # assert!(!sign.is_empty());
    /// # Ok::<(), cos_v4_legacy::Error>(())
    /// ```
    pub fn sign_download(&self, bucket: &str, cos_path: &str, expired: u64) -> String {
        self.inner.signer.sign_download(bucket, cos_path, expired)
    }

    /// The lifetime of multiple-use signatures, in seconds (at least 1).
    pub(crate) fn sign_lifetime(&self) -> u64 {
        self.inner.config.sign_expired.as_secs().max(1)
    }

    /// POSTs a multipart/form-data `form` to `cos_path`, signed with a multiple-use
    /// signature: the shape of every upload request.
    pub(crate) async fn post_form(
        &self,
        operation: &'static str,
        bucket: &str,
        cos_path: &str,
        form: crate::wire::Form,
    ) -> Result<Reply> {
        self.call(Call {
            operation,
            method: Method::POST,
            bucket,
            cos_path,
            query: &[],
            payload: Payload::Typed(form.content_type(), form.finish()),
            signing: Signing::More,
        })
        .await
    }

    /// Sends one API request for `cos_path` (already validated) and decodes the answer.
    pub(crate) async fn call(&self, call: Call<'_>) -> Result<Reply> {
        let Call {
            operation,
            method,
            bucket,
            cos_path,
            query,
            payload,
            signing,
        } = call;
        path::check_bucket(bucket)?;
        let mut path_and_query = path::api_path(&self.inner.appid, bucket, cos_path);
        if !query.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(&path::query(query));
        }
        let signer = self.inner.signer.clone();
        let (b, p) = (bucket.to_owned(), cos_path.to_owned());
        let lifetime = self.sign_lifetime();
        let authorizer = Authorizer::header(move |_| match signing {
            Signing::More => signer.sign_more(&b, &p, lifetime),
            Signing::Once => signer.sign_once(&b, &p),
        });
        let mut request = WireRequest::new(
            operation,
            method,
            self.inner.config.hostname.clone(),
            path_and_query,
        );
        if let Payload::Typed(content_type, body) = payload {
            request = request.header("Content-Type", content_type).body(body);
        }
        let response = self.send(request, &authorizer).await?;
        let status = response.status.as_u16();
        let envelope: Envelope =
            serde_json::from_slice(&response.body).map_err(|e| Error::Network {
                status: Some(status),
                message: format!("HTTP {status}: the answer is not a v4 JSON document ({e})"),
            })?;
        tracing::debug!(
            operation,
            code = envelope.code,
            request_id = envelope.request_id.as_deref().unwrap_or(""),
            "v4 answer"
        );
        if envelope.code != 0 {
            return Err(Error::from_code(
                envelope.code,
                envelope.message,
                envelope.request_id,
            ));
        }
        Ok(Reply {
            data: envelope.data,
        })
    }

    /// Sends `request` through the transport: every status below 500 is an answer;
    /// 5xx, timeouts and connection errors are retried, then an error.
    pub(crate) async fn send(
        &self,
        request: WireRequest,
        authorizer: &Authorizer,
    ) -> Result<RawResponse> {
        self.inner
            .transport
            .send(request, authorizer)
            .await
            .map_err(Error::transport)
    }

    /// The download URL of `cos_path` with `sign` (the official SDK's form:
    /// `http://{bucket}-{appid}.{download_hostname}{quoted path}?sign={sign}`).
    pub(crate) fn download_location(
        &self,
        bucket: &str,
        cos_path: &str,
        sign: &str,
    ) -> (String, String) {
        let host = format!(
            "{bucket}-{}.{}",
            self.inner.appid, self.inner.config.download_hostname
        );
        (host, format!("{}?sign={sign}", path::quote(cos_path, "/")))
    }
}

/// The transport settings of `config`: no COS region, no credentials — the v4
/// authorizer signs each request.
fn transport_config(config: &Config) -> TransportConfig {
    let mut t = TransportConfig::default()
        .scheme(if config.https {
            Scheme::Https
        } else {
            Scheme::Http
        })
        .read_timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .user_agent(config.user_agent.clone())
        .retry(cos_core::RetryConfig::default().max_attempts(config.max_attempts));
    t.connect_to = config.connect_to.clone();
    t
}

/// The error of an unexpected HTTP status.
pub(crate) fn status_error(status: u16, what: &str) -> Error {
    Error::Network {
        status: Some(status),
        message: format!("{what} failed with status {status} (code {CODE_NETWORK})"),
    }
}

/// A file request addressed by bucket and path.
#[derive(Debug, Clone)]
pub(crate) struct FileTarget {
    pub(crate) client: CosClient,
    pub(crate) bucket: String,
    pub(crate) cos_path: String,
}

impl CosClient {
    /// The target of a file request.
    pub(crate) fn file_target(&self, bucket: &str, cos_path: &str) -> FileTarget {
        FileTarget {
            client: self.clone(),
            bucket: bucket.to_owned(),
            cos_path: cos_path.to_owned(),
        }
    }
}
