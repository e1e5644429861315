//! The document of a POST Object (form upload) answered with
//! `success_action_status=201`.

use serde::{Deserialize, Serialize};

/// `<PostResponse>`: where a form upload stored its object (COS API "POST Object",
/// <https://cloud.tencent.com/document/product/436/14690>: with
/// `success_action_status` 201 the answer carries this document).
///
/// ```
/// let doc = cos_xml::PostResponse {
///     location: "http://b-1.cos.ap-guangzhou.myqcloud.com/a.txt".into(),
///     bucket: "b-1".into(),
///     key: "a.txt".into(),
///     etag: "\"0cc175b9c0f1b6a831c399e269772661\"".into(),
/// };
/// let xml = cos_xml::to_string(&doc)?;
/// assert_eq!(cos_xml::from_str::<cos_xml::PostResponse>(&xml)?, doc);
/// # Ok::<(), cos_xml::XmlError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "PostResponse")]
pub struct PostResponse {
    /// The object's URL.
    #[serde(rename = "Location", default)]
    pub location: String,
    /// The bucket.
    #[serde(rename = "Bucket", default)]
    pub bucket: String,
    /// The object key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// The object's ETag (quoted).
    #[serde(rename = "ETag", default)]
    pub etag: String,
}
