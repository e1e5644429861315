//! Endpoint rules on the wire: the internal domain, the copy-source host following the
//! configured domain, a presigned-URL domain apart from the API endpoint, and unknown
//! regions refused at `build` unless allowed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{self, emulator, fast_retry, key};
use cos_core::error::ConfigError;
use cos_core::{BucketName, Client, Config, Endpoint, Error};

const BUCKET: &str = "examplebucket-1250000000";

#[tokio::test]
async fn internal_domain_and_copy_source_follow_the_endpoint() {
    let emu = emulator().await;
    let bucket = BucketName::new(BUCKET).unwrap();
    let cases = [
        (
            Endpoint::TencentCos,
            "examplebucket-1250000000.cos.ap-guangzhou.tencentcos.cn",
        ),
        (
            Endpoint::Internal,
            "examplebucket-1250000000.cos-internal.ap-guangzhou.tencentcos.cn",
        ),
        (
            Endpoint::Default,
            "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
        ),
    ];
    for (i, (endpoint, host)) in cases.into_iter().enumerate() {
        let config = common::config_for(emu.endpoint())
            .endpoint(endpoint.clone())
            .retry(fast_retry());
        let client = Client::new(config.build().unwrap()).unwrap();
        if i == 0 {
            client.put_bucket(&bucket).send().await.unwrap();
        }
        let src = key(&format!("src-{i}.txt"));
        client
            .put_object(&bucket, &src)
            .body("copy me")
            .send()
            .await
            .unwrap();
        emu.clear_requests();
        client
            .copy_object(&bucket, &key(&format!("dst-{i}.txt")), &bucket, &src)
            .send()
            .await
            .unwrap();
        let r = emu.requests();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].host, host, "{endpoint:?}");
        let source = r[0]
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-cos-copy-source"))
            .map(|(_, v)| v.clone())
            .unwrap();
        assert_eq!(source, format!("{host}/src-{i}.txt"), "{endpoint:?}");
        assert_eq!(r[0].status, 200);
    }
    // A source in another region keeps the configured domain.
    let client = Client::new(
        common::config_for(emu.endpoint())
            .endpoint(Endpoint::TencentCos)
            .build()
            .unwrap(),
    )
    .unwrap();
    emu.clear_requests();
    let _ = client
        .copy_object(&bucket, &key("x"), &bucket, &key("src-0.txt"))
        .source_region("ap-beijing")
        .send()
        .await;
    let source = emu.requests()[0]
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-cos-copy-source"))
        .map(|(_, v)| v.clone())
        .unwrap();
    assert_eq!(
        source,
        "examplebucket-1250000000.cos.ap-beijing.tencentcos.cn/src-0.txt"
    );
}

#[tokio::test]
async fn presigned_urls_use_the_presign_domain_while_requests_keep_the_api_host() {
    let emu = emulator().await;
    let bucket = BucketName::new(BUCKET).unwrap();
    let config = common::config_for(emu.endpoint())
        .scheme(cos_core::Scheme::Https)
        .presign_domain("cdn.example.com")
        .retry(fast_retry());
    let client = Client::new(config.build().unwrap()).unwrap();
    let url = client
        .get_presigned_download_url(&bucket, &key("a b.txt"))
        .build()
        .await
        .unwrap()
        .url;
    assert!(
        url.starts_with("https://cdn.example.com/a%20b.txt?"),
        "{url}"
    );
    assert!(url.contains("q-sign-algorithm=sha1"), "{url}");
    client.put_bucket(&bucket).send().await.unwrap();
    assert_eq!(
        emu.requests()[0].host,
        "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"
    );
    // Without it, the URL names the API host.
    let plain = Client::new(common::config_for(emu.endpoint()).build().unwrap()).unwrap();
    let url = plain
        .get_presigned_download_url(&bucket, &key("k"))
        .build()
        .await
        .unwrap()
        .url;
    assert!(
        url.contains("examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/k?"),
        "{url}"
    );
}

#[test]
fn a_misspelt_region_is_a_typed_error_unless_allowed() {
    let build = |region: &str, allow: bool| {
        Config::builder()
            .region(region)
            .credentials(common::creds())
            .allow_unlisted_region(allow)
            .build()
    };
    match build("ap-guangzhuo", false) {
        Err(Error::Config(ConfigError::UnknownRegion { region, suggestion })) => {
            assert_eq!(region, "ap-guangzhuo");
            assert_eq!(suggestion, Some("ap-guangzhou"));
        }
        other => panic!("{other:?}"),
    }
    let e = build("ap-guangzhuo", false).unwrap_err().to_string();
    assert!(e.contains("did you mean \"ap-guangzhou\""), "{e}");
    // Explicitly allowed: a region opened after this release.
    assert_eq!(
        build("ap-newcity", true).unwrap().region.as_str(),
        "ap-newcity"
    );
    // Listed regions and the legacy aliases pass.
    for r in ["ap-beijing", "na-ashburn", "cossh", "ap-shenzhen-fsi"] {
        build(r, false).unwrap();
    }
    // A malformed name is still an invalid input.
    assert!(matches!(
        build("AP Guangzhou", true),
        Err(Error::InvalidInput(_))
    ));
}
