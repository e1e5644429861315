//! Fuzzing the XML decoders with property tests: arbitrary bytes and mutations of the
//! real documents in `testdata/`, fed to every serde model and to the hand-written
//! listing parsers.
//!
//! Properties: no panic; the output is bounded by the input (no decoded model is larger
//! than a fixed multiple of its document, and list capacities follow their lengths, so
//! nothing is pre-allocated from a count the input declares); every value that parses
//! survives serialize → parse unchanged; where both the fast and the serde path accept
//! a listing they agree.
//!
//! CI runs a few hundred cases; `cargo xtask fuzz` runs this file in release mode with
//! `PROPTEST_CASES` raised.

use std::fmt::Debug;

use crate::common::load;
use cos_xml::*;
use proptest::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

/// The cases of one property: `PROPTEST_CASES` when set (the xtask), else `default`.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Every testdata document with the model it holds.
const DOCS: &[&str] = &[
    "acl.xml",
    "complete_multipart_upload.xml",
    "complete_multipart_upload_result.xml",
    "copy_object_result.xml",
    "copy_part_result.xml",
    "cors.xml",
    "create_bucket_configuration.xml",
    "delete.xml",
    "delete_result.xml",
    "error.xml",
    "initiate_multipart_upload.xml",
    "lifecycle.xml",
    "list_all_my_buckets.xml",
    "list_all_my_buckets_empty.xml",
    "list_bucket_empty.xml",
    "list_bucket_seed.xml",
    "list_bucket_single.xml",
    "list_bucket_unicode.xml",
    "list_bucket_url_encoded.xml",
    "list_multipart_uploads.xml",
    "list_parts.xml",
    "list_versions.xml",
    "location.xml",
    "restore_request.xml",
    "tagging.xml",
    "versioning.xml",
];

// ---- mutations ----

/// One edit of a document. Positions are taken modulo the current length.
#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Truncate(usize),
    Duplicate(usize, usize, usize),
}

/// Fragments that steer a mutation towards the parsers' edge cases.
fn token() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<&'static str> = vec![
        "<",
        "</",
        "/>",
        ">",
        "&",
        "&amp;",
        "&#x",
        "&#1114112;",
        "&#0;",
        "&#xD800;",
        "&#13;",
        "&bogus;",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        "<?pi x?>",
        "<!DOCTYPE a [<!ENTITY e \"eeeeeeeeee\">]>",
        "99999999999999999999999",
        "-1",
        "1e9",
        " true ",
        "\u{feff}",
        "\r",
        "\r\n",
        "<Contents>",
        "<Contents/>",
        "<Key>",
        "</Key>",
        "<Version/>",
        "<DeleteMarker/>",
        "<Part/>",
        "<Owner>",
        "<Upload/>",
        "<Rule/>",
        "<Grant/>",
        "xmlns:a=\"x\" ",
        "<a:Key>",
        "中😀",
    ];
    prop_oneof![
        3 => proptest::sample::select(fixed).prop_map(|s| s.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>(), 0..8),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Set(p, b)),
        1 => (any::<usize>(), 1usize..24).prop_map(|(p, n)| Mutation::Delete(p, n)),
        4 => (any::<usize>(), token()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        1 => (any::<usize>()).prop_map(Mutation::Truncate),
        1 => (any::<usize>(), 1usize..96, any::<usize>())
            .prop_map(|(p, n, at)| Mutation::Duplicate(p, n, at)),
    ]
}

fn apply(base: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut doc = base.to_vec();
    for m in mutations {
        let len = doc.len();
        let at = |p: usize| p % (len + 1);
        match m {
            Mutation::Set(p, b) if len > 0 => doc[p % len] = *b,
            Mutation::Set(..) => {}
            Mutation::Delete(p, n) => {
                let start = at(*p);
                let end = (start + n).min(len);
                doc.drain(start..end);
            }
            Mutation::Insert(p, bytes) => {
                let i = at(*p);
                doc.splice(i..i, bytes.iter().copied());
            }
            Mutation::Truncate(p) => doc.truncate(at(*p)),
            Mutation::Duplicate(p, n, dest) => {
                let start = at(*p);
                let piece = doc[start..(start + n).min(len)].to_vec();
                let i = at(*dest);
                doc.splice(i..i, piece);
            }
        }
    }
    doc
}

fn mutated_doc() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::sample::select(DOCS),
        proptest::collection::vec(mutation(), 1..8),
    )
        .prop_map(|(name, muts)| apply(load(name).as_bytes(), &muts))
}

// ---- properties ----

/// The size bound of a decoded model: a fixed multiple of its document, plus the
/// rendering of an all-default model.
fn bound(input: &[u8]) -> usize {
    64 * input.len() + 4096
}

/// Decodes `input` as `T`; a value must be bounded by the input and survive
/// serialize → parse unchanged.
fn check<T>(input: &[u8]) -> Result<Option<T>, TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let Ok(value) = from_slice::<T>(input) else {
        return Ok(None);
    };
    check_size(&value, input)?;
    let xml = to_string(&value).map_err(|e| TestCaseError::fail(format!("serialize: {e}")))?;
    let back: T = from_str(&xml)
        .map_err(|e| TestCaseError::fail(format!("reparse: {e}\n{xml}\nfrom {value:?}")))?;
    prop_assert_eq!(&back, &value, "round trip changed the model; xml {}", xml);
    Ok(Some(value))
}

fn check_size<T: Debug>(value: &T, input: &[u8]) -> Result<(), TestCaseError> {
    let n = format!("{value:?}").len();
    prop_assert!(
        n <= bound(input),
        "a {}-byte document decoded to {} bytes of model",
        input.len(),
        n
    );
    Ok(())
}

/// Capacity follows length: nothing reserved from a count the document declares.
fn check_capacity<E>(v: &Vec<E>, input: &[u8]) -> Result<(), TestCaseError> {
    prop_assert!(
        v.capacity() <= 2 * v.len().max(4) && v.len() <= input.len(),
        "{} entries, capacity {}, from {} bytes",
        v.len(),
        v.capacity(),
        input.len()
    );
    Ok(())
}

/// The fast listing parsers: no panic, bounded, and equal to the serde path when both
/// accept the document.
fn check_fast(input: &[u8]) -> Result<(), TestCaseError> {
    let Ok(text) = std::str::from_utf8(input) else {
        return Ok(());
    };
    if let Ok(fast) = ListBucketResult::from_xml_fast(text) {
        check_capacity(&fast.contents, input)?;
        check_capacity(&fast.common_prefixes, input)?;
        check_size(&fast, input)?;
        if let Some(slow) = check::<ListBucketResult>(input)? {
            prop_assert_eq!(fast, slow);
        }
    }
    if let Ok(fast) = ListVersionsResult::from_xml_fast(text) {
        check_capacity(&fast.entries, input)?;
        check_size(&fast, input)?;
        if let Some(slow) = check::<ListVersionsResult>(input)? {
            prop_assert_eq!(fast, slow);
        }
    }
    if let Ok(fast) = ListPartsResult::from_xml_fast(text) {
        check_capacity(&fast.parts, input)?;
        check_size(&fast, input)?;
        if let Some(slow) = check::<ListPartsResult>(input)? {
            prop_assert_eq!(fast, slow);
        }
    }
    Ok(())
}

/// Every model and both listing paths on one input.
fn check_all(input: &[u8]) -> Result<(), TestCaseError> {
    check::<ListBucketResult>(input)?;
    check::<ListVersionsResult>(input)?;
    check::<ListPartsResult>(input)?;
    check::<ListMultipartUploadsResult>(input)?;
    check::<ListAllMyBucketsResult>(input)?;
    check::<ErrorResponse>(input)?;
    check::<AccessControlPolicy>(input)?;
    check::<CorsConfiguration>(input)?;
    check::<LifecycleConfiguration>(input)?;
    check::<Tagging>(input)?;
    check::<Delete>(input)?;
    check::<DeleteResult>(input)?;
    check::<CompleteMultipartUpload>(input)?;
    check::<CompleteMultipartUploadResult>(input)?;
    check::<InitiateMultipartUploadResult>(input)?;
    check::<CopyObjectResult>(input)?;
    check::<CopyPartResult>(input)?;
    check::<RestoreRequest>(input)?;
    check::<VersioningConfiguration>(input)?;
    check::<CreateBucketConfiguration>(input)?;
    check::<LocationConstraint>(input)?;
    check_fast(input)
}

/// Bytes that look a little like XML more often than uniform bytes do.
fn xmlish_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..1024),
        proptest::collection::vec(token(), 0..64).prop_map(|t| t.concat()),
    ]
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn arbitrary_bytes_never_panic(input in xmlish_bytes()) {
        check_all(&input)?;
    }

    #[test]
    fn mutated_testdata_documents(input in mutated_doc()) {
        check_all(&input)?;
    }
}

#[test]
fn every_testdata_document_passes_the_checks_unmutated() {
    for name in DOCS {
        check_all(load(name).as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn carriage_returns_and_markup_characters_in_text_survive_a_round_trip() {
    // Character references that line-end normalisation or escaping could alter.
    let doc = "<ListBucketResult><Name>a&#13;b&#13;&#10;c\td&lt;&amp;&gt;</Name>\
               <Contents><Key> &#13; </Key></Contents></ListBucketResult>";
    let v = check::<ListBucketResult>(doc.as_bytes()).unwrap().unwrap();
    assert_eq!(v.name, "a\rb\r\nc\td<&>");
    assert_eq!(v.contents[0].key, " \r ");
    check_fast(doc.as_bytes()).unwrap();
}
