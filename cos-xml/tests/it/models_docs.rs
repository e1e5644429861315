//! Round trips of the bucket, object, multipart, configuration and error models
//! on documents shaped like COS responses and the official SDK's request bodies
//! (see `testdata/`).

use crate::common::{roundtrip, roundtrip_str};
use cos_xml::*;

#[test]
fn list_all_my_buckets_result() {
    let r: ListAllMyBucketsResult = roundtrip("list_all_my_buckets.xml");
    assert_eq!(r.owner.id, "qcs::cam::uin/100000000001:uin/100000000001");
    assert_eq!(r.owner.display_name.as_deref(), Some("100000000001"));
    let b = &r.buckets.bucket;
    assert_eq!(b.len(), 3);
    assert_eq!(b[0].name, "examplebucket1-1250000000");
    assert_eq!(b[0].location, "ap-beijing");
    assert_eq!(b[0].creation_date, "2019-05-24T11:49:50Z");
    assert_eq!(b[0].bucket_type.as_deref(), Some("cos"));
    assert_eq!(b[1].bucket_type, None);
    assert_eq!(b[2].bucket_type.as_deref(), Some("ofs"));
    assert_eq!(r.is_truncated, None);

    let e: ListAllMyBucketsResult = roundtrip("list_all_my_buckets_empty.xml");
    assert!(e.buckets.bucket.is_empty());
    assert_eq!(e.marker.as_deref(), Some(""));
    assert_eq!(e.max_keys, Some(2));
    assert_eq!(e.is_truncated, Some(false));
}

#[test]
fn create_bucket_configuration_and_location() {
    let c: CreateBucketConfiguration = roundtrip("create_bucket_configuration.xml");
    assert_eq!(c.bucket_az_config.as_deref(), Some("MAZ"));
    assert_eq!(c.bucket_arch_config, None);
    assert_eq!(
        to_string(&c).unwrap(),
        "<CreateBucketConfiguration><BucketAZConfig>MAZ</BucketAZConfig></CreateBucketConfiguration>"
    );

    let l: LocationConstraint = roundtrip("location.xml");
    assert_eq!(l.region, "ap-guangzhou");
    assert_eq!(
        to_string(&l).unwrap(),
        "<LocationConstraint>ap-guangzhou</LocationConstraint>"
    );
}

#[test]
fn access_control_policy() {
    let p: AccessControlPolicy = roundtrip("acl.xml");
    assert_eq!(
        p.owner,
        Owner::new("qcs::cam::uin/100000000001:uin/100000000001")
    );
    let g = &p.access_control_list.grants;
    assert_eq!(g.len(), 3);
    assert_eq!(
        g[0].grantee,
        Grantee::canonical_user("qcs::cam::uin/100000000001:uin/100000000001")
    );
    assert_eq!(g[0].permission, Permission::FullControl);
    assert_eq!(g[1].grantee.grantee_type, GranteeType::CanonicalUser);
    assert_eq!(
        g[1].grantee.id.as_deref(),
        Some("qcs::cam::uin/100000000001:uin/100000000011")
    );
    assert_eq!(g[1].permission, Permission::Write);
    assert_eq!(g[2].grantee, Grantee::group(acl::ALL_USERS_URI));
    assert_eq!(g[2].permission, Permission::Read);

    let out = to_string(&p).unwrap();
    assert!(
        out.contains(
            r#"<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://cam.qcloud.com/groups/global/AllUsers</URI></Grantee>"#
        ),
        "{out}"
    );
}

#[test]
fn cors_configuration() {
    let c: CorsConfiguration = roundtrip("cors.xml");
    assert_eq!(c.rules.len(), 2);
    let r = &c.rules[0];
    assert_eq!(r.id.as_deref(), Some("1234"));
    assert_eq!(
        r.allowed_origins,
        ["http://www.qq.com", "https://*.example.com"]
    );
    assert_eq!(r.allowed_methods, ["PUT", "GET"]);
    assert_eq!(r.allowed_headers, ["x-cos-meta-test", "*"]);
    assert_eq!(r.expose_headers, ["x-cos-meta-test1", "ETag"]);
    assert_eq!(r.max_age_seconds, Some(500));
    let r = &c.rules[1];
    assert_eq!(r.id, None);
    assert_eq!(r.allowed_origins, ["*"]);
    assert!(r.allowed_headers.is_empty() && r.expose_headers.is_empty());
    assert_eq!(r.max_age_seconds, None);
    assert_eq!(c.response_vary, Some(false));
}

#[test]
fn lifecycle_configuration() {
    let c: LifecycleConfiguration = roundtrip("lifecycle.xml");
    assert_eq!(c.rules.len(), 4);

    let r = &c.rules[0];
    assert_eq!(r.id.as_deref(), Some("id1"));
    assert_eq!(
        r.filter.as_ref().unwrap().prefix.as_deref(),
        Some("documents/")
    );
    assert_eq!(r.status, RuleStatus::Enabled);
    assert_eq!(
        r.transitions,
        vec![
            Transition {
                days: Some(30),
                date: None,
                storage_class: "STANDARD_IA".into()
            },
            Transition {
                days: Some(90),
                date: None,
                storage_class: "ARCHIVE".into()
            },
        ]
    );
    assert_eq!(r.expiration.as_ref().unwrap().days, Some(365));
    assert_eq!(
        r.noncurrent_version_transitions,
        vec![NoncurrentVersionTransition {
            noncurrent_days: Some(10),
            storage_class: "STANDARD_IA".into()
        }]
    );
    assert_eq!(
        r.noncurrent_version_expiration
            .as_ref()
            .unwrap()
            .noncurrent_days,
        Some(100)
    );
    assert_eq!(
        r.abort_incomplete_multipart_upload
            .as_ref()
            .unwrap()
            .days_after_initiation,
        Some(7)
    );

    let r = &c.rules[1];
    assert_eq!(r.status, RuleStatus::Disabled);
    let and = r.filter.as_ref().unwrap().and.as_ref().unwrap();
    assert_eq!(and.prefix.as_deref(), Some("logs/"));
    assert_eq!(
        and.tags,
        vec![Tag::new("env", "test"), Tag::new("team", "存储")]
    );
    assert_eq!(
        r.transitions[0].date.as_deref(),
        Some("2018-04-20T00:00:00+08:00")
    );
    assert_eq!(r.transitions[0].days, None);
    assert_eq!(
        r.expiration.as_ref().unwrap().expired_object_delete_marker,
        Some(true)
    );

    let r = &c.rules[2];
    assert_eq!(
        r.filter.as_ref().unwrap().tags,
        vec![Tag::new("temp", "yes")]
    );
    assert_eq!(
        r.expiration.as_ref().unwrap().date.as_deref(),
        Some("2030-01-01T00:00:00+08:00")
    );

    let r = &c.rules[3];
    assert_eq!(r.filter, Some(LifecycleFilter::default()));
    assert!(r.transitions.is_empty() && r.expiration.is_none());
}

#[test]
fn versioning_configuration() {
    let v: VersioningConfiguration = roundtrip("versioning.xml");
    assert_eq!(v.status, Some(VersioningStatus::Suspended));
    let v: VersioningConfiguration = roundtrip_str("<VersioningConfiguration/>");
    assert_eq!(v.status, None);
    let on = VersioningConfiguration::new(VersioningStatus::Enabled);
    assert_eq!(
        to_string(&on).unwrap(),
        "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"
    );
}

#[test]
fn tagging() {
    let t: Tagging = roundtrip("tagging.xml");
    assert_eq!(
        t.tag_set.tags,
        vec![
            Tag::new("age", "18"),
            Tag::new("name", "xiaoming"),
            Tag::new("项目", "a&b")
        ]
    );
    let empty: Tagging = roundtrip_str("<Tagging><TagSet/></Tagging>");
    assert!(empty.tag_set.tags.is_empty());
    assert_eq!(
        to_string(&Tagging::new([Tag::new("k", "v")])).unwrap(),
        "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>"
    );
}

#[test]
fn error_response() {
    let e: ErrorResponse = roundtrip("error.xml");
    assert_eq!(e.code, "NoSuchBucket");
    assert_eq!(e.message, "The specified bucket does not exist.");
    assert_eq!(
        e.resource.as_deref(),
        Some("examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com")
    );
    assert_eq!(
        e.request_id.as_deref(),
        Some("NWQ1ZmY4ZDhfMjZiMjU4NjRfNzM0Ml8xNGEw****")
    );
    assert!(e.trace_id.as_deref().unwrap().starts_with("OGVmYzZiMmQz"));
}

/// The error digests the official Python SDK extracted from the recording
/// server's `<Error>` bodies (`cos-testkit/fixtures/wire_v5.json`, copied from the
/// golden captures) survive a write/parse cycle through the model.
#[test]
fn error_response_golden_digests() {
    let wire: serde_json::Value = serde_json::from_str(cos_testkit::fixtures::WIRE_V5).unwrap();
    let errors = &wire["errors"];
    let get = &errors["get_404"];
    let head = &errors["head_404"]["digest"];
    let cases = [
        (
            get["code"].as_str().unwrap(),
            get["message"].as_str().unwrap(),
            get["resource"].as_str().unwrap(),
            get["request_id"].as_str().unwrap(),
            get["trace_id"].as_str().unwrap(),
        ),
        (
            head["code"].as_str().unwrap(),
            head["message"].as_str().unwrap(),
            head["resource"].as_str().unwrap(),
            head["requestid"].as_str().unwrap(),
            head["traceid"].as_str().unwrap(),
        ),
    ];
    for (code, message, resource, request_id, trace_id) in cases {
        let xml = format!(
            "<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n\t<Code>{code}</Code>\n\t<Message>{message}</Message>\n\
             \t<Resource>{resource}</Resource>\n\t<RequestId>{request_id}</RequestId>\n\t<TraceId>{trace_id}</TraceId>\n</Error>"
        );
        let e: ErrorResponse = roundtrip_str(&xml);
        assert_eq!(e.code, code);
        assert_eq!(e.message, message);
        assert_eq!(e.resource.as_deref(), Some(resource));
        assert_eq!(e.request_id.as_deref(), Some(request_id));
        assert_eq!(e.trace_id.as_deref(), Some(trace_id));
    }
    assert_eq!(errors["get_404"]["code"], "NoSuchKey");
    assert_eq!(errors["put_503"]["code"], "ServiceUnavailable");
}

#[test]
fn error_response_minimal() {
    let e: ErrorResponse =
        roundtrip_str("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
    assert_eq!(e.code, "AccessDenied");
    assert_eq!(e.resource, None);
    assert_eq!(e.request_id, None);
    assert_eq!(e.trace_id, None);
}

#[test]
fn delete_request() {
    let d: Delete = roundtrip("delete.xml");
    assert_eq!(d.quiet, Some(false));
    assert_eq!(
        d.objects,
        vec![
            ObjectIdentifier::new("exampleobject1"),
            ObjectIdentifier {
                key: "exampleobject2".into(),
                version_id: Some("MTg0NDUxNzgxMjEzNTU3NTk1Mjg".into())
            },
            ObjectIdentifier::new("文件/a&b.txt"),
        ]
    );
    let req = Delete {
        quiet: Some(true),
        objects: vec![ObjectIdentifier::new("a&b")],
    };
    assert_eq!(
        to_string(&req).unwrap(),
        "<Delete><Quiet>true</Quiet><Object><Key>a&amp;b</Key></Object></Delete>"
    );
}

#[test]
fn delete_result() {
    let r: DeleteResult = roundtrip("delete_result.xml");
    assert_eq!(r.deleted.len(), 2);
    assert_eq!(r.deleted[0], DeletedObject::new("exampleobject1"));
    assert_eq!(
        r.deleted[1].version_id.as_deref(),
        Some("MTg0NDUxNzgxMjEzNTU3NTk1Mjg")
    );
    assert_eq!(r.deleted[1].delete_marker, Some(true));
    assert_eq!(
        r.deleted[1].delete_marker_version_id.as_deref(),
        Some("MTg0NDUxNzgxMjEzNjE1OTcxMzM")
    );
    assert_eq!(
        r.errors,
        vec![{
            let mut e = DeleteError::new("exampleobject3", "AccessDenied", "Access Denied");
            e.version_id = Some("MTg0NDUxNzgxMjEzNjI1NDc4NjQ".into());
            e
        }]
    );
    let quiet: DeleteResult = roundtrip_str("<DeleteResult/>");
    assert!(quiet.deleted.is_empty() && quiet.errors.is_empty());
}

#[test]
fn multipart_initiate_complete() {
    let i: InitiateMultipartUploadResult = roundtrip("initiate_multipart_upload.xml");
    assert_eq!(i.bucket, "examplebucket-1250000000");
    assert_eq!(i.key, "exampleobject");
    assert_eq!(
        i.upload_id,
        "150219101333cecfd6718d0caea1e2738401f93aa531a4be7a2afee0f8828416f3278e5570"
    );

    let c: CompleteMultipartUpload = roundtrip("complete_multipart_upload.xml");
    assert_eq!(
        c.parts,
        vec![
            CompletedPart::new(1, "\"8b8378787c0925f42ccb829f6cc2fb97\""),
            CompletedPart::new(2, "\"ab8378787c0925f42ccb829f6cc2fb97\""),
            CompletedPart::new(3, "\"cc8378787c0925f42ccb829f6cc2fb97\""),
        ]
    );
    let body = CompleteMultipartUpload {
        parts: vec![CompletedPart::new(1, "\"etag\"")],
    };
    assert_eq!(
        to_string(&body).unwrap(),
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"etag\"</ETag></Part></CompleteMultipartUpload>"
    );

    let r: CompleteMultipartUploadResult = roundtrip("complete_multipart_upload_result.xml");
    assert_eq!(
        r.location,
        "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/exampleobject"
    );
    assert_eq!(r.bucket, "examplebucket-1250000000");
    assert_eq!(r.key, "exampleobject");
    assert_eq!(r.etag, "\"3f866d0050f044750423e0a4104fa8cf-2\"");
    assert_eq!(r.crc64, None);
}

#[test]
fn copy_results() {
    let c: CopyObjectResult = roundtrip("copy_object_result.xml");
    assert_eq!(c.etag, "\"ee8de918d05640145b18f70f4c3aa602\"");
    assert_eq!(c.last_modified, "2020-12-10T03:37:30Z");
    assert_eq!(c.version_id.as_deref(), Some("MTg0NDUxNzgxMjEzNTU3NTk1Mjg"));
    assert_eq!(c.crc64.as_deref(), Some("16749565679157681890"));

    let p: CopyPartResult = roundtrip("copy_part_result.xml");
    assert_eq!(p.etag, "\"ba82b57cfdfda8bd17ad4e5879ebb4fe\"");
    assert_eq!(p.last_modified, "2020-12-10T03:37:30Z");
    assert_eq!(p.crc64, None);
}

#[test]
fn restore_request() {
    let r: RestoreRequest = roundtrip("restore_request.xml");
    assert_eq!(r.days, 100);
    assert_eq!(
        r.cas_job_parameters,
        Some(CasJobParameters {
            tier: Tier::Expedited
        })
    );
    let req = RestoreRequest {
        days: 1,
        cas_job_parameters: Some(CasJobParameters { tier: Tier::Bulk }),
    };
    assert_eq!(
        to_string(&req).unwrap(),
        "<RestoreRequest><Days>1</Days><CASJobParameters><Tier>Bulk</Tier></CASJobParameters></RestoreRequest>"
    );
    let no_tier: RestoreRequest = roundtrip_str("<RestoreRequest><Days>3</Days></RestoreRequest>");
    assert_eq!(no_tier.cas_job_parameters, None);
}

#[test]
fn grantee_type_as_element_as_the_python_sdk_sends_it() {
    let doc = r#"<AccessControlPolicy><Owner><ID>qcs::cam::uin/1:uin/1</ID></Owner><AccessControlList><Grant><Grantee><Type>Group</Type><URI>http://cam.qcloud.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant><Grant><Grantee><Type>CanonicalUser</Type><ID>qcs::cam::uin/2:uin/2</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>"#;
    let p: cos_xml::AccessControlPolicy = cos_xml::from_str(doc).unwrap();
    let grants = &p.access_control_list.grants;
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[0].grantee.grantee_type, cos_xml::GranteeType::Group);
    assert_eq!(
        grants[1].grantee.grantee_type,
        cos_xml::GranteeType::CanonicalUser
    );
    assert_eq!(
        grants[1].grantee.id.as_deref(),
        Some("qcs::cam::uin/2:uin/2")
    );
}
