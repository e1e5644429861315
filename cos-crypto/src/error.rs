//! Typed errors of client-side encryption, with their causes kept.

use std::path::PathBuf;

/// Everything that can go wrong in `cos-crypto`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The object carries no envelope (`x-cos-meta-client-side-encryption-key` / `-iv`):
    /// it was not written by an encryption client.
    #[error("{what} is not client-side encrypted (no envelope metadata)")]
    MissingEnvelope {
        /// The object.
        what: String,
    },
    /// An envelope header is not valid base64, or decodes to the wrong size.
    #[error("invalid envelope header {header}: {reason}")]
    InvalidEnvelope {
        /// The header name.
        header: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A key (master or data key) of the wrong length.
    #[error("{what} must be {expected} bytes, got {got}")]
    KeyLength {
        /// Which key.
        what: &'static str,
        /// The required length.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// A key given as text that is not valid base64.
    #[error("{what} is not valid base64")]
    KeyEncoding {
        /// Which key.
        what: &'static str,
    },
    /// A key file that cannot be read or does not parse.
    #[error("key file {}: {reason}", path.display())]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Why it could not be used (never the key itself).
        reason: String,
    },
    /// A PEM or DER key that does not parse.
    #[error("invalid RSA key: {0}")]
    InvalidKey(String),
    /// The provider cannot do this: e.g. decrypting with a public key only.
    #[error("key provider: {0}")]
    Provider(String),
    /// The envelope could not be unwrapped with this master key (wrong key, or the
    /// envelope was damaged).
    #[error("the data key could not be unwrapped: wrong master key or damaged envelope ({0})")]
    Unwrap(String),
    /// The decrypted data does not match the plaintext length or CRC-64 stored with the
    /// object: most likely a wrong master key.
    #[error(
        "{what}: decrypted data does not match the stored plaintext {check} (expected {expected}, got {got}); wrong master key?"
    )]
    Integrity {
        /// The object.
        what: String,
        /// `length` or `crc64`.
        check: &'static str,
        /// Stored value.
        expected: u64,
        /// Computed value.
        got: u64,
    },
    /// A multipart part size that is not a multiple of 16 bytes (the AES block), or a
    /// part body that does not fit the upload's part size.
    #[error(
        "part size {0}: must be a non-zero multiple of 16 bytes (the last part may be shorter)"
    )]
    PartSize(u64),
    /// A byte range that is empty or reversed.
    #[error("invalid range {start}..={end:?}")]
    InvalidRange {
        /// First byte.
        start: u64,
        /// Last byte (inclusive), when given.
        end: Option<u64>,
    },
    /// An option that cannot be used with encryption.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// A request failed.
    #[error(transparent)]
    Core(#[from] cos_core::Error),
    /// A transfer (upload_file / download_file / copy) failed.
    #[error(transparent)]
    Transfer(#[from] cos_transfer::TransferError),
    /// A local file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl CryptoError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// `Result` with [`CryptoError`].
pub type Result<T, E = CryptoError> = std::result::Result<T, E>;
