//! The bucket configuration families (`cos_xml::config`) write exactly the XML the
//! official Python SDK sends for the same settings: the fixtures under
//! `testdata/config/` are its bodies, captured against the emulator by
//! `cos-emulator/tests/python/bucket_config.py` (the emulator's test
//! `bucket_config::python_sdk_round_trips_and_sends_the_xml_cos_xml_writes` checks the
//! live capture still equals them). The SDK's `format_xml` prefixes a declaration that
//! cos-core does not send; everything after it is compared byte for byte.

use crate::common::load;

use cos_xml::config::{
    AccelerateConfiguration, BucketLoggingStatus, DomainCertificate, DomainConfiguration,
    DomainRule, ErrorDocument, HostInfo, IndexDocument, IntelligentTieringConfiguration,
    InventoryConfiguration, InventoryFilter, ObjectLockConfiguration, OptionalFields,
    OriginCondition, OriginConfiguration, OriginInfo, OriginParameter, OriginRule,
    RefererConfiguration, ReplicationConfiguration, ReplicationDestination, ReplicationRule,
    RoutingCondition, RoutingRedirect, RoutingRule, RoutingRules,
    ServerSideEncryptionConfiguration, Tiering, WebsiteConfiguration,
};

const PY_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// The fixture without the SDK's declaration; it parses back to `model`.
fn check<T>(name: &str, model: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let fixture = load(&format!("config/{name}.xml"));
    let body = fixture.strip_prefix(PY_DECLARATION).unwrap();
    assert_eq!(cos_xml::to_string(model).unwrap(), body, "{name}");
    let parsed: T = cos_xml::from_str(&fixture).unwrap();
    assert_eq!(&parsed, model, "{name}");
}

#[test]
fn website_matches_the_python_sdk() {
    let mut site = WebsiteConfiguration::default();
    site.index_document = Some(IndexDocument::new("index.html"));
    site.error_document = Some(ErrorDocument {
        key: "error.html".into(),
        original_http_status: Some("Enabled".into()),
    });
    let prefix = RoutingRule {
        condition: RoutingCondition {
            key_prefix_equals: Some("docs/".into()),
            ..Default::default()
        },
        redirect: RoutingRedirect {
            protocol: Some("https".into()),
            replace_key_prefix_with: Some("documents/".into()),
            ..Default::default()
        },
    };
    let not_found = RoutingRule {
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
    };
    site.routing_rules = Some(RoutingRules {
        rules: vec![prefix, not_found],
    });
    check("website", &site);
}

#[test]
fn referer_matches_the_python_sdk() {
    let mut referer = RefererConfiguration::new("White-List", ["*.example.com", "www.test.com"]);
    referer.empty_refer_configuration = Some("Allow".into());
    check("referer", &referer);
}

#[test]
fn encryption_matches_the_python_sdk() {
    check(
        "encryption",
        &ServerSideEncryptionConfiguration::new("AES256", None),
    );
}

#[test]
fn logging_matches_the_python_sdk() {
    check(
        "logging",
        &BucketLoggingStatus::new("pylogs-1250000000", "access/"),
    );
}

#[test]
fn object_lock_matches_the_python_sdk() {
    check("object-lock", &ObjectLockConfiguration::new(Some(30)));
}

#[test]
fn replication_matches_the_python_sdk() {
    let rule = ReplicationRule {
        id: Some("r1".into()),
        status: "Enabled".into(),
        prefix: "docs/".into(),
        destination: ReplicationDestination {
            bucket: "qcs::cos:ap-guangzhou::pyreplica-1250000000".into(),
            storage_class: Some("STANDARD_IA".into()),
        },
    };
    assert_eq!(rule.destination.bucket_name(), "pyreplica-1250000000");
    check(
        "replication",
        &ReplicationConfiguration::new("qcs::cam::uin/100000000001:uin/100000000001", vec![rule]),
    );
}

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

#[test]
fn inventory_matches_the_python_sdk() {
    let inv = inventory();
    assert_eq!(
        inv.destination.cos_bucket_destination.bucket_name(),
        "pylogs-1250000000"
    );
    check("inventory", &inv);
}

#[test]
fn intelligent_tiering_matches_the_python_sdk() {
    check(
        "intelligenttiering",
        &IntelligentTieringConfiguration::v1(30, 1),
    );
    let mut tiering_v2 = IntelligentTieringConfiguration::default();
    tiering_v2.id = Some("default".into());
    tiering_v2.status = "Enabled".into();
    tiering_v2.tierings = vec![Tiering {
        access_tier: "INFREQUENT".into(),
        days: 30,
        request_frequent: Some(1),
    }];
    check("intelligent-tiering", &tiering_v2);
}

#[test]
fn accelerate_writes_the_node_sdk_document() {
    // The Python SDK has no accelerate call; the Node SDK sends `{Status}` under
    // `AccelerateConfiguration` (`cos-nodejs-sdk-v5` test "putBucketAccelerate()").
    assert_eq!(
        cos_xml::to_string(&AccelerateConfiguration::new("Enabled")).unwrap(),
        "<AccelerateConfiguration><Status>Enabled</Status></AccelerateConfiguration>"
    );
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

#[test]
fn domains_certificates_and_origin_match_the_python_sdk() {
    let (domain, cert, origin) = domain_family();
    check("domain", &domain);
    check("domaincertificate", &cert);
    check("origin", &origin);
    // The private key stays out of Debug output.
    let shown = format!("{cert:?} {:?}", cert.certificate_info.custom_cert);
    assert!(!shown.contains("MIIEfake"), "{shown}");
}

#[test]
fn response_control_matches_the_python_sdk() {
    check(
        "response-control",
        &cos_xml::config::ResponseControlConfiguration::new([
            "response-content-type",
            "response-expires",
        ]),
    );
}

#[test]
fn unknown_elements_are_ignored() {
    let xml = "<RefererConfiguration><Status>Enabled</Status><RefererType>Black-List</RefererType>\
        <DomainList><Domain>a.com</Domain></DomainList><NewThing>1</NewThing></RefererConfiguration>";
    let r: RefererConfiguration = cos_xml::from_str(xml).unwrap();
    assert_eq!(r, RefererConfiguration::new("Black-List", ["a.com"]));
    let empty: BucketLoggingStatus = cos_xml::from_str("<BucketLoggingStatus/>").unwrap();
    assert_eq!(empty, BucketLoggingStatus::default());
}
