//! [`EncryptionClient`]: the official `CosEncryptionClient`'s operations over a
//! `cos-core` [`Client`]: PUT, GET (any range), HEAD and copy of encrypted objects.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use cos_core::ops::object::{HeadObjectOutput, PutObjectOutput};
use cos_core::{BucketName, Client, ObjectKey, ReadOptions, WriteOptions};
use cos_transfer::{CopyOptions, CopyOutcome, CopySource, MetadataDirective, Transfers};

use crate::cipher::{BLOCK, DataKey};
use crate::envelope::{CRC_META, Envelope, IV_META, KEY_META, LEN_META};
use crate::error::CryptoError;
use crate::provider::KeyProvider;
use crate::stream::{DecryptedBody, Expect};

/// A client that encrypts what it writes and decrypts what it reads, in the format of
/// the official SDKs' `CosEncryptionClient` (see the [crate](crate) documentation).
#[derive(Clone)]
pub struct EncryptionClient {
    pub(crate) client: Client,
    pub(crate) provider: Arc<dyn KeyProvider>,
}

impl std::fmt::Debug for EncryptionClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptionClient").finish_non_exhaustive()
    }
}

/// A HEAD of an encrypted object.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EncryptedHead {
    /// The service's answer (its `content_length` is the stored, encrypted length,
    /// which CTR keeps equal to the plaintext's).
    pub head: HeadObjectOutput,
    /// The envelope.
    pub envelope: Envelope,
}

/// The result of [`EncryptionClient::get_object`].
#[derive(Debug)]
#[non_exhaustive]
pub struct DecryptedObject {
    /// HEAD of the object (with its envelope).
    pub head: EncryptedHead,
    /// The decrypted bytes of the requested range.
    pub body: DecryptedBody,
}

/// A byte range of [`EncryptionClient::get_object`]: `start..=end`, `end` `None` to the
/// end of the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte.
    pub start: u64,
    /// Last byte (inclusive); `None`: the end of the object.
    pub end: Option<u64>,
}

/// The user's write options without any envelope metadata of theirs, plus `envelope`.
pub(crate) fn with_envelope(write: &WriteOptions, envelope: &Envelope) -> WriteOptions {
    let mut w = write.clone();
    w.metadata.retain(|(name, _)| {
        let n = name.strip_prefix("x-cos-meta-").unwrap_or(name);
        ![KEY_META, IV_META, LEN_META, CRC_META]
            .iter()
            .any(|m| n.eq_ignore_ascii_case(m))
    });
    w.metadata.extend(envelope.metadata());
    w
}

impl EncryptionClient {
    /// An encryption client on `client` with the master key of `provider`.
    pub fn new(client: Client, provider: impl KeyProvider + 'static) -> Self {
        Self::with_provider(client, Arc::new(provider))
    }

    /// An encryption client with a shared provider.
    pub fn with_provider(client: Client, provider: Arc<dyn KeyProvider>) -> Self {
        Self { client, provider }
    }

    /// The underlying client (its requests are not encrypted).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A new data key and its envelope (with the plaintext length and CRC-64 when known).
    pub(crate) async fn new_envelope(
        &self,
        plaintext: Option<(u64, u64)>,
    ) -> Result<(DataKey, Envelope), CryptoError> {
        let key = DataKey::generate();
        let wrapped = self.provider.wrap(&key).await?;
        Ok((
            key,
            Envelope {
                wrapped,
                plaintext_len: plaintext.map(|p| p.0),
                plaintext_crc64: plaintext.map(|p| p.1),
            },
        ))
    }

    /// PUT Object of `body`, encrypted under a fresh data key, with `write`'s options
    /// and the envelope metadata (plus the plaintext length and CRC-64).
    pub async fn put_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        body: impl Into<Bytes>,
        write: &WriteOptions,
    ) -> Result<PutObjectOutput, CryptoError> {
        let body: Bytes = body.into();
        let crc = cos_crc64::checksum(&body);
        let (data_key, envelope) = self.new_envelope(Some((body.len() as u64, crc))).await?;
        let write = with_envelope(write, &envelope);
        let req = self
            .client
            .put_object(bucket, key)
            .options(&write)
            .map_err(cos_core::Error::from)?;
        let mut buf = BytesMut::from(&body[..]);
        data_key.apply(0, &mut buf);
        Ok(req.body(buf.freeze()).send().await?)
    }

    /// HEAD Object with `read`'s version and conditions, and the object's envelope
    /// ([`CryptoError::MissingEnvelope`] for an object that is not encrypted).
    pub async fn head_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        read: &ReadOptions,
    ) -> Result<EncryptedHead, CryptoError> {
        let head = self
            .client
            .head_object(bucket, key)
            .options(read)
            .map_err(cos_core::Error::from)?
            .send()
            .await?;
        let envelope = Envelope::from_metadata(&head.metadata, &format!("{bucket}/{key}"))?;
        if let (Some(len), Some(size)) = (envelope.plaintext_len, head.content_length)
            && len != size
        {
            return Err(CryptoError::Integrity {
                what: format!("{bucket}/{key}"),
                check: "length",
                expected: len,
                got: size,
            });
        }
        Ok(EncryptedHead { head, envelope })
    }

    /// The data key of an object's envelope.
    pub(crate) async fn unwrap(&self, envelope: &Envelope) -> Result<DataKey, CryptoError> {
        self.provider.unwrap(&envelope.wrapped).await
    }

    /// GET Object, decrypted: the whole object (`range` `None`; its plaintext length and
    /// CRC-64 are checked at the end of the body when the envelope stores them) or any
    /// byte range, also unaligned (the request starts at the AES block before `start`
    /// and the body drops the bytes before it, as the Python SDK does). HEAD first for
    /// the envelope; the GET is pinned to its ETag.
    pub async fn get_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        range: Option<ByteRange>,
        read: &ReadOptions,
    ) -> Result<DecryptedObject, CryptoError> {
        if let Some(r) = range
            && r.end.is_some_and(|e| e < r.start)
        {
            return Err(CryptoError::InvalidRange {
                start: r.start,
                end: r.end,
            });
        }
        let head = self.head_object(bucket, key, read).await?;
        let data_key = self.unwrap(&head.envelope).await?;
        let mut req = self
            .client
            .get_object(bucket, key)
            .options(read)
            .map_err(cos_core::Error::from)?;
        if let Some(etag) = &head.head.etag {
            req = req.if_match(etag.clone());
        }
        let (start, skip, expect) = match range {
            Some(r) => {
                let aligned = r.start / BLOCK * BLOCK;
                req = req.range(aligned, r.end);
                (aligned, r.start - aligned, None)
            }
            None => (
                0,
                0,
                Some(Expect {
                    len: head.envelope.plaintext_len,
                    crc64: head.envelope.plaintext_crc64,
                }),
            ),
        };
        let out = req.send().await?;
        let body = DecryptedBody::new(
            out.body,
            data_key,
            start,
            skip,
            expect,
            format!("{bucket}/{key}"),
        );
        Ok(DecryptedObject { head, body })
    }

    /// Server-side copy of the encrypted object `source` to `bucket`/`key`, keeping its
    /// envelope (the metadata is copied; multipart above 5 GiB through cos-transfer).
    /// [`CryptoError::MissingEnvelope`] when the source (in the client's region) is not
    /// encrypted, before copying.
    pub async fn copy_object(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        source: &CopySource,
        options: CopyOptions,
    ) -> Result<CopyOutcome, CryptoError> {
        if source.region.is_none() {
            let mut read = ReadOptions::default();
            read.version_id = source.version_id.clone();
            self.head_object(&source.bucket, &source.key, &read).await?;
        }
        let mut options = options;
        // Replacing the metadata would drop the envelope and leave the copy unreadable.
        options.metadata = MetadataDirective::Copy;
        let transfers = Transfers::new(self.client.clone());
        Ok(transfers
            .copy(bucket, key, source)
            .options(options)
            .send()
            .await?)
    }
}
