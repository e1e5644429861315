//! Encrypted multipart uploads by hand: create, upload parts (in any order, in
//! parallel: each part's counter comes from its offset), complete or abort.

use bytes::{Bytes, BytesMut};
use cos_core::ops::multipart::UploadPartOutput;
use cos_core::xml::multipart::CompleteMultipartUploadResult;
use cos_core::{BucketName, ObjectKey, WriteOptions};

use crate::cipher::{BLOCK, DataKey};
use crate::client::{EncryptionClient, with_envelope};
use crate::envelope::Envelope;
use crate::error::CryptoError;

/// An encrypted multipart upload in progress: its id, part size and data key. Part `n`
/// holds the plaintext bytes `(n-1) * part_size ..`; every part but the last must be
/// exactly `part_size` long.
pub struct EncryptedUpload {
    bucket: BucketName,
    key: ObjectKey,
    upload_id: String,
    part_size: u64,
    data_key: DataKey,
    envelope: Envelope,
}

impl std::fmt::Debug for EncryptedUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptedUpload")
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("upload_id", &self.upload_id)
            .field("part_size", &self.part_size)
            .finish_non_exhaustive()
    }
}

impl EncryptedUpload {
    /// The upload id.
    pub fn upload_id(&self) -> &str {
        &self.upload_id
    }
    /// The part size.
    pub fn part_size(&self) -> u64 {
        self.part_size
    }
    /// The envelope the object gets.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }
}

impl EncryptionClient {
    /// Initiate Multipart Upload with a fresh data key, its envelope in the metadata
    /// (the plaintext CRC-64 is not known yet, so not stored). `part_size` must be a
    /// non-zero multiple of 16 ([`CryptoError::PartSize`], before any request).
    pub async fn create_multipart_upload(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        part_size: u64,
        write: &WriteOptions,
    ) -> Result<EncryptedUpload, CryptoError> {
        if part_size == 0 || !part_size.is_multiple_of(BLOCK) {
            return Err(CryptoError::PartSize(part_size));
        }
        let (data_key, envelope) = self.new_envelope(None).await?;
        let write = with_envelope(write, &envelope);
        let init = self
            .client
            .initiate_multipart_upload(bucket, key)
            .options(&write)
            .map_err(cos_core::Error::from)?
            .send()
            .await?;
        Ok(EncryptedUpload {
            bucket: bucket.clone(),
            key: key.clone(),
            upload_id: init.upload_id,
            part_size,
            data_key,
            envelope,
        })
    }

    /// Upload Part `number` (1-based) of `upload`, encrypted at its offset. A body longer
    /// than the part size is a [`CryptoError::PartSize`] (before any request).
    pub async fn upload_part(
        &self,
        upload: &EncryptedUpload,
        number: u32,
        body: impl Into<Bytes>,
    ) -> Result<UploadPartOutput, CryptoError> {
        let body: Bytes = body.into();
        if body.len() as u64 > upload.part_size || number == 0 {
            return Err(CryptoError::PartSize(body.len() as u64));
        }
        let offset = u64::from(number - 1) * upload.part_size;
        let mut buf = BytesMut::from(&body[..]);
        upload.data_key.apply(offset, &mut buf);
        Ok(self
            .client
            .upload_part(&upload.bucket, &upload.key, &upload.upload_id, number)
            .body(buf.freeze())
            .send()
            .await?)
    }

    /// Complete Multipart Upload with `(number, etag)` of every part, in order.
    pub async fn complete_multipart_upload(
        &self,
        upload: &EncryptedUpload,
        parts: impl IntoIterator<Item = (u32, String)>,
    ) -> Result<CompleteMultipartUploadResult, CryptoError> {
        let mut req =
            self.client
                .complete_multipart_upload(&upload.bucket, &upload.key, &upload.upload_id);
        for (n, etag) in parts {
            req = req.part(n, etag);
        }
        Ok(req.send().await?)
    }

    /// Abort Multipart Upload.
    pub async fn abort_multipart_upload(&self, upload: EncryptedUpload) -> Result<(), CryptoError> {
        self.client
            .abort_multipart_upload(&upload.bucket, &upload.key, &upload.upload_id)
            .send()
            .await?;
        Ok(())
    }
}
