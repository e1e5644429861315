//! The raw request layer of cos-rs: every Tencent Cloud COS XML API operation on
//! hyper + rustls + tokio.
//!
//! - [`Config`] / [`Client`]: region (legacy aliases accepted), credentials provider,
//!   scheme, endpoint (default `myqcloud.com`, `tencentcos.cn`, global acceleration, a
//!   custom domain, or an explicit `ip:port` keeping the COS `Host`), path style,
//!   timeouts, user agent, proxy, pool and [`RetryConfig`].
//! - [`credentials`]: providers that do I/O — the tccli profile, TKE OIDC web identity,
//!   the CVM instance role, STS `AssumeRole` — and the [`DefaultChain`](credentials::DefaultChain)
//!   behind [`Config::from_env`]; [`ConfigBuilder::anonymous`] for public buckets.
//!   timeouts, user agent, proxy, pool and [`RetryConfig`]; TLS roots, HTTP/2,
//!   proxies from the environment and a DNS hook ([`transport::NetworkOptions`]); the
//!   internal domain and a presigned-URL domain; unknown regions caught at `build`
//!   ([`endpoint`]).
//! - Validated inputs: [`BucketName`], [`Region`], [`ObjectKey`], [`PartNumber`],
//!   [`TrafficLimit`] — bad values fail with [`InvalidInput`] before any request.
//! - Every operation is a `Client` method returning a builder finished by
//!   `.send().await` (see [`ops`]). List operations also give paginated streams
//!   (`into_pages`) with `encoding-type=url` decoded.
//! - One [`Error`] type: [`Error::Service`] for COS errors, the other variants for
//!   client errors. A HEAD 404 is a `NoSuchResource` service error.
//! - Retries (see [`retry`]), CRC64 checks on uploads and full downloads (see [`crc`]),
//!   and a `tracing` span per operation (operation, bucket, key) holding one per attempt
//!   (attempt, status, request id — never credentials).
//! - The [`transport`] underneath is public: it sends a wire request (method,
//!   host, encoded path and query, headers, body) with an [`Authorizer`](transport::Authorizer)
//!   — what `cos-v4-legacy` uses for the v4 JSON API.
//! - [`auth`] and [`xml`] re-export `cos-auth` and `cos-xml`, so that cos-core alone is
//!   enough to call COS.
//!
//! ```
//! # async fn run(endpoint: String) -> Result<(), cos_core::Error> {
//! use cos_core::{BucketName, Client, Config, ObjectKey};
//!
//! let config = Config::builder()
//!     .region("ap-guangzhou")
//!     .credentials_provider(cos_core::auth::EnvProvider::new())
//! #   // The doctest's emulator and its keys instead of the environment's.
//! #   .credentials(cos_core::auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").map_err(cos_core::Error::from)?)
//! #   .connect_to(endpoint)
//!     .build()?;
//! let client = Client::new(config)?;
//! let bucket = BucketName::new("examplebucket-1250000000")?;
//! let key = ObjectKey::new("hello.txt")?;
//! client.put_object(&bucket, &key).body("hello").send().await?;
//! let text = client.get_object(&bucket, &key).send().await?.body.collect().await?;
//! assert_eq!(&text[..], b"hello");
//! # Ok(()) }
//! # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
//! # fn main() { doc_run_at(run) }
//! ```
#![deny(missing_docs)]

pub mod body;
pub mod client;
pub mod config;
pub mod crc;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod ops;
pub mod options;
pub mod raw;
mod request;
pub mod retry;
pub mod select;
pub mod sse;
pub mod transport;
pub mod types;
mod watchdog;

/// `cos-auth`: credentials, providers and the q-sign / v4 signers.
pub use cos_auth as auth;
/// `cos-xml`: the XML documents of the COS API.
pub use cos_xml as xml;

pub use body::{Body, ByteStream};
pub use client::{Client, ResponseMeta};
pub use config::{Config, ConfigBuilder, Endpoint, Scheme};
pub use error::{Error, IntegrityError, InvalidInput, Result, ServiceError};
pub use ops::Operation;
pub use options::{ReadOptions, WriteOptions};
pub use raw::RawRequest;
pub use retry::RetryConfig;
pub use sse::{KmsOptions, Sse, SseCustomerKey};
pub use transport::RawResponse;
pub use types::{
    Acl, BucketName, MetadataDirective, ObjectKey, PartNumber, Region, StorageClass, TrafficLimit,
};
