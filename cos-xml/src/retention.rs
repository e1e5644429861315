//! Object retention (`?retention`): the document of PUT and GET Object retention.

use serde::{Deserialize, Serialize};

/// `<Retention>`: until when an object can be neither deleted nor overwritten, as the
/// official Go SDK sends and reads it (`tencentyun/cos-go-sdk-v5`
/// `bucket_object_lock.go`, `ObjectPutRetentionOptions`, `ObjectGetRetentionResult`;
/// `bucket_object_lock_test.go`).
///
/// ```
/// let doc = cos_xml::Retention {
///     retain_until_date: Some("2030-01-01T00:00:00.000Z".into()),
///     mode: Some("COMPLIANCE".into()),
/// };
/// let xml = cos_xml::to_string(&doc)?;
/// assert_eq!(
///     xml,
///     "<Retention><RetainUntilDate>2030-01-01T00:00:00.000Z</RetainUntilDate><Mode>COMPLIANCE</Mode></Retention>"
/// );
/// assert_eq!(cos_xml::from_str::<cos_xml::Retention>(&xml)?, doc);
/// # Ok::<(), cos_xml::XmlError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Retention")]
pub struct Retention {
    /// ISO 8601 time until which the object is retained.
    #[serde(
        rename = "RetainUntilDate",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub retain_until_date: Option<String>,
    /// The retention mode (`COMPLIANCE`).
    #[serde(rename = "Mode", default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}
