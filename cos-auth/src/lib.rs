//! Signing and verification for Tencent Cloud Object Storage (COS).
//!
//! - [`qsign`]: the XML API signature (`q-sign-algorithm=sha1`) — signing a borrowed
//!   view of a request, presigned URLs, and server-side verification.
//! - [`v4`]: the legacy v4 JSON API signatures (`sign_more`, `sign_once`,
//!   `sign_download`) and their verification.
//! - [`tc3`]: TC3-HMAC-SHA256, the signature of Tencent Cloud API 3.0 requests (STS),
//!   signing and verification.
//! - [`Credentials`] and providers: static, environment, chain, and a caching wrapper
//!   for temporary credentials.
//!
//! This crate does no I/O and has no async runtime, HTTP client or serde dependency;
//! time and randomness are passed in (convenience wrappers read the system clock). The
//! optional `http` feature signs `http::Request` values.
//!
//! # The contract
//!
//! - **Signing** borrows a view of the request ([`qsign::SignableRequest`]: method, raw
//!   key, decoded params and headers) and returns what to add ([`qsign::Signature`]: the
//!   `Authorization` value and, for temporary credentials, the token header). It never
//!   owns or edits a request. [`qsign::presign_url`] returns a URL instead.
//! - **Verifying** takes what a server received ([`qsign::ReceivedRequest`]) and returns
//!   who signed it or a [`qsign::VerifyError`] saying why not.
//! - **On the wire**, a client writes the key with [`encode::url_path`] and the query with
//!   [`encode::push_form_encoded`]; a server reads them back with [`encode::decode_path`]
//!   and [`encode::decode_query`]. Those and [`encode::hex`] are the whole public
//!   encoding surface.
//! - **Everything else is private**: canonicalisation (which headers are signed, how
//!   names and values are encoded, sorted and deduplicated) and the single
//!   HttpString → StringToSign → HMAC core that signing, presigning and verifying share.
//!   [`qsign::sign_with_intermediates`] shows its intermediate values for debugging.
//! - **Errors** are enums to match on: [`CredentialsError`] (with [`EnvError`]),
//!   [`qsign::InvalidKeyTime`], [`qsign::AuthorizationError`], [`qsign::VerifyError`],
//!   [`tc3::Tc3VerifyError`],
//!   [`v4::V4DecodeError`] and [`v4::V4VerifyError`]. Their messages name fields and
//!   variables, never secrets, and carry their cause in the message, not again in
//!   `source()`.
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
pub mod tc3;
pub mod v4;

pub use cache::{
    CachingProvider, CachingProviderBuilder, DEFAULT_REFRESH_MARGIN, DEFAULT_RETRY_DELAY,
};
pub use credentials::{CredentialField, Credentials, CredentialsError, EnvError};
pub use provider::{ChainProvider, EnvProvider, ProvideCredentials, ProvideFuture, StaticProvider};
pub use qsign::KeyTime;
