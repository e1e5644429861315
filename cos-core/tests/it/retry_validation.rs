//! Retries against emulator faults, validation before any request, presigning, and
//! one signature checked against the official SDK's wire capture.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use crate::common;

use common::*;
use cos_core::{Body, BucketName, Error, InvalidInput, ObjectKey, RetryConfig};
use cos_emulator::{FaultAction, FaultRule};

fn status_fault(op: &str, n: u64) -> FaultRule {
    FaultRule::new(FaultAction::Status {
        status: 503,
        code: "SlowDown".into(),
    })
    .operation(op)
    .first(n)
}

#[tokio::test]
async fn retries_503_then_succeeds_with_signed_retry_header() {
    let (emu, client, bucket) = setup().await;
    emu.add_fault(status_fault("PutObject", 2));
    client
        .put_object(&bucket, &key("r"))
        .body("hello")
        .send()
        .await
        .unwrap();
    let puts = reqs(&emu, "PutObject");
    assert_eq!(puts.len(), 3);
    assert_eq!(
        puts.iter().map(|r| r.status).collect::<Vec<_>>(),
        [503, 503, 200]
    );
    assert_eq!(puts[0].header("x-cos-sdk-retry"), None);
    for r in &puts[1..] {
        assert_eq!(r.header("x-cos-sdk-retry"), Some("true"));
        assert!(
            r.header("authorization")
                .unwrap()
                .contains("x-cos-sdk-retry")
        );
    }
}

#[tokio::test]
async fn gives_up_after_max_attempts() {
    let (emu, _client, bucket) = setup().await;
    let client = client_for(&emu, fast_retry().max_attempts(3));
    emu.add_fault(status_fault("GetObject", 10));
    let err = client
        .get_object(&bucket, &key("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.code(), Some("SlowDown"));
    assert_eq!(reqs(&emu, "GetObject").len(), 3);
}

#[tokio::test]
async fn stream_body_is_not_retried() {
    let (emu, client, bucket) = setup().await;
    emu.add_fault(status_fault("PutObject", 1));
    let body = Body::from_stream(
        futures_util::stream::iter([Ok(bytes::Bytes::from_static(b"abc"))]),
        Some(3),
    );
    let err = client
        .put_object(&bucket, &key("s"))
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(reqs(&emu, "PutObject").len(), 1);
}

#[tokio::test]
async fn client_errors_4xx_are_not_retried() {
    let (emu, client, bucket) = setup().await;
    emu.add_fault(
        FaultRule::new(FaultAction::Status {
            status: 403,
            code: "AccessDenied".into(),
        })
        .operation("HeadObject")
        .first(1),
    );
    let err = client
        .head_object(&bucket, &key("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(reqs(&emu, "HeadObject").len(), 1);
    // Wrong credentials: SignatureDoesNotMatch / InvalidAccessKeyId, once.
    let bad = cos_core::Client::new(
        config_for(emu.endpoint())
            .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "WRONG").unwrap())
            .build()
            .unwrap(),
    )
    .unwrap();
    emu.clear_requests();
    let err = bad.get_object(&bucket, &key("x")).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(emu.requests().len(), 1);
}

#[tokio::test]
async fn connection_reset_is_retried() {
    let (emu, client, bucket) = setup().await;
    client
        .put_object(&bucket, &key("c"))
        .body("content")
        .send()
        .await
        .unwrap();
    emu.clear_requests();
    emu.add_fault(
        FaultRule::new(FaultAction::ResetRequestAfter(0))
            .operation("PutObject")
            .first(1),
    );
    client
        .put_object(&bucket, &key("d"))
        .body(vec![5u8; 10_000])
        .send()
        .await
        .unwrap();
    let puts = reqs(&emu, "PutObject");
    assert_eq!(puts.len(), 2, "{puts:?}");
    assert_eq!(puts[1].header("x-cos-sdk-retry"), Some("true"));
}

#[tokio::test]
async fn switches_domain_when_no_request_id() {
    let (emu, _c, bucket) = setup().await;
    let client = client_for(&emu, fast_retry().switch_domain_on_failure(true));
    // The connection is dropped while the request body is read: no response, so no
    // x-cos-request-id, and the retry goes to the tencentcos.cn domain.
    emu.add_fault(
        FaultRule::new(FaultAction::ResetRequestAfter(0))
            .operation("PutObject")
            .first(1),
    );
    let res = client
        .put_object(&bucket, &key("x"))
        .body("replayable body")
        .send()
        .await;
    assert!(res.is_ok(), "{res:?}");
    let hosts: Vec<String> = emu.requests().into_iter().map(|r| r.host).collect();
    assert!(hosts.len() >= 2, "{hosts:?}");
    assert_eq!(
        hosts[0],
        "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"
    );
    assert_eq!(
        hosts[1],
        "examplebucket-1250000000.cos.ap-guangzhou.tencentcos.cn"
    );
}

#[tokio::test]
async fn validation_happens_before_any_request() {
    let (emu, client, bucket) = setup().await;
    assert!(matches!(
        BucketName::new("Bad_Bucket"),
        Err(InvalidInput::BucketName(_))
    ));
    assert!(matches!(
        ObjectKey::new(""),
        Err(InvalidInput::ObjectKey(_))
    ));
    assert!(matches!(
        ObjectKey::new("k".repeat(851)),
        Err(InvalidInput::ObjectKey(_))
    ));
    let k = key("k");
    let e = client
        .get_object(&bucket, &k)
        .traffic_limit(100)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        e.without_context(),
        Error::InvalidInput(InvalidInput::TrafficLimit(100))
    ));
    let e = client
        .put_object(&bucket, &k)
        .body("x")
        .traffic_limit(900_000_000)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        e.without_context(),
        Error::InvalidInput(InvalidInput::TrafficLimit(_))
    ));
    let e = client
        .upload_part(&bucket, &k, "id", 0)
        .body("x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        e.without_context(),
        Error::InvalidInput(InvalidInput::PartNumber(0))
    ));
    let e = client
        .upload_part(&bucket, &k, "id", 10_001)
        .body("x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        e.without_context(),
        Error::InvalidInput(InvalidInput::PartNumber(10_001))
    ));
    let e = client
        .complete_multipart_upload(&bucket, &k, "id")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e.without_context(), Error::InvalidInput(_)));
    let e = cos_core::Config::builder()
        .region("bad region")
        .credentials(creds())
        .build()
        .unwrap_err();
    assert!(matches!(
        e.without_context(),
        Error::InvalidInput(InvalidInput::Region(_))
    ));
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

#[tokio::test]
async fn legacy_region_alias_and_path_style() {
    let emu = emulator().await;
    let client = cos_core::Client::new(
        config_for(emu.endpoint())
            .region("cosgz")
            .path_style(true)
            .retry(RetryConfig::disabled())
            .build()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(client.config().region.as_str(), "ap-guangzhou");
    let b = BucketName::new("pathstyle-1250000000").unwrap();
    client.put_bucket(&b).send().await.unwrap();
    client
        .put_object(&b, &key("p/q r"))
        .body("x")
        .send()
        .await
        .unwrap();
    let r = last(&emu);
    assert_eq!(r.path, "/pathstyle-1250000000/p/q%20r");
    assert_eq!(r.host, emu.addr().to_string());
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn presigned_download_url_works() {
    let (emu, client, bucket) = setup().await;
    client
        .put_object(&bucket, &key("dir/p q.txt"))
        .body("presigned")
        .send()
        .await
        .unwrap();
    let url = client
        .get_presigned_download_url(&bucket, &key("dir/p q.txt"))
        .build()
        .await
        .unwrap()
        .url;
    assert!(url.starts_with("http://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/dir/p%20q.txt?q-sign-algorithm=sha1&"), "{url}");
    // Fetch it through the emulator, keeping the COS Host.
    let path_and_query = url.split_once(".myqcloud.com").unwrap().1.to_owned();
    let mut sock = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let req = format!(
        "GET {path_and_query} HTTP/1.1\r\nHost: examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com\r\nConnection: close\r\n\r\n"
    );
    sock.write_all(req.as_bytes()).await.unwrap();
    let mut resp = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        sock.read_to_string(&mut resp),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.ends_with("presigned"));
    let auth = client
        .get_auth("GET", &bucket, Some(&key("a")))
        .authorization()
        .await
        .unwrap();
    assert!(
        auth.starts_with("q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&")
            && auth.contains("q-header-list=host")
    );
    let put_url = client
        .get_presigned_url("put", &bucket, &key("a"))
        .param("x-cos-traffic-limit", "819200")
        .build()
        .await
        .unwrap()
        .url;
    assert!(
        put_url.contains("q-url-param-list=x-cos-traffic-limit")
            && put_url.ends_with("&x-cos-traffic-limit=819200"),
        "{put_url}"
    );
}

/// The wire path, query and signed header list of a PUT/GET match the official SDK's
/// capture (`cos-testkit/fixtures/wire_v5.json`); the signature itself is checked by the emulator.
#[tokio::test]
async fn wire_matches_official_sdk_capture() {
    let golden: serde_json::Value = serde_json::from_str(cos_testkit::fixtures::WIRE_V5).unwrap();
    let cap = &golden["ip_port_mode"];
    let (emu, client, bucket) = setup().await;
    let k = key("dir/a b+c%d~e.txt");
    client
        .put_object(&bucket, &k)
        .body("Hello, World!")
        .content_type("text/plain")
        .metadata("Author", "Zhang San")
        .send()
        .await
        .unwrap();
    client
        .get_object(&bucket, &k)
        .range(0, Some(4))
        .response_content_type("text/html")
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap();
    let rs = emu.requests();
    for (got, want) in rs.iter().zip(cap.as_array().unwrap().iter().take(2)) {
        assert_eq!(got.method, want["method"].as_str().unwrap());
        assert_eq!(got.path_with_query(), want["path"].as_str().unwrap());
        let want_auth = want["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == "Authorization")
            .unwrap()[1]
            .as_str()
            .unwrap();
        let list = |a: &str| {
            a.split('&')
                .filter(|p| p.starts_with("q-header-list=") || p.starts_with("q-url-param-list="))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(list(got.header("authorization").unwrap()), list(want_auth));
        assert_eq!(
            got.host,
            "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"
        );
        assert_eq!(got.status / 100, 2);
    }
}

trait PathWithQuery {
    fn path_with_query(&self) -> String;
}
impl PathWithQuery for cos_emulator::RecordedRequest {
    fn path_with_query(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let mut s = self.path.clone();
        s.push('?');
        let q: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| {
                let mut o = String::new();
                cos_auth::encode::push_form_encoded(&mut o, k);
                o.push('=');
                cos_auth::encode::push_form_encoded(&mut o, v);
                o
            })
            .collect();
        s.push_str(&q.join("&"));
        s
    }
}
