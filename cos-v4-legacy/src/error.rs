//! The error type: the v4 SDK's error classes (`-1`, `-2`, `-3`, `-71`) and any other
//! code the service answers with.

/// `-1`: an input parameter is wrong (checked before any request).
pub const CODE_PARAMS: i64 = -1;
/// `-2`: the network answered badly (a status of 500 or more, an unreadable answer).
pub const CODE_NETWORK: i64 = -2;
/// `-3`: COS could not be reached (connection failure, timeout).
pub const CODE_SERVER: i64 = -3;
/// `-71`: too many attempts; COS's attack protection answered.
pub const CODE_TOO_FREQUENT: i64 = -71;
/// `-4019` (inferred): a slice upload of this file is unfinished; resume it with
/// `upload_slice_list`.
pub const CODE_SLICE_UNFINISHED: i64 = -4019;

/// What went wrong. [`Error::code`] gives the v4 code of every variant.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `-1`: a parameter is invalid (bad path, bad option, missing local file). No
    /// request was sent.
    #[error("invalid parameter (-1): {message}")]
    Params {
        /// What is wrong.
        message: String,
    },
    /// `-2`: the answer was an HTTP error (status ≥ 500, or a non-JSON answer) or could
    /// not be read.
    #[error("network error (-2): {message}")]
    Network {
        /// The HTTP status, when there was one.
        status: Option<u16>,
        /// What happened.
        message: String,
    },
    /// `-3`: the request could not be completed (connection refused or reset, timeout).
    #[error("cannot reach COS (-3): {message}")]
    Server {
        /// What happened.
        message: String,
        /// The transport error.
        #[source]
        source: Option<cos_core::Error>,
    },
    /// `-71`: too many attempts triggered COS's attack protection.
    #[error("too many requests (-71): {message}")]
    TooFrequent {
        /// The service's message.
        message: String,
        /// The request id, if any.
        request_id: Option<String>,
    },
    /// Any other non-zero code the service answered with.
    #[error("COS error {code}: {message}")]
    Cos {
        /// The v4 code.
        code: i64,
        /// The service's message.
        message: String,
        /// The request id, if any.
        request_id: Option<String>,
    },
    /// A local file could not be read or written.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The v4 code: `-1`, `-2`, `-3`, `-71`, the service's code, or `-2` for local I/O.
    pub fn code(&self) -> i64 {
        match self {
            Error::Params { .. } => CODE_PARAMS,
            Error::Network { .. } | Error::Io(_) => CODE_NETWORK,
            Error::Server { .. } => CODE_SERVER,
            Error::TooFrequent { .. } => CODE_TOO_FREQUENT,
            Error::Cos { code, .. } => *code,
        }
    }

    /// The message.
    pub fn message(&self) -> String {
        match self {
            Error::Params { message }
            | Error::Network { message, .. }
            | Error::Server { message, .. }
            | Error::TooFrequent { message, .. }
            | Error::Cos { message, .. } => message.clone(),
            Error::Io(e) => e.to_string(),
        }
    }

    /// A `-1` error.
    pub(crate) fn params(message: impl Into<String>) -> Self {
        Error::Params {
            message: message.into(),
        }
    }

    /// The error for a non-zero code in an answer.
    pub(crate) fn from_code(code: i64, message: String, request_id: Option<String>) -> Self {
        match code {
            CODE_PARAMS => Error::Params { message },
            CODE_NETWORK => Error::Network {
                status: None,
                message,
            },
            CODE_SERVER => Error::Server {
                message,
                source: None,
            },
            CODE_TOO_FREQUENT => Error::TooFrequent {
                message,
                request_id,
            },
            code => Error::Cos {
                code,
                message,
                request_id,
            },
        }
    }

    /// Classifies a transport error: statuses of 500 and more are `-2`, the rest `-3`.
    pub(crate) fn transport(e: cos_core::Error) -> Self {
        match e.without_context() {
            cos_core::Error::Service(s) => Error::Network {
                status: Some(s.status.as_u16()),
                message: format!("HTTP {}: {}", s.status.as_u16(), s.message),
            },
            cos_core::Error::InvalidInput(i) => Error::params(i.to_string()),
            _ => Error::Server {
                message: e.to_string(),
                source: Some(e),
            },
        }
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
