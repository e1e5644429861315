//! Errors: the public [`EmulatorError`], and the COS errors requests are answered with.

/// Why the emulator could not start or a setting was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The data directory could not be prepared or its saved state not be read.
    #[error("data directory {path}: {message}")]
    DataDir {
        /// The directory.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A fault specification could not be parsed.
    #[error("invalid fault rule {0}")]
    InvalidFault(String),
    /// A command-line argument is invalid.
    #[error("{0}")]
    Usage(String),
    /// The HTTPS certificate or key is unusable.
    #[error("TLS: {0}")]
    Tls(String),
}

/// A COS error answer: HTTP status, COS error code and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub(crate) struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// A header the error answer carries, e.g. `Content-Range: bytes */SIZE` on 416.
    pub header: Option<(&'static str, String)>,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
            header: None,
        }
    }

    /// 416 `InvalidRange` for an object of `size` bytes, with `Content-Range: bytes */SIZE`.
    pub fn invalid_range(size: u64) -> Self {
        ApiError {
            header: Some(("content-range", format!("bytes */{size}"))),
            ..Self::new(
                416,
                "InvalidRange",
                "The requested range is not satisfiable.",
            )
        }
    }

    pub fn no_such_bucket() -> Self {
        Self::new(404, "NoSuchBucket", "The specified bucket does not exist.")
    }

    pub fn no_such_key() -> Self {
        Self::new(404, "NoSuchKey", "The specified key does not exist.")
    }

    pub fn no_such_version() -> Self {
        Self::new(
            404,
            "NoSuchVersion",
            "The specified version does not exist.",
        )
    }

    pub fn no_such_upload() -> Self {
        Self::new(
            404,
            "NoSuchUpload",
            "The specified multipart upload does not exist.",
        )
    }

    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(403, "AccessDenied", message)
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(400, "InvalidArgument", message)
    }

    pub fn malformed_xml(detail: impl std::fmt::Display) -> Self {
        Self::new(
            400,
            "MalformedXML",
            format!(
                "The XML you provided was not well-formed or did not validate against our published schema: {detail}"
            ),
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            405,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
        )
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(500, "InternalError", format!("internal error: {detail}"))
    }

    pub fn precondition_failed() -> Self {
        Self::new(
            412,
            "PreconditionFailed",
            "At least one of the preconditions you specified did not hold.",
        )
    }
}

/// How handling a request ended when it did not produce a response.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// Answer with a COS XML error.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Drop the connection without answering (client gone, or an injected reset).
    #[error("connection reset")]
    Reset,
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Api(ApiError::internal(e))
    }
}

/// The result type of request handlers.
pub(crate) type OpResult<T> = Result<T, Failure>;
