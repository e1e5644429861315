//! The hand-written listing parsers must agree with the serde path.

use crate::common::load;
use cos_xml::*;
use proptest::prelude::*;

fn same_list_bucket(xml: &str) -> ListBucketResult {
    let slow: ListBucketResult = from_str(xml).unwrap_or_else(|e| panic!("serde: {e}\n{xml}"));
    let fast = ListBucketResult::from_xml_fast(xml).unwrap_or_else(|e| panic!("fast: {e}\n{xml}"));
    assert_eq!(fast, slow, "fast and serde parsers disagree on\n{xml}");
    fast
}

fn same_list_versions(xml: &str) -> ListVersionsResult {
    let slow: ListVersionsResult = from_str(xml).unwrap_or_else(|e| panic!("serde: {e}\n{xml}"));
    let fast =
        ListVersionsResult::from_xml_fast(xml).unwrap_or_else(|e| panic!("fast: {e}\n{xml}"));
    assert_eq!(fast, slow, "fast and serde parsers disagree on\n{xml}");
    fast
}

fn same_list_parts(xml: &str) -> ListPartsResult {
    let slow: ListPartsResult = from_str(xml).unwrap_or_else(|e| panic!("serde: {e}\n{xml}"));
    let fast = ListPartsResult::from_xml_fast(xml).unwrap_or_else(|e| panic!("fast: {e}\n{xml}"));
    assert_eq!(fast, slow, "fast and serde parsers disagree on\n{xml}");
    fast
}

#[test]
fn list_bucket_testdata_documents() {
    for name in [
        "list_bucket_seed.xml",
        "list_bucket_empty.xml",
        "list_bucket_single.xml",
        "list_bucket_url_encoded.xml",
        "list_bucket_unicode.xml",
    ] {
        let doc = load(name);
        let r = same_list_bucket(&doc);
        // The serialized form parses identically through both paths as well.
        same_list_bucket(&to_string(&r).unwrap());
        same_list_bucket(&to_string_with_declaration(&r).unwrap());
    }
}

#[test]
fn list_versions_and_parts_testdata_documents() {
    let v = same_list_versions(&load("list_versions.xml"));
    assert_eq!(v.entries.len(), 4);
    same_list_versions(&to_string(&v).unwrap());
    let p = same_list_parts(&load("list_parts.xml"));
    assert_eq!(p.parts.len(), 2);
    same_list_parts(&to_string(&p).unwrap());
}

#[test]
fn entity_escapes_and_character_references() {
    let r = same_list_bucket(
        "<ListBucketResult><Name>b</Name><Prefix>a&amp;b</Prefix><Marker>&lt;&gt;&quot;&apos;</Marker>\
         <Contents><Key>&amp;</Key><ETag>&quot;x&quot;</ETag></Contents>\
         <Contents><Key>x&#65;y&#x4E2D;z&#x1f600;</Key></Contents>\
         <Contents><Key>&amp;&amp;&amp;</Key></Contents>\
         <Contents><Key>plain</Key></Contents></ListBucketResult>",
    );
    assert_eq!(r.prefix, "a&b");
    assert_eq!(r.marker, "<>\"'");
    assert_eq!(r.contents[0].key, "&");
    assert_eq!(r.contents[0].etag, "\"x\"");
    assert_eq!(r.contents[1].key, "xAy中z\u{1f600}");
    assert_eq!(r.contents[2].key, "&&&");
    assert_eq!(r.contents[3].key, "plain");
}

#[test]
fn missing_optional_elements_take_defaults() {
    let r = same_list_bucket("<ListBucketResult/>");
    assert_eq!(r, ListBucketResult::default());
    let r = same_list_bucket("<ListBucketResult></ListBucketResult>");
    assert_eq!(r, ListBucketResult::default());
    let r = same_list_bucket(
        "<ListBucketResult><Name>b</Name><Contents><Key>only-key</Key></Contents><Contents/>\
         <CommonPrefixes/><Contents><Key>k</Key><Owner/></Contents></ListBucketResult>",
    );
    assert_eq!(r.contents.len(), 3);
    assert_eq!(r.contents[0].owner, None);
    assert_eq!(r.contents[0].size, 0);
    assert_eq!(r.contents[1], ObjectSummary::default());
    assert_eq!(r.contents[2].owner, Some(Owner::default()));
    assert_eq!(r.common_prefixes, vec![CommonPrefix::default()]);
    // Empty optional elements are present-but-empty, not absent.
    let r = same_list_bucket(
        "<ListBucketResult><EncodingType/><Delimiter></Delimiter><NextMarker/></ListBucketResult>",
    );
    assert_eq!(r.encoding_type.as_deref(), Some(""));
    assert_eq!(r.delimiter.as_deref(), Some(""));
    assert_eq!(r.next_marker.as_deref(), Some(""));

    let v =
        same_list_versions("<ListVersionsResult><Version/><DeleteMarker/></ListVersionsResult>");
    assert_eq!(v.entries.len(), 2);
    let p = same_list_parts(
        "<ListPartsResult><Part><PartNumber>7</PartNumber></Part></ListPartsResult>",
    );
    assert_eq!(p.next_part_number_marker, None);
    assert_eq!(p.parts[0].part_number, 7);
}

#[test]
fn whitespace_comments_cdata_and_line_ends() {
    let r = same_list_bucket(
        "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!-- listing -->\r\n<ListBucketResult>\r\n\
         <?pi data?>\r\n  <Name>b</Name>\r\n  <MaxKeys> 1000 </MaxKeys>\r\n  <IsTruncated>\n true \n</IsTruncated>\r\n\
         <Contents>\r\n<Key>  two\r\nlines  </Key><!-- c --><Size>\t5\t</Size>\
         <StorageClass>STAN<!-- split -->DARD</StorageClass></Contents>\r\n\
         <Contents><Key>a<![CDATA[<&>]]>b&amp;<![CDATA[]]></Key></Contents>\r\n</ListBucketResult>\r\n",
    );
    assert_eq!(r.max_keys, 1000);
    assert!(r.is_truncated);
    assert_eq!(r.contents[0].key, "  two\nlines  ");
    assert_eq!(r.contents[0].size, 5);
    assert_eq!(r.contents[0].storage_class, "STANDARD");
    assert_eq!(r.contents[1].key, "a<&>b&");
}

#[test]
fn unknown_elements_are_skipped() {
    let r = same_list_bucket(
        "<ListBucketResult><Name>b</Name><Future><Nested><Deep>1</Deep></Nested></Future>\
         <Contents><Key>k</Key><RestoreStatus><Ongoing>true</Ongoing></RestoreStatus><Extra/>\
         <Size>3</Size></Contents><Trailer/></ListBucketResult>",
    );
    assert_eq!(r.contents[0].key, "k");
    assert_eq!(r.contents[0].size, 3);
}

#[test]
fn booleans_accept_numeric_forms() {
    for (text, expected) in [("true", true), ("false", false), ("1", true), ("0", false)] {
        let r = same_list_bucket(&format!(
            "<ListBucketResult><IsTruncated>{text}</IsTruncated></ListBucketResult>"
        ));
        assert_eq!(r.is_truncated, expected);
    }
}

#[test]
fn fast_parser_errors() {
    // Wrong root element.
    let err = ListBucketResult::from_xml_fast("<ListVersionsResult/>").unwrap_err();
    assert_eq!(
        err,
        XmlError::UnexpectedRoot {
            expected: "ListBucketResult",
            found: "ListVersionsResult".into()
        }
    );
    // No root at all.
    assert_eq!(
        ListPartsResult::from_xml_fast("  ").unwrap_err(),
        XmlError::MissingElement("ListPartsResult")
    );
    // Bad numbers and booleans.
    let err = ListBucketResult::from_xml_fast(
        "<ListBucketResult><Contents><Size>12x</Size></Contents></ListBucketResult>",
    )
    .unwrap_err();
    assert_eq!(
        err,
        XmlError::InvalidValue {
            element: "Size",
            value: "12x".into()
        }
    );
    assert!(
        from_str::<ListBucketResult>(
            "<ListBucketResult><Contents><Size>12x</Size></Contents></ListBucketResult>"
        )
        .is_err()
    );
    let err = ListVersionsResult::from_xml_fast(
        "<ListVersionsResult><IsTruncated>yes</IsTruncated></ListVersionsResult>",
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            XmlError::InvalidValue {
                element: "IsTruncated",
                ..
            }
        ),
        "{err}"
    );
    let err = ListPartsResult::from_xml_fast(
        "<ListPartsResult><Part><PartNumber>-1</PartNumber></Part></ListPartsResult>",
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            XmlError::InvalidValue {
                element: "PartNumber",
                ..
            }
        ),
        "{err}"
    );
    // Truncated and malformed documents.
    for bad in [
        "<ListBucketResult><Name>b</Name>",
        "<ListBucketResult><Name>b</Nam></ListBucketResult>",
        "<ListBucketResult><Contents><Key>k</Key></ListBucketResult>",
        "<ListBucketResult><Name>a&bogus;b</Name></ListBucketResult>",
        "<ListBucketResult><Name>a<b/>c</Name></ListBucketResult>",
    ] {
        assert!(
            ListBucketResult::from_xml_fast(bad).is_err(),
            "accepted {bad}"
        );
        assert!(
            from_str::<ListBucketResult>(bad).is_err(),
            "serde accepted {bad}"
        );
    }
}

// ---- property tests: random models survive serialize → parse on both paths ----

fn text() -> impl Strategy<Value = String> {
    // Mix of ASCII, XML special characters, spaces, unicode and URL-encoded text.
    proptest::string::string_regex("[a-zA-Z0-9 /._~%&<>\"'中文😀é-]{0,24}").unwrap()
}

fn owner() -> impl Strategy<Value = Owner> {
    (text(), proptest::option::of(text())).prop_map(|(id, display_name)| {
        let mut o = Owner::new(id);
        o.display_name = display_name;
        o
    })
}

fn object_summary() -> impl Strategy<Value = ObjectSummary> {
    (
        text(),
        text(),
        text(),
        any::<u64>(),
        proptest::option::of(owner()),
        text(),
        proptest::option::of(text()),
    )
        .prop_map(
            |(key, last_modified, etag, size, owner, storage_class, storage_tier)| {
                let mut o = ObjectSummary::default();
                (o.key, o.last_modified, o.etag, o.size) = (key, last_modified, etag, size);
                (o.owner, o.storage_class, o.storage_tier) = (owner, storage_class, storage_tier);
                o
            },
        )
}

fn list_bucket_result() -> impl Strategy<Value = ListBucketResult> {
    (
        (
            text(),
            proptest::option::of(text()),
            text(),
            text(),
            any::<u32>(),
        ),
        (
            proptest::option::of(text()),
            any::<bool>(),
            proptest::option::of(text()),
        ),
        proptest::collection::vec(text().prop_map(CommonPrefix::new), 0..4),
        proptest::collection::vec(object_summary(), 0..12),
    )
        .prop_map(
            |(
                (name, encoding_type, prefix, marker, max_keys),
                (delimiter, is_truncated, next_marker),
                common_prefixes,
                contents,
            )| {
                let mut r = ListBucketResult::default();
                (r.name, r.encoding_type, r.prefix, r.marker) =
                    (name, encoding_type, prefix, marker);
                (r.max_keys, r.delimiter, r.is_truncated, r.next_marker) =
                    (max_keys, delimiter, is_truncated, next_marker);
                (r.common_prefixes, r.contents) = (common_prefixes, contents);
                r
            },
        )
}

fn version_entry() -> impl Strategy<Value = VersionEntry> {
    prop_oneof![
        (
            text(),
            text(),
            any::<bool>(),
            text(),
            text(),
            any::<u64>(),
            proptest::option::of(owner())
        )
            .prop_map(
                |(key, version_id, is_latest, last_modified, etag, size, owner)| {
                    let mut v = ObjectVersion::default();
                    (v.key, v.version_id, v.is_latest) = (key, version_id, is_latest);
                    (v.last_modified, v.etag, v.size) = (last_modified, etag, size);
                    (v.storage_class, v.owner) = ("STANDARD".into(), owner);
                    VersionEntry::Version(v)
                }
            ),
        (
            text(),
            text(),
            any::<bool>(),
            text(),
            proptest::option::of(owner())
        )
            .prop_map(|(key, version_id, is_latest, last_modified, owner)| {
                let mut m = DeleteMarkerEntry::default();
                (m.key, m.version_id, m.is_latest) = (key, version_id, is_latest);
                (m.last_modified, m.owner) = (last_modified, owner);
                VersionEntry::DeleteMarker(m)
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn list_bucket_result_roundtrips_on_both_paths(model in list_bucket_result()) {
        let xml = to_string(&model).unwrap();
        let slow: ListBucketResult = from_str(&xml).unwrap();
        let fast = ListBucketResult::from_xml_fast(&xml).unwrap();
        prop_assert_eq!(&slow, &model);
        prop_assert_eq!(&fast, &model);
    }

    #[test]
    fn list_versions_result_roundtrips_on_both_paths(
        entries in proptest::collection::vec(version_entry(), 0..12),
        truncated in any::<bool>(),
        next in proptest::option::of(text()),
    ) {
        let mut model = ListVersionsResult::default();
        (model.name, model.max_keys, model.is_truncated) = ("b".into(), 1000, truncated);
        (model.next_key_marker, model.entries) = (next, entries);
        let xml = to_string(&model).unwrap();
        let slow: ListVersionsResult = from_str(&xml).unwrap();
        let fast = ListVersionsResult::from_xml_fast(&xml).unwrap();
        prop_assert_eq!(&slow, &model);
        prop_assert_eq!(&fast, &model);
    }

    #[test]
    fn list_parts_result_roundtrips_on_both_paths(
        parts in proptest::collection::vec((1u32..=10000, text(), text(), any::<u64>()), 0..12),
        next in proptest::option::of(any::<u32>()),
    ) {
        let mut model = ListPartsResult::default();
        (model.bucket, model.key, model.upload_id) = ("b".into(), "k".into(), "u".into());
        model.next_part_number_marker = next;
        model.parts = parts
            .into_iter()
            .map(|(part_number, last_modified, etag, size)| {
                let mut p = Part::default();
                (p.part_number, p.last_modified, p.etag, p.size) =
                    (part_number, last_modified, etag, size);
                p
            })
            .collect();
        let xml = to_string(&model).unwrap();
        let slow: ListPartsResult = from_str(&xml).unwrap();
        let fast = ListPartsResult::from_xml_fast(&xml).unwrap();
        prop_assert_eq!(&slow, &model);
        prop_assert_eq!(&fast, &model);
    }
}
