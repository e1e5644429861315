//! Small building blocks shared by several documents.

use serde::{Deserialize, Serialize};

/// An account reference: `<Owner>` or `<Initiator>` (`ID` + `DisplayName`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Owner {
    /// Account ID, e.g. `1250000000` or `qcs::cam::uin/100000000001:uin/100000000001`.
    #[serde(rename = "ID", default)]
    pub id: String,
    /// Display name of the account.
    #[serde(
        rename = "DisplayName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub display_name: Option<String>,
}

impl Owner {
    /// An owner whose display name equals its ID, as COS usually reports.
    pub fn new(id: impl Into<String>) -> Self {
        let id = id.into();
        Owner {
            display_name: Some(id.clone()),
            id,
        }
    }
}

/// A `<CommonPrefixes>` entry of a listing: keys grouped by `Delimiter`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CommonPrefix {
    /// The common prefix, including the delimiter (URL-encoded when `EncodingType` is `url`).
    #[serde(rename = "Prefix", default)]
    pub prefix: String,
}

impl CommonPrefix {
    /// Builds a common prefix entry.
    pub fn new(prefix: impl Into<String>) -> Self {
        CommonPrefix {
            prefix: prefix.into(),
        }
    }
}

/// A key/value tag (`<Tag><Key/><Value/></Tag>`), used by tagging and lifecycle filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tag {
    /// Tag key.
    #[serde(rename = "Key", default)]
    pub key: String,
    /// Tag value.
    #[serde(rename = "Value", default)]
    pub value: String,
}

impl Tag {
    /// Builds a tag.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}
