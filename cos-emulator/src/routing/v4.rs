//! Recognising requests of the legacy v4 JSON API (`/files/v2/{appid}/{bucket}{path}`)
//! and its signed download URLs (answered by `crate::v4`).

use hyper::Method;

use super::Target;

/// What a v4 request addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// An API request.
    Api(V4Path),
    /// A download through a signed URL (`?sign=`).
    Download(V4Path),
}

/// `{appid}`, `{bucket}` and the decoded path (starting with `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct V4Path {
    pub appid: String,
    pub bucket: String,
    pub cos_path: String,
}

impl V4Path {
    /// The XML bucket: `{bucket}-{appid}`.
    pub fn xml_bucket(&self) -> String {
        format!("{}-{}", self.bucket, self.appid)
    }

    /// The object key: the path without its leading `/` (empty for the root).
    pub fn key(&self) -> &str {
        self.cos_path.strip_prefix('/').unwrap_or(&self.cos_path)
    }
}

impl Route {
    /// The v4 route of a request, if it is one: a path under `/files/v2/`, or a GET
    /// with `sign` in its query on a `{bucket}-{appid}.<host>` that is not an XML host.
    pub fn parse(method: &Method, host: &str, raw_path: &str, raw_query: &str) -> Option<Route> {
        if let Some(rest) = raw_path.strip_prefix("/files/v2/") {
            let (appid, rest) = rest.split_once('/')?;
            let (bucket, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, "/"),
            };
            return Some(Route::Api(V4Path {
                appid: appid.to_owned(),
                bucket: bucket.to_owned(),
                cos_path: cos_auth::encode::decode_path(path),
            }));
        }
        let has_sign = raw_query.split('&').any(|p| p.starts_with("sign="));
        if *method != Method::GET || !has_sign {
            return None;
        }
        let (label, rest) = host.split_once('.')?;
        if rest.starts_with("cos.") || rest.starts_with("cos-") {
            return None;
        }
        let (bucket, appid) = label.rsplit_once('-')?;
        if bucket.is_empty() || appid.is_empty() || !appid.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Route::Download(V4Path {
            appid: appid.to_owned(),
            bucket: bucket.to_owned(),
            cos_path: cos_auth::encode::decode_path(raw_path),
        }))
    }

    /// The operation name for the request log.
    pub fn operation(&self) -> &'static str {
        match self {
            Route::Api(_) => OPERATIONS[0],
            Route::Download(_) => OPERATIONS[1],
        }
    }

    /// The XML bucket and key, for the request log.
    pub fn target(&self) -> Target {
        let p = match self {
            Route::Api(p) | Route::Download(p) => p,
        };
        Target {
            bucket: Some(p.xml_bucket()),
            key: (!p.key().is_empty()).then(|| p.key().to_owned()),
            path_style: false,
        }
    }
}

/// The names v4 requests are logged under: the JSON API, and downloads.
pub(crate) const OPERATIONS: [&str; 2] = ["V4", "V4Download"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = Route::parse(
            &Method::POST,
            "sh.file.myqcloud.com",
            "/files/v2/125/b/dir/a%20b.txt",
            "",
        );
        assert_eq!(
            r,
            Some(Route::Api(V4Path {
                appid: "125".into(),
                bucket: "b".into(),
                cos_path: "/dir/a b.txt".into()
            }))
        );
        let r = Route::parse(&Method::GET, "x", "/files/v2/125/b", "op=list").unwrap();
        assert_eq!(r.target().bucket.as_deref(), Some("b-125"));
        assert_eq!(r.target().key, None);
        let d = Route::parse(&Method::GET, "b-125.costj.myqcloud.com", "/a.txt", "sign=x").unwrap();
        assert_eq!(d.operation(), "V4Download");
        assert!(
            Route::parse(
                &Method::GET,
                "b-125.cos.ap-guangzhou.myqcloud.com",
                "/a",
                "sign=x"
            )
            .is_none()
        );
        assert!(Route::parse(&Method::GET, "b-125.costj.myqcloud.com", "/a", "").is_none());
    }
}
