//! Addressing (virtual-host and path-style) and naming the COS operation of a request.

use hyper::Method;

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

/// Resolves the bucket and key of a request from its `Host` and raw path.
pub(crate) fn resolve(host: &str, raw_path: &str) -> Target {
    let decoded = cos_auth::encode::decode_path(raw_path);
    let path = decoded.strip_prefix('/').unwrap_or(&decoded);
    if let Some(bucket) = host_bucket(host) {
        return Target {
            bucket: Some(bucket.to_owned()),
            key: (!path.is_empty()).then(|| path.to_owned()),
            path_style: false,
        };
    }
    // Path-style: /<bucket>/<key>; GET / is the service.
    let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
    Target {
        bucket: (!bucket.is_empty()).then(|| bucket.to_owned()),
        key: (!key.is_empty()).then(|| key.to_owned()),
        path_style: true,
    }
}

/// Names the COS operation of a request (`Unknown` when none applies).
pub(crate) fn operation(
    method: &Method,
    target: &Target,
    query: &[(String, String)],
    copy_source: bool,
) -> &'static str {
    let has = |name: &str| query.iter().any(|(k, _)| k == name);
    if target.bucket.is_none() {
        return if *method == Method::GET {
            "ListBuckets"
        } else {
            "Unknown"
        };
    }
    if *method == Method::OPTIONS {
        return "OptionsObject";
    }
    if target.key.is_none() {
        let sub = [
            "acl",
            "cors",
            "lifecycle",
            "versioning",
            "tagging",
            "policy",
        ]
        .into_iter()
        .find(|s| has(s));
        return match (method.as_str(), sub) {
            ("PUT", Some("acl")) => "PutBucketAcl",
            ("PUT", Some("cors")) => "PutBucketCors",
            ("PUT", Some("lifecycle")) => "PutBucketLifecycle",
            ("PUT", Some("versioning")) => "PutBucketVersioning",
            ("PUT", Some("tagging")) => "PutBucketTagging",
            ("PUT", Some("policy")) => "PutBucketPolicy",
            ("PUT", _) => "PutBucket",
            ("GET", Some("acl")) => "GetBucketAcl",
            ("GET", Some("cors")) => "GetBucketCors",
            ("GET", Some("lifecycle")) => "GetBucketLifecycle",
            ("GET", Some("versioning")) => "GetBucketVersioning",
            ("GET", Some("tagging")) => "GetBucketTagging",
            ("GET", Some("policy")) => "GetBucketPolicy",
            ("GET", _) if has("location") => "GetBucketLocation",
            ("GET", _) if has("uploads") => "ListMultipartUploads",
            ("GET", _) if has("versions") => "ListObjectVersions",
            ("GET", _) => "ListObjects",
            ("HEAD", _) => "HeadBucket",
            ("DELETE", Some("cors")) => "DeleteBucketCors",
            ("DELETE", Some("lifecycle")) => "DeleteBucketLifecycle",
            ("DELETE", Some("tagging")) => "DeleteBucketTagging",
            ("DELETE", Some("policy")) => "DeleteBucketPolicy",
            ("DELETE", None) => "DeleteBucket",
            ("POST", _) if has("delete") => "DeleteMultipleObjects",
            _ => "Unknown",
        };
    }
    match method.as_str() {
        "PUT" if has("acl") => "PutObjectAcl",
        "PUT" if has("tagging") => "PutObjectTagging",
        "PUT" if has("partNumber") && has("uploadId") => {
            if copy_source {
                "UploadPartCopy"
            } else {
                "UploadPart"
            }
        }
        "PUT" if copy_source => "CopyObject",
        "PUT" => "PutObject",
        "GET" if has("acl") => "GetObjectAcl",
        "GET" if has("tagging") => "GetObjectTagging",
        "GET" if has("uploadId") => "ListParts",
        "GET" => "GetObject",
        "HEAD" => "HeadObject",
        "DELETE" if has("tagging") => "DeleteObjectTagging",
        "DELETE" if has("uploadId") => "AbortMultipartUpload",
        "DELETE" => "DeleteObject",
        "POST" if has("uploads") => "InitiateMultipartUpload",
        "POST" if has("uploadId") => "CompleteMultipartUpload",
        "POST" if has("restore") => "RestoreObject",
        "POST" if has("append") => "AppendObject",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
