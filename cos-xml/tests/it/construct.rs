//! Response models are `#[non_exhaustive]`: other crates (the emulator, test fakes)
//! build them with `new(..)` or `default()` plus field assignments. Each
//! constructor must give the same model as the document COS sends, so that a
//! server built on them writes identical documents.

use cos_xml::*;

use crate::common::roundtrip;

#[test]
fn small_documents_from_their_constructors() {
    let parsed: InitiateMultipartUploadResult = roundtrip("initiate_multipart_upload.xml");
    assert_eq!(
        InitiateMultipartUploadResult::new(
            "examplebucket-1250000000",
            "exampleobject",
            "150219101333cecfd6718d0caea1e2738401f93aa531a4be7a2afee0f8828416f3278e5570",
        ),
        parsed
    );

    let parsed: LocationConstraint = roundtrip("location.xml");
    assert_eq!(LocationConstraint::new("ap-guangzhou"), parsed);

    let parsed: VersioningConfiguration = roundtrip("versioning.xml");
    assert_eq!(
        VersioningConfiguration::new(VersioningStatus::Suspended),
        parsed
    );
    assert_eq!(
        to_string(&VersioningConfiguration::default()).unwrap(),
        "<VersioningConfiguration/>"
    );

    let parsed: CopyObjectResult = roundtrip("copy_object_result.xml");
    let mut built = CopyObjectResult::new(
        "\"ee8de918d05640145b18f70f4c3aa602\"",
        "2020-12-10T03:37:30Z",
    );
    built.version_id = Some("MTg0NDUxNzgxMjEzNTU3NTk1Mjg".into());
    built.crc64 = Some("16749565679157681890".into());
    assert_eq!(built, parsed);

    let parsed: ErrorResponse = roundtrip("error.xml");
    let mut built = ErrorResponse::new("NoSuchBucket", "The specified bucket does not exist.");
    built.resource = parsed.resource.clone();
    built.request_id = parsed.request_id.clone();
    built.trace_id = parsed.trace_id.clone();
    assert_eq!(built, parsed);
}

#[test]
fn assigned_fields_after_default_write_the_cos_document() {
    let parsed: CompleteMultipartUploadResult = roundtrip("complete_multipart_upload_result.xml");
    let mut built = CompleteMultipartUploadResult::default();
    built.location = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/exampleobject".into();
    built.bucket = "examplebucket-1250000000".into();
    built.key = "exampleobject".into();
    built.etag = "\"3f866d0050f044750423e0a4104fa8cf-2\"".into();
    assert_eq!(built, parsed);
    assert_eq!(to_string(&built).unwrap(), to_string(&parsed).unwrap());
}

#[test]
fn list_all_my_buckets_from_new() {
    let parsed: ListAllMyBucketsResult = roundtrip("list_all_my_buckets.xml");
    let built = ListAllMyBucketsResult::new(parsed.owner.clone(), parsed.buckets.bucket.clone());
    // `new` is the unpaged answer: no paging elements.
    assert_eq!(
        (built.marker.as_ref(), built.max_keys, built.is_truncated),
        (None, None, None)
    );
    assert_eq!(built.buckets, parsed.buckets);
    let mut owner = Owner::new("qcs::cam::uin/100000000001:uin/100000000001");
    owner.display_name = Some("100000000001".into());
    assert_eq!(built.owner, owner);
}

#[test]
fn configuration_documents_from_new() {
    let parsed: AccessControlPolicy = roundtrip("acl.xml");
    let me = "qcs::cam::uin/100000000001:uin/100000000001";
    let built = AccessControlPolicy::new(
        Owner::new(me),
        vec![
            Grant::new(Grantee::canonical_user(me), Permission::FullControl),
            Grant::new(
                Grantee::canonical_user("qcs::cam::uin/100000000001:uin/100000000011"),
                Permission::Write,
            ),
            Grant::new(Grantee::group(acl::ALL_USERS_URI), Permission::Read),
        ],
    );
    assert_eq!(built, parsed);

    let parsed: CorsConfiguration = roundtrip("cors.xml");
    let mut built = CorsConfiguration::new(parsed.rules.clone());
    assert_eq!(built.response_vary, None);
    built.response_vary = Some(false);
    assert_eq!(built, parsed);

    let parsed: LifecycleConfiguration = roundtrip("lifecycle.xml");
    assert_eq!(LifecycleConfiguration::new(parsed.rules.clone()), parsed);

    let parsed: Tagging = roundtrip("tagging.xml");
    assert_eq!(Tagging::new(parsed.tag_set.tags.clone()), parsed);
    assert_eq!(TagSet::new(parsed.tag_set.tags.clone()), parsed.tag_set);
}

#[test]
fn delete_result_entries_from_new() {
    let parsed: DeleteResult = roundtrip("delete_result.xml");
    let mut err = DeleteError::new("exampleobject3", "AccessDenied", "Access Denied");
    err.version_id = Some("MTg0NDUxNzgxMjEzNjI1NDc4NjQ".into());
    assert_eq!(parsed.errors, vec![err]);
    assert_eq!(parsed.deleted[0], DeletedObject::new("exampleobject1"));
}
