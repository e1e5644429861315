//! The operation table: names, parsing, and how requests select operations.

use std::collections::HashSet;

use cos_xml::op::{Access, Method, Op, SUBRESOURCES, Scope};

#[test]
fn names_are_unique_and_round_trip() {
    let mut names = HashSet::new();
    for &op in Op::ALL {
        assert!(names.insert(op.name()), "duplicate name {op}");
        assert_eq!(op.to_string(), op.spec().name);
        assert_eq!(op.name().parse::<Op>(), Ok(op));
    }
    assert_eq!(names.len(), Op::ALL.len());
}

#[test]
fn unknown_names_list_the_valid_ones() {
    let e = "UploadParts".parse::<Op>().unwrap_err();
    assert_eq!(e.name, "UploadParts");
    let text = e.to_string();
    assert!(text.contains("\"UploadParts\""), "{text}");
    for op in Op::ALL {
        assert!(text.contains(op.name()), "{text} lacks {op}");
    }
    // Names are exact: COS logs them with this case.
    assert!("putobject".parse::<Op>().is_err());
}

#[test]
fn cos_names_of_the_operations_the_sdks_call_by_another_name() {
    // COS documents and logs these names; SDK method names differ.
    assert_eq!(
        Op::InitiateMultipartUpload.name(),
        "InitiateMultipartUpload"
    );
    assert_eq!(Op::DeleteMultipleObjects.name(), "DeleteMultipleObjects");
    assert_eq!(Op::ListObjects.spec().subresource, None);
    assert_eq!(Op::ListObjectVersions.spec().subresource, Some("versions"));
    assert_eq!(Op::ListMultipartUploads.spec().subresource, Some("uploads"));
    assert_eq!(Op::InitiateMultipartUpload.spec().scope, Scope::Object);
}

#[test]
fn every_spec_selects_its_own_operation() {
    // The migration host's operations are named by their host (see
    // `Op::on_migration_host`): `find` leaves them to the POST Object / GET Object
    // their method and scope name elsewhere.
    assert_eq!(
        Op::find(Method::Post, Scope::Bucket, None, false),
        Some(Op::PostObject)
    );
    for &op in Op::ALL.iter().filter(|op| !op.routed_by_host()) {
        let s = op.spec();
        assert_eq!(
            Op::find(s.method, s.scope, s.subresource, op.is_copy()),
            Some(op),
            "{op}"
        );
        if let Some(sub) = s.subresource {
            assert!(
                SUBRESOURCES.contains(&sub),
                "{op}: ?{sub} not a sub-resource"
            );
        }
    }
}

#[test]
fn requests_outside_the_table_select_nothing() {
    // Sub-resources COS has but the table does not serve.
    for sub in ["torrent", "requestPayment", "origin-protect", "guetzli"] {
        assert!(SUBRESOURCES.contains(&sub));
        for method in [Method::Get, Method::Put, Method::Delete, Method::Post] {
            assert_eq!(Op::find(method, Scope::Bucket, Some(sub), false), None);
            assert_eq!(Op::find(method, Scope::Object, Some(sub), false), None);
        }
    }
    assert_eq!(
        Op::find(Method::Delete, Scope::Bucket, Some("versioning"), false),
        None
    );
    assert_eq!(Op::find(Method::Put, Scope::Service, None, false), None);
    assert_eq!(
        Op::find(Method::Options, Scope::Bucket, Some("acl"), false),
        None
    );
    // Plain parameters are no sub-resources.
    for plain in [
        "prefix",
        "marker",
        "max-keys",
        "versionId",
        "partNumber",
        "response-content-type",
    ] {
        assert!(!SUBRESOURCES.contains(&plain), "{plain}");
    }
}

#[test]
fn copies_are_told_apart_by_their_source_header() {
    let put = |copy| Op::find(Method::Put, Scope::Object, None, copy);
    assert_eq!(put(false), Some(Op::PutObject));
    assert_eq!(put(true), Some(Op::CopyObject));
    let part = |copy| Op::find(Method::Put, Scope::Object, Some("uploadId"), copy);
    assert_eq!(part(false), Some(Op::UploadPart));
    assert_eq!(part(true), Some(Op::UploadPartCopy));
    // Other operations ignore the header.
    assert_eq!(
        Op::find(Method::Get, Scope::Object, None, true),
        Some(Op::GetObject)
    );
    assert_eq!(
        Op::find(Method::Options, Scope::Bucket, None, false),
        Some(Op::OptionsObject)
    );
}

#[test]
fn access_classes() {
    assert_eq!(Op::OptionsObject.spec().access, Access::Open);
    assert_eq!(Op::GetObject.spec().access, Access::Read);
    assert_eq!(Op::PutObject.spec().access, Access::Write);
    assert_eq!(Op::PutBucketAcl.spec().access, Access::Owner);
    for &op in Op::ALL {
        let s = op.spec();
        if s.access == Access::Write {
            assert!(
                matches!(s.method, Method::Put | Method::Post | Method::Delete),
                "{op}"
            );
        }
    }
    assert_eq!(Method::from_name("PATCH"), None);
    assert_eq!(Method::from_name("GET"), Some(Method::Get));
}
