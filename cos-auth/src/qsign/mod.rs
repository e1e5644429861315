//! The XML API signature (`q-sign-algorithm=sha1`): signing, presigned URLs and
//! server-side verification.
//!
//! The algorithm, as the official SDKs implement it:
//! - KeyTime = `start;end` (Unix seconds);
//! - SignKey = hex(HMAC-SHA1(SecretKey, KeyTime));
//! - HttpString = `lower(method)\n{raw key path}\n{params}\n{headers}\n`, where params and
//!   headers are `name=value` pairs joined by `&`, percent-encoded (unreserved kept,
//!   uppercase hex), names lowercased after encoding, sorted by name;
//! - StringToSign = `sha1\n{KeyTime}\n{hex(SHA1(HttpString))}\n`;
//! - Signature = hex(HMAC-SHA1(SignKey as hex text, StringToSign)).
//!
//! Signing, presigning and verifying all go through one private core (HttpString →
//! StringToSign → HMAC); canonicalisation (which headers are signed, how names and
//! values are encoded and sorted) is private too. What a caller sees is the contract:
//! a borrowed [`SignableRequest`] in, a [`Signature`] saying what to add out.

mod authorization;
mod canonical;
mod core;
mod key;
mod key_time;
mod post_policy;
mod presign;
mod signer;
mod verify;

pub use authorization::{AUTH_PARAMS, AuthField, AuthorizationError, AuthorizationParts};
pub use canonical::HeaderPolicy;
pub(crate) use key::hmac_sha1;
pub use key::{SigningKey, SigningKeyCache};
pub use key_time::{CLOCK_SKEW_BACKDATE, InvalidKeyTime, KeyTime, KeyTimeBound, to_unix, unix_now};
pub use post_policy::sign_post_policy;
pub use presign::{PresignRequest, PresignSettings, PresignedUrl, presign_url};
pub use signer::{
    Intermediates, SECURITY_TOKEN_HEADER, SignableRequest, Signature, SigningSettings, sign,
    sign_with_intermediates, sign_with_key,
};
pub use verify::{
    AuthLocation, CredentialLookup, ReceivedRequest, Verified, VerifyError, verify,
    verify_with_cache,
};
