//! Bucket and object tagging (`PUT/GET Bucket tagging`, `PUT/GET Object tagging`).

use serde::{Deserialize, Serialize};

use crate::common::Tag;

/// `<Tagging>`: request body of PUT tagging and response of GET tagging.
///
/// ```xml
/// <Tagging><TagSet><Tag><Key>env</Key><Value>prod</Value></Tag></TagSet></Tagging>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Tagging")]
#[non_exhaustive]
pub struct Tagging {
    /// The tag set.
    #[serde(rename = "TagSet", default)]
    pub tag_set: TagSet,
}

impl Tagging {
    /// Builds a tagging document from tags.
    pub fn new(tags: impl IntoIterator<Item = Tag>) -> Self {
        Tagging {
            tag_set: TagSet {
                tags: tags.into_iter().collect(),
            },
        }
    }
}

/// `<TagSet>`: the list of tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TagSet {
    /// `<Tag>` entries, in document order.
    #[serde(rename = "Tag", default)]
    pub tags: Vec<Tag>,
}

impl TagSet {
    /// A tag set holding `tags`.
    pub fn new(tags: impl IntoIterator<Item = Tag>) -> Self {
        TagSet {
            tags: tags.into_iter().collect(),
        }
    }
}
