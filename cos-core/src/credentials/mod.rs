//! Credential providers that do I/O: the tccli profile file, TKE OIDC web identity,
//! the CVM/Lighthouse instance role, STS `AssumeRole`, and the [`DefaultChain`] of them.
//!
//! The types and the providers without I/O live in `cos-auth` ([`Credentials`],
//! [`ProvideCredentials`], [`EnvProvider`], [`ChainProvider`], [`CachingProvider`]); this
//! module builds on them. Every provider here is usable alone (give it to
//! [`ConfigBuilder::credentials_provider`](crate::ConfigBuilder::credentials_provider)).
//!
//! | provider | reads | keys |
//! |---|---|---|
//! | [`EnvProvider`] | `COS_SECRET_ID`/`COS_SECRET_KEY`/`COS_SECURITY_TOKEN`, else `TENCENTCLOUD_SECRET_ID`/`TENCENTCLOUD_SECRET_KEY`/`TENCENTCLOUD_SESSION_TOKEN` | as given |
//! | [`ProfileProvider`] | `~/.tccli/<profile>.credential` (profile from `TENCENTCLOUD_PROFILE`, else `TCCLI_PROFILE`, else `default`) | as given |
//! | [`WebIdentityProvider`] | `TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE`, `TKE_ROLE_ARN` → STS `AssumeRoleWithWebIdentity` | temporary |
//! | [`InstanceRoleProvider`] | the metadata server (`http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/`) | temporary |
//! | [`AssumeRoleProvider`] | base credentials from another provider → STS `AssumeRole` | temporary |
//!
//! Temporary keys are cached and refreshed before they expire (see [`RefreshSettings`]:
//! a margin plus a random jitter, one refresh in flight however many callers, a failed
//! refresh keeps still-valid keys and is logged with `tracing` — without secrets —,
//! expired keys are never handed out).
//!
//! Every endpoint is configurable (STS, metadata), and every provider reads its
//! environment through an [`Environment`] (variables and home directory) that tests
//! can replace, so the whole chain runs offline against `cos-emulator`'s mock STS and
//! metadata server.
//!
//! [`Credentials`]: cos_auth::Credentials
//! [`ProvideCredentials`]: cos_auth::ProvideCredentials
//! [`ChainProvider`]: cos_auth::ChainProvider
//! [`CachingProvider`]: cos_auth::CachingProvider

mod api;
mod assume_role;
mod chain;
mod environment;
mod instance;
mod profile;
mod refresh;
mod web_identity;

pub use assume_role::{AssumeRoleBuilder, AssumeRoleProvider};
pub use chain::{DefaultChain, DefaultChainBuilder};
pub use cos_auth::EnvProvider;
pub use environment::Environment;
pub use instance::{DEFAULT_METADATA_ENDPOINT, InstanceRoleBuilder, InstanceRoleProvider};
pub use profile::ProfileProvider;
pub use refresh::RefreshSettings;
pub use web_identity::{WebIdentityBuilder, WebIdentityProvider};

/// The default STS endpoint (Tencent Cloud API 3.0).
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.tencentcloudapi.com";
/// The region STS calls name by default (the official SDK's default for `AssumeRole`).
pub const DEFAULT_STS_REGION: &str = "ap-guangzhou";
