//! The random requests of the wire fuzzer: methods, paths with escapes valid and not,
//! queries, headers and bodies, addressed in every style.

use proptest::prelude::*;

/// How a request addresses its bucket.
#[derive(Debug, Clone, Copy)]
pub(super) enum Style {
    Virtual,
    Path,
    Service,
    OtherHost,
    V4,
}

/// One random request.
#[derive(Debug, Clone)]
pub(super) struct Wire {
    pub(super) method: String,
    pub(super) style: Style,
    /// Raw (encoded) path after the bucket part.
    pub(super) path: String,
    /// Raw (encoded) query pairs.
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
    pub(super) signed: bool,
    pub(super) chunked: bool,
}

fn method() -> impl Strategy<Value = String> {
    proptest::sample::select(vec![
        "GET", "GET", "PUT", "PUT", "POST", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH", "get",
        "Put", "FOO", "M-SEARCH",
    ])
    .prop_map(str::to_owned)
}

/// A path piece: plain characters, or escapes valid, invalid and truncated.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9._~-]{1,6}",
        1 => "%[0-9A-Fa-f]{2}",
        1 => proptest::sample::select(vec![
            "%", "%z", "%zz", "%C3%A9", "%00", "%2F", "%2f", "..", ".", "%E4%B8%AD", "%FF%FE",
            "%C3", "%25", "+", "%20", "!", "$", "&", "'", "(", ")", "*", ",", ";", "=", ":", "@",
        ])
        .prop_map(str::to_owned),
    ]
}

fn path() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::collection::vec(piece(), 0..4), 0..5).prop_map(|segs| {
        segs.iter()
            .map(|s| format!("/{}", s.concat()))
            .collect::<String>()
    })
}

fn query_pair() -> impl Strategy<Value = (String, String)> {
    let names = vec![
        "acl",
        "uploads",
        "uploadId",
        "partNumber",
        "prefix",
        "delimiter",
        "marker",
        "max-keys",
        "max-uploads",
        "max-parts",
        "part-number-marker",
        "upload-id-marker",
        "versions",
        "versionId",
        "version-id-marker",
        "key-marker",
        "encoding-type",
        "tagging",
        "cors",
        "lifecycle",
        "versioning",
        "location",
        "delete",
        "restore",
        "policy",
        "append",
        "position",
        "list-type",
        "response-content-type",
        "response-content-disposition",
        "q-sign-algorithm",
        "op",
        "num",
        "context",
        "x",
        "%zz",
        "a%20b",
    ];
    let values = vec![
        "",
        "0",
        "1",
        "2",
        "-1",
        "10000",
        "10001",
        "999999999999999999999",
        "abc",
        "%zz",
        "%41",
        "url",
        "1e3",
        "+",
        "a+b",
        "%C3%A9",
        "null",
        "true",
        "list",
        "%FF",
    ];
    (
        proptest::sample::select(names).prop_map(str::to_owned),
        prop_oneof![
            3 => proptest::sample::select(values).prop_map(str::to_owned),
            1 => "[a-zA-Z0-9%._~-]{0,12}",
        ],
    )
}

fn header() -> impl Strategy<Value = (String, String)> {
    let names = vec![
        "Range",
        "x-cos-copy-source",
        "x-cos-copy-source-range",
        "Content-MD5",
        "x-cos-meta-a",
        "x-cos-storage-class",
        "x-cos-acl",
        "x-cos-grant-read",
        "If-Match",
        "If-None-Match",
        "If-Modified-Since",
        "If-Unmodified-Since",
        "x-cos-version-id",
        "Content-Type",
        "x-cos-tagging",
        "x-cos-traffic-limit",
        "x-cos-metadata-directive",
        "x-cos-forbid-overwrite",
        "Origin",
        "Access-Control-Request-Method",
        "x-cos-hash-crc64ecma",
        "Cache-Control",
        "Expires",
        "Expect",
    ];
    let values = vec![
        "bytes=0-0",
        "bytes=-1",
        "bytes=5-2",
        "bytes=0-18446744073709551615",
        "bytes=99999999999999999999-",
        "bytes=0-1,3-4",
        "bytes=",
        "",
        "abc",
        "test-1250000000.cos.ap-guangzhou.myqcloud.com/k",
        "test-1250000000.cos.ap-guangzhou.myqcloud.com/k?versionId=%zz",
        "/k%zz",
        "1",
        "-1",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "\"etag\"",
        "*",
        "STANDARD",
        "ARCHIVE",
        "Copy",
        "Replaced",
        "true",
        "a=b&c=d",
        "%zz=1",
        "1B2M2Y8AsgTpgAmY7PhCfg==",
        "100-continue",
        "http://example.com",
        "PUT",
    ];
    (
        proptest::sample::select(names).prop_map(str::to_owned),
        prop_oneof![
            3 => proptest::sample::select(values).prop_map(str::to_owned),
            1 => "[ -~]{0,24}".prop_map(|s| s.trim().to_owned()),
        ],
    )
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let docs = vec![
        "<Delete><Quiet>false</Quiet><Object><Key>k</Key></Object><Object><Key>%zz</Key></Object></Delete>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"x\"</ETag></Part><Part><PartNumber>0</PartNumber></Part></CompleteMultipartUpload>",
        "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>",
        "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>-1</MaxAgeSeconds></CORSRule></CORSConfiguration>",
        "<LifecycleConfiguration><Rule><ID>r</ID><Status>Enabled</Status><Expiration><Days>99999999999</Days></Expiration></Rule></LifecycleConfiguration>",
        "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
        "<AccessControlPolicy><Owner><ID>x</ID></Owner><AccessControlList><Grant><Grantee><ID>y</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>",
        "<RestoreRequest><Days>1</Days><CASJobParameters><Tier>Bulk</Tier></CASJobParameters></RestoreRequest>",
        "{\"Statement\":[]}",
        "<",
    ];
    prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..512),
        2 => proptest::sample::select(docs).prop_map(|d| d.as_bytes().to_vec()),
        1 => Just(Vec::new()),
    ]
}

pub(super) fn wire() -> impl Strategy<Value = Wire> {
    (
        method(),
        proptest::sample::select(vec![
            Style::Virtual,
            Style::Virtual,
            Style::Virtual,
            Style::Path,
            Style::Service,
            Style::OtherHost,
            Style::V4,
        ]),
        path(),
        proptest::collection::vec(query_pair(), 0..4),
        proptest::collection::vec(header(), 0..4),
        body(),
        prop_oneof![3 => Just(true), 1 => Just(false)],
        prop_oneof![4 => Just(false), 1 => Just(true)],
    )
        .prop_map(
            |(method, style, path, query, headers, body, signed, chunked)| Wire {
                method,
                style,
                path,
                query,
                headers,
                body,
                signed,
                chunked,
            },
        )
}
