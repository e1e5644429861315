//! Verifying a POST Object form: the q-sign signature of its policy and every
//! condition of the policy.
//!
//! What COS checks is described in its API docs ("POST Object",
//! <https://cloud.tencent.com/document/product/436/14690>, "签名保护" and "策略"): the
//! form carries `policy` (base64 of a JSON document with `expiration` and
//! `conditions`), `q-sign-algorithm=sha1`, `q-ak`, `q-key-time` and `q-signature =
//! hex(HMAC-SHA1(hex(HMAC-SHA1(SecretKey, KeyTime)), hex(SHA1(policy JSON))))`.
//! Conditions are `{"field": "value"}` (exact match), `["eq", "$field", "value"]`,
//! `["starts-with", "$field", "prefix"]` and `["content-length-range", min, max]`.
//! The codes are those of COS's error list (436/7730): 400 `MalformedPOSTRequest`,
//! `InvalidPolicyDocument`, `EntityTooSmall`/`EntityTooLarge`, 403 `AccessDenied`,
//! `SignatureDoesNotMatch`, `InvalidAccessKeyId`.

use base64::Engine;
use cos_auth::{Credentials, KeyTime};
use serde_json::Value;

use crate::errors::ApiError;

/// The text fields of a form, in the order sent (names as sent).
#[derive(Debug, Default)]
pub(crate) struct Form {
    pub fields: Vec<(String, String)>,
}

impl Form {
    /// A field, by case-insensitive name (the first, when repeated).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a verified policy still asks of the upload.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// `content-length-range`: the file's size must be within (inclusive).
    pub length: Option<(u64, u64)>,
}

/// Where a form is checked: the bucket and key it uploads to, the accepted
/// credentials, the real time (for the key time, signed with the real clock, as
/// request signatures are) and the emulator's time (for the policy's `expiration`, so
/// that tests can move past it with `advance_clock`).
pub(crate) struct Check<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub credentials: &'a [Credentials],
    pub real_now: u64,
    pub clock_now: u64,
}

fn policy_error(detail: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        400,
        "InvalidPolicyDocument",
        format!("Invalid Policy: {detail}"),
    )
}

fn condition_failed(condition: &Value) -> ApiError {
    ApiError::access_denied(format!(
        "Invalid according to Policy: Policy Condition failed: {condition}"
    ))
}

/// Verifies the signature and the policy of `form`: `Ok(None)` when the form has no
/// policy (an unsigned upload, allowed only by the bucket's ACL), else the limits left
/// for the file.
///
/// Errors: see the [module docs](self).
pub(crate) fn verify(form: &Form, check: &Check<'_>) -> Result<Option<Limits>, ApiError> {
    let Some(policy_b64) = form.get("policy") else {
        return Ok(None);
    };
    let policy = base64::engine::general_purpose::STANDARD
        .decode(policy_b64.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| policy_error("the policy field is not base64 of UTF-8 text"))?;
    verify_signature(form, check, &policy)?;
    let doc: Value = serde_json::from_str(&policy).map_err(policy_error)?;
    let expiration = doc
        .get("expiration")
        .and_then(Value::as_str)
        .ok_or_else(|| policy_error("expiration is missing"))?;
    let expires = cos_xml::time::parse_time(expiration)
        .map_err(policy_error)
        .map(cos_auth::qsign::to_unix)?;
    if expires < check.clock_now {
        return Err(ApiError::access_denied(
            "Invalid according to Policy: Policy expired.",
        ));
    }
    let conditions = doc
        .get("conditions")
        .and_then(Value::as_array)
        .ok_or_else(|| policy_error("conditions is missing"))?;
    let mut limits = Limits::default();
    for c in conditions {
        check_condition(form, check, c, &mut limits)?;
    }
    Ok(Some(limits))
}

fn verify_signature(form: &Form, check: &Check<'_>, policy: &str) -> Result<(), ApiError> {
    let field = |name: &'static str| {
        form.get(name)
            .ok_or_else(|| ApiError::access_denied(format!("The form field {name} is missing.")))
    };
    if !field("q-sign-algorithm")?.eq_ignore_ascii_case("sha1") {
        return Err(ApiError::access_denied("q-sign-algorithm must be sha1."));
    }
    let ak = field("q-ak")?;
    let creds = check
        .credentials
        .iter()
        .find(|c| c.secret_id() == ak)
        .ok_or_else(|| {
            ApiError::new(
                403,
                "InvalidAccessKeyId",
                "The access key Id format you provided is invalid.",
            )
        })?;
    let key_time = KeyTime::parse(field("q-key-time")?)
        .map_err(|e| ApiError::access_denied(format!("Invalid q-key-time: {e}")))?;
    if check.real_now > key_time.end() {
        return Err(ApiError::access_denied(crate::auth::REQUEST_EXPIRED));
    }
    if check.real_now < key_time.start() {
        return Err(ApiError::access_denied("Request is not yet valid."));
    }
    if let Some(token) = creds.token()
        && form.get("x-cos-security-token") != Some(token)
    {
        return Err(ApiError::access_denied(
            "The x-cos-security-token of temporary credentials is missing or wrong.",
        ));
    }
    let expected = cos_auth::qsign::sign_post_policy(creds.secret_key(), key_time, policy);
    if !field("q-signature")?.eq_ignore_ascii_case(&expected) {
        return Err(ApiError::new(
            403,
            "SignatureDoesNotMatch",
            "The Signature you specified is invalid.",
        ));
    }
    Ok(())
}

/// The value a condition on `$name` compares: the bucket and key of the upload, else
/// the form field (`""` when absent). `q-sign-time` is the form's `q-key-time` when
/// the form does not repeat it.
fn subject<'a>(form: &'a Form, check: &Check<'a>, name: &str) -> &'a str {
    let name = name.strip_prefix('$').unwrap_or(name);
    if name.eq_ignore_ascii_case("bucket") {
        return check.bucket;
    }
    if name.eq_ignore_ascii_case("key") {
        return check.key;
    }
    if name.eq_ignore_ascii_case("q-sign-time") && form.get(name).is_none() {
        return form.get("q-key-time").unwrap_or("");
    }
    form.get(name).unwrap_or("")
}

fn number(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn check_condition(
    form: &Form,
    check: &Check<'_>,
    c: &Value,
    limits: &mut Limits,
) -> Result<(), ApiError> {
    match c {
        Value::Object(map) => {
            for (name, want) in map {
                let want = want
                    .as_str()
                    .ok_or_else(|| policy_error(format!("condition {c} is not text")))?;
                if subject(form, check, name) != want {
                    return Err(condition_failed(c));
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            let op = items.first().and_then(Value::as_str).unwrap_or("");
            match (op.to_ascii_lowercase().as_str(), items.len()) {
                ("content-length-range", 3) => {
                    let (Some(min), Some(max)) = (number(&items[1]), number(&items[2])) else {
                        return Err(policy_error(format!("condition {c} has no numbers")));
                    };
                    limits.length = Some((min, max));
                    Ok(())
                }
                (op @ ("eq" | "starts-with"), 3) => {
                    let (Some(name), Some(want)) = (items[1].as_str(), items[2].as_str()) else {
                        return Err(policy_error(format!("condition {c} is not text")));
                    };
                    let have = subject(form, check, name);
                    let ok = if op == "eq" {
                        have == want
                    } else {
                        have.starts_with(want)
                    };
                    if ok { Ok(()) } else { Err(condition_failed(c)) }
                }
                _ => Err(policy_error(format!("unknown condition {c}"))),
            }
        }
        _ => Err(policy_error(format!("unknown condition {c}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Form {
        Form {
            fields: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn conditions_match_fields_bucket_and_key() {
        let f = form(&[("Content-Type", "image/png"), ("x-cos-meta-a", "1")]);
        let check = Check {
            bucket: "b-1",
            key: "up/a.png",
            credentials: &[],
            real_now: 0,
            clock_now: 0,
        };
        let mut l = Limits::default();
        for ok in [
            serde_json::json!({"bucket": "b-1"}),
            serde_json::json!(["starts-with", "$key", "up/"]),
            serde_json::json!(["eq", "$content-type", "image/png"]),
            serde_json::json!({"x-cos-meta-a": "1"}),
            serde_json::json!(["content-length-range", 1, "10"]),
        ] {
            check_condition(&f, &check, &ok, &mut l).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        assert_eq!(l.length, Some((1, 10)));
        for bad in [
            serde_json::json!({"bucket": "other-1"}),
            serde_json::json!(["starts-with", "$key", "down/"]),
            serde_json::json!({"x-cos-meta-b": "1"}),
        ] {
            let e = check_condition(&f, &check, &bad, &mut l).unwrap_err();
            assert_eq!((e.status, e.code.as_str()), (403, "AccessDenied"), "{bad}");
        }
        let e = check_condition(
            &f,
            &check,
            &serde_json::json!(["like", "$key", "x"]),
            &mut l,
        )
        .unwrap_err();
        assert_eq!(e.code, "InvalidPolicyDocument");
    }
}
