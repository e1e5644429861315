//! [`RsaProvider`]: an RSA key pair as master key, as the official Python SDK's
//! `RSAProvider`.
//!
//! The padding depends on how the SDK was given the keys (`crypto.py`,
//! `RSAProvider.__init__` and `__get_key_by_path`): key *contents*
//! (`RSAProvider.get_rsa_key_pair(public, private)`) are used with RSAES-PKCS1-v1_5;
//! key *files* (`get_rsa_key_pair_path`, or the default `~/.cos_local_rsa` files) and
//! keys it generates itself with RSAES-OAEP (SHA-1, MGF1-SHA-1, empty label). The data
//! key and the IV are wrapped separately. This crate does the same:
//! [`RsaProvider::from_pem`] is PKCS#1 v1.5, [`RsaProvider::from_key_files`] and
//! [`RsaProvider::generate_key_files`] are OAEP.

use std::fmt;
use std::io::Write;
use std::path::Path;

use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::{PrivateKey, PublicKey};
use sha1::Sha1;
use zeroize::Zeroizing;

use crate::cipher::DataKey;
use crate::error::CryptoError;
use crate::keyfile;
use crate::provider::{BoxFuture, KeyProvider, WrappedKey};

/// How an [`RsaProvider`] pads the data key and IV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RsaPadding {
    /// RSAES-PKCS1-v1_5: the Python SDK with keys given as contents (`RSAKeyPair`).
    Pkcs1v15,
    /// RSAES-OAEP with SHA-1 and MGF1-SHA-1, empty label: the Python SDK with key files
    /// (`RSAKeyPairPath`) or a key it generated.
    OaepSha1,
}

/// Bits of the keys [`RsaProvider::generate_key_files`] makes (as the Python SDK's).
pub const GENERATED_KEY_BITS: usize = 2048;

/// An RSA master key pair. The private key is zeroized on drop (the `rsa` crate does
/// it); `Debug` shows only the padding.
#[derive(Clone)]
pub struct RsaProvider {
    public: PublicKey,
    private: Option<PrivateKey>,
    padding: RsaPadding,
}

impl fmt::Debug for RsaProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaProvider")
            .field("padding", &self.padding)
            .field("can_decrypt", &self.private.is_some())
            .finish_non_exhaustive()
    }
}

impl RsaProvider {
    /// Keys given as contents (PEM or DER; PKCS#1 or PKCS#8, an encrypted PKCS#8 private
    /// key with `passphrase`), used as `RSAProvider(RSAProvider.get_rsa_key_pair(...))`
    /// uses them: **PKCS#1 v1.5** padding.
    pub fn from_pem(
        public_key: &[u8],
        private_key: &[u8],
        passphrase: Option<&str>,
    ) -> Result<Self, CryptoError> {
        Ok(Self {
            public: keyfile::parse_public(public_key, passphrase)?,
            private: Some(keyfile::parse_private(private_key, passphrase)?),
            padding: RsaPadding::Pkcs1v15,
        })
    }

    /// Keys read from files, as `RSAProvider(RSAProvider.get_rsa_key_pair_path(...))`
    /// reads them: **OAEP** padding. A file that cannot be read or parsed is a
    /// [`CryptoError::KeyFile`].
    pub fn from_key_files(
        public_key_path: impl AsRef<Path>,
        private_key_path: impl AsRef<Path>,
        passphrase: Option<&str>,
    ) -> Result<Self, CryptoError> {
        let (pub_path, priv_path) = (public_key_path.as_ref(), private_key_path.as_ref());
        fn in_file(path: &Path) -> impl Fn(CryptoError) -> CryptoError + '_ {
            move |e| CryptoError::KeyFile {
                path: path.to_owned(),
                reason: e.to_string(),
            }
        }
        let public = keyfile::parse_public(&keyfile::read(pub_path)?, passphrase)
            .map_err(in_file(pub_path))?;
        let private = keyfile::parse_private(&keyfile::read(priv_path)?, passphrase)
            .map_err(in_file(priv_path))?;
        Ok(Self {
            public,
            private: Some(private),
            padding: RsaPadding::OaepSha1,
        })
    }

    /// Generates a 2048-bit key pair and writes it as the Python SDK does (private key
    /// PEM: PKCS#1 `RSA PRIVATE KEY`, or with `passphrase` PKCS#8 `ENCRYPTED PRIVATE KEY`
    /// (PBKDF2-SHA256, AES-256-CBC) as pycryptodome writes and reads it; public key PEM
    /// `PUBLIC KEY`), both created exclusively (never overwriting a file), the private
    /// one readable by its owner only. **OAEP** padding, as the SDK uses generated keys.
    pub fn generate_key_files(
        public_key_path: impl AsRef<Path>,
        private_key_path: impl AsRef<Path>,
        passphrase: Option<&str>,
    ) -> Result<Self, CryptoError> {
        let (pub_path, priv_path) = (public_key_path.as_ref(), private_key_path.as_ref());
        let private = PrivateKey::new(&mut rand::rngs::SysRng, GENERATED_KEY_BITS)
            .map_err(|e| CryptoError::Provider(format!("key generation failed: {e}")))?;
        let public = private.to_public_key();
        let private_pem: Zeroizing<String> = match passphrase {
            None => private.to_pkcs1_pem(LineEnding::LF).map_err(invalid)?,
            Some(p) => private
                .to_pkcs8_encrypted_pem(p, LineEnding::LF)
                .map_err(invalid)?,
        };
        let public_pem = public.to_public_key_pem(LineEnding::LF).map_err(invalid)?;
        let mut f = keyfile::create_private(priv_path)?;
        f.write_all(private_pem.as_bytes())
            .map_err(|e| CryptoError::io(priv_path, e))?;
        let mut f = keyfile::create_private(pub_path)?;
        f.write_all(public_pem.as_bytes())
            .map_err(|e| CryptoError::io(pub_path, e))?;
        Ok(Self {
            public,
            private: Some(private),
            padding: RsaPadding::OaepSha1,
        })
    }

    /// Overrides the padding (e.g. to read objects another SDK wrapped otherwise).
    pub fn with_padding(mut self, padding: RsaPadding) -> Self {
        self.padding = padding;
        self
    }

    /// The padding in use.
    pub fn padding(&self) -> RsaPadding {
        self.padding
    }

    fn encrypt(&self, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match self.padding {
            RsaPadding::Pkcs1v15 => self.public.pkcs1v15_encrypt(data),
            RsaPadding::OaepSha1 => self.public.oaep_encrypt::<Sha1>(data),
        }
        .map_err(|e| CryptoError::Provider(format!("RSA encryption failed: {e}")))
    }

    fn decrypt(&self, data: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let private = self
            .private
            .as_ref()
            .ok_or_else(|| CryptoError::Provider("no private key to unwrap with".into()))?;
        match self.padding {
            RsaPadding::Pkcs1v15 => private.pkcs1v15_decrypt(data),
            RsaPadding::OaepSha1 => private.oaep_decrypt::<Sha1>(data),
        }
        .map(Zeroizing::new)
        .map_err(|e| CryptoError::Unwrap(format!("RSA {:?}: {e}", self.padding)))
    }
}

fn invalid(e: impl fmt::Display) -> CryptoError {
    CryptoError::InvalidKey(e.to_string())
}

impl KeyProvider for RsaProvider {
    fn wrap<'a>(&'a self, key: &'a DataKey) -> BoxFuture<'a, Result<WrappedKey, CryptoError>> {
        Box::pin(async move {
            Ok(WrappedKey {
                key: self.encrypt(key.key())?,
                iv: self.encrypt(key.iv())?,
            })
        })
    }

    fn unwrap<'a>(
        &'a self,
        wrapped: &'a WrappedKey,
    ) -> BoxFuture<'a, Result<DataKey, CryptoError>> {
        Box::pin(async move {
            let key = self.decrypt(&wrapped.key)?;
            let iv = self.decrypt(&wrapped.iv)?;
            DataKey::from_slices(&key, &iv)
                .map_err(|e| CryptoError::Unwrap(format!("unwrapped {e}")))
        })
    }
}
