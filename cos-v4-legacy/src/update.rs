//! File attribute updates: [`UpdateFile`].

use bytes::Bytes;
use http::Method;

use crate::client::FileTarget;
use crate::client::{Call, Payload, Signing};
use crate::error::{Error, Result};
use crate::path;
use crate::types::Authority;
use crate::wire::Json;

/// `update_file`: see [`CosClient::update_file`](crate::CosClient::update_file).
///
/// The HTTP headers (`cache_control`, `content_type`, `content_language`,
/// `content_disposition`, `content_encoding`, `x-cos-meta-*`) are replaced as a
/// group: headers not set in an update that sets any of them are erased.
#[derive(Debug, Clone)]
#[must_use = "call .send().await"]
pub struct UpdateFile {
    target: FileTarget,
    biz_attr: Option<String>,
    authority: Option<Authority>,
    headers: Vec<(&'static str, String)>,
    meta: Vec<(String, String)>,
}

/// The standard headers in the order the official SDK's dict gives them.
const HEADER_ORDER: [&str; 5] = [
    "Content-Encoding",
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Cache-Control",
];

impl UpdateFile {
    pub(crate) fn new(target: FileTarget) -> Self {
        UpdateFile {
            target,
            biz_attr: None,
            authority: None,
            headers: Vec::new(),
            meta: Vec::new(),
        }
    }

    fn set_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.retain(|(k, _)| *k != name);
        self.headers.push((name, value.into()));
        self
    }

    /// Sets the note.
    pub fn biz_attr(mut self, biz_attr: impl Into<String>) -> Self {
        self.biz_attr = Some(biz_attr.into());
        self
    }

    /// Sets the permissions.
    pub fn authority(mut self, authority: Authority) -> Self {
        self.authority = Some(authority);
        self
    }

    /// Sets `Cache-Control`.
    pub fn cache_control(self, value: impl Into<String>) -> Self {
        self.set_header("Cache-Control", value)
    }

    /// Sets `Content-Type`.
    pub fn content_type(self, value: impl Into<String>) -> Self {
        self.set_header("Content-Type", value)
    }

    /// Sets `Content-Language`.
    pub fn content_language(self, value: impl Into<String>) -> Self {
        self.set_header("Content-Language", value)
    }

    /// Sets `Content-Disposition`.
    pub fn content_disposition(self, value: impl Into<String>) -> Self {
        self.set_header("Content-Disposition", value)
    }

    /// Sets `Content-Encoding`.
    pub fn content_encoding(self, value: impl Into<String>) -> Self {
        self.set_header("Content-Encoding", value)
    }

    /// Sets a custom header; `key` must start with `x-cos-meta-` (checked by `send`).
    pub fn x_cos_meta(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = key.into();
        self.meta.retain(|(k, _)| *k != key);
        self.meta.push((key, value.into()));
        self
    }

    /// The JSON body (fields in the official SDK's order).
    fn body(&self) -> String {
        let mut fields = Vec::new();
        if let Some(b) = &self.biz_attr {
            fields.push(("biz_attr".to_owned(), Json::Str(b.clone())));
        }
        if !self.headers.is_empty() || !self.meta.is_empty() {
            let mut custom = Vec::new();
            for name in HEADER_ORDER {
                if let Some((_, v)) = self.headers.iter().find(|(k, _)| *k == name) {
                    custom.push((name.to_owned(), Json::Str(v.clone())));
                }
            }
            for (k, v) in &self.meta {
                custom.push((k.clone(), Json::Str(v.clone())));
            }
            fields.push(("custom_headers".to_owned(), Json::Object(custom)));
        }
        if let Some(a) = self.authority {
            fields.push(("authority".to_owned(), Json::Str(a.as_str().to_owned())));
        }
        fields.push(("op".to_owned(), Json::Str("update".to_owned())));
        Json::Object(fields).dumps()
    }

    /// Updates the attributes.
    ///
    /// Errors: [`Error::Params`] for a bad path or a custom header not starting with
    /// `x-cos-meta-`; the service's codes.
    pub async fn send(self) -> Result<()> {
        path::check_file(&self.target.cos_path)?;
        if let Some((k, _)) = self
            .meta
            .iter()
            .find(|(k, _)| !k.starts_with("x-cos-meta-"))
        {
            return Err(Error::params(format!(
                "custom header {k:?} must start with x-cos-meta-"
            )));
        }
        let body = self.body();
        let t = &self.target;
        t.client
            .call(Call {
                operation: "V4UpdateFile",
                method: Method::POST,
                bucket: &t.bucket,
                cos_path: &t.cos_path,
                query: &[],
                payload: Payload::Typed("application/json".into(), Bytes::from(body)),
                signing: Signing::Once,
            })
            .await?;
        Ok(())
    }
}
