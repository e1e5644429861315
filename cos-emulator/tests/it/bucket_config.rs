//! The bucket configuration families of issue 16 in the emulator: what each one
//! does (website pages, referer refusals, default encryption, access logs), and the
//! official Python SDK's put/get round trips with the XML it sends compared byte for
//! byte with cos-xml's (`tests/python/bucket_config.py`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use cos_core::{BucketName, Client};
use cos_emulator::{Emulator, EmulatorHandle};
use cos_xml::config::{
    BucketLoggingStatus, DomainCertificate, DomainConfiguration, DomainRule, ErrorDocument,
    HostInfo, IndexDocument, IntelligentTieringConfiguration, InventoryConfiguration,
    InventoryFilter, ObjectLockConfiguration, OptionalFields, OriginCondition, OriginConfiguration,
    OriginInfo, OriginParameter, OriginRule, RedirectAllRequestsTo, RefererConfiguration,
    ReplicationConfiguration, ReplicationDestination, ReplicationRule, RoutingCondition,
    RoutingRedirect, RoutingRule, RoutingRules, ServerSideEncryptionConfiguration, Tiering,
    WebsiteConfiguration,
};

use crate::common::{self, Answer};
use crate::common::{client_for, key};

const BUCKET: &str = common::BUCKET;

async fn setup() -> (EmulatorHandle, Client, BucketName) {
    let emu = Emulator::builder()
        .region("ap-guangzhou")
        .start()
        .await
        .unwrap();
    let c = client_for(&emu);
    let b = BucketName::new(BUCKET).unwrap();
    c.put_bucket(&b).send().await.unwrap();
    (emu, c, b)
}

/// An unsigned request to `host` (for the website endpoint and referer checks).
async fn get_from(
    emu: &EmulatorHandle,
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Answer {
    let mut head = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n"
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    common::send(emu.addr(), &head, b"", false).await
}

const WEBSITE_HOST: &str = "test-1250000000.cos-website.ap-guangzhou.myqcloud.com";
const API_HOST: &str = "test-1250000000.cos.ap-guangzhou.myqcloud.com";

fn inventory() -> InventoryConfiguration {
    let mut inv =
        InventoryConfiguration::new("list1", "qcs::cos:ap-guangzhou::pylogs-1250000000", "inv");
    inv.destination.cos_bucket_destination.account_id = Some("100000000001".into());
    inv.filter = Some(InventoryFilter {
        prefix: Some("docs/".into()),
    });
    inv.optional_fields = Some(OptionalFields {
        fields: vec!["Size".into(), "ETag".into()],
    });
    inv
}

fn domain_family() -> (DomainConfiguration, DomainCertificate, OriginConfiguration) {
    let domain = DomainConfiguration::new(vec![DomainRule {
        status: "ENABLED".into(),
        name: "www.example.com".into(),
        kind: "REST".into(),
        forced_replacement: None,
    }]);
    let cert = DomainCertificate::custom(
        "-----BEGIN CERTIFICATE-----MIIBfake-----END CERTIFICATE-----",
        "-----BEGIN PRIVATE KEY-----MIIEfake-----END PRIVATE KEY-----",
        ["www.example.com"],
    );
    let origin = OriginConfiguration::new(vec![OriginRule {
        rule_priority: 1,
        origin_type: "Mirror".into(),
        origin_condition: OriginCondition {
            http_status_code: Some(404),
            prefix: Some("img/".into()),
        },
        origin_parameter: Some(OriginParameter {
            protocol: Some("HTTPS".into()),
            follow_query_string: Some("true".into()),
            follow_redirection: Some("true".into()),
            http_redirect_codes: vec!["301".into(), "302".into()],
        }),
        origin_info: OriginInfo {
            host_info: HostInfo {
                host_name: "origin.example.com".into(),
            },
        },
    }]);
    (domain, cert, origin)
}

/// The settings `bucket_config.py` sends, built with cos-xml.
fn python_settings() -> Vec<(&'static str, String)> {
    let mut site = WebsiteConfiguration::default();
    site.index_document = Some(IndexDocument::new("index.html"));
    site.error_document = Some(ErrorDocument {
        key: "error.html".into(),
        original_http_status: Some("Enabled".into()),
    });
    site.routing_rules = Some(RoutingRules {
        rules: vec![
            RoutingRule {
                condition: RoutingCondition {
                    key_prefix_equals: Some("docs/".into()),
                    ..Default::default()
                },
                redirect: RoutingRedirect {
                    protocol: Some("https".into()),
                    replace_key_prefix_with: Some("documents/".into()),
                    ..Default::default()
                },
            },
            RoutingRule {
                condition: RoutingCondition {
                    http_error_code_returned_equals: Some(404),
                    ..Default::default()
                },
                redirect: RoutingRedirect {
                    http_redirect_code: Some(302),
                    protocol: Some("https".into()),
                    replace_key_with: Some("404.html".into()),
                    ..Default::default()
                },
            },
        ],
    });
    let mut referer = RefererConfiguration::new("White-List", ["*.example.com", "www.test.com"]);
    referer.empty_refer_configuration = Some("Allow".into());
    let sse = ServerSideEncryptionConfiguration::new("AES256", None);
    let logging = BucketLoggingStatus::new("pylogs-1250000000", "access/");
    let lock = ObjectLockConfiguration::new(Some(30));
    let replication = ReplicationConfiguration::new(
        "qcs::cam::uin/100000000001:uin/100000000001",
        vec![ReplicationRule {
            id: Some("r1".into()),
            status: "Enabled".into(),
            prefix: "docs/".into(),
            destination: ReplicationDestination {
                bucket: "qcs::cos:ap-guangzhou::pyreplica-1250000000".into(),
                storage_class: Some("STANDARD_IA".into()),
            },
        }],
    );
    let tiering = IntelligentTieringConfiguration::v1(30, 1);
    let mut tiering_v2 = IntelligentTieringConfiguration::default();
    tiering_v2.id = Some("default".into());
    tiering_v2.status = "Enabled".into();
    tiering_v2.tierings = vec![Tiering {
        access_tier: "INFREQUENT".into(),
        days: 30,
        request_frequent: Some(1),
    }];
    let (domain, cert, origin) = domain_family();
    let rc = cos_xml::config::ResponseControlConfiguration::new([
        "response-content-type",
        "response-expires",
    ]);
    vec![
        ("response-control", cos_xml::to_string(&rc).unwrap()),
        ("domain", cos_xml::to_string(&domain).unwrap()),
        ("domaincertificate", cos_xml::to_string(&cert).unwrap()),
        ("origin", cos_xml::to_string(&origin).unwrap()),
        ("intelligenttiering", cos_xml::to_string(&tiering).unwrap()),
        (
            "intelligent-tiering",
            cos_xml::to_string(&tiering_v2).unwrap(),
        ),
        ("inventory", cos_xml::to_string(&inventory()).unwrap()),
        ("object-lock", cos_xml::to_string(&lock).unwrap()),
        ("replication", cos_xml::to_string(&replication).unwrap()),
        ("website", cos_xml::to_string(&site).unwrap()),
        ("referer", cos_xml::to_string(&referer).unwrap()),
        ("encryption", cos_xml::to_string(&sse).unwrap()),
        ("logging", cos_xml::to_string(&logging).unwrap()),
    ]
}

/// The declaration `format_xml` (xmltodict) puts before every body; COS ignores it,
/// cos-core sends none.
const PY_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_round_trips_and_sends_the_xml_cos_xml_writes() {
    use base64::Engine;
    let python = tokio::task::spawn_blocking(cos_testkit::python::python_or_panic)
        .await
        .unwrap();
    let emu = Emulator::builder().start().await.unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/bucket_config.py");
    let child = tokio::process::Command::new(&python)
        .arg(&script)
        .arg(emu.addr().port().to_string())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), child)
        .await
        .expect("the script took more than 2 minutes")
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.lines().any(|l| l == "OK"),
        "bucket_config.py failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    let bodies: Vec<(String, String)> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("BODY "))
        .map(|l| {
            let (sub, b64) = l.split_once(' ').unwrap();
            let body = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap();
            (sub.to_owned(), String::from_utf8(body).unwrap())
        })
        .collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cos-xml/testdata/config");
    for (sub, ours) in python_settings() {
        let (_, theirs) = bodies
            .iter()
            .find(|(s, _)| s == sub)
            .unwrap_or_else(|| panic!("the SDK sent no ?{sub} body"));
        // The committed fixture is this capture (`COS_RS_WRITE_FIXTURES=1` rewrites it).
        let path = fixtures.join(format!("{sub}.xml"));
        if std::env::var_os("COS_RS_WRITE_FIXTURES").is_some() {
            std::fs::write(&path, theirs).unwrap();
        }
        let fixture = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            theirs, &fixture,
            "?{sub}: the fixture is not what the SDK sends"
        );
        let element = theirs.strip_prefix(PY_DECLARATION).unwrap();
        assert_eq!(
            ours, element,
            "?{sub}: cos-xml writes other XML than the SDK"
        );
    }
    // Every operation of the families went through the SDK (acceleration aside: the
    // Python SDK has no call for it).
    let log = emu.requests();
    let families = [
        "website",
        "referer",
        "encryption",
        "logging",
        "object-lock",
        "replication",
        "inventory",
        "intelligenttiering",
        "intelligent-tiering",
        "domain",
        "domaincertificate",
        "origin",
        "response-control",
    ];
    for &op in cos_xml::op::Op::ALL {
        if op.spec().subresource.is_some_and(|s| families.contains(&s)) {
            assert!(
                log.iter().any(|r| r.operation == op.name()),
                "the Python SDK sent no {op}"
            );
        }
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn website_endpoint_serves_index_error_document_and_redirects() {
    let (emu, c, b) = setup().await;
    c.put_bucket_acl(&b)
        .acl(cos_core::Acl::PublicRead)
        .send()
        .await
        .unwrap();
    for (k, body) in [
        ("index.html", "home"),
        ("blog/index.html", "blog"),
        ("error.html", "oops"),
    ] {
        c.put_object(&b, &key(k)).body(body).send().await.unwrap();
    }
    // No configuration yet: the website endpoint answers the family's 404.
    let a = get_from(&emu, WEBSITE_HOST, "/", &[]).await;
    assert_eq!(a.status, 404);
    assert!(
        a.text().contains("NoSuchWebsiteConfiguration"),
        "{}",
        a.text()
    );
    let mut site = WebsiteConfiguration::default();
    site.index_document = Some(IndexDocument::new("index.html"));
    site.error_document = Some(ErrorDocument::new("error.html"));
    site.routing_rules = Some(RoutingRules {
        rules: vec![RoutingRule {
            condition: RoutingCondition {
                key_prefix_equals: Some("docs/".into()),
                ..Default::default()
            },
            redirect: RoutingRedirect {
                protocol: Some("https".into()),
                replace_key_prefix_with: Some("documents/".into()),
                ..Default::default()
            },
        }],
    });
    c.put_bucket_website(&b, &site).send().await.unwrap();
    let root = get_from(&emu, WEBSITE_HOST, "/", &[]).await;
    assert_eq!((root.status, root.text().as_str()), (200, "home"));
    let dir = get_from(&emu, WEBSITE_HOST, "/blog/", &[]).await;
    assert_eq!((dir.status, dir.text().as_str()), (200, "blog"));
    let missing = get_from(&emu, WEBSITE_HOST, "/nothing.html", &[]).await;
    assert_eq!((missing.status, missing.text().as_str()), (404, "oops"));
    let moved = get_from(&emu, WEBSITE_HOST, "/docs/a.html", &[]).await;
    assert_eq!(moved.status, 301);
    assert_eq!(
        moved.header("location"),
        Some(format!("https://{WEBSITE_HOST}/documents/a.html").as_str())
    );
    // The API endpoint is unaffected: a directory path is a missing key there.
    let api = get_from(&emu, API_HOST, "/blog/", &[]).await;
    assert_eq!(api.status, 404);
    assert!(api.text().contains("NoSuchKey"));
    // Redirect-all wins over everything.
    let mut all = WebsiteConfiguration::default();
    all.redirect_all_requests_to = Some(RedirectAllRequestsTo {
        protocol: Some("https".into()),
        ..Default::default()
    });
    c.put_bucket_website(&b, &all).send().await.unwrap();
    let r = get_from(&emu, WEBSITE_HOST, "/index.html", &[]).await;
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("location"),
        Some(format!("https://{WEBSITE_HOST}/index.html").as_str())
    );
}

#[tokio::test]
async fn referer_lists_allow_and_refuse_object_reads() {
    let (emu, c, b) = setup().await;
    c.put_bucket_acl(&b)
        .acl(cos_core::Acl::PublicRead)
        .send()
        .await
        .unwrap();
    c.put_object(&b, &key("pic.jpg"))
        .body("img")
        .send()
        .await
        .unwrap();
    let get = |referer: Option<&'static str>| {
        let emu = &emu;
        async move {
            let h: Vec<(&str, &str)> = referer.map(|r| ("Referer", r)).into_iter().collect();
            get_from(emu, API_HOST, "/pic.jpg", &h).await.status
        }
    };
    let mut white = RefererConfiguration::new("White-List", ["*.example.com"]);
    c.put_bucket_referer(&b, &white).send().await.unwrap();
    assert_eq!(get(Some("https://www.example.com/page")).await, 200);
    assert_eq!(get(Some("https://evil.com/page")).await, 403);
    // EmptyReferConfiguration defaults to Deny.
    assert_eq!(get(None).await, 403);
    white.empty_refer_configuration = Some("Allow".into());
    c.put_bucket_referer(&b, &white).send().await.unwrap();
    assert_eq!(get(None).await, 200);
    let black = RefererConfiguration::new("Black-List", ["evil.com"]);
    c.put_bucket_referer(&b, &black).send().await.unwrap();
    assert_eq!(get(Some("http://evil.com/x")).await, 403);
    assert_eq!(get(Some("http://good.com/x")).await, 200);
    // Disabled: nothing is refused.
    let mut off = black.clone();
    off.status = "Disabled".into();
    c.put_bucket_referer(&b, &off).send().await.unwrap();
    assert_eq!(get(Some("http://evil.com/x")).await, 200);
    c.delete_bucket_referer(&b).send().await.unwrap();
    assert_eq!(get(None).await, 200);
}

#[tokio::test]
async fn default_encryption_marks_new_objects_only() {
    let (_emu, c, b) = setup().await;
    c.put_object(&b, &key("before"))
        .body("x")
        .send()
        .await
        .unwrap();
    let sse = ServerSideEncryptionConfiguration::new("AES256", None);
    c.put_bucket_encryption(&b, &sse).send().await.unwrap();
    let put = c
        .put_object(&b, &key("after"))
        .body("x")
        .send()
        .await
        .unwrap();
    let header = |h: &http::HeaderMap| {
        h.get("x-cos-server-side-encryption")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(header(&put.meta.headers).as_deref(), Some("AES256"));
    let after = c.head_object(&b, &key("after")).send().await.unwrap();
    assert_eq!(header(&after.meta.headers).as_deref(), Some("AES256"));
    let before = c.head_object(&b, &key("before")).send().await.unwrap();
    assert_eq!(header(&before.meta.headers), None);
    // Multipart uploads get it too.
    let up = c
        .initiate_multipart_upload(&b, &key("mp"))
        .send()
        .await
        .unwrap();
    let part = c
        .upload_part(&b, &key("mp"), &up.upload_id, 1)
        .body("part")
        .send()
        .await
        .unwrap();
    c.complete_multipart_upload(&b, &key("mp"), &up.upload_id)
        .part(1, part.etag.unwrap())
        .send()
        .await
        .unwrap();
    let mp = c.head_object(&b, &key("mp")).send().await.unwrap();
    assert_eq!(header(&mp.meta.headers).as_deref(), Some("AES256"));
}

#[tokio::test]
async fn logging_writes_access_log_objects_in_cos_line_format() {
    let (emu, c, b) = setup().await;
    let logs = BucketName::new("logs-1250000000").unwrap();
    c.put_bucket(&logs).send().await.unwrap();
    c.put_bucket_logging(&b, &BucketLoggingStatus::new(logs.as_str(), "access/"))
        .send()
        .await
        .unwrap();
    c.put_object(&b, &key("a.txt"))
        .body("hello")
        .send()
        .await
        .unwrap();
    let _ = c.get_object(&b, &key("missing")).send().await.unwrap_err();
    // Nothing is delivered until the due work runs.
    let listed = c
        .list_objects(&logs)
        .prefix("access/")
        .send()
        .await
        .unwrap();
    assert!(listed.contents.is_empty());
    emu.run_due_work().await.unwrap();
    let listed = c
        .list_objects(&logs)
        .prefix("access/")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.contents.len(), 1, "{listed:?}");
    let log_key = &listed.contents[0].key;
    // access/{YYYY}/{MM}/{DD}/{time}_{random}_{index}
    let parts: Vec<&str> = log_key.trim_start_matches("access/").split('/').collect();
    assert_eq!(parts.len(), 4, "{log_key}");
    assert_eq!(parts[3].split('_').count(), 3, "{log_key}");
    let body = c.get_object(&logs, &key(log_key)).send().await.unwrap();
    let text = String::from_utf8(body.body.collect().await.unwrap().to_vec()).unwrap();
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split(' ').collect()).collect();
    let put = lines
        .iter()
        .find(|f| f[5] == "PutObject")
        .unwrap_or_else(|| panic!("no PutObject line in {text}"));
    assert_eq!(put.len(), 30, "{put:?}");
    assert_eq!((put[0], put[1], put[2]), ("1.0", BUCKET, "ap-guangzhou"));
    assert_eq!((put[11], put[12], put[14]), ("/a.txt", "put", "200"));
    let miss = lines.iter().find(|f| f[5] == "GetObject").unwrap();
    assert_eq!((miss[14], miss[15]), ("404", "NoSuchKey"));
    // Requests on the log bucket itself are not logged; a second run writes nothing new.
    emu.run_due_work().await.unwrap();
    let again = c
        .list_objects(&logs)
        .prefix("access/")
        .send()
        .await
        .unwrap();
    assert_eq!(again.contents.len(), 1);
}
