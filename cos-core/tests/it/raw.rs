#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `Client::send_raw`: no qsign signature, caller-supplied host, path and
//! authorization, answers below 500 returned as they are.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use cos_core::raw::RawRequest;
use cos_emulator::FaultRule;

#[tokio::test]
async fn raw_requests_use_the_transport_without_signing() {
    let emu = common::emulator().await;
    let client = common::client_for(&emu, common::fast_retry());
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    // A v4 stat without a valid signature: the emulator answers 403 with JSON.
    let response = client
        .send_raw(
            RawRequest::new(
                "V4Stat",
                http::Method::GET,
                "gz.file.myqcloud.com",
                "/files/v2/1250000000/b/a%20b.txt?op=stat",
            )
            .header("X-Test", "1")
            .authorization(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                "not-a-signature".to_owned()
            }),
        )
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 403);
    let v: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(v["code"], -96);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let seen = emu.requests();
    let r = seen.last().unwrap();
    assert_eq!(r.host, "gz.file.myqcloud.com");
    assert_eq!(r.path, "/files/v2/1250000000/b/a%20b.txt");
    assert_eq!(r.header("authorization"), Some("not-a-signature"));
    assert_eq!(r.header("x-test"), Some("1"));

    // 5xx is retried, each attempt authorized afresh; then an error.
    emu.add_fault(FaultRule::parse("op=V4,status=503").unwrap());
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let err = client
        .send_raw(
            RawRequest::new(
                "V4Stat",
                http::Method::GET,
                "gz.file.myqcloud.com",
                "/files/v2/1/b/x?op=stat",
            )
            .authorization(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                "sig".to_owned()
            }),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(calls.load(Ordering::SeqCst) > 1);
    emu.shutdown().await;
}

/// The transport is public: a q-signed wire request, sent without a `Client`, is
/// accepted by the emulator (which verifies signatures); an unsigned one is refused.
#[tokio::test]
async fn transport_sends_prepared_requests_with_an_authorizer() {
    use cos_core::transport::{Accept, Authorizer, Transport, TransportConfig, WireRequest};

    let emu = common::emulator().await;
    let client = common::client_for(&emu, common::fast_retry());
    let bucket = cos_core::BucketName::new("examplebucket-1250000000").unwrap();
    client.put_bucket(&bucket).send().await.unwrap();
    let transport = Transport::new(
        TransportConfig::default()
            .connect_to(emu.endpoint())
            .retry(cos_core::RetryConfig::disabled()),
    )
    .unwrap();
    let host = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";
    let put = || {
        WireRequest::new("PutObject", http::Method::PUT, host, "/dir/a%20b%2Bc.txt")
            .body("hello")
            .accept(Accept::Success)
            .verify_crc64(true)
    };
    let auth = Authorizer::q_sign(
        std::sync::Arc::new(common::creds()),
        std::time::Duration::from_secs(600),
    );
    let r = transport.send(put(), &auth).await.unwrap();
    assert_eq!(r.status.as_u16(), 200);
    let key = common::key("dir/a b+c.txt");
    let got = client.get_object(&bucket, &key).send().await.unwrap();
    assert_eq!(&got.body.collect().await.unwrap()[..], b"hello");
    // A signed query survives the round trip through the wire encoding.
    let list = WireRequest::new("ListObjects", http::Method::GET, host, "/?prefix=dir%2Fa+b")
        .accept(Accept::Success);
    let r = transport.send(list, &auth).await.unwrap();
    assert!(String::from_utf8_lossy(&r.body).contains("<Key>dir/a b+c.txt</Key>"));
    // Unsigned: a 403 service error under Accept::Success.
    let err = transport.send(put(), &Authorizer::None).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    emu.shutdown().await;
}
