//! The backend traits for shared references, so that [`Transfers`](crate::Transfers)
//! can borrow a backend (`Transfers::with_backend(&backend)`) and its owner can still
//! inspect it afterwards.

use std::future::Future;

use bytes::Bytes;
use cos_core::{BucketName, ObjectKey, ReadOptions};

use crate::backend::{
    Backend, BucketBackend, ByteStream, CopyBackend, CopyRange, CopySource, DeleteFailure,
    ListedObject, MetadataDirective, ObjectId, ObjectInfo, Page, RangeRequest, SourceInfo,
    UploadMarker, Written,
};
use crate::error::RemoteError;
use crate::resume::{ListedPart, ListedUpload};

type Res<T> = Result<T, RemoteError>;

impl<T: Backend + ?Sized> Backend for &T {
    fn head(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        get: &ReadOptions,
    ) -> impl Future<Output = Res<ObjectInfo>> + Send {
        (**self).head(bucket, key, get)
    }
    fn put_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> impl Future<Output = Res<Written>> + Send {
        (**self).put_object(bucket, key, body, md5)
    }
    fn create_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> impl Future<Output = Res<String>> + Send {
        (**self).create_multipart_upload(bucket, key)
    }
    fn upload_part(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        number: u32,
        body: Bytes,
        md5: Option<[u8; 16]>,
    ) -> impl Future<Output = Res<Written>> + Send {
        (**self).upload_part(bucket, key, upload_id, number, body, md5)
    }
    fn list_parts(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        marker: Option<u32>,
    ) -> impl Future<Output = Res<Page<ListedPart, u32>>> + Send {
        (**self).list_parts(bucket, key, upload_id, marker)
    }
    fn list_multipart_uploads(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        marker: Option<&UploadMarker>,
    ) -> impl Future<Output = Res<Page<ListedUpload, UploadMarker>>> + Send {
        (**self).list_multipart_uploads(bucket, key, marker)
    }
    fn upload_storage_class(&self) -> Option<&str> {
        (**self).upload_storage_class()
    }
    fn write_customer_key(&self) -> Option<&cos_core::SseCustomerKey> {
        (**self).write_customer_key()
    }
    fn complete_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        parts: Vec<(u32, String)>,
    ) -> impl Future<Output = Res<Written>> + Send {
        (**self).complete_multipart_upload(bucket, key, upload_id, parts)
    }
    fn abort_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
    ) -> impl Future<Output = Res<()>> + Send {
        (**self).abort_multipart_upload(bucket, key, upload_id)
    }
    fn get(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        range: Option<RangeRequest<'_>>,
        get: &ReadOptions,
    ) -> impl Future<Output = Res<ByteStream>> + Send {
        (**self).get(bucket, key, range, get)
    }
    fn get_with_info(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        get: &ReadOptions,
    ) -> impl Future<Output = Res<(ObjectInfo, ByteStream)>> + Send {
        (**self).get_with_info(bucket, key, get)
    }
}

impl<T: CopyBackend + ?Sized> CopyBackend for &T {
    fn head_source(&self, source: &CopySource) -> impl Future<Output = Res<SourceInfo>> + Send {
        (**self).head_source(source)
    }
    fn copy_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        source: &CopySource,
        directive: MetadataDirective,
        if_match: Option<&str>,
    ) -> impl Future<Output = Res<Written>> + Send {
        (**self).copy_object(bucket, key, source, directive, if_match)
    }
    fn create_copy_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        source_headers: Option<&[(String, String)]>,
    ) -> impl Future<Output = Res<String>> + Send {
        (**self).create_copy_upload(bucket, key, source_headers)
    }
    fn upload_part_copy(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        upload_id: &str,
        number: u32,
        source: &CopySource,
        range: CopyRange<'_>,
    ) -> impl Future<Output = Res<Written>> + Send {
        (**self).upload_part_copy(bucket, key, upload_id, number, source, range)
    }
    fn delete_source(&self, source: &CopySource) -> impl Future<Output = Res<()>> + Send {
        (**self).delete_source(source)
    }
}

impl<T: BucketBackend + ?Sized> BucketBackend for &T {
    fn list_objects(
        &self,
        bucket: &BucketName,
        prefix: &str,
        marker: Option<&str>,
    ) -> impl Future<Output = Res<Page<ListedObject, String>>> + Send {
        (**self).list_objects(bucket, prefix, marker)
    }
    fn list_versions(
        &self,
        bucket: &BucketName,
        prefix: &str,
        marker: Option<&ObjectId>,
    ) -> impl Future<Output = Res<Page<ObjectId, ObjectId>>> + Send {
        (**self).list_versions(bucket, prefix, marker)
    }
    fn delete_objects(
        &self,
        bucket: &BucketName,
        ids: Vec<ObjectId>,
    ) -> impl Future<Output = Res<Vec<DeleteFailure>>> + Send {
        (**self).delete_objects(bucket, ids)
    }
}
