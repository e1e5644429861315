//! Parsing the `q-sign-algorithm=sha1&q-ak=...` authorization string.

use super::key_time::KeyTime;

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

impl AuthorizationParts {
    /// Parses an `Authorization` header value.
    ///
    /// Errors: a description of the first problem (missing field, bad key time).
    pub fn parse(value: &str) -> Result<Self, String> {
        Self::from_pairs(value.trim().split('&').map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k, v),
            None => (kv, ""),
        }))
    }

    /// Builds the parts from decoded `(name, value)` pairs, as found in a presigned
    /// URL's query. Pairs whose name is not a `q-*` field are ignored.
    ///
    /// Errors: a description of the first problem.
    pub fn from_pairs<'a, I>(pairs: I) -> Result<Self, String>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut fields: [Option<&str>; 7] = [None; 7];
        for (k, v) in pairs {
            if let Some(i) = AUTH_PARAMS.iter().position(|n| *n == k) {
                if fields[i].is_some() {
                    return Err(format!("{k} given twice"));
                }
                fields[i] = Some(v);
            }
        }
        let get = |i: usize| fields[i].ok_or_else(|| format!("{} is missing", AUTH_PARAMS[i]));
        let sign_time = KeyTime::parse(get(2)?).map_err(|e| format!("q-sign-time: {e}"))?;
        let key_time = KeyTime::parse(get(3)?).map_err(|e| format!("q-key-time: {e}"))?;
        let signature = get(6)?;
        if signature.len() != 40 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("q-signature is not 40 hex digits".into());
        }
        let ak = get(1)?;
        if ak.is_empty() {
            return Err("q-ak is empty".into());
        }
        Ok(Self {
            algorithm: get(0)?.to_owned(),
            access_key_id: ak.to_owned(),
            sign_time,
            key_time,
            header_list: get(4)?.to_owned(),
            url_param_list: get(5)?.to_owned(),
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
}
