//! Legacy v4 (JSON API) signatures: `sign_more`, `sign_once`, `sign_download`, and
//! their verification.
//!
//! A v4 signature is `base64(HMAC-SHA1(SecretKey, plaintext) ++ plaintext)` with
//! plaintext `a={appid}&k={secret id}&e={expiry}&t={now}&r={random}&f={file id}&b={bucket}`.
//! The file id is `/{appid}/{bucket}{encoded path}` for API signatures and the bare
//! `{encoded path}` for download signatures; a once-signature has `e=0`.

mod sign;
mod verify;

pub use sign::{V4Nonce, V4Signer, file_id};
pub use verify::{
    DecodedV4, V4DecodeError, V4Expectation, V4Field, V4SignatureKind, V4Verified, V4VerifyError,
    decode, verify,
};
