//! Response control (`PUT/GET/DELETE Bucket response-control`): which `response-*`
//! query parameters of GET Object the bucket controls.

use serde::{Deserialize, Serialize};

/// `<ResponseControlConfiguration>`: body of PUT Bucket response-control, response
/// of GET.
///
/// ```xml
/// <ResponseControlConfiguration>
///   <ControlParamList><Param>response-content-type</Param></ControlParamList>
/// </ResponseControlConfiguration>
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "ResponseControlConfiguration")]
#[non_exhaustive]
pub struct ResponseControlConfiguration {
    /// The controlled parameters.
    #[serde(rename = "ControlParamList", default)]
    pub control_param_list: ControlParamList,
}

impl ResponseControlConfiguration {
    /// A configuration controlling `params` (`response-content-type`, ...).
    pub fn new(params: impl IntoIterator<Item = impl Into<String>>) -> Self {
        ResponseControlConfiguration {
            control_param_list: ControlParamList {
                params: params.into_iter().map(Into::into).collect(),
            },
        }
    }
}

/// `<ControlParamList>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlParamList {
    /// `response-content-type`, `response-content-disposition`,
    /// `response-cache-control`, `response-content-encoding`,
    /// `response-content-language`, `response-expires`.
    #[serde(rename = "Param", default)]
    pub params: Vec<String>,
}
