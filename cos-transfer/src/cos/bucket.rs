//! [`BucketBackend`] of [`CosBackend`]: one page of List Objects or List Object
//! Versions at a time, and Delete Multiple Objects.

use cos_core::{BucketName, ObjectKey};

use super::CosBackend;
use crate::backend::{BucketBackend, DeleteFailure, ListedObject, ObjectId, Page};
use crate::error::RemoteError;

impl BucketBackend for CosBackend {
    async fn list_objects(
        &self,
        bucket: &BucketName,
        prefix: &str,
        marker: Option<&str>,
    ) -> Result<Page<ListedObject, String>, RemoteError> {
        let mut req = self
            .client
            .list_objects(bucket)
            .prefix(prefix)
            .max_keys(1000);
        if let Some(m) = marker {
            req = req.marker(m);
        }
        let page = req.send().await?;
        let next = if page.is_truncated {
            page.next_marker
                .clone()
                .filter(|m| !m.is_empty())
                .or_else(|| page.contents.last().map(|o| o.key.clone()))
        } else {
            None
        };
        Ok(Page {
            items: page
                .contents
                .into_iter()
                .map(|o| ListedObject {
                    key: o.key,
                    size: o.size,
                    etag: o.etag,
                })
                .collect(),
            next,
        })
    }

    async fn list_versions(
        &self,
        bucket: &BucketName,
        prefix: &str,
        marker: Option<&ObjectId>,
    ) -> Result<Page<ObjectId, ObjectId>, RemoteError> {
        let mut req = self
            .client
            .list_object_versions(bucket)
            .prefix(prefix)
            .max_keys(1000);
        if let Some(m) = marker {
            req = req.key_marker(m.key.clone());
            if let Some(v) = &m.version_id {
                req = req.version_id_marker(v.clone());
            }
        }
        let page = req.send().await?;
        let next = match (page.is_truncated, &page.next_key_marker) {
            (true, Some(k)) if !k.is_empty() => Some(ObjectId {
                key: k.clone(),
                version_id: page
                    .next_version_id_marker
                    .clone()
                    .filter(|v| !v.is_empty()),
            }),
            _ => None,
        };
        let items = page
            .versions()
            .map(|v| (&v.key, &v.version_id))
            .chain(page.delete_markers().map(|d| (&d.key, &d.version_id)))
            .map(|(key, version)| ObjectId {
                key: key.clone(),
                version_id: Some(version.clone()),
            })
            .collect();
        Ok(Page { items, next })
    }

    async fn delete_objects(
        &self,
        bucket: &BucketName,
        ids: Vec<ObjectId>,
    ) -> Result<Vec<DeleteFailure>, RemoteError> {
        let mut failures = Vec::new();
        let mut req = self.client.delete_multiple_objects(bucket).quiet(true);
        let mut any = false;
        for id in ids {
            match ObjectKey::new(id.key.clone()) {
                Ok(k) => {
                    any = true;
                    req = match &id.version_id {
                        Some(v) => req.key_version(&k, v.clone()),
                        None => req.key(&k),
                    };
                }
                Err(e) => failures.push(DeleteFailure {
                    id,
                    code: "InvalidKey".into(),
                    message: e.to_string(),
                }),
            }
        }
        if !any {
            return Ok(failures);
        }
        let result = req.send().await?;
        failures.extend(result.errors.into_iter().map(|e| DeleteFailure {
            id: ObjectId {
                key: e.key,
                version_id: e.version_id,
            },
            code: e.code,
            message: e.message,
        }));
        Ok(failures)
    }
}
