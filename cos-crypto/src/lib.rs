//! Client-side encryption for Tencent Cloud COS, byte-compatible with the official
//! SDKs' `CosEncryptionClient` (`AESProvider` / `RSAProvider` of
//! `cos-python-sdk-v5`'s `crypto.py`): objects either side writes, the other reads.
//!
//! The format:
//! - data: AES-256-CTR under a random 32-byte data key, the counter the random 16-byte
//!   IV as a 128-bit big-endian integer, plus `offset / 16` at byte `offset`
//!   ([`DataKey::apply`]); ciphertext and plaintext have the same length;
//! - envelope: base64 of the wrapped data key and of the wrapped IV in
//!   `x-cos-meta-client-side-encryption-key` and `-iv` ([`Envelope`]), wrapped by a
//!   master-key [`KeyProvider`]: [`AesProvider`] (AES-256-CTR from counter 0, key then IV
//!   through one stream), [`RsaProvider`] (PKCS#1 v1.5 for keys given as contents, OAEP
//!   SHA-1 for key files and generated keys, as the SDK does), or your own (a KMS);
//! - beyond the official SDKs (which ignore them): the plaintext length and CRC-64 in
//!   `x-cos-meta-client-side-encryption-unencrypted-content-length` / `-crc64`, checked
//!   on whole-object reads when present, so a wrong master key is an error
//!   ([`CryptoError::Integrity`]) rather than garbage.
//!
//! [`EncryptionClient`] has the official client's operations (PUT, GET of any range,
//! HEAD, multipart, copy) and encrypted `upload_file` / `download_file` through
//! cos-transfer's engines.
//!
//! ```
//! # async fn run(client: cos_core::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use cos_core::{BucketName, ObjectKey, ReadOptions, WriteOptions};
//! use cos_crypto::{AesProvider, EncryptionClient};
//! # std::fs::create_dir_all(".cos_local_aes")?;
//! # cos_crypto::AesProvider::generate_key_file(".cos_local_aes/.aes_key.pem")?;
//! let provider = AesProvider::from_key_file(".cos_local_aes/.aes_key.pem")?; // the SDKs keep it under $HOME
//! let enc = EncryptionClient::new(client, provider);
//! let (bucket, key) = (BucketName::new("examplebucket-1250000000")?, ObjectKey::new("secret.txt")?);
//! enc.put_object(&bucket, &key, &b"hello"[..], &WriteOptions::default()).await?;
//! let got = enc.get_object(&bucket, &key, None, &ReadOptions::default()).await?;
//! assert_eq!(&got.body.bytes().await?[..], b"hello");
//! # Ok(()) }
//! # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
//! # fn main() { doc_run(run) }
//! ```
#![deny(missing_docs)]

mod aes_provider;
mod cipher;
mod client;
mod envelope;
mod error;
mod keyfile;
mod legacy_pem;
mod multipart;
mod provider;
mod rsa_provider;
mod stream;
mod transfer;

pub use aes_provider::{AesProvider, MASTER_KEY_LEN};
pub use cipher::{BLOCK, DATA_KEY_LEN, DataKey, IV_LEN};
pub use client::{ByteRange, DecryptedObject, EncryptedHead, EncryptionClient};
pub use envelope::{CRC_META, Envelope, IV_META, KEY_META, LEN_META};
pub use error::{CryptoError, Result};
pub use multipart::EncryptedUpload;
pub use provider::{BoxFuture, KeyProvider, WrappedKey};
pub use rsa_provider::{GENERATED_KEY_BITS, RsaPadding, RsaProvider};
pub use stream::DecryptedBody;
pub use transfer::Control;
