//! COS errors onto `object_store::Error` kinds.

use super::object_store;
use object_store::Error as OsError;

/// The `store` name in [`OsError::Generic`].
pub(crate) const STORE: &str = "COS";

/// Maps a cos-core error for `path` onto object_store's kinds, keeping it as the
/// source:
///
/// | COS | object_store |
/// |---|---|
/// | 404 (`NoSuchKey`, `NoSuchBucket`, `NoSuchUpload`, a bodiless HEAD 404) | `NotFound` |
/// | 409 `FileAlreadyExists` (`x-cos-forbid-overwrite`) | `AlreadyExists` |
/// | 412 `PreconditionFailed` | `Precondition` |
/// | 304 (`If-None-Match` / `If-Modified-Since` matched) | `NotModified` |
/// | 403 (`AccessDenied`, `SignatureDoesNotMatch`, …) | `PermissionDenied` |
/// | 401 | `Unauthenticated` |
/// | anything else (416 `InvalidRange`, 5xx after retries, client errors) | `Generic` |
pub(crate) fn map(path: &str, e: cos_core::Error) -> OsError {
    let path = path.to_owned();
    let status = e.status().map(|s| s.as_u16());
    let code = e.code().unwrap_or_default().to_owned();
    let source = Box::new(e);
    match (status, code.as_str()) {
        (Some(404), _) => OsError::NotFound { path, source },
        (Some(409), "FileAlreadyExists") => OsError::AlreadyExists { path, source },
        (Some(412), _) => OsError::Precondition { path, source },
        (Some(304), _) => OsError::NotModified { path, source },
        (Some(403), _) => OsError::PermissionDenied { path, source },
        (Some(401), _) => OsError::Unauthenticated { path, source },
        _ => OsError::Generic {
            store: STORE,
            source,
        },
    }
}

/// A generic error with a message.
pub(crate) fn generic(message: impl Into<String>) -> OsError {
    OsError::Generic {
        store: STORE,
        source: message.into().into(),
    }
}

/// An operation COS has no equivalent for.
pub(crate) fn not_implemented(operation: &str) -> OsError {
    OsError::NotImplemented {
        operation: operation.to_owned(),
        implementer: "cos-rs-object-store".to_owned(),
    }
}
