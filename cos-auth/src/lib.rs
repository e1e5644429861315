//! Signing and verification for Tencent Cloud Object Storage (COS).
//!
//! - [`qsign`]: the XML API signature (`q-sign-algorithm=sha1`) — signing a borrowed
//!   view of a request, presigned URLs, and server-side verification.
//! - [`v4`]: the legacy v4 JSON API signatures (`sign_more`, `sign_once`,
//!   `sign_download`) and their verification.
//! - [`Credentials`] and providers: static, environment, chain, and a caching wrapper
//!   for temporary credentials.
//!
//! This crate does no I/O and has no async runtime or HTTP client dependency; time and
//! randomness are passed in (convenience wrappers read the system clock). The optional
//! `http` feature signs `http::Request` values.
//!
//! ```
//! use cos_auth::{Credentials, KeyTime};
//! use cos_auth::qsign::{sign, SignableRequest, SigningSettings};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?;
//! let headers = [
//!     ("Host", "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"),
//!     ("Content-Type", "text/plain"),
//!     ("Content-Length", "13"),
//! ];
//! let request = SignableRequest::new("PUT", "dir/a b+c%d~e.txt").headers(&headers);
//! let key_time = KeyTime::new(1_700_000_000, 1_700_003_600)?;
//! let signature = sign(&request, &creds, key_time, &SigningSettings::default());
//! assert_eq!(
//!     signature.authorization(),
//!     "q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1700000000;1700003600\
//!      &q-key-time=1700000000;1700003600&q-header-list=content-length;content-type;host\
//!      &q-url-param-list=&q-signature=36ca66df8723fbfa3028da8a7c1847e724c5fab7"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![deny(unreachable_pub)]

mod cache;
mod credentials;
pub mod encode;
#[cfg(feature = "http")]
pub mod http_request;
mod provider;
pub mod qsign;
pub mod v4;

pub use cache::{CachingProvider, CachingProviderBuilder, DEFAULT_REFRESH_MARGIN};
pub use credentials::{CredentialField, Credentials, CredentialsError, EnvError};
pub use provider::{ChainProvider, EnvProvider, ProvideCredentials, ProvideFuture, StaticProvider};
pub use qsign::KeyTime;
