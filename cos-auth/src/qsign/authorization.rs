//! Parsing the `q-sign-algorithm=sha1&q-ak=...` authorization string.

use std::fmt;

use super::key_time::{InvalidKeyTime, KeyTime};

/// The fields of an XML API authorization (from the `Authorization` header or the
/// `q-*` query parameters of a presigned URL).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationParts {
    /// `q-sign-algorithm` (always `sha1` for a valid signature).
    pub algorithm: String,
    /// `q-ak`: the secret id.
    pub access_key_id: String,
    /// `q-sign-time`: when the signature is valid.
    pub sign_time: KeyTime,
    /// `q-key-time`: the key time the SignKey was derived from.
    pub key_time: KeyTime,
    /// `q-header-list`: signed header names, `;`-joined.
    pub header_list: String,
    /// `q-url-param-list`: signed parameter names, `;`-joined.
    pub url_param_list: String,
    /// `q-signature`: lowercase hex.
    pub signature: String,
}

/// Names of the query parameters that carry a presigned URL's authorization.
pub const AUTH_PARAMS: [&str; 7] = [
    "q-sign-algorithm",
    "q-ak",
    "q-sign-time",
    "q-key-time",
    "q-header-list",
    "q-url-param-list",
    "q-signature",
];

/// A field of an authorization, as named in an [`AuthorizationError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthField {
    /// `q-sign-algorithm`.
    Algorithm,
    /// `q-ak`.
    AccessKeyId,
    /// `q-sign-time`.
    SignTime,
    /// `q-key-time`.
    KeyTime,
    /// `q-header-list`.
    HeaderList,
    /// `q-url-param-list`.
    UrlParamList,
    /// `q-signature`.
    Signature,
}

impl AuthField {
    /// Every field, in the order of [`AUTH_PARAMS`].
    const ALL: [AuthField; 7] = [
        AuthField::Algorithm,
        AuthField::AccessKeyId,
        AuthField::SignTime,
        AuthField::KeyTime,
        AuthField::HeaderList,
        AuthField::UrlParamList,
        AuthField::Signature,
    ];

    /// The field's name on the wire, e.g. `q-ak`.
    pub fn name(self) -> &'static str {
        AUTH_PARAMS[self as usize]
    }
}

impl fmt::Display for AuthField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an authorization (an `Authorization` value or a presigned URL's `q-*`
/// parameters) could not be parsed. The message names the field, never its value.
///
/// ```
/// use cos_auth::qsign::{AuthField, AuthorizationError, AuthorizationParts};
/// let err = AuthorizationParts::parse("q-sign-algorithm=sha1&q-ak=AKID").unwrap_err();
/// assert_eq!(err, AuthorizationError::Missing(AuthField::SignTime));
/// assert_eq!(err.to_string(), "q-sign-time is missing");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorizationError {
    /// A required field is absent.
    #[error("{0} is missing")]
    Missing(AuthField),
    /// A field appears more than once.
    #[error("{0} is given twice")]
    Duplicate(AuthField),
    /// `q-ak` is empty.
    #[error("q-ak is empty")]
    EmptyAccessKeyId,
    /// `q-signature` is not 40 hex digits.
    #[error("q-signature is not 40 hex digits")]
    InvalidSignature,
    /// `q-sign-time` or `q-key-time` is not a valid key time.
    #[error("{field}: {reason}")]
    InvalidTime {
        /// [`AuthField::SignTime`] or [`AuthField::KeyTime`].
        field: AuthField,
        /// What is wrong with it.
        reason: InvalidKeyTime,
    },
}

impl AuthorizationParts {
    /// Parses an `Authorization` header value.
    ///
    /// Errors: an [`AuthorizationError`] naming the first problem (missing or repeated
    /// field, bad key time, bad signature).
    pub fn parse(value: &str) -> Result<Self, AuthorizationError> {
        Self::from_pairs(value.trim().split('&').map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k, v),
            None => (kv, ""),
        }))
    }

    /// Builds the parts from decoded `(name, value)` pairs, as found in a presigned
    /// URL's query. Pairs whose name is not a `q-*` field are ignored.
    ///
    /// Errors: as [`parse`](Self::parse).
    pub fn from_pairs<'a, I>(pairs: I) -> Result<Self, AuthorizationError>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut fields: [Option<&str>; 7] = [None; 7];
        for (k, v) in pairs {
            if let Some(i) = AUTH_PARAMS.iter().position(|n| *n == k) {
                if fields[i].is_some() {
                    return Err(AuthorizationError::Duplicate(AuthField::ALL[i]));
                }
                fields[i] = Some(v);
            }
        }
        let get = |f: AuthField| fields[f as usize].ok_or(AuthorizationError::Missing(f));
        let time = |field: AuthField| {
            KeyTime::parse(get(field)?)
                .map_err(|reason| AuthorizationError::InvalidTime { field, reason })
        };
        let sign_time = time(AuthField::SignTime)?;
        let key_time = time(AuthField::KeyTime)?;
        let signature = get(AuthField::Signature)?;
        if signature.len() != 40 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AuthorizationError::InvalidSignature);
        }
        let ak = get(AuthField::AccessKeyId)?;
        if ak.is_empty() {
            return Err(AuthorizationError::EmptyAccessKeyId);
        }
        Ok(Self {
            algorithm: get(AuthField::Algorithm)?.to_owned(),
            access_key_id: ak.to_owned(),
            sign_time,
            key_time,
            header_list: get(AuthField::HeaderList)?.to_owned(),
            url_param_list: get(AuthField::UrlParamList)?.to_owned(),
            signature: signature.to_ascii_lowercase(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_value_and_rejects_broken_ones() {
        let v = "q-sign-algorithm=sha1&q-ak=AK&q-sign-time=1;2&q-key-time=1;2&q-header-list=host&q-url-param-list=&q-signature=5a49b53308b1ca92c07d7d72a5d540a691cb03f6";
        let p = AuthorizationParts::parse(v).unwrap();
        assert_eq!(p.access_key_id, "AK");
        assert_eq!(p.header_list, "host");
        assert_eq!(p.url_param_list, "");
        assert!(AuthorizationParts::parse(&v.replace("&q-ak=AK", "")).is_err());
        assert!(AuthorizationParts::parse(&v.replace("1;2&q-key", "x&q-key")).is_err());
        assert!(AuthorizationParts::parse(&v.replace("5a49", "zz49")).is_err());
        assert!(AuthorizationParts::parse(&format!("{v}&q-ak=B")).is_err());
    }

    #[test]
    fn errors_name_the_field_and_the_reason() {
        use super::super::key_time::KeyTimeBound;
        let v = "q-sign-algorithm=sha1&q-ak=AK&q-sign-time=1;2&q-key-time=1;2&q-header-list=host&q-url-param-list=&q-signature=5a49b53308b1ca92c07d7d72a5d540a691cb03f6";
        let err = |s: &str| AuthorizationParts::parse(s).unwrap_err();
        assert_eq!(
            err(&v.replace("&q-ak=AK", "")),
            AuthorizationError::Missing(AuthField::AccessKeyId)
        );
        assert_eq!(
            err(&v.replace("q-ak=AK", "q-ak=")),
            AuthorizationError::EmptyAccessKeyId
        );
        assert_eq!(
            err(&format!("{v}&q-header-list=")),
            AuthorizationError::Duplicate(AuthField::HeaderList)
        );
        assert_eq!(
            err(&v.replace("5a49", "zz49")),
            AuthorizationError::InvalidSignature
        );
        let e = err(&v.replace("q-key-time=1;2", "q-key-time=1;x"));
        assert_eq!(
            e,
            AuthorizationError::InvalidTime {
                field: AuthField::KeyTime,
                reason: InvalidKeyTime::NotANumber(KeyTimeBound::End),
            }
        );
        // The cause is in the message, so there is no `source()` repeating it.
        assert_eq!(
            e.to_string(),
            "q-key-time: invalid key time: the end is not a decimal number"
        );
        assert!(std::error::Error::source(&e).is_none());
        for (i, f) in AuthField::ALL.iter().enumerate() {
            assert_eq!(f.name(), AUTH_PARAMS[i]);
        }
    }
}
