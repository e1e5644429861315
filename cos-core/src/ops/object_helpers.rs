//! Helpers over the object operations: changing an object's storage class or metadata
//! in place (a copy onto itself), appending with the position tracked, and reading a
//! restore's progress.

use bytes::Bytes;

use super::object_manage::{AppendObjectOutput, CopyObject, CopyObjectOutput};
use crate::client::Client;
use crate::error::Error;
use crate::types::{BucketName, MetadataDirective, ObjectKey, StorageClass};

/// The standard headers COS stores with an object (as PUT Object takes them).
const STORED: [&str; 6] = [
    "Content-Type",
    "Cache-Control",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Expires",
];

impl Client {
    /// Changes the storage class of `key` in place: PUT Object - Copy onto itself with
    /// `x-cos-metadata-directive: Copy` (the metadata is kept) and
    /// `x-cos-storage-class`. An archived object must be restored first (COS answers
    /// 403 `InvalidObjectState`). The returned builder takes the copy's other settings
    /// (conditions, ACL, tagging).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("logs/2024.tar")?;
    /// # client.put_object(&bucket, &key).body("data").send().await?;
    /// client
    ///     .change_object_storage_class(&bucket, &key, cos_core::StorageClass::StandardIa)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn change_object_storage_class(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        class: StorageClass,
    ) -> CopyObject {
        self.copy_object(bucket, key, bucket, key)
            .metadata_directive(MetadataDirective::Copy)
            .storage_class(class)
    }

    /// Changes the metadata of `key` in place (standard headers and `x-cos-meta-*`),
    /// keeping what is not changed and the storage class: HEAD Object, then PUT Object -
    /// Copy onto itself with `x-cos-metadata-directive: Replaced`, conditional on the
    /// ETag read (a concurrent write makes it fail with 412 instead of being lost).
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("index.html")?;
    /// # client.put_object(&bucket, &key).body("<p>hi</p>").metadata("draft", "yes").send().await?;
    /// client
    ///     .update_object_meta(&bucket, &key)
    ///     .set("Cache-Control", "max-age=60")
    ///     .metadata("reviewed", "yes")
    ///     .remove_metadata("draft")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn update_object_meta(&self, bucket: &BucketName, key: &ObjectKey) -> UpdateObjectMeta {
        UpdateObjectMeta {
            client: self.clone(),
            bucket: bucket.clone(),
            key: key.clone(),
            set: Vec::new(),
            remove: Vec::new(),
        }
    }

    /// An [`Appender`] for `key`, starting at position 0 (a new appendable object);
    /// [`Appender::resume`] starts at the object's current length instead.
    pub fn appender(&self, bucket: &BucketName, key: &ObjectKey) -> Appender {
        Appender {
            client: self.clone(),
            bucket: bucket.clone(),
            key: key.clone(),
            position: 0,
        }
    }
}

/// Builder of an in-place metadata change; see [`Client::update_object_meta`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct UpdateObjectMeta {
    client: Client,
    bucket: BucketName,
    key: ObjectKey,
    set: Vec<(String, String)>,
    remove: Vec<String>,
}

fn meta_name(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    if name.starts_with("x-cos-meta-") {
        name
    } else {
        format!("x-cos-meta-{name}")
    }
}

impl UpdateObjectMeta {
    /// Sets a standard header (`Content-Type`, `Cache-Control`, `Content-Disposition`,
    /// `Content-Encoding`, `Content-Language`, `Expires`) or an `x-cos-meta-*` header.
    pub fn set(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set.push((name.into(), value.into()));
        self
    }

    /// Sets user metadata `x-cos-meta-<name>` (the prefix is added when missing).
    pub fn metadata(self, name: impl AsRef<str>, value: impl Into<String>) -> Self {
        let name = meta_name(name.as_ref());
        self.set(name, value)
    }

    /// Removes user metadata `x-cos-meta-<name>`.
    pub fn remove_metadata(mut self, name: impl AsRef<str>) -> Self {
        self.remove.push(meta_name(name.as_ref()));
        self
    }

    /// Reads the current metadata and writes the changed set.
    ///
    /// Errors: `NoSuchKey` (404), 412 when the object changed between the two requests,
    /// `InvalidObjectState` (403) for an archived object not restored, client errors.
    pub async fn send(self) -> Result<CopyObjectOutput, Error> {
        let head = self
            .client
            .head_object(&self.bucket, &self.key)
            .send()
            .await?;
        let mut headers: Vec<(String, String)> = Vec::new();
        for name in STORED {
            if let Some(v) = head.meta.header(name) {
                headers.push((name.to_owned(), v));
            }
        }
        for (name, v) in &head.metadata {
            headers.push((format!("x-cos-meta-{name}"), v.clone()));
        }
        headers.retain(|(k, _)| !self.remove.iter().any(|r| r.eq_ignore_ascii_case(k)));
        for (k, v) in self.set {
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case(&k));
            headers.push((k, v));
        }
        let class = head.storage_class.unwrap_or_else(|| "STANDARD".to_owned());
        let mut copy = self
            .client
            .copy_object(&self.bucket, &self.key, &self.bucket, &self.key)
            .metadata_directive(MetadataDirective::Replaced)
            .storage_class(StorageClass::Other(class));
        if let Some(etag) = head.etag {
            copy = copy.copy_source_if_match(etag);
        }
        for (k, v) in headers {
            copy = copy.header(k, v);
        }
        copy.send().await
    }
}

/// Appends to an appendable object, keeping the position of the next append from
/// each answer's `x-cos-next-append-position`; see [`Client::appender`].
#[derive(Debug)]
pub struct Appender {
    client: Client,
    bucket: BucketName,
    key: ObjectKey,
    position: u64,
}

impl Appender {
    /// Where the next append starts.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Starts at the object's current length (HEAD Object); a missing object starts
    /// at 0.
    ///
    /// Errors: those of HEAD Object other than 404.
    pub async fn resume(mut self) -> Result<Self, Error> {
        match self
            .client
            .head_object(&self.bucket, &self.key)
            .send()
            .await
        {
            Ok(h) => self.position = h.content_length.unwrap_or(0),
            Err(e) if e.is_not_found() => self.position = 0,
            Err(e) => return Err(e),
        }
        Ok(self)
    }

    /// Appends `data` at [`position`](Self::position) and moves the position to the
    /// answer's `x-cos-next-append-position` (or past `data` when COS leaves it out).
    /// A failed append leaves the position as it was.
    ///
    /// Errors: `PositionNotEqualToLength` (409) when another writer appended meanwhile
    /// ([`resume`](Self::resume) finds the new length), `ObjectNotAppendable` (409),
    /// client errors.
    pub async fn append(&mut self, data: impl Into<Bytes>) -> Result<AppendObjectOutput, Error> {
        let data: Bytes = data.into();
        let len = data.len() as u64;
        let out = self
            .client
            .append_object(&self.bucket, &self.key, self.position)
            .body(data)
            .send()
            .await?;
        self.position = out.next_append_position.unwrap_or(self.position + len);
        Ok(out)
    }
}

/// A restore's progress, from `x-cos-restore` (HEAD Object of an archived object).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RestoreStatus {
    /// `ongoing-request="true"`: the restored copy is not readable yet.
    pub ongoing: bool,
    /// `expiry-date`: until when the restored copy stays readable.
    pub expiry_date: Option<String>,
}

impl RestoreStatus {
    /// Parses an `x-cos-restore` value (`ongoing-request="false",
    /// expiry-date="Sat, 21 Nov 2026 09:42:07 GMT"`); `None` when it has no
    /// `ongoing-request`.
    pub fn parse(value: &str) -> Option<Self> {
        let field = |name: &str| {
            let at = value.find(name)? + name.len();
            let rest = value[at..].trim_start().strip_prefix('=')?.trim_start();
            let rest = rest.strip_prefix('"')?;
            rest.find('"').map(|end| rest[..end].to_owned())
        };
        let ongoing = field("ongoing-request")?;
        Some(RestoreStatus {
            ongoing: ongoing.eq_ignore_ascii_case("true"),
            expiry_date: field("expiry-date"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::RestoreStatus;

    #[test]
    fn restore_status_parses_both_forms() {
        assert_eq!(
            RestoreStatus::parse(r#"ongoing-request="true""#),
            Some(RestoreStatus {
                ongoing: true,
                expiry_date: None
            })
        );
        let done = RestoreStatus::parse(
            r#"ongoing-request="false", expiry-date="Sat, 21 Nov 2026 09:42:07 GMT""#,
        );
        assert_eq!(
            done.and_then(|s| s.expiry_date),
            Some("Sat, 21 Nov 2026 09:42:07 GMT".to_owned())
        );
        assert_eq!(RestoreStatus::parse("garbage"), None);
    }
}
