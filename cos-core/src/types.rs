//! Validated inputs: bucket names, regions, object keys, part numbers, traffic limits,
//! and small enums (ACL, storage class, metadata directive).

use std::fmt;
use std::str::FromStr;

/// A bucket name in the form `<name>-<appid>`, e.g. `examplebucket-1250000000`.
///
/// ```
/// use cos_core::BucketName;
/// assert!(BucketName::new("examplebucket-1250000000").is_ok());
/// assert!(BucketName::new("Example_Bucket").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BucketName(String);

impl BucketName {
    /// Validates `name`: lowercase letters, digits and `-`, not starting or ending with
    /// `-`, ending in `-<appid>` (digits), at most 60 characters in all.
    ///
    /// Errors: [`InvalidInput::BucketName`].
    pub fn new(name: impl Into<String>) -> Result<Self, InvalidInput> {
        let name = name.into();
        let ok_chars = name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let valid = ok_chars
            && name.len() <= 60
            && !name.starts_with('-')
            && match name.rsplit_once('-') {
                Some((base, appid)) => {
                    !base.is_empty()
                        && !base.ends_with('-')
                        && !appid.is_empty()
                        && appid.bytes().all(|b| b.is_ascii_digit())
                }
                None => false,
            };
        if valid {
            Ok(BucketName(name))
        } else {
            Err(InvalidInput::BucketName(name))
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The APPID suffix.
    pub fn appid(&self) -> &str {
        self.0.rsplit_once('-').map(|(_, a)| a).unwrap_or("")
    }
}

impl fmt::Display for BucketName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for BucketName {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BucketName::new(s)
    }
}

impl TryFrom<&str> for BucketName {
    type Error = InvalidInput;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        BucketName::new(s)
    }
}

/// The official SDK's legacy region aliases.
const REGION_ALIASES: &[(&str, &str)] = &[
    ("cossh", "ap-shanghai"),
    ("cosgz", "ap-guangzhou"),
    ("cosbj", "ap-beijing"),
    ("costj", "ap-beijing-1"),
    ("coscd", "ap-chengdu"),
    ("cossgp", "ap-singapore"),
    ("coshk", "ap-hongkong"),
    ("cosca", "na-toronto"),
    ("cosger", "eu-frankfurt"),
];

/// A COS region such as `ap-guangzhou`. The legacy aliases (`cossh`, `cosgz`, `cosbj`,
/// `costj`, `coscd`, `cossgp`, `coshk`, `cosca`, `cosger`) are mapped to their modern
/// names and a leading `cos.` is removed.
///
/// ```
/// use cos_core::Region;
/// assert_eq!(Region::new("cossh")?.as_str(), "ap-shanghai");
/// assert_eq!(Region::new("cos.ap-beijing")?.as_str(), "ap-beijing");
/// assert!(Region::new("AP Beijing").is_err());
/// # Ok::<(), cos_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region(String);

impl Region {
    /// Validates and normalises a region.
    ///
    /// Errors: [`InvalidInput::Region`] unless the name is lowercase letters, digits,
    /// `-` and `.`, starting and ending with a letter or digit.
    pub fn new(region: impl Into<String>) -> Result<Self, InvalidInput> {
        let raw = region.into();
        let r = raw.strip_prefix("cos.").unwrap_or(&raw);
        if let Some((_, modern)) = REGION_ALIASES.iter().find(|(a, _)| *a == r) {
            return Ok(Region((*modern).to_owned()));
        }
        let ok = !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && r.as_bytes()
                .first()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && r.as_bytes()
                .last()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Region(r.to_owned()))
        } else {
            Err(InvalidInput::Region(raw))
        }
    }

    /// The region as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Region {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::new(s)
    }
}

/// An object key: non-empty, at most 850 bytes of UTF-8. A leading `/` is kept as
/// given (the wire path never doubles it).
///
/// ```
/// use cos_core::ObjectKey;
/// assert!(ObjectKey::new("dir/a b.txt").is_ok());
/// assert!(ObjectKey::new("").is_err());
/// assert!(ObjectKey::new("x".repeat(851)).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectKey(String);

/// The longest object key COS accepts, in bytes.
pub const MAX_KEY_LEN: usize = 850;

impl ObjectKey {
    /// Validates a key.
    ///
    /// Errors: [`InvalidInput::ObjectKey`] when empty (or only `/`) or longer than 850 bytes.
    pub fn new(key: impl Into<String>) -> Result<Self, InvalidInput> {
        let key = key.into();
        if key.is_empty() || key == "/" {
            return Err(InvalidInput::ObjectKey("empty key".into()));
        }
        if key.len() > MAX_KEY_LEN {
            return Err(InvalidInput::ObjectKey(format!(
                "{} bytes, at most {MAX_KEY_LEN}",
                key.len()
            )));
        }
        Ok(ObjectKey(key))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ObjectKey {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ObjectKey::new(s)
    }
}

impl TryFrom<&str> for ObjectKey {
    type Error = InvalidInput;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        ObjectKey::new(s)
    }
}

/// A multipart part number, 1..=10000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartNumber(u32);

impl PartNumber {
    /// Validates a part number.
    ///
    /// Errors: [`InvalidInput::PartNumber`] outside 1..=10000.
    pub fn new(n: u32) -> Result<Self, InvalidInput> {
        if (1..=10_000).contains(&n) {
            Ok(PartNumber(n))
        } else {
            Err(InvalidInput::PartNumber(n))
        }
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// A bandwidth limit for one request (`x-cos-traffic-limit`), in bit/s:
/// 819200 (100 KB/s) ..= 838860800 (100 MB/s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrafficLimit(u64);

impl TrafficLimit {
    /// Validates a limit in bit/s.
    ///
    /// Errors: [`InvalidInput::TrafficLimit`] outside 819200..=838860800.
    pub fn new(bits_per_second: u64) -> Result<Self, InvalidInput> {
        if (819_200..=838_860_800).contains(&bits_per_second) {
            Ok(TrafficLimit(bits_per_second))
        } else {
            Err(InvalidInput::TrafficLimit(bits_per_second))
        }
    }

    /// The limit in bit/s.
    pub fn get(self) -> u64 {
        self.0
    }
}

/// A canned ACL (`x-cos-acl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Acl {
    /// `private`
    Private,
    /// `public-read`
    PublicRead,
    /// `public-read-write` (buckets only)
    PublicReadWrite,
    /// `default` (objects: inherit the bucket ACL)
    Default,
}

impl Acl {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Acl::Private => "private",
            Acl::PublicRead => "public-read",
            Acl::PublicReadWrite => "public-read-write",
            Acl::Default => "default",
        }
    }
}

/// Storage class (`x-cos-storage-class`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StorageClass {
    /// `STANDARD`
    Standard,
    /// `STANDARD_IA`
    StandardIa,
    /// `ARCHIVE`
    Archive,
    /// `DEEP_ARCHIVE`
    DeepArchive,
    /// `INTELLIGENT_TIERING`
    IntelligentTiering,
    /// `MAZ_STANDARD`
    MazStandard,
    /// `MAZ_STANDARD_IA`
    MazStandardIa,
    /// Any other class, sent as given.
    Other(String),
}

impl StorageClass {
    /// The header value.
    pub fn as_str(&self) -> &str {
        match self {
            StorageClass::Standard => "STANDARD",
            StorageClass::StandardIa => "STANDARD_IA",
            StorageClass::Archive => "ARCHIVE",
            StorageClass::DeepArchive => "DEEP_ARCHIVE",
            StorageClass::IntelligentTiering => "INTELLIGENT_TIERING",
            StorageClass::MazStandard => "MAZ_STANDARD",
            StorageClass::MazStandardIa => "MAZ_STANDARD_IA",
            StorageClass::Other(s) => s,
        }
    }
}

/// Whether a copy keeps the source metadata (`Copy`) or replaces it (`Replaced`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MetadataDirective {
    /// Keep the source object's metadata (the default).
    #[default]
    Copy,
    /// Use the metadata given with the copy request.
    Replaced,
}

impl MetadataDirective {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            MetadataDirective::Copy => "Copy",
            MetadataDirective::Replaced => "Replaced",
        }
    }
}

/// An argument rejected before any request is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidInput {
    /// A bucket name not of the form `name-appid` (lowercase letters, digits, `-`).
    #[error(
        "invalid bucket name {0:?}: expected <name>-<appid>, lowercase letters, digits and '-'"
    )]
    BucketName(String),
    /// A region with characters other than lowercase letters, digits, `-` and `.`.
    #[error("invalid region {0:?}")]
    Region(String),
    /// An object key that is empty or longer than 850 bytes.
    #[error("invalid object key ({0})")]
    ObjectKey(String),
    /// A part number outside 1..=10000.
    #[error("part number {0} is outside 1..=10000")]
    PartNumber(u32),
    /// A traffic limit outside 819200..=838860800 bit/s.
    #[error("traffic limit {0} is outside 819200..=838860800 bit/s")]
    TrafficLimit(u64),
    /// Some other argument is invalid.
    #[error("{0}")]
    Other(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names() {
        for ok in ["examplebucket-1250000000", "a-1", "a-b-c-123"] {
            assert!(BucketName::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "examplebucket",
            "Example-125",
            "-a-1",
            "a--1",
            "a-12x",
            "a_b-1",
            "a-",
        ] {
            assert!(BucketName::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions_and_aliases() {
        assert_eq!(Region::new("cosgz").unwrap().as_str(), "ap-guangzhou");
        assert_eq!(Region::new("cosger").unwrap().as_str(), "eu-frankfurt");
        assert_eq!(Region::new("costj").unwrap().as_str(), "ap-beijing-1");
        assert!(Region::new("ap guangzhou").is_err());
        assert!(Region::new("").is_err());
        assert!(Region::new("-x").is_err());
    }

    #[test]
    fn limits() {
        assert!(PartNumber::new(0).is_err());
        assert!(PartNumber::new(10_001).is_err());
        assert!(PartNumber::new(10_000).is_ok());
        assert!(TrafficLimit::new(819_199).is_err());
        assert!(TrafficLimit::new(838_860_801).is_err());
        assert!(TrafficLimit::new(819_200).is_ok());
        assert!(ObjectKey::new("x".repeat(850)).is_ok());
    }
}
