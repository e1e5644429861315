//! Behaviour of the `from_str` / `from_slice` / `to_string` entry points.

use cos_xml::*;

#[test]
fn from_slice_rejects_invalid_utf8() {
    let err = from_slice::<ErrorResponse>(b"<Error><Code>\xff</Code></Error>").unwrap_err();
    assert!(matches!(err, XmlError::Utf8(_)), "{err:?}");
    assert!(err.to_string().contains("UTF-8"));
}

#[test]
fn parse_errors_are_reported() {
    let err = from_str::<ListBucketResult>(
        "<ListBucketResult><MaxKeys>many</MaxKeys></ListBucketResult>",
    )
    .unwrap_err();
    assert!(matches!(err, XmlError::Parse(_)), "{err:?}");
    assert!(from_str::<ErrorResponse>("").is_err());
    assert!(from_str::<ErrorResponse>("<Error><Code>x</Error>").is_err());
    // Required elements of request bodies.
    assert!(from_str::<RestoreRequest>("<RestoreRequest/>").is_err());
    assert!(
        from_str::<LifecycleConfiguration>(
            "<LifecycleConfiguration><Rule><ID>x</ID></Rule></LifecycleConfiguration>"
        )
        .is_err()
    );
    // Unknown enum values are rejected.
    assert!(
        from_str::<VersioningConfiguration>(
            "<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>"
        )
        .is_err()
    );
}

#[test]
fn byte_order_mark_and_declaration_are_accepted() {
    let doc = "\u{feff}<?xml version='1.0' encoding='utf-8' ?>\n<LocationConstraint>ap-beijing</LocationConstraint>";
    let l: LocationConstraint = from_str(doc).unwrap();
    assert_eq!(l.region, "ap-beijing");
    let l: LocationConstraint = from_slice(doc.as_bytes()).unwrap();
    assert_eq!(l.region, "ap-beijing");
}

#[test]
fn unknown_elements_are_ignored() {
    let e: ErrorResponse = from_str(
        "<Error><Code>C</Code><Message>M</Message><NewField><A>1</A></NewField><RequestId>r</RequestId></Error>",
    )
    .unwrap();
    assert_eq!(e.code, "C");
    assert_eq!(e.request_id.as_deref(), Some("r"));
}

#[test]
fn declaration_is_optional_on_output() {
    let e = ErrorResponse::new("NoSuchKey", "m");
    assert_eq!(
        to_string(&e).unwrap(),
        "<Error><Code>NoSuchKey</Code><Message>m</Message></Error>"
    );
    assert_eq!(
        to_string_with_declaration(&e).unwrap(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>m</Message></Error>"
    );
}

#[test]
fn models_are_send_sync_and_errors_are_std_errors() {
    fn assert_traits<T: Send + Sync + 'static>() {}
    assert_traits::<ListBucketResult>();
    assert_traits::<ListVersionsResult>();
    assert_traits::<AccessControlPolicy>();
    assert_traits::<XmlError>();
    let err: Box<dyn std::error::Error + Send + Sync> = Box::new(XmlError::MissingElement("X"));
    assert_eq!(err.to_string(), "missing required element <X>");
}
