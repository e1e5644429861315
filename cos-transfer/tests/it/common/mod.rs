//! An in-memory [`Backend`] with scripted faults, for driving the transfer engine
//! through every failure deterministically.
#![allow(dead_code)]

mod copy_fake;
pub mod emu;
pub mod hostile;
pub mod python;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use cos_core::{BucketName, ObjectKey};
use cos_crc64::checksum;
use cos_transfer::resume::{ListedPart, ListedUpload};
use cos_transfer::{
    Backend, BucketBackend, ByteStream, DeleteFailure, ListedObject, ObjectId, ObjectInfo, Page,
    RangeRequest, ReadOptions, RemoteError, UploadMarker, Written,
};
use md5::Digest;

pub use hostile::Hostile;

pub fn etag_of(data: &[u8]) -> String {
    let d = md5::Md5::digest(data);
    format!(
        "\"{}\"",
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// Deterministic test data.
pub fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i * 31 + usize::from(seed)) % 251) as u8)
        .collect()
}

#[derive(Default)]
pub struct Upload {
    pub key: String,
    pub initiated: String,
    pub storage_class: String,
    pub parts: BTreeMap<u32, Bytes>,
}

pub type Headers = Vec<(String, String)>;

#[derive(Default)]
pub struct Faults {
    /// Upload Part of these numbers fails (every time while listed).
    pub fail_parts: Vec<u32>,
    /// The first `n` GET streams break after this many bytes.
    pub break_gets: Option<(usize, usize)>,
    /// GETs of ranges starting at these offsets fail.
    pub fail_ranges_at: Vec<u64>,
    /// Report a wrong CRC on Complete / HEAD.
    pub wrong_crc: bool,
    /// Upload Part - Copy of these numbers fails.
    pub fail_copy_parts: Vec<u32>,
    /// Delete Multiple Objects refuses these keys.
    pub undeletable: Vec<String>,
    /// Upload Part / PUT Object of keys containing this fails.
    pub fail_keys_containing: Option<String>,
    /// List Objects fails from this call on (0-based).
    pub fail_lists_from: Option<usize>,
    /// HEAD sends no `Content-Length`.
    pub no_content_length: bool,
    /// GET bodies arrive with the byte at this object offset flipped (a transfer that
    /// corrupts data: HEAD and the stored object are right).
    pub flip_byte_at: Option<u64>,
    /// List Parts, List Multipart Uploads and List Objects never end.
    pub hostile_lists: Option<Hostile>,
}

#[derive(Default)]
pub struct Fake {
    pub objects: Mutex<HashMap<String, Bytes>>,
    pub uploads: Mutex<HashMap<String, Upload>>,
    pub faults: Mutex<Faults>,
    pub part_calls: AtomicUsize,
    pub get_calls: AtomicUsize,
    pub put_calls: AtomicUsize,
    pub md5_parts: AtomicUsize,
    pub copy_part_calls: AtomicUsize,
    pub copy_calls: AtomicUsize,
    pub head_calls: AtomicUsize,
    /// Sizes of the Delete Multiple Objects batches, in order.
    pub delete_batches: Mutex<Vec<usize>>,
    /// Headers each copy upload was created with (`None`: the backend's own options).
    pub copy_upload_headers: Mutex<Vec<Option<Headers>>>,
    /// Keys per List Objects page (default 1000).
    pub page_size: Mutex<Option<usize>>,
    /// List Objects calls so far.
    pub list_calls: AtomicUsize,
    /// The storage class of the uploads this backend initiates (unset: the default).
    pub storage_class: std::sync::OnceLock<String>,
    /// List Parts and List Multipart Uploads calls so far.
    pub list_part_calls: AtomicUsize,
    pub list_upload_calls: AtomicUsize,
    /// How many List Objects calls had been made when the first GET came.
    pub lists_before_first_get: Mutex<Option<usize>>,
    next_id: AtomicUsize,
}

fn check_md5(body: &[u8], md5: Option<[u8; 16]>) -> Result<(), RemoteError> {
    match md5 {
        Some(m) if m != <[u8; 16]>::from(md5::Md5::digest(body)) => Err(err("BadDigest")),
        _ => Ok(()),
    }
}

fn err(msg: impl Into<String>) -> RemoteError {
    cos_core::Error::Decode(msg.into().into())
}

impl Fake {
    pub fn object(&self, key: &str) -> Option<Bytes> {
        self.objects.lock().unwrap().get(key).cloned()
    }

    pub fn start_upload(&self, key: &str, initiated: &str) -> String {
        self.start_upload_in(key, initiated, "STANDARD")
    }

    pub fn start_upload_in(&self, key: &str, initiated: &str, class: &str) -> String {
        let id = format!("upload-{}", self.next_id.fetch_add(1, Ordering::SeqCst));
        self.uploads.lock().unwrap().insert(
            id.clone(),
            Upload {
                key: key.into(),
                initiated: initiated.into(),
                storage_class: class.into(),
                parts: BTreeMap::new(),
            },
        );
        id
    }

    fn hostile(&self) -> Option<Hostile> {
        self.faults.lock().unwrap().hostile_lists
    }
}

impl Fake {
    fn check_key(&self, key: &str) -> Result<(), RemoteError> {
        match &self.faults.lock().unwrap().fail_keys_containing {
            Some(s) if key.contains(s.as_str()) => Err(err(format!("injected failure of {key}"))),
            _ => Ok(()),
        }
    }

    pub fn put(&self, key: &str, data: &[u8]) {
        self.objects
            .lock()
            .unwrap()
            .insert(key.into(), Bytes::copy_from_slice(data));
    }

    pub fn keys(&self) -> Vec<String> {
        let mut k: Vec<String> = self.objects.lock().unwrap().keys().cloned().collect();
        k.sort();
        k
    }
}

impl Backend for Fake {
    async fn head(
        &self,
        _bucket: &BucketName,
        key: &ObjectKey,
        _get: &ReadOptions,
    ) -> Result<ObjectInfo, RemoteError> {
        let key = key.as_str();
        self.head_calls.fetch_add(1, Ordering::SeqCst);
        let data = self.object(key).ok_or_else(|| err("NoSuchKey"))?;
        let (wrong, no_length) = {
            let f = self.faults.lock().unwrap();
            (f.wrong_crc, f.no_content_length)
        };
        Ok(ObjectInfo {
            size: (!no_length).then_some(data.len() as u64),
            etag: etag_of(&data),
            last_modified: "Sat, 21 Nov 2026 10:00:00 GMT".into(),
            crc64: Some(checksum(&data) ^ u64::from(wrong)),
        })
    }

    async fn put_object(
        &self,
        _bucket: &BucketName,
        key: &ObjectKey,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> Result<Written, RemoteError> {
        let key = key.as_str();
        check_md5(&body, md5)?;
        self.check_key(key)?;
        self.put_calls.fetch_add(1, Ordering::SeqCst);
        let w = Written {
            etag: etag_of(&body),
            crc64: Some(checksum(&body)),
        };
        self.objects.lock().unwrap().insert(key.into(), body);
        Ok(w)
    }

    async fn create_multipart_upload(
        &self,
        _bucket: &BucketName,
        key: &ObjectKey,
    ) -> Result<String, RemoteError> {
        let key = key.as_str();
        let class = self.storage_class.get().map_or("STANDARD", String::as_str);
        Ok(self.start_upload_in(key, "2026-11-21T10:00:00.000Z", class))
    }

    fn upload_storage_class(&self) -> Option<&str> {
        self.storage_class.get().map(String::as_str)
    }

    async fn upload_part(
        &self,
        _bucket: &BucketName,
        _key: &ObjectKey,
        upload_id: &str,
        number: u32,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> Result<Written, RemoteError> {
        check_md5(&body, md5)?;
        if md5.is_some() {
            self.md5_parts.fetch_add(1, Ordering::SeqCst);
        }
        self.part_calls.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        if self.faults.lock().unwrap().fail_parts.contains(&number) {
            return Err(err(format!("injected failure of part {number}")));
        }
        let mut uploads = self.uploads.lock().unwrap();
        let up = uploads
            .get_mut(upload_id)
            .ok_or_else(|| err("NoSuchUpload"))?;
        let w = Written {
            etag: etag_of(&body),
            crc64: Some(checksum(&body)),
        };
        up.parts.insert(number, body);
        Ok(w)
    }

    async fn list_parts(
        &self,
        _bucket: &BucketName,
        _key: &ObjectKey,
        upload_id: &str,
        marker: Option<u32>,
    ) -> Result<Page<ListedPart, u32>, RemoteError> {
        self.list_part_calls.fetch_add(1, Ordering::SeqCst);
        if let Some(h) = self.hostile() {
            return Ok(hostile::parts_page(h, marker));
        }
        let uploads = self.uploads.lock().unwrap();
        let up = uploads.get(upload_id).ok_or_else(|| err("NoSuchUpload"))?;
        // Two parts per page, to exercise the paging.
        let mut items: Vec<ListedPart> = up
            .parts
            .iter()
            .filter(|(n, _)| marker.is_none_or(|m| **n > m))
            .map(|(n, b)| ListedPart {
                number: *n,
                etag: etag_of(b),
                size: b.len() as u64,
            })
            .take(3)
            .collect();
        let next = (items.len() == 3).then(|| {
            items.pop();
            items[1].number
        });
        Ok(Page { items, next })
    }

    async fn list_multipart_uploads(
        &self,
        _bucket: &BucketName,
        key: &ObjectKey,
        marker: Option<&UploadMarker>,
    ) -> Result<Page<ListedUpload, UploadMarker>, RemoteError> {
        let key = key.as_str();
        self.list_upload_calls.fetch_add(1, Ordering::SeqCst);
        if let Some(h) = self.hostile() {
            return Ok(hostile::uploads_page(h, key, marker));
        }
        let uploads = self.uploads.lock().unwrap();
        let mut all: Vec<ListedUpload> = uploads
            .iter()
            .filter(|(_, u)| u.key.starts_with(key))
            .map(|(id, u)| ListedUpload {
                upload_id: id.clone(),
                key: u.key.clone(),
                initiated: u.initiated.clone(),
                storage_class: u.storage_class.clone(),
            })
            .collect();
        // Key order, then initiation order, as COS lists them; two per page.
        all.sort_by(|a, b| (&a.key, &a.initiated).cmp(&(&b.key, &b.initiated)));
        let start = marker.map_or(0, |m| {
            all.iter()
                .position(|u| u.key == m.key && u.upload_id == m.upload_id)
                .map_or(all.len(), |i| i + 1)
        });
        let items: Vec<ListedUpload> = all.iter().skip(start).take(2).cloned().collect();
        let next = (start + 2 < all.len()).then(|| UploadMarker {
            key: items[1].key.clone(),
            upload_id: items[1].upload_id.clone(),
        });
        Ok(Page { items, next })
    }

    async fn complete_multipart_upload(
        &self,
        _bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        parts: Vec<(u32, String)>,
    ) -> Result<Written, RemoteError> {
        let key = key.as_str();
        let up = self
            .uploads
            .lock()
            .unwrap()
            .remove(upload_id)
            .ok_or_else(|| err("NoSuchUpload"))?;
        let mut data = Vec::new();
        let mut last = 0;
        for (n, etag) in &parts {
            if *n <= last {
                return Err(err("InvalidPartOrder"));
            }
            last = *n;
            let b = up.parts.get(n).ok_or_else(|| err("InvalidPart"))?;
            if etag_of(b) != *etag {
                return Err(err("InvalidPart: etag"));
            }
            data.extend_from_slice(b);
        }
        let wrong = self.faults.lock().unwrap().wrong_crc;
        let w = Written {
            etag: format!("\"x-{}\"", parts.len()),
            crc64: Some(checksum(&data) ^ u64::from(wrong)),
        };
        self.objects
            .lock()
            .unwrap()
            .insert(key.into(), Bytes::from(data));
        Ok(w)
    }

    async fn abort_multipart_upload(
        &self,
        _bucket: &BucketName,
        _key: &ObjectKey,
        upload_id: &str,
    ) -> Result<(), RemoteError> {
        self.uploads
            .lock()
            .unwrap()
            .remove(upload_id)
            .map(|_| ())
            .ok_or_else(|| err("NoSuchUpload"))
    }

    async fn get(
        &self,
        _bucket: &BucketName,
        key: &ObjectKey,
        range: Option<RangeRequest<'_>>,
        _get: &ReadOptions,
    ) -> Result<ByteStream, RemoteError> {
        let key = key.as_str();
        self.get_calls.fetch_add(1, Ordering::SeqCst);
        self.lists_before_first_get
            .lock()
            .unwrap()
            .get_or_insert(self.list_calls.load(Ordering::SeqCst));
        let data = self.object(key).ok_or_else(|| err("NoSuchKey"))?;
        let (start, end) = match range {
            Some(r) => {
                if let Some(m) = r.if_match
                    && m != etag_of(&data)
                {
                    return Err(err("PreconditionFailed"));
                }
                if self
                    .faults
                    .lock()
                    .unwrap()
                    .fail_ranges_at
                    .contains(&r.start)
                {
                    return Err(err(format!("injected failure of range at {}", r.start)));
                }
                (r.start as usize, r.end as usize)
            }
            None => (0, data.len()),
        };
        let mut slice = data.slice(start..end);
        let flip = self.faults.lock().unwrap().flip_byte_at;
        if let Some(at) = flip.filter(|&at| (start as u64..end as u64).contains(&at)) {
            let mut v = slice.to_vec();
            v[(at - start as u64) as usize] ^= 0x40;
            slice = Bytes::from(v);
        }
        let break_after = {
            let mut f = self.faults.lock().unwrap();
            match &mut f.break_gets {
                Some((n, after)) if *n > 0 => {
                    *n -= 1;
                    Some(*after)
                }
                _ => None,
            }
        };
        let mut chunks: Vec<Result<Bytes, RemoteError>> = slice
            .chunks(64 * 1024)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        if let Some(after) = break_after {
            let keep = after
                .div_ceil(64 * 1024)
                .min(chunks.len().saturating_sub(1));
            chunks.truncate(keep);
            chunks.push(Err(err("connection reset")));
        }
        Ok(Box::pin(futures_util::stream::iter(chunks)))
    }
}

impl BucketBackend for Fake {
    async fn list_objects(
        &self,
        _bucket: &BucketName,
        prefix: &str,
        marker: Option<&str>,
    ) -> Result<Page<ListedObject, String>, RemoteError> {
        let call = self.list_calls.fetch_add(1, Ordering::SeqCst);
        if let Some(h) = self.hostile() {
            return Ok(hostile::objects_page(h, marker));
        }
        if self
            .faults
            .lock()
            .unwrap()
            .fail_lists_from
            .is_some_and(|n| call >= n)
        {
            return Err(err("InternalError"));
        }
        let size = self.page_size.lock().unwrap().unwrap_or(1000);
        let objects = self.objects.lock().unwrap();
        let mut keys: Vec<&String> = objects
            .keys()
            .filter(|k| k.starts_with(prefix) && marker.is_none_or(|m| k.as_str() > m))
            .collect();
        keys.sort();
        let more = keys.len() > size;
        keys.truncate(size);
        let items: Vec<ListedObject> = keys
            .iter()
            .map(|k| ListedObject {
                key: (*k).clone(),
                size: objects[*k].len() as u64,
                etag: etag_of(&objects[*k]),
            })
            .collect();
        let next = more.then(|| items.last().map(|o| o.key.clone())).flatten();
        Ok(Page { items, next })
    }

    async fn list_versions(
        &self,
        bucket: &BucketName,
        prefix: &str,
        marker: Option<&ObjectId>,
    ) -> Result<Page<ObjectId, ObjectId>, RemoteError> {
        let page = self
            .list_objects(bucket, prefix, marker.map(|m| m.key.as_str()))
            .await?;
        let id = |key: String| ObjectId {
            key,
            version_id: Some("v1".into()),
        };
        Ok(Page {
            items: page.items.into_iter().map(|o| id(o.key)).collect(),
            next: page.next.map(id),
        })
    }

    async fn delete_objects(
        &self,
        _bucket: &BucketName,
        ids: Vec<ObjectId>,
    ) -> Result<Vec<DeleteFailure>, RemoteError> {
        assert!((1..=1000).contains(&ids.len()), "batch of {}", ids.len());
        self.delete_batches.lock().unwrap().push(ids.len());
        let undeletable = self.faults.lock().unwrap().undeletable.clone();
        let mut objects = self.objects.lock().unwrap();
        let mut failures = Vec::new();
        for id in ids {
            if undeletable.contains(&id.key) {
                failures.push(DeleteFailure {
                    id,
                    code: "AccessDenied".into(),
                    message: "injected".into(),
                });
            } else {
                objects.remove(&id.key);
            }
        }
        Ok(failures)
    }
}

/// A validated bucket name (test input is valid).
pub fn bucket(name: impl AsRef<str>) -> BucketName {
    BucketName::new(name.as_ref()).unwrap()
}

/// A validated object key (test input is valid).
pub fn key(key: impl AsRef<str>) -> ObjectKey {
    ObjectKey::new(key.as_ref()).unwrap()
}
