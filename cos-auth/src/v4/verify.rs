//! Checking v4 signatures on the server side.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::sign::file_id;
use crate::encode::constant_time_eq;
use crate::qsign::CredentialLookup;
use crate::qsign::hmac_sha1;

/// The fields of a decoded v4 signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodedV4 {
    /// The 20-byte HMAC-SHA1 at the front of the signature.
    pub mac: [u8; 20],
    /// The signed plaintext.
    pub plaintext: String,
    /// `a`: appid.
    pub appid: String,
    /// `k`: secret id.
    pub secret_id: String,
    /// `e`: expiry (0 for a once-signature).
    pub expired: u64,
    /// `t`: signing time.
    pub now: u64,
    /// `r`: random number.
    pub random: u64,
    /// `f`: file id.
    pub file_id: String,
    /// `b`: bucket.
    pub bucket: String,
}

/// A field of the v4 plaintext, as named in a [`V4DecodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum V4Field {
    /// `a`: appid.
    AppId,
    /// `k`: secret id.
    SecretId,
    /// `e`: expiry.
    Expired,
    /// `t`: signing time.
    Now,
    /// `r`: random number.
    Random,
    /// `f`: file id.
    FileId,
    /// `b`: bucket.
    Bucket,
}

impl V4Field {
    const ALL: [V4Field; 7] = [
        V4Field::AppId,
        V4Field::SecretId,
        V4Field::Expired,
        V4Field::Now,
        V4Field::Random,
        V4Field::FileId,
        V4Field::Bucket,
    ];

    /// The field's name in the plaintext, e.g. `k`.
    pub fn name(self) -> &'static str {
        ["a", "k", "e", "t", "r", "f", "b"][self as usize]
    }
}

impl fmt::Display for V4Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a v4 signature could not be decoded. The message never shows the signature.
///
/// ```
/// use cos_auth::v4::{V4DecodeError, V4VerifyError, decode};
/// assert_eq!(decode("not base64!"), Err(V4VerifyError::Malformed(V4DecodeError::NotBase64)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum V4DecodeError {
    /// The signature is not standard base64.
    #[error("not base64")]
    NotBase64,
    /// The decoded bytes hold no plaintext after the 20-byte HMAC.
    #[error("too short")]
    TooShort,
    /// The plaintext is not UTF-8.
    #[error("the plaintext is not UTF-8")]
    NotUtf8,
    /// A `&`-separated part of the plaintext has no `=`.
    #[error("a field has no '='")]
    FieldWithoutEquals,
    /// A field is absent.
    #[error("field {0} is missing")]
    MissingField(V4Field),
    /// `e`, `t` or `r` is not a decimal number.
    #[error("field {0} is not a number")]
    NotANumber(V4Field),
}

/// Why a v4 signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum V4VerifyError {
    /// Not base64, too short, or a field missing or not a number.
    #[error("malformed v4 signature: {0}")]
    Malformed(V4DecodeError),
    /// The access key id is unknown.
    #[error("unknown access key id {0:?}")]
    UnknownAccessKey(String),
    /// The HMAC does not match.
    #[error("the v4 signature does not match")]
    SignatureMismatch,
    /// A multiple-use signature past its expiry.
    #[error("the v4 signature expired at {expired} (now {now})")]
    Expired {
        /// Expiry.
        expired: u64,
        /// Time of verification.
        now: u64,
    },
    /// The signature names another appid.
    #[error("the signature is for appid {0:?}")]
    WrongAppId(String),
    /// The signature names another bucket.
    #[error("the signature is for bucket {0:?}")]
    WrongBucket(String),
    /// A once-signature used on a file other than the one it names.
    #[error("the once-signature names {signed:?}, not {used:?}")]
    OnceWrongFile {
        /// The file id in the signature.
        signed: String,
        /// The file id of the request.
        used: String,
    },
}

/// What a v4 request should have been signed for.
#[derive(Debug, Clone, Copy)]
pub struct V4Expectation<'a> {
    /// The appid of the request path.
    pub appid: &'a str,
    /// The bucket of the request path.
    pub bucket: &'a str,
    /// The decoded file or folder path the request operates on (starting with `/`).
    pub cos_path: &'a str,
}

/// The kind of a verified v4 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum V4SignatureKind {
    /// `e=0`: valid once, for the file it names (the caller tracks reuse).
    Once,
    /// `e>0`: valid until `e` for any request of the bucket.
    Multiple,
}

/// A verified v4 signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct V4Verified {
    /// Once or multiple.
    pub kind: V4SignatureKind,
    /// The decoded fields.
    pub decoded: DecodedV4,
}

/// Decodes a v4 signature without checking it.
///
/// Errors: [`V4VerifyError::Malformed`] with the [`V4DecodeError`].
pub fn decode(sign: &str) -> Result<DecodedV4, V4VerifyError> {
    decode_fields(sign).map_err(V4VerifyError::Malformed)
}

fn decode_fields(sign: &str) -> Result<DecodedV4, V4DecodeError> {
    let bytes = STANDARD
        .decode(sign.trim())
        .map_err(|_| V4DecodeError::NotBase64)?;
    if bytes.len() <= 20 {
        return Err(V4DecodeError::TooShort);
    }
    let mut mac = [0u8; 20];
    mac.copy_from_slice(&bytes[..20]);
    let plaintext = String::from_utf8(bytes[20..].to_vec()).map_err(|_| V4DecodeError::NotUtf8)?;
    let mut fields: [Option<&str>; 7] = [None; 7];
    for kv in plaintext.split('&') {
        let (k, v) = kv
            .split_once('=')
            .ok_or(V4DecodeError::FieldWithoutEquals)?;
        if let Some(f) = V4Field::ALL.iter().find(|f| f.name() == k) {
            fields[*f as usize] = Some(v);
        }
    }
    let get = |f: V4Field| fields[f as usize].ok_or(V4DecodeError::MissingField(f));
    let num = |f: V4Field| {
        get(f)?
            .parse::<u64>()
            .map_err(|_| V4DecodeError::NotANumber(f))
    };
    Ok(DecodedV4 {
        mac,
        appid: get(V4Field::AppId)?.to_owned(),
        secret_id: get(V4Field::SecretId)?.to_owned(),
        expired: num(V4Field::Expired)?,
        now: num(V4Field::Now)?,
        random: num(V4Field::Random)?,
        file_id: get(V4Field::FileId)?.to_owned(),
        bucket: get(V4Field::Bucket)?.to_owned(),
        plaintext: plaintext.clone(),
    })
}

/// Verifies a v4 API signature for a request on `expect` at `now` (Unix seconds).
///
/// Checks, in order: decoding, appid, bucket, access key, HMAC, then expiry for a
/// multiple-use signature or, for a once-signature, that it names this file.
pub fn verify<L>(
    sign: &str,
    expect: &V4Expectation<'_>,
    lookup: &L,
    now: u64,
) -> Result<V4Verified, V4VerifyError>
where
    L: CredentialLookup + ?Sized,
{
    let decoded = decode(sign)?;
    if decoded.appid != expect.appid {
        return Err(V4VerifyError::WrongAppId(decoded.appid));
    }
    if decoded.bucket != expect.bucket {
        return Err(V4VerifyError::WrongBucket(decoded.bucket));
    }
    let creds = lookup
        .lookup(&decoded.secret_id)
        .ok_or_else(|| V4VerifyError::UnknownAccessKey(decoded.secret_id.clone()))?;
    let expected = hmac_sha1(creds.secret_key().as_bytes(), decoded.plaintext.as_bytes());
    if !constant_time_eq(&expected, &decoded.mac) {
        return Err(V4VerifyError::SignatureMismatch);
    }
    let kind = if decoded.expired == 0 {
        let used = file_id(expect.appid, expect.bucket, expect.cos_path, false);
        if decoded.file_id != used {
            return Err(V4VerifyError::OnceWrongFile {
                signed: decoded.file_id,
                used,
            });
        }
        V4SignatureKind::Once
    } else {
        if now > decoded.expired {
            return Err(V4VerifyError::Expired {
                expired: decoded.expired,
                now,
            });
        }
        V4SignatureKind::Multiple
    };
    Ok(V4Verified { kind, decoded })
}
