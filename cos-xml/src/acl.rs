//! Access control lists (`PUT/GET Bucket acl`, `PUT/GET Object acl`).

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::common::Owner;

/// The XML Schema instance namespace written on every `<Grantee>`.
pub const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// URI of the "all users" (anonymous) group.
pub const ALL_USERS_URI: &str = "http://cam.qcloud.com/groups/global/AllUsers";

/// `<AccessControlPolicy>`: response of GET acl, optional body of PUT acl.
///
/// ```xml
/// <AccessControlPolicy>
///   <Owner><ID>qcs::cam::uin/100000000001:uin/100000000001</ID><DisplayName>qcs::cam::uin/100000000001:uin/100000000001</DisplayName></Owner>
///   <AccessControlList>
///     <Grant>
///       <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">
///         <ID>qcs::cam::uin/100000000001:uin/100000000001</ID>
///         <DisplayName>qcs::cam::uin/100000000001:uin/100000000001</DisplayName>
///       </Grantee>
///       <Permission>FULL_CONTROL</Permission>
///     </Grant>
///   </AccessControlList>
/// </AccessControlPolicy>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "AccessControlPolicy")]
#[non_exhaustive]
pub struct AccessControlPolicy {
    /// Owner of the bucket or object.
    #[serde(rename = "Owner", default)]
    pub owner: Owner,
    /// The grants.
    #[serde(rename = "AccessControlList", default)]
    pub access_control_list: AccessControlList,
}

impl AccessControlPolicy {
    /// A policy of `owner` giving `grants`.
    pub fn new(owner: Owner, grants: Vec<Grant>) -> Self {
        AccessControlPolicy {
            owner,
            access_control_list: AccessControlList { grants },
        }
    }
}

/// `<AccessControlList>`: list of grants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccessControlList {
    /// `<Grant>` entries in document order.
    #[serde(rename = "Grant", default)]
    pub grants: Vec<Grant>,
}

/// `<Grant>`: one permission given to one grantee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Who receives the permission.
    #[serde(rename = "Grantee")]
    pub grantee: Grantee,
    /// The permission.
    #[serde(rename = "Permission")]
    pub permission: Permission,
}

impl Grant {
    /// Gives `permission` to `grantee`.
    pub fn new(grantee: Grantee, permission: Permission) -> Self {
        Grant {
            grantee,
            permission,
        }
    }
}

/// `<Grantee xmlns:xsi="…" xsi:type="CanonicalUser|Group">`.
///
/// Serialization always writes the `xmlns:xsi` declaration; parsing ignores it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Grantee {
    /// `xsi:type` attribute.
    /// (The official Python SDK sends it as a `<Type>` element instead; both parse.)
    #[serde(rename = "@type", alias = "@xsi:type", alias = "Type")]
    pub grantee_type: GranteeType,
    /// Account ID (for `CanonicalUser`).
    #[serde(rename = "ID", default)]
    pub id: Option<String>,
    /// Display name (for `CanonicalUser`).
    #[serde(rename = "DisplayName", default)]
    pub display_name: Option<String>,
    /// Group URI (for `Group`), e.g. [`ALL_USERS_URI`].
    #[serde(rename = "URI", default)]
    pub uri: Option<String>,
}

impl Grantee {
    /// A `CanonicalUser` grantee whose display name equals its ID.
    pub fn canonical_user(id: impl Into<String>) -> Self {
        let id = id.into();
        Grantee {
            grantee_type: GranteeType::CanonicalUser,
            display_name: Some(id.clone()),
            id: Some(id),
            uri: None,
        }
    }

    /// A `Group` grantee identified by URI.
    pub fn group(uri: impl Into<String>) -> Self {
        Grantee {
            grantee_type: GranteeType::Group,
            id: None,
            display_name: None,
            uri: Some(uri.into()),
        }
    }
}

impl Serialize for Grantee {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut st = serializer.serialize_struct("Grantee", 5)?;
        st.serialize_field("@xmlns:xsi", XSI_NAMESPACE)?;
        st.serialize_field("@xsi:type", &self.grantee_type)?;
        if let Some(id) = &self.id {
            st.serialize_field("ID", id)?;
        }
        if let Some(name) = &self.display_name {
            st.serialize_field("DisplayName", name)?;
        }
        if let Some(uri) = &self.uri {
            st.serialize_field("URI", uri)?;
        }
        st.end()
    }
}

/// Kind of grantee (`xsi:type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum GranteeType {
    /// A CAM account, identified by `ID`.
    CanonicalUser,
    /// A predefined group, identified by `URI`.
    Group,
}

/// A permission in a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Permission {
    /// Read and write data and ACL.
    #[serde(rename = "FULL_CONTROL")]
    FullControl,
    /// Write data.
    #[serde(rename = "WRITE")]
    Write,
    /// Read data.
    #[serde(rename = "READ")]
    Read,
    /// Read the ACL.
    #[serde(rename = "READ_ACP")]
    ReadAcp,
    /// Write the ACL.
    #[serde(rename = "WRITE_ACP")]
    WriteAcp,
}
