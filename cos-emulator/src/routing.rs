//! Addressing (virtual-host and path-style) and naming the COS operation of a request.

pub(crate) mod v4;

use cos_xml::op::{self, Op, SUBRESOURCES, Scope};
use hyper::Method;

use crate::errors::ApiError;

/// What a request addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Target {
    /// The bucket (`name-appid`), if any.
    pub bucket: Option<String>,
    /// The decoded object key, without its leading `/`, if any.
    pub key: Option<String>,
    /// Whether the bucket came from the path (path-style).
    pub path_style: bool,
}

impl Target {
    /// The path the client signed: `/key` (or `/` for bucket and service requests).
    pub fn signed_path(&self) -> String {
        format!("/{}", self.key.as_deref().unwrap_or(""))
    }

    /// For path-style requests, the full decoded path `/bucket/key` (some clients sign it).
    pub fn full_path(&self) -> Option<String> {
        let bucket = self.bucket.as_deref().filter(|_| self.path_style)?;
        Some(format!("/{bucket}/{}", self.key.as_deref().unwrap_or("")))
    }
}

/// The bucket named by a virtual-host `Host` header (`<bucket>.cos.<...>`), if any.
fn host_bucket(host: &str) -> Option<&str> {
    let host = strip_port(host);
    let (label, rest) = host.split_once('.')?;
    let is_cos = rest.starts_with("cos.")
        || rest.starts_with("cos-internal.")
        || rest.starts_with("cos-website.");
    (is_cos && !label.is_empty() && label != "service" && label != "cos").then_some(label)
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    }
}

/// The longest object key COS accepts, in bytes of UTF-8: "the encoded length can be
/// up to 850 bytes" (COS object naming rules,
/// <https://www.tencentcloud.com/document/product/436/13324>).
pub(crate) const MAX_KEY_BYTES: usize = 850;

/// Characters COS refuses in object keys: NUL, and the ASCII controls CAN, EM, SUB and
/// ESC that the naming rules single out (436/13324).
const FORBIDDEN_KEY_CHARS: [char; 5] = ['\0', '\u{18}', '\u{19}', '\u{1a}', '\u{1b}'];

/// Decodes a percent-encoded path strictly: bytes, then UTF-8.
///
/// Errors: 400 `InvalidURI` when the bytes are not UTF-8 (decoding them lossily
/// would make `/a%FF`, `/a%FE` and `/a%EF%BF%BD` one object). The codes are those of
/// COS's error list (<https://www.tencentcloud.com/document/product/436/7730>).
fn decode_strict(raw_path: &str) -> Result<String, ApiError> {
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(raw_path).collect();
    String::from_utf8(bytes).map_err(|_| {
        ApiError::new(
            400,
            "InvalidURI",
            "Couldn't parse the specified URI: its path is not UTF-8.",
        )
    })
}

/// Checks an object key against COS's naming rules.
///
/// Errors: 400 `KeyTooLong` beyond [`MAX_KEY_BYTES`], 400 `InvalidObjectName` for a
/// key with NUL or CAN/EM/SUB/ESC.
pub(crate) fn check_key(key: &str) -> Result<(), ApiError> {
    if key.len() > MAX_KEY_BYTES {
        return Err(ApiError::new(
            400,
            "KeyTooLong",
            format!(
                "Your key is too long: {} bytes, at most {MAX_KEY_BYTES} are allowed.",
                key.len()
            ),
        ));
    }
    if key.contains(FORBIDDEN_KEY_CHARS) {
        return Err(ApiError::new(
            400,
            "InvalidObjectName",
            "The object key contains a character COS does not allow (NUL, CAN, EM, SUB or ESC).",
        ));
    }
    Ok(())
}

/// Resolves the bucket and key of a request from its `Host` and raw path.
///
/// Errors: see [`decode_strict`] and [`check_key`].
pub(crate) fn resolve(host: &str, raw_path: &str) -> Result<Target, ApiError> {
    let decoded = decode_strict(raw_path)?;
    let path = decoded.strip_prefix('/').unwrap_or(&decoded);
    let target = if let Some(bucket) = host_bucket(host) {
        Target {
            bucket: Some(bucket.to_owned()),
            key: (!path.is_empty()).then(|| path.to_owned()),
            path_style: false,
        }
    } else {
        // Path-style: /<bucket>/<key>; GET / is the service.
        let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
        Target {
            bucket: (!bucket.is_empty()).then(|| bucket.to_owned()),
            key: (!key.is_empty()).then(|| key.to_owned()),
            path_style: true,
        }
    };
    if let Some(key) = &target.key {
        check_key(key)?;
    }
    Ok(target)
}

/// Why a request names no operation the emulator serves.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NoSuchOp {
    /// A COS sub-resource the emulator does not implement (`website`, `torrent`, ...):
    /// refused rather than served as the base operation of the method.
    #[error("the sub-resource {0:?} is not implemented")]
    NotImplemented(&'static str),
    /// No operation of this method on this resource.
    #[error("method not allowed")]
    MethodNotAllowed,
}

impl From<NoSuchOp> for ApiError {
    /// COS's codes (436/7730): 501 `NotImplemented` for functionality the server does
    /// not implement, 405 `MethodNotAllowed` for a method the resource does not
    /// support.
    fn from(e: NoSuchOp) -> Self {
        match e {
            NoSuchOp::NotImplemented(sub) => ApiError::new(
                501,
                "NotImplemented",
                format!(
                    "A header or query you provided implies functionality that is not implemented: ?{sub}."
                ),
            ),
            NoSuchOp::MethodNotAllowed => ApiError::method_not_allowed(),
        }
    }
}

/// Names the COS operation of a request, from the operation table ([`Op::find`]).
///
/// Errors: [`NoSuchOp::NotImplemented`] for a COS sub-resource no operation of the
/// table serves, [`NoSuchOp::MethodNotAllowed`] for any other combination.
pub(crate) fn operation(
    method: &Method,
    target: &Target,
    query: &[(String, String)],
    copy_source: bool,
) -> Result<Op, NoSuchOp> {
    let scope = match (&target.bucket, &target.key) {
        (None, _) => Scope::Service,
        (Some(_), None) => Scope::Bucket,
        (Some(_), Some(_)) => Scope::Object,
    };
    let sub = SUBRESOURCES
        .iter()
        .copied()
        .find(|s| query.iter().any(|(k, _)| k == s));
    let method = op::Method::from_name(method.as_str()).ok_or(NoSuchOp::MethodNotAllowed)?;
    if let Some(op) = Op::find(method, scope, sub, copy_source) {
        return Ok(op);
    }
    match sub {
        Some(sub) if !Op::ALL.iter().any(|op| op.spec().subresource == Some(sub)) => {
            Err(NoSuchOp::NotImplemented(sub))
        }
        _ => Err(NoSuchOp::MethodNotAllowed),
    }
}

/// Resolves a request (see [`resolve`] and [`operation`]). Without a valid key, the
/// target has none.
pub(crate) fn route(
    method: &Method,
    host: &str,
    raw_path: &str,
    query: &[(String, String)],
    copy_source: bool,
) -> (Target, Result<Op, ApiError>) {
    if is_control_host(host) {
        return control_route(method, raw_path);
    }
    match resolve(host, raw_path) {
        Ok(target) if is_migration_host(host) => {
            let op = migration_operation(method, &target).map_err(ApiError::from);
            (target, op)
        }
        Ok(target) => {
            let op = operation(method, &target, query, copy_source).map_err(ApiError::from);
            (target, op)
        }
        Err(e) => {
            let target = Target {
                bucket: host_bucket(host).map(str::to_owned),
                key: None,
                path_style: false,
            };
            (target, Err(e))
        }
    }
}

/// Whether `host` is COS's migration host (`<region>.migration.myqcloud.com`), where
/// the async fetch tasks are served (see [`Op::on_migration_host`]).
fn is_migration_host(host: &str) -> bool {
    strip_port(host).split('.').nth(1) == Some("migration")
}

/// Whether `host` is COS Batch Operations' control host
/// (`<uin>.cos-control.<region>.myqcloud.com`).
fn is_control_host(host: &str) -> bool {
    strip_port(host).split('.').nth(1) == Some("cos-control")
}

/// A request to the control host: the target's key is the path after `/` (`jobs`,
/// `jobs/<id>`, `jobs/<id>/priority`, ...), which the signature covers, and the
/// operation is named by the path and method.
fn control_route(method: &Method, raw_path: &str) -> (Target, Result<Op, ApiError>) {
    let path = match decode_strict(raw_path) {
        Ok(p) => p,
        Err(e) => return (Target::default(), Err(e)),
    };
    let rest = path.trim_start_matches('/').to_owned();
    let segments: Vec<&str> = rest.split('/').collect();
    let op = match (method, segments.as_slice()) {
        (&Method::POST, ["jobs"]) => Ok(Op::CreateJob),
        (&Method::GET, ["jobs"]) => Ok(Op::ListJobs),
        (&Method::GET, ["jobs", id]) if !id.is_empty() => Ok(Op::DescribeJob),
        (&Method::DELETE, ["jobs", id]) if !id.is_empty() => Ok(Op::DeleteJob),
        (&Method::POST, ["jobs", id, "priority"]) if !id.is_empty() => Ok(Op::UpdateJobPriority),
        (&Method::POST, ["jobs", id, "status"]) if !id.is_empty() => Ok(Op::UpdateJobStatus),
        _ => Err(ApiError::method_not_allowed()),
    };
    let target = Target {
        bucket: None,
        key: Some(rest),
        path_style: false,
    };
    (target, op)
}

/// The operation of a request to the migration host: `POST /<bucket>/` creates a fetch
/// task, `GET /<bucket>/<task id>` reads one.
fn migration_operation(method: &Method, target: &Target) -> Result<Op, NoSuchOp> {
    match (method, &target.bucket, &target.key) {
        (&Method::POST, Some(_), None) => Ok(Op::PutAsyncFetchTask),
        (&Method::GET, Some(_), Some(_)) => Ok(Op::GetAsyncFetchTask),
        _ => Err(NoSuchOp::MethodNotAllowed),
    }
}

/// The name an operation is logged and matched by fault rules under (`Unknown` when
/// the request names none).
pub(crate) fn op_name(op: &Result<Op, ApiError>) -> &'static str {
    op.as_ref().map_or(UNKNOWN, |op| op.name())
}

/// The logged name of a request that names no operation.
pub(crate) const UNKNOWN: &str = "Unknown";

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(host: &str, path: &str) -> Target {
        super::resolve(host, path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn addressing() {
        let t = resolve(
            "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
            "/dir/a%20b%2Bc%25d~e.txt",
        );
        assert_eq!(t.bucket.as_deref(), Some("examplebucket-1250000000"));
        assert_eq!(t.key.as_deref(), Some("dir/a b+c%d~e.txt"));
        let t = resolve("b-1.cos.ap-beijing.tencentcos.cn:9000", "/");
        assert_eq!((t.bucket.as_deref(), t.key), (Some("b-1"), None));
        let t = resolve("127.0.0.1:9000", "/b-1/k/x");
        assert_eq!(
            (t.bucket.as_deref(), t.key.as_deref()),
            (Some("b-1"), Some("k/x"))
        );
        assert_eq!(t.full_path().as_deref(), Some("/b-1/k/x"));
        assert_eq!(
            resolve("127.0.0.1:9000", "/"),
            Target {
                path_style: true,
                ..Target::default()
            }
        );
        assert_eq!(resolve("service.cos.myqcloud.com", "/").bucket, None);
        assert_eq!(resolve("cos.ap-guangzhou.myqcloud.com", "/").bucket, None);
        assert_eq!(resolve("localhost", "/b-1").bucket.as_deref(), Some("b-1"));
    }

    #[test]
    fn strict_paths_and_key_limits() {
        let host = "b-1.cos.ap-guangzhou.myqcloud.com";
        for bad in ["/bad%FF", "/bad%FE", "/%C3%28"] {
            let e = super::resolve(host, bad).unwrap_err();
            assert_eq!((e.status, e.code.as_str()), (400, "InvalidURI"), "{bad}");
        }
        // A real U+FFFD is a valid key of its own.
        assert_eq!(
            resolve(host, "/bad%EF%BF%BD").key.as_deref(),
            Some("bad\u{fffd}")
        );
        let longest = "k".repeat(MAX_KEY_BYTES);
        assert_eq!(
            resolve(host, &format!("/{longest}")).key,
            Some(longest.clone())
        );
        let e = super::resolve(host, &format!("/{longest}k")).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "KeyTooLong"));
        for bad in ["/a%00b", "/a%1Bb"] {
            let e = super::resolve(host, bad).unwrap_err();
            assert_eq!(e.code, "InvalidObjectName", "{bad}");
        }
    }

    /// Every operation of the table is what a request built from its spec routes to.
    #[test]
    fn every_spec_routes_to_its_op() {
        for &op in Op::ALL.iter().filter(|op| !op.routed_by_host()) {
            let spec = op.spec();
            let target = Target {
                bucket: (spec.scope != Scope::Service).then(|| "b-1".to_owned()),
                key: (spec.scope == Scope::Object).then(|| "k".to_owned()),
                path_style: false,
            };
            let mut query = vec![("prefix".to_owned(), String::new())];
            query.extend(spec.subresource.map(|s| (s.to_owned(), "x".to_owned())));
            let method = Method::from_bytes(spec.method.as_str().as_bytes()).unwrap();
            assert_eq!(
                operation(&method, &target, &query, op.is_copy()),
                Ok(op),
                "{op}"
            );
        }
    }

    #[test]
    fn the_migration_host_serves_the_fetch_tasks() {
        let host = "ap-guangzhou.migration.myqcloud.com";
        let (t, op) = route(&Method::POST, host, "/b-1/", &[], false);
        assert_eq!(
            (t.bucket.as_deref(), op),
            (Some("b-1"), Ok(Op::PutAsyncFetchTask))
        );
        let (t, op) = route(&Method::GET, host, "/b-1/task-1", &[], false);
        assert_eq!(
            (t.key.as_deref(), op),
            (Some("task-1"), Ok(Op::GetAsyncFetchTask))
        );
        assert!(
            route(&Method::DELETE, host, "/b-1/task-1", &[], false)
                .1
                .is_err()
        );
        // Elsewhere the same requests are a form upload and a download.
        let (_, op) = route(
            &Method::POST,
            "b-1.cos.ap-guangzhou.myqcloud.com",
            "/",
            &[],
            false,
        );
        assert_eq!(op, Ok(Op::PostObject));
    }

    #[test]
    fn the_control_host_serves_the_batch_jobs() {
        let host = "100000000001.cos-control.ap-guangzhou.myqcloud.com";
        for (method, path, op) in [
            (Method::POST, "/jobs", Op::CreateJob),
            (Method::GET, "/jobs", Op::ListJobs),
            (Method::GET, "/jobs/j-1", Op::DescribeJob),
            (Method::DELETE, "/jobs/j-1", Op::DeleteJob),
            (Method::POST, "/jobs/j-1/priority", Op::UpdateJobPriority),
            (Method::POST, "/jobs/j-1/status", Op::UpdateJobStatus),
        ] {
            let (t, got) = route(&method, host, path, &[], false);
            assert_eq!(got, Ok(op), "{method} {path}");
            assert_eq!(t.signed_path(), path);
        }
        assert!(route(&Method::PUT, host, "/jobs", &[], false).1.is_err());
    }

    #[test]
    fn unknown_subresources_are_refused() {
        let bucket = Target {
            bucket: Some("b-1".to_owned()),
            ..Target::default()
        };
        let object = Target {
            key: Some("k".to_owned()),
            ..bucket.clone()
        };
        let q = |k: &str| vec![(k.to_owned(), String::new())];
        for (method, target, sub) in [
            (Method::DELETE, &bucket, "torrent"),
            (Method::PUT, &bucket, "requestPayment"),
            (Method::GET, &bucket, "origin-protect"),
            (Method::GET, &bucket, "guetzli"),
            (Method::PUT, &object, "torrent"),
            (Method::PUT, &object, "rename"),
        ] {
            assert_eq!(
                operation(&method, target, &q(sub), false),
                Err(NoSuchOp::NotImplemented(sub)),
                "{method} ?{sub}"
            );
        }
        // A known sub-resource with a method it does not have.
        assert_eq!(
            operation(&Method::DELETE, &bucket, &q("versioning"), false),
            Err(NoSuchOp::MethodNotAllowed)
        );
        assert_eq!(
            operation(&Method::PUT, &object, &q("uploads"), false),
            Err(NoSuchOp::MethodNotAllowed)
        );
        // POST on the bucket's root is a form upload.
        assert_eq!(
            operation(&Method::POST, &bucket, &[], false),
            Ok(Op::PostObject)
        );
        // Plain parameters leave the base operation.
        for plain in [
            "prefix",
            "versionId",
            "response-content-type",
            "q-sign-algorithm",
        ] {
            assert_eq!(
                operation(&Method::GET, &object, &q(plain), false),
                Ok(Op::GetObject)
            );
        }
    }
}
