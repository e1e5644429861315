//! The signature of a POST Object (browser form upload) policy.
//!
//! COS signs a form upload's policy, not the request: `SignKey =
//! hex(HMAC-SHA1(SecretKey, KeyTime))` as for every q-sign signature, `StringToSign =
//! hex(SHA1(policy))` where `policy` is the JSON text of the policy (the form's `policy`
//! field carries its base64), and `q-signature = hex(HMAC-SHA1(SignKey,
//! StringToSign))` (COS API "POST Object", <https://cloud.tencent.com/document/product/436/14690>,
//! "签名保护").

use hmac::Mac;
use sha1::{Digest, Sha1};

use super::key::SigningKey;
use super::key_time::KeyTime;
use crate::encode::hex;

/// The `q-signature` form field of a POST Object policy: `policy_json` is the policy's
/// JSON text (before base64), `key_time` the `q-key-time` field.
///
/// ```
/// use cos_auth::KeyTime;
/// use cos_auth::qsign::sign_post_policy;
///
/// let key_time = KeyTime::new(1_700_000_000, 1_700_003_600)?;
/// let policy = r#"{"expiration":"2023-11-14T23:13:20.000Z","conditions":[]}"#;
/// let signature = sign_post_policy("SECRETKEYEXAMPLE", key_time, policy);
/// assert_eq!(signature.len(), 40);
/// assert_ne!(signature, sign_post_policy("OTHERSECRET", key_time, policy));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign_post_policy(secret_key: &str, key_time: KeyTime, policy_json: &str) -> String {
    let key = SigningKey::derive(secret_key, key_time);
    let string_to_sign = hex(&Sha1::digest(policy_json.as_bytes()));
    let mut mac = key.mac();
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qsign::hmac_sha1;

    /// The three steps spelled out with the plain primitives.
    #[test]
    fn matches_the_documented_derivation() {
        let kt = KeyTime::new(1_480_932_292, 1_481_012_292).unwrap_or_else(|e| panic!("{e}"));
        let policy = r#"{"expiration":"2016-12-05T10:04:52.000Z","conditions":[{"bucket":"b-1"}]}"#;
        let sign_key = hex(&hmac_sha1(b"SECRET", b"1480932292;1481012292"));
        let string_to_sign = hex(&Sha1::digest(policy.as_bytes()));
        let expected = hex(&hmac_sha1(sign_key.as_bytes(), string_to_sign.as_bytes()));
        assert_eq!(sign_post_policy("SECRET", kt, policy), expected);
    }
}
