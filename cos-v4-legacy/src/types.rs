//! Typed `data` of the answers, and the enumerations of the API.
//!
//! The field names are those the official SDK and the v4 documentation read; the
//! captures this crate was checked against were answered by a recording server, so the
//! answer shapes are **inferred** (see the crate docs for the list). Every field is
//! optional on the wire: absent fields read as empty or zero.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// File permissions (`authority`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Authority {
    /// `eInvalid`: inherit the bucket's permissions.
    Invalid,
    /// `eWRPrivate`: private read and write.
    WRPrivate,
    /// `eWPrivateRPublic`: private write, public read.
    WPrivateRPublic,
}

impl Authority {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Authority::Invalid => "eInvalid",
            Authority::WRPrivate => "eWRPrivate",
            Authority::WPrivateRPublic => "eWPrivateRPublic",
        }
    }

    /// Parses a wire value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "eInvalid" => Some(Authority::Invalid),
            "eWRPrivate" => Some(Authority::WRPrivate),
            "eWPrivateRPublic" => Some(Authority::WPrivateRPublic),
            _ => None,
        }
    }
}

/// Reads a number given as a JSON number or a numeric string (absent or `null` → 0).
fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(serde_json::Value::String(s)) => s.trim().parse().unwrap_or(0),
        Some(serde_json::Value::Bool(b)) => u64::from(b),
        _ => 0,
    })
}

/// Reads an optional number given as a JSON number or a numeric string.
fn lenient_opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Reads a string, taking `null` as empty.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    })
}

/// Reads a boolean given as `true`/`false`, `0`/`1` or a string of those.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Bool(b)) => b,
        Some(serde_json::Value::Number(n)) => n.as_u64().is_some_and(|n| n != 0),
        Some(serde_json::Value::String(s)) => s == "1" || s.eq_ignore_ascii_case("true"),
        _ => false,
    })
}

/// The answer to a finished upload (single, slice finish, or an instant upload).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UploadResult {
    /// The file's access URL (CDN domain).
    #[serde(default, deserialize_with = "lenient_string")]
    pub access_url: String,
    /// The API URL of the file.
    #[serde(default, deserialize_with = "lenient_string")]
    pub url: String,
    /// `/{appid}/{bucket}{path}`.
    #[serde(default, deserialize_with = "lenient_string")]
    pub resource_path: String,
    /// The file's origin URL.
    #[serde(default, deserialize_with = "lenient_string")]
    pub source_url: String,
    /// A version id.
    #[serde(default, deserialize_with = "lenient_string")]
    pub vid: String,
}

/// Attributes of a file (`stat_file`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct FileStat {
    /// The file name.
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    /// The file's note.
    #[serde(default, deserialize_with = "lenient_string")]
    pub biz_attr: String,
    /// Size in bytes.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub filesize: u64,
    /// Bytes uploaded so far (equal to `filesize` for complete files).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub filelen: u64,
    /// Hex SHA-1 of the content.
    #[serde(default, deserialize_with = "lenient_string")]
    pub sha: String,
    /// Creation time, Unix seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub ctime: u64,
    /// Modification time, Unix seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub mtime: u64,
    /// Access URL.
    #[serde(default, deserialize_with = "lenient_string")]
    pub access_url: String,
    /// Origin URL.
    #[serde(default, deserialize_with = "lenient_string")]
    pub source_url: String,
    /// Permissions (`eInvalid`, `eWRPrivate`, `eWPrivateRPublic`).
    #[serde(default, deserialize_with = "lenient_string")]
    pub authority: String,
    /// HTTP headers set with `update_file`.
    #[serde(default)]
    pub custom_headers: BTreeMap<String, String>,
}

impl FileStat {
    /// The permissions, when they are one of the known values.
    pub fn authority(&self) -> Option<Authority> {
        Authority::parse(&self.authority)
    }
}

/// Attributes of a folder (`stat_folder`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct FolderStat {
    /// The folder name.
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    /// The folder's note.
    #[serde(default, deserialize_with = "lenient_string")]
    pub biz_attr: String,
    /// Creation time, Unix seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub ctime: u64,
    /// Modification time, Unix seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub mtime: u64,
}

/// A member of a folder listing: a file (with `filesize`) or a folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ListEntry {
    /// The name inside the folder (folders without a trailing `/`).
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    /// The note.
    #[serde(default, deserialize_with = "lenient_string")]
    pub biz_attr: String,
    /// Size in bytes; `None` for folders.
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    pub filesize: Option<u64>,
    /// Bytes uploaded so far (files).
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    pub filelen: Option<u64>,
    /// Hex SHA-1 (files).
    #[serde(default, deserialize_with = "lenient_string")]
    pub sha: String,
    /// Creation time, Unix seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub ctime: u64,
    /// Modification time, Unix seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub mtime: u64,
    /// Access URL (files).
    #[serde(default, deserialize_with = "lenient_string")]
    pub access_url: String,
    /// Origin URL (files).
    #[serde(default, deserialize_with = "lenient_string")]
    pub source_url: String,
    /// Permissions (files).
    #[serde(default, deserialize_with = "lenient_string")]
    pub authority: String,
}

impl ListEntry {
    /// True for a folder (no `filesize`).
    pub fn is_folder(&self) -> bool {
        self.filesize.is_none()
    }
}

/// One page of a folder listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ListPage {
    /// The members of this page.
    #[serde(default)]
    pub infos: Vec<ListEntry>,
    /// Pass this as `context` to get the next page.
    #[serde(default, deserialize_with = "lenient_string")]
    pub context: String,
    /// True on the last page.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub listover: bool,
}

/// The answer to `upload_slice_init`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SliceInit {
    /// The upload session, to pass to every later step.
    #[serde(default, deserialize_with = "lenient_string")]
    pub session: String,
    /// The slice size the server wants (0 when it did not say).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub slice_size: u64,
    /// True when slices must be sent one at a time.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub serial_upload: bool,
    /// Set when the file was already known (instant upload): the upload is done.
    #[serde(default, deserialize_with = "lenient_string")]
    pub access_url: String,
    /// The API URL (instant upload).
    #[serde(default, deserialize_with = "lenient_string")]
    pub url: String,
    /// `/{appid}/{bucket}{path}` (instant upload).
    #[serde(default, deserialize_with = "lenient_string")]
    pub resource_path: String,
    /// Origin URL (instant upload).
    #[serde(default, deserialize_with = "lenient_string")]
    pub source_url: String,
    /// Version id (instant upload).
    #[serde(default, deserialize_with = "lenient_string")]
    pub vid: String,
}

impl SliceInit {
    /// The finished upload, when the server answered with an instant upload.
    pub fn instant(&self) -> Option<UploadResult> {
        (!self.access_url.is_empty()).then(|| UploadResult {
            access_url: self.access_url.clone(),
            url: self.url.clone(),
            resource_path: self.resource_path.clone(),
            source_url: self.source_url.clone(),
            vid: self.vid.clone(),
        })
    }
}

/// The answer to `upload_slice_data`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SliceData {
    /// The session.
    #[serde(default, deserialize_with = "lenient_string")]
    pub session: String,
    /// The offset of the slice received.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub offset: u64,
    /// Set when the server considers the upload complete.
    #[serde(default, deserialize_with = "lenient_string")]
    pub access_url: String,
}

/// A slice the server holds (`upload_slice_list`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ListedPart {
    /// Offset in the file.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub offset: u64,
    /// Length.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub datalen: u64,
}

/// The answer to `upload_slice_list`: the unfinished upload of a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SliceList {
    /// The session to continue.
    #[serde(default, deserialize_with = "lenient_string")]
    pub session: String,
    /// The slice size of the session.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub slice_size: u64,
    /// The file size declared at init.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub filesize: u64,
    /// True when slices must be sent one at a time.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub serial_upload: bool,
    /// The slices already received.
    #[serde(default)]
    pub listparts: Vec<ListedPart>,
}
