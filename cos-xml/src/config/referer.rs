//! Hotlink protection (`PUT/GET Bucket referer`).

use serde::{Deserialize, Serialize};

/// `<RefererConfiguration>`: body of PUT Bucket referer, response of GET.
///
/// ```xml
/// <RefererConfiguration>
///   <Status>Enabled</Status>
///   <RefererType>White-List</RefererType>
///   <DomainList><Domain>*.qq.com</Domain></DomainList>
///   <EmptyReferConfiguration>Allow</EmptyReferConfiguration>
/// </RefererConfiguration>
/// ```
///
/// (COS API 436/32492: `Status` `Enabled|Disabled`, `RefererType`
/// `Black-List|White-List`, domains prefix-matched with `*` wildcards,
/// `EmptyReferConfiguration` `Allow|Deny`, default `Deny`.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "RefererConfiguration")]
#[non_exhaustive]
pub struct RefererConfiguration {
    /// `Enabled` or `Disabled`.
    #[serde(rename = "Status")]
    pub status: String,
    /// `White-List` or `Black-List`.
    #[serde(rename = "RefererType")]
    pub referer_type: String,
    /// The domains of the list.
    #[serde(rename = "DomainList", default)]
    pub domain_list: DomainList,
    /// `Allow` or `Deny` (the default) requests without a `Referer`.
    #[serde(
        rename = "EmptyReferConfiguration",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub empty_refer_configuration: Option<String>,
}

impl RefererConfiguration {
    /// An enabled list of `referer_type` (`White-List` or `Black-List`) over `domains`.
    pub fn new(
        referer_type: impl Into<String>,
        domains: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        RefererConfiguration {
            status: "Enabled".into(),
            referer_type: referer_type.into(),
            domain_list: DomainList {
                domains: domains.into_iter().map(Into::into).collect(),
            },
            empty_refer_configuration: None,
        }
    }
}

/// `<DomainList>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainList {
    /// Domains (`www.qq.com`, `192.168.1.2:8080`, `*.qq.com`).
    #[serde(rename = "Domain", default)]
    pub domains: Vec<String>,
}
