//! Presigned URLs and `Authorization` values (`get_presigned_url`,
//! `get_presigned_download_url`, `get_auth`). Nothing is sent.
//!
//! URLs made with temporary credentials carry the token as the signed query parameter
//! `x-cos-security-token` (the official SDK leaves it out, which makes such URLs fail).

use std::time::{Duration, SystemTime};

use cos_auth::KeyTime;
use cos_auth::qsign::{PresignRequest, PresignSettings, SignableRequest, SigningSettings, sign};

use crate::client::Client;
use crate::error::{Error, InvalidInput};
use crate::types::{BucketName, ObjectKey};

/// A presigned request: the URL, the method it is signed for, the headers the caller
/// must send with it (they are signed) and when it expires. Its `Debug` hides the
/// signature and token in the URL.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PresignedRequest {
    /// The signed URL (a bearer credential until `expires`: do not log it).
    pub url: String,
    /// The method the URL is signed for.
    pub method: http::Method,
    /// Headers the request must carry, as signed (besides `Host`, which the URL names).
    pub headers: Vec<(String, String)>,
    /// When the signature expires.
    pub expires: SystemTime,
}

impl std::fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = match self.url.split_once('?') {
            Some((base, _)) => format!("{base}?***"),
            None => self.url.clone(),
        };
        f.debug_struct("PresignedRequest")
            .field("url", &shown)
            .field("method", &self.method)
            .field("headers", &self.headers)
            .field("expires", &self.expires)
            .finish()
    }
}

/// Builder of a presigned URL or `Authorization` value; see
/// [`Client::get_presigned_url`] and [`Client::get_auth`].
#[derive(Debug)]
#[must_use = "call .build().await to sign"]
pub struct Presign {
    client: Client,
    method: String,
    bucket: BucketName,
    key: Option<ObjectKey>,
    expires: Duration,
    params: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    sign_host: bool,
    include_token: bool,
}

/// The host a presigned URL / authorization is made for: the presign domain when one
/// is set (a CDN or custom domain in front of the bucket), else the bucket's API host.
fn presign_host(client: &Client, bucket: &BucketName) -> String {
    let config = client.config();
    match &config.presign_domain {
        Some(domain) => domain.clone(),
        None => config.bucket_host(bucket, &config.endpoint),
    }
}

impl Presign {
    /// Validity from now (default 300 s, as the official SDK).
    pub fn expires(mut self, d: Duration) -> Self {
        self.expires = d;
        self
    }
    /// Adds a signed query parameter (e.g. `response-content-type`).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }
    /// Adds a header the user of the signature will send (signed).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Whether `Host` is signed (default true).
    pub fn sign_host(mut self, yes: bool) -> Self {
        self.sign_host = yes;
        self
    }
    /// Whether a temporary credential's token is added to URLs (default true).
    pub fn include_token(mut self, yes: bool) -> Self {
        self.include_token = yes;
        self
    }

    /// Signs and returns the URL, its method, the headers to send with it and its
    /// expiry.
    ///
    /// Errors: [`Error::Credentials`] when the provider fails,
    /// [`Error::InvalidInput`] for a method that is not an HTTP method.
    pub async fn build(self) -> Result<PresignedRequest, Error> {
        let method = http::Method::from_bytes(self.method.as_bytes())
            .map_err(|_| InvalidInput::Other(format!("{:?} is not an HTTP method", self.method)))?;
        let creds = self
            .client
            .config()
            .credentials
            .provide_credentials()
            .await?;
        let host = presign_host(&self.client, &self.bucket);
        let key = self.key.as_ref().map(|k| k.as_str()).unwrap_or("");
        // A presign domain fronts one bucket: its URLs never name the bucket.
        let config = self.client.config();
        let key = if config.path_style && config.presign_domain.is_none() {
            format!("{}/{}", self.bucket, key.trim_start_matches('/'))
        } else {
            key.to_owned()
        };
        let params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let req = PresignRequest::new(&self.method, &host, &key)
            .scheme(self.client.config().scheme.as_str())
            .params(&params)
            .headers(&headers);
        let settings = PresignSettings::default()
            .include_token(self.include_token)
            .signing(SigningSettings::default().sign_host(self.sign_host));
        let kt = KeyTime::now_for(self.expires);
        Ok(PresignedRequest {
            url: cos_auth::qsign::presign_url(&req, &creds, kt, &settings).url,
            method,
            headers: self.headers.clone(),
            expires: SystemTime::now() + self.expires,
        })
    }

    /// Signs and returns the `Authorization` header value (what `get_auth` returns).
    ///
    /// Errors: [`Error::Credentials`] when the provider fails.
    pub async fn authorization(self) -> Result<String, Error> {
        let creds = self
            .client
            .config()
            .credentials
            .provide_credentials()
            .await?;
        let host = presign_host(&self.client, &self.bucket);
        let key = self.key.as_ref().map(|k| k.as_str()).unwrap_or("");
        let mut headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            headers.push(("Host", host.as_str()));
        }
        let params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let req = SignableRequest::new(&self.method, key)
            .params(&params)
            .headers(&headers);
        let settings = SigningSettings::default().sign_host(self.sign_host);
        let kt = KeyTime::now_for(self.expires);
        Ok(sign(&req, &creds, kt, &settings).authorization().to_owned())
    }
}

impl Client {
    /// A presigned URL for `method` on an object.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// let presigned = client
    ///     .get_presigned_url("PUT", &bucket, &key)
    ///     .header("Content-Type", "text/plain")
    ///     .expires(std::time::Duration::from_secs(600))
    ///     .build()
    ///     .await?;
    /// // Send `presigned.method` to `presigned.url` with `presigned.headers`.
    /// assert_eq!(presigned.headers, [("Content-Type".to_owned(), "text/plain".to_owned())]);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_presigned_url(&self, method: &str, bucket: &BucketName, key: &ObjectKey) -> Presign {
        Presign {
            client: self.clone(),
            method: method.to_ascii_uppercase(),
            bucket: bucket.clone(),
            key: Some(key.clone()),
            expires: Duration::from_secs(300),
            params: Vec::new(),
            headers: Vec::new(),
            sign_host: true,
            include_token: true,
        }
    }

    /// A presigned GET URL (to download an object).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// let url = client.get_presigned_download_url(&bucket, &key).build().await?.url;
    /// # let _ = url;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_presigned_download_url(&self, bucket: &BucketName, key: &ObjectKey) -> Presign {
        self.get_presigned_url("GET", bucket, key)
    }

    /// An `Authorization` value for a request you send yourself; `key` `None` signs
    /// the bucket root `/`. Finish with [`Presign::authorization`].
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("a.txt")?;
    /// let auth = client.get_auth("GET", &bucket, Some(&key)).authorization().await?;
    /// println!("Authorization: {auth}");
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_auth(&self, method: &str, bucket: &BucketName, key: Option<&ObjectKey>) -> Presign {
        Presign {
            client: self.clone(),
            method: method.to_ascii_uppercase(),
            bucket: bucket.clone(),
            key: key.cloned(),
            expires: Duration::from_secs(300),
            params: Vec::new(),
            headers: Vec::new(),
            sign_host: true,
            include_token: true,
        }
    }
}
