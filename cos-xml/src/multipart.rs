//! Multipart upload documents.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::codec::XmlError;

use crate::common::{CommonPrefix, Owner};

/// `<InitiateMultipartUploadResult>`: response of Initiate Multipart Upload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "InitiateMultipartUploadResult")]
#[non_exhaustive]
pub struct InitiateMultipartUploadResult {
    /// Bucket name.
    #[serde(rename = "Bucket", default)]
    pub bucket: String,
    /// Object key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// ID of the new upload.
    #[serde(rename = "UploadId", default)]
    pub upload_id: String,
}

impl InitiateMultipartUploadResult {
    /// The answer naming the new upload `upload_id` of `key` in `bucket`.
    pub fn new(
        bucket: impl Into<String>,
        key: impl Into<String>,
        upload_id: impl Into<String>,
    ) -> Self {
        InitiateMultipartUploadResult {
            bucket: bucket.into(),
            key: key.into(),
            upload_id: upload_id.into(),
        }
    }
}

/// `<ListMultipartUploadsResult>`: response of List Multipart Uploads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ListMultipartUploadsResult")]
#[non_exhaustive]
pub struct ListMultipartUploadsResult {
    /// Bucket name.
    #[serde(rename = "Bucket", default)]
    pub bucket: String,
    /// `url` when keys and markers are percent-encoded.
    #[serde(
        rename = "EncodingType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub encoding_type: Option<String>,
    /// Key marker of the request.
    #[serde(rename = "KeyMarker", default, skip_serializing_if = "Option::is_none")]
    pub key_marker: Option<String>,
    /// Upload ID marker of the request.
    #[serde(
        rename = "UploadIdMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub upload_id_marker: Option<String>,
    /// Key marker for the next page.
    #[serde(
        rename = "NextKeyMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_key_marker: Option<String>,
    /// Upload ID marker for the next page.
    #[serde(
        rename = "NextUploadIdMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_upload_id_marker: Option<String>,
    /// Page size of the request.
    #[serde(rename = "MaxUploads", default)]
    pub max_uploads: u32,
    /// Whether more results follow.
    #[serde(rename = "IsTruncated", default)]
    pub is_truncated: bool,
    /// Prefix of the request.
    #[serde(rename = "Prefix", default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Delimiter of the request.
    #[serde(rename = "Delimiter", default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// The uploads in progress, in document order.
    #[serde(rename = "Upload", default)]
    pub uploads: Vec<Upload>,
    /// Key groups folded by the delimiter.
    #[serde(rename = "CommonPrefixes", default)]
    pub common_prefixes: Vec<CommonPrefix>,
}

/// `<Upload>`: one multipart upload in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Upload {
    /// Object key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Upload ID.
    #[serde(rename = "UploadId", default)]
    pub upload_id: String,
    /// Storage class of the future object.
    #[serde(rename = "StorageClass", default)]
    pub storage_class: String,
    /// Who started the upload.
    #[serde(rename = "Initiator", default, skip_serializing_if = "Option::is_none")]
    pub initiator: Option<Owner>,
    /// Owner of the future object.
    #[serde(rename = "Owner", default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    /// Start time, as COS sends it.
    #[serde(rename = "Initiated", default)]
    pub initiated: String,
}

impl Upload {
    /// [`initiated`](Self::initiated) parsed (start time of the upload).
    ///
    /// # Errors
    ///
    /// [`XmlError::InvalidValue`] when the text is not a timestamp COS writes
    /// (see [`crate::time::parse_time`]).
    pub fn initiated_time(&self) -> Result<SystemTime, XmlError> {
        crate::time::parse_element(&self.initiated, "Initiated")
    }
}

/// `<ListPartsResult>`: response of List Parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ListPartsResult")]
#[non_exhaustive]
pub struct ListPartsResult {
    /// Bucket name.
    #[serde(rename = "Bucket", default)]
    pub bucket: String,
    /// `url` when the key is percent-encoded.
    #[serde(
        rename = "EncodingType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub encoding_type: Option<String>,
    /// Object key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Upload ID.
    #[serde(rename = "UploadId", default)]
    pub upload_id: String,
    /// Who started the upload.
    #[serde(rename = "Initiator", default, skip_serializing_if = "Option::is_none")]
    pub initiator: Option<Owner>,
    /// Owner of the future object.
    #[serde(rename = "Owner", default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    /// Part number marker of the request.
    #[serde(rename = "PartNumberMarker", default)]
    pub part_number_marker: u32,
    /// The uploaded parts, in document order.
    #[serde(rename = "Part", default)]
    pub parts: Vec<Part>,
    /// Part number marker for the next page.
    #[serde(
        rename = "NextPartNumberMarker",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_part_number_marker: Option<u32>,
    /// Storage class of the future object.
    #[serde(rename = "StorageClass", default)]
    pub storage_class: String,
    /// Page size of the request.
    #[serde(rename = "MaxParts", default)]
    pub max_parts: u32,
    /// Whether more results follow.
    #[serde(rename = "IsTruncated", default)]
    pub is_truncated: bool,
}

/// `<Part>` of a [`ListPartsResult`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Part {
    /// Part number (1..=10000).
    #[serde(rename = "PartNumber", default)]
    pub part_number: u32,
    /// Upload time, as COS sends it.
    #[serde(rename = "LastModified", default)]
    pub last_modified: String,
    /// Entity tag of the part, including its double quotes.
    #[serde(rename = "ETag", default)]
    pub etag: String,
    /// Size in bytes.
    #[serde(rename = "Size", default)]
    pub size: u64,
}

impl Part {
    /// [`last_modified`](Self::last_modified) parsed (upload time of the part).
    ///
    /// # Errors
    ///
    /// [`XmlError::InvalidValue`] when the text is not a timestamp COS writes
    /// (see [`crate::time::parse_time`]).
    pub fn last_modified_time(&self) -> Result<SystemTime, XmlError> {
        crate::time::parse_element(&self.last_modified, "LastModified")
    }
}

/// `<CompleteMultipartUpload>`: body of Complete Multipart Upload.
///
/// ```xml
/// <CompleteMultipartUpload>
///   <Part><PartNumber>1</PartNumber><ETag>"8b8378787c0925f42ccb829f6cc2fb97"</ETag></Part>
/// </CompleteMultipartUpload>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "CompleteMultipartUpload")]
pub struct CompleteMultipartUpload {
    /// Parts to assemble, in ascending part number order.
    #[serde(rename = "Part", default)]
    pub parts: Vec<CompletedPart>,
}

/// `<Part>` of a [`CompleteMultipartUpload`] request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletedPart {
    /// Part number.
    #[serde(rename = "PartNumber")]
    pub part_number: u32,
    /// Entity tag returned by Upload Part.
    #[serde(rename = "ETag")]
    pub etag: String,
}

impl CompletedPart {
    /// Builds a completed part entry.
    pub fn new(part_number: u32, etag: impl Into<String>) -> Self {
        CompletedPart {
            part_number,
            etag: etag.into(),
        }
    }
}

/// `<CompleteMultipartUploadResult>`: response of Complete Multipart Upload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "CompleteMultipartUploadResult")]
#[non_exhaustive]
pub struct CompleteMultipartUploadResult {
    /// URL of the object, e.g. `examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/exampleobject`.
    #[serde(rename = "Location", default)]
    pub location: String,
    /// Bucket name.
    #[serde(rename = "Bucket", default)]
    pub bucket: String,
    /// Object key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Entity tag of the assembled object (e.g. `"3f866d0050f044750423e0a4104fa8cf-2"`).
    #[serde(rename = "ETag", default)]
    pub etag: String,
    /// CRC-64/ECMA of the object, when COS reports it.
    #[serde(rename = "CRC64", default, skip_serializing_if = "Option::is_none")]
    pub crc64: Option<String>,
}

/// `<CopyPartResult>`: response of Upload Part - Copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "CopyPartResult")]
#[non_exhaustive]
pub struct CopyPartResult {
    /// Entity tag of the new part.
    #[serde(rename = "ETag", default)]
    pub etag: String,
    /// Modification time, as COS sends it.
    #[serde(rename = "LastModified", default)]
    pub last_modified: String,
    /// CRC-64/ECMA of the part, when COS reports it.
    #[serde(rename = "CRC64", default, skip_serializing_if = "Option::is_none")]
    pub crc64: Option<String>,
}

impl CopyPartResult {
    /// A part copy result with the new part's entity tag and modification time
    /// (as written on the wire).
    pub fn new(etag: impl Into<String>, last_modified: impl Into<String>) -> Self {
        CopyPartResult {
            etag: etag.into(),
            last_modified: last_modified.into(),
            ..Default::default()
        }
    }
}

impl CopyPartResult {
    /// [`last_modified`](Self::last_modified) parsed (modification time of the new part).
    ///
    /// # Errors
    ///
    /// [`XmlError::InvalidValue`] when the text is not a timestamp COS writes
    /// (see [`crate::time::parse_time`]).
    pub fn last_modified_time(&self) -> Result<SystemTime, XmlError> {
        crate::time::parse_element(&self.last_modified, "LastModified")
    }
}
