//! POST Object: browser form uploads. A [`PostPolicy`] says what a form may upload
//! (bucket, key or key prefix, size range, content type, answer, metadata, expiry);
//! [`Client::sign_post_policy`] turns it into the [`PostForm`] a web page embeds (the
//! URL and the form fields, with the q-sign policy signature), and
//! [`Client::post_object`] uploads through such a form without a browser.
//!
//! The fields and the signature are COS's (API "POST Object",
//! <https://cloud.tencent.com/document/product/436/14690>): `policy` (base64 of the
//! policy JSON), `q-sign-algorithm=sha1`, `q-ak`, `q-key-time` and `q-signature`
//! ([`cos_auth::qsign::sign_post_policy`]); the policy names the same
//! `q-sign-algorithm`, `q-ak` and `q-sign-time` in its conditions.

use std::time::{Duration, SystemTime};

use base64::Engine;
use bytes::Bytes;
use cos_auth::KeyTime;
use cos_xml::op::Op;
use serde_json::{Value, json};

use crate::client::{Client, ResponseMeta};
use crate::error::{Error, ErrorContext, InvalidInput, ServiceError};
use crate::transport::{Accept, Authorizer};
use crate::types::{Acl, BucketName, ObjectKey};

use super::{PreparedRequest, op_request};

/// What a browser form may upload; see [`Client::sign_post_policy`].
#[derive(Debug, Clone)]
#[must_use = "sign it with Client::sign_post_policy"]
pub struct PostPolicy {
    bucket: BucketName,
    expires_in: Duration,
    /// `(field, value)` the form carries and the policy pins with an exact match.
    exact: Vec<(String, String)>,
    key_prefix: Option<String>,
    length: Option<(u64, u64)>,
    err: Option<InvalidInput>,
}

impl PostPolicy {
    /// A policy for uploads to `bucket`, valid for one hour; set the key or a key
    /// prefix.
    pub fn new(bucket: &BucketName) -> Self {
        PostPolicy {
            bucket: bucket.clone(),
            expires_in: Duration::from_secs(3600),
            exact: Vec::new(),
            key_prefix: None,
            length: None,
            err: None,
        }
    }

    fn pin(mut self, field: &str, value: impl Into<String>) -> Self {
        self.exact.retain(|(k, _)| !k.eq_ignore_ascii_case(field));
        self.exact.push((field.to_owned(), value.into()));
        self
    }

    /// How long the policy (and its signature) stays valid (default one hour).
    pub fn expires_in(mut self, d: Duration) -> Self {
        self.expires_in = d;
        self
    }

    /// Only this key.
    pub fn key(mut self, key: &ObjectKey) -> Self {
        self.key_prefix = None;
        self.pin("key", key.as_str())
    }

    /// Any key starting with `prefix` (`["starts-with", "$key", prefix]`); the form's
    /// `key` field is `<prefix>${filename}` (COS replaces `${filename}` with the
    /// uploaded file's name), which the page may change within the prefix.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.exact.retain(|(k, _)| k != "key");
        self.key_prefix = Some(prefix.into());
        self
    }

    /// The file's size must be within `min..=max` bytes (`content-length-range`).
    /// `min > max` fails at signing with [`InvalidInput`].
    pub fn content_length_range(mut self, min: u64, max: u64) -> Self {
        if min > max {
            self.err = Some(InvalidInput::Other(format!(
                "content_length_range: min {min} is above max {max}"
            )));
        }
        self.length = Some((min, max));
        self
    }

    /// The object's `Content-Type` (COS does not use the type the browser sends).
    pub fn content_type(self, value: impl Into<String>) -> Self {
        self.pin("Content-Type", value)
    }

    /// The status of the answer to a successful upload: 200, 201 (with a
    /// `<PostResponse>` document) or 204 (COS's default); any other fails at signing
    /// with [`InvalidInput`].
    pub fn success_action_status(mut self, status: u16) -> Self {
        if ![200, 201, 204].contains(&status) {
            self.err = Some(InvalidInput::Other(format!(
                "success_action_status must be 200, 201 or 204, not {status}"
            )));
        }
        self.pin("success_action_status", status.to_string())
    }

    /// After a successful upload, COS answers 303 to this URL with the bucket, key and
    /// ETag added as query parameters.
    pub fn success_action_redirect(self, url: impl Into<String>) -> Self {
        self.pin("success_action_redirect", url)
    }

    /// User metadata `x-cos-meta-<name>` stored with the object (the prefix is added
    /// when missing).
    pub fn metadata(self, name: impl AsRef<str>, value: impl Into<String>) -> Self {
        let name = name.as_ref().to_ascii_lowercase();
        let full = if name.starts_with("x-cos-meta-") {
            name
        } else {
            format!("x-cos-meta-{name}")
        };
        self.pin(&full, value)
    }

    /// The object's ACL (`acl` field): `Private`, `PublicRead` or `Default`.
    pub fn acl(self, acl: Acl) -> Self {
        self.pin("acl", acl.as_str())
    }
}

/// A signed form: where it posts to and its fields, to embed in a web page (the
/// `file` field goes last). Its `Debug` hides the signature and token.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PostForm {
    /// The URL the form posts to (the bucket's root).
    pub url: String,
    /// The bucket.
    pub bucket: BucketName,
    /// The form fields, in order: `key`, the pinned fields, `policy` and the signature.
    pub fields: Vec<(String, String)>,
    /// The policy's JSON text (the `policy` field is its base64).
    pub policy: String,
    /// When the policy expires.
    pub expires: SystemTime,
}

impl std::fmt::Debug for PostForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(k, v)| {
                let secret = k == "q-signature" || k == "x-cos-security-token";
                (k.as_str(), if secret { "***" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("PostForm")
            .field("url", &self.url)
            .field("fields", &shown)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

impl PostForm {
    /// A field's value, by case-insensitive name.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `2026-11-23T18:00:00.000Z`, the form of the policy's `expiration`.
pub(crate) fn iso8601(t: SystemTime) -> String {
    let secs = cos_auth::qsign::to_unix(t);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's days-to-civil algorithm (days since 1970-01-01, never negative).
    let z = days + 719_468;
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn expiration_is_iso8601() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_558_698_590);
        assert_eq!(super::iso8601(t), "2019-05-24T11:49:50.000Z");
        let leap = std::time::UNIX_EPOCH + std::time::Duration::from_secs(951_782_400);
        assert_eq!(super::iso8601(leap), "2000-02-29T00:00:00.000Z");
    }
}

impl Client {
    /// Signs `policy` with the client's credentials: the [`PostForm`] a browser
    /// posts. Nothing is sent.
    ///
    /// Errors: [`Error::InvalidInput`] for a policy without key or key prefix or with
    /// an invalid setting, [`Error::Credentials`] when the provider fails.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_core::ops::post_object::PostPolicy;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let policy = PostPolicy::new(&bucket)
    ///     .key_prefix("uploads/")
    ///     .content_length_range(1, 10 << 20)
    ///     .success_action_status(201);
    /// let form = client.sign_post_policy(&policy).await?;
    /// for (name, value) in &form.fields {
    ///     println!("<input type=\"hidden\" name=\"{name}\" value=\"{value}\">");
    /// }
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub async fn sign_post_policy(&self, policy: &PostPolicy) -> Result<PostForm, Error> {
        let ctx = || ErrorContext::new(Op::PostObject, Some(&policy.bucket), None);
        if let Some(e) = &policy.err {
            return Err(Error::from(e.clone()).in_op(ctx));
        }
        let key = match (
            &policy.key_prefix,
            policy.exact.iter().find(|(k, _)| k == "key"),
        ) {
            (Some(prefix), _) => format!("{prefix}${{filename}}"),
            (None, Some((_, key))) => key.clone(),
            (None, None) => {
                let e = InvalidInput::Other("a post policy needs a key or a key prefix".into());
                return Err(Error::from(e).in_op(ctx));
            }
        };
        let creds = self.config().credentials.provide_credentials().await?;
        let now = SystemTime::now();
        let key_time =
            KeyTime::from_now(cos_auth::qsign::to_unix(now), policy.expires_in.as_secs());
        let key_time_text = format!("{};{}", key_time.start(), key_time.end());
        let mut conditions = vec![
            json!({ "q-sign-algorithm": "sha1" }),
            json!({ "q-ak": creds.secret_id() }),
            json!({ "q-sign-time": key_time_text }),
            json!({ "bucket": policy.bucket.as_str() }),
        ];
        if let Some(prefix) = &policy.key_prefix {
            conditions.push(json!(["starts-with", "$key", prefix]));
        }
        for (k, v) in &policy.exact {
            conditions.push(json!({ k.as_str(): v }));
        }
        if let Some((min, max)) = policy.length {
            conditions.push(json!(["content-length-range", min, max]));
        }
        if let Some(token) = creds.token() {
            conditions.push(json!({ "x-cos-security-token": token }));
        }
        let expires = now + policy.expires_in;
        let doc: Value = json!({ "expiration": iso8601(expires), "conditions": conditions });
        let text = doc.to_string();
        let signature = cos_auth::qsign::sign_post_policy(creds.secret_key(), key_time, &text);
        let mut fields = vec![("key".to_owned(), key)];
        fields.extend(policy.exact.iter().filter(|(k, _)| k != "key").cloned());
        fields.push((
            "policy".into(),
            base64::engine::general_purpose::STANDARD.encode(&text),
        ));
        fields.push(("q-sign-algorithm".into(), "sha1".into()));
        fields.push(("q-ak".into(), creds.secret_id().to_owned()));
        fields.push(("q-key-time".into(), key_time_text));
        fields.push(("q-signature".into(), signature));
        if let Some(token) = creds.token() {
            fields.push(("x-cos-security-token".into(), token.to_owned()));
        }
        let config = self.config();
        let host = config.bucket_host(&policy.bucket, &config.endpoint);
        let path = if config.path_style {
            format!("/{}/", policy.bucket)
        } else {
            "/".to_owned()
        };
        Ok(PostForm {
            url: format!("{}://{host}{path}", config.scheme.as_str()),
            bucket: policy.bucket.clone(),
            fields,
            policy: text,
            expires,
        })
    }

    /// POST Object: uploads `body` through the signed `form`, as a browser would
    /// (the whole form is built in memory: for large files use
    /// [`put_object`](Self::put_object) or cos-transfer).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_core::ops::post_object::PostPolicy;
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("uploads/a.txt")?;
    /// let form = client.sign_post_policy(&PostPolicy::new(&bucket).key(&key)).await?;
    /// let out = client.post_object(&form).file_name("a.txt").body("hello").send().await?;
    /// assert_eq!(out.meta.status.as_u16(), 204);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn post_object(&self, form: &PostForm) -> PostObject {
        PostObject {
            client: self.clone(),
            form: form.clone(),
            file_name: "file".to_owned(),
            body: Bytes::new(),
            extra: Vec::new(),
        }
    }
}

/// Builder of POST Object; see [`Client::post_object`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct PostObject {
    client: Client,
    form: PostForm,
    file_name: String,
    body: Bytes,
    extra: Vec<(String, String)>,
}

/// Result of POST Object.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PostObjectOutput {
    /// `ETag` of the new object.
    pub etag: Option<String>,
    /// `Location`: the object's URL, or with `success_action_redirect` where COS
    /// redirects the browser (status 303).
    pub location: Option<String>,
    /// `x-cos-version-id`, in a versioned bucket.
    pub version_id: Option<String>,
    /// The `<PostResponse>` document of a `success_action_status` 201 answer.
    pub result: Option<cos_xml::PostResponse>,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
}

impl PostObject {
    /// The file's name (the form's `filename`, which replaces `${filename}` in the key).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// The file's content.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Adds a form field (e.g. one the page fills in, or `key` within a key prefix),
    /// sent before the signed fields' `policy`; a field of the same name replaces the
    /// form's.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// Uploads.
    ///
    /// Errors: [`Error::Service`] with COS's code: 403 `AccessDenied` (a condition of
    /// the policy failed, or it expired), 403 `SignatureDoesNotMatch`, 400
    /// `EntityTooLarge`/`EntityTooSmall` (`content-length-range`); client errors.
    pub async fn send(self) -> Result<PostObjectOutput, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(op_request(Op::PostObject, Some(&self.form.bucket), None));
        // Unsigned: the form's policy signature authorises the upload. A 303 (with
        // `success_action_redirect`) is an answer too.
        let wire =
            crate::client::resolve(self.client.config(), req).accept(Accept::BelowServerError);
        let sent = async {
            let r = self
                .client
                .transport()
                .send(wire, &Authorizer::None)
                .await?;
            let ok = r.status.is_success() || r.status == http::StatusCode::SEE_OTHER;
            if !ok {
                let e = ServiceError::from_response(r.status, r.headers, r.body, false);
                return Err(Error::from(e));
            }
            let result = if r.status == http::StatusCode::CREATED {
                Some(crate::transport::parse_xml(&r.body)?)
            } else {
                None
            };
            Ok(PostObjectOutput {
                etag: r.header("etag"),
                location: r.header("location"),
                version_id: r.header("x-cos-version-id"),
                result,
                meta: ResponseMeta::from_raw(&r),
            })
        };
        sent.await.map_err(|e| e.in_op(|| ctx))
    }

    /// The request `send` sends (the `multipart/form-data` body: the form's fields,
    /// the added ones, then the file); nothing is sent.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut fields = self.form.fields.clone();
        for (k, v) in &self.extra {
            fields.retain(|(name, _)| !name.eq_ignore_ascii_case(k));
            fields.insert(0, (k.clone(), v.clone()));
        }
        let (boundary, body) = multipart(&fields, &self.file_name, &self.body);
        let req = op_request(Op::PostObject, Some(&self.form.bucket), None);
        let mut p = PreparedRequest::of(Op::PostObject, &req);
        p.set_body(
            &format!("multipart/form-data; boundary={boundary}"),
            body.into(),
        );
        Ok(p)
    }
}

/// A `multipart/form-data` body of `fields` then the file: its boundary, chosen so
/// that it occurs in no part, and the bytes.
fn multipart(fields: &[(String, String)], file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    let mut n = 0u64;
    let boundary = loop {
        let b = format!("----cos-rs-form-{n:016x}");
        let used = contains(file, b.as_bytes())
            || fields.iter().any(|(k, v)| k.contains(&b) || v.contains(&b));
        if !used {
            break b;
        }
        n += 1;
    };
    let quote = |s: &str| s.replace(['"', '\r', '\n'], "_");
    let mut out = Vec::with_capacity(file.len() + 1024);
    for (k, v) in fields {
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{v}\r\n",
                quote(k)
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            quote(file_name)
        )
        .as_bytes(),
    );
    out.extend_from_slice(file);
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (boundary, out)
}
