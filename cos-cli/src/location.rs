//! `cos://bucket-appid/key` addresses and local paths.

use std::path::PathBuf;

use cos_core::{BucketName, ObjectKey};

use crate::error::CliError;

/// A `cos://` address: a bucket and a key or prefix (possibly empty).
#[derive(Debug, Clone)]
pub struct CosPath {
    /// The bucket (`name-appid`).
    pub bucket: BucketName,
    /// The key or prefix after the bucket (without the leading `/`).
    pub key: String,
}

impl CosPath {
    /// Parses `cos://bucket-appid[/key]`.
    pub fn parse(s: &str) -> Result<Self, CliError> {
        let rest = s.strip_prefix("cos://").ok_or_else(|| {
            CliError::Usage(format!("{s:?} is not a cos://bucket-appid/key address"))
        })?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket = BucketName::new(bucket)
            .map_err(|e| CliError::Usage(format!("{s:?}: bad bucket name: {e}")))?;
        Ok(Self {
            bucket,
            key: key.to_owned(),
        })
    }

    /// The key as an [`ObjectKey`]; an empty key is a usage error.
    pub fn object_key(&self) -> Result<ObjectKey, CliError> {
        if self.key.is_empty() {
            return Err(CliError::Usage(format!(
                "{self} names a bucket, not an object"
            )));
        }
        ObjectKey::new(self.key.clone())
            .map_err(|e| CliError::Usage(format!("{self}: bad object key: {e}")))
    }

    /// Whether the address names a folder (empty or ending in `/`).
    pub fn is_folder(&self) -> bool {
        self.key.is_empty() || self.key.ends_with('/')
    }

    /// The last path segment of the key.
    pub fn file_name(&self) -> &str {
        self.key
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
    }
}

impl std::fmt::Display for CosPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cos://{}/{}", self.bucket, self.key)
    }
}

/// A command argument: a `cos://` address or a local path.
#[derive(Debug, Clone)]
pub enum Location {
    /// An object, prefix or bucket.
    Cos(CosPath),
    /// A local file or folder.
    Local(PathBuf),
}

impl Location {
    /// `cos://…` is remote, anything else local.
    pub fn parse(s: &str) -> Result<Self, CliError> {
        if s.starts_with("cos://") {
            CosPath::parse(s).map(Location::Cos)
        } else if s.contains("://") {
            Err(CliError::Usage(format!(
                "{s:?}: only cos:// addresses and local paths are supported"
            )))
        } else {
            Ok(Location::Local(PathBuf::from(s)))
        }
    }
}
