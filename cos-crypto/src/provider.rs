//! Master-key providers: what wraps a data key into an envelope and unwraps it again.

use std::future::Future;
use std::pin::Pin;

use crate::cipher::DataKey;
use crate::error::CryptoError;

/// A boxed future, for [`KeyProvider`]'s methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A data key wrapped by a master key: the bytes that go (base64) into
/// `x-cos-meta-client-side-encryption-key` and `-iv`.
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKey {
    /// The wrapped data key.
    pub key: Vec<u8>,
    /// The wrapped counter IV.
    pub iv: Vec<u8>,
}

impl std::fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "WrappedKey {{ key: {} bytes, iv: {} bytes }}",
            self.key.len(),
            self.iv.len()
        )
    }
}

/// Wraps and unwraps data keys with a master key: [`AesProvider`](crate::AesProvider)
/// and [`RsaProvider`](crate::RsaProvider) do it as the official SDKs do; implement it
/// to keep the master key in a KMS (the methods are async for that).
pub trait KeyProvider: Send + Sync {
    /// Wraps a fresh data key for a new object.
    fn wrap<'a>(&'a self, key: &'a DataKey) -> BoxFuture<'a, Result<WrappedKey, CryptoError>>;
    /// Unwraps an object's envelope. A wrong master key should give
    /// [`CryptoError::Unwrap`] where the wrapping makes that detectable.
    fn unwrap<'a>(&'a self, wrapped: &'a WrappedKey)
    -> BoxFuture<'a, Result<DataKey, CryptoError>>;
}
