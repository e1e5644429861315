//! Timestamps: `cos_xml::time::parse_time` and the models' `*_time()` methods,
//! against known instants and, for arbitrary instants, against the RFC 1123 text
//! `httpdate` formats.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cos_xml::time::parse_time;
use cos_xml::*;
use proptest::prelude::*;

use crate::common::roundtrip;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn iso8601_forms_cos_writes() {
    // Listings and copy results: milliseconds, `Z`.
    assert_eq!(
        parse_time("2019-05-24T10:56:40.000Z").unwrap(),
        at(1_558_695_400)
    );
    // GET Service: no fraction.
    assert_eq!(
        parse_time("2019-05-24T11:49:50Z").unwrap(),
        at(1_558_698_590)
    );
    // Lifecycle dates: an offset east of UTC.
    assert_eq!(
        parse_time("2018-04-20T00:00:00+08:00").unwrap(),
        at(1_524_153_600)
    );
    assert_eq!(
        parse_time("2018-04-19T11:00:00-05:00").unwrap(),
        at(1_524_153_600)
    );
    assert_eq!(
        parse_time("2018-04-20T00:00:00+0800").unwrap(),
        at(1_524_153_600)
    );
    assert_eq!(parse_time("1970-01-01T00:00:00Z").unwrap(), UNIX_EPOCH);
}

#[test]
fn fractions_keep_their_precision() {
    assert_eq!(
        parse_time("2019-05-24T10:56:40.5Z").unwrap(),
        at(1_558_695_400) + Duration::from_millis(500)
    );
    assert_eq!(
        parse_time("2019-05-24T10:56:40.123456789Z").unwrap(),
        at(1_558_695_400) + Duration::from_nanos(123_456_789)
    );
    // Digits beyond nanoseconds are dropped, not an error.
    assert_eq!(
        parse_time("2019-05-24T10:56:40.1234567891Z").unwrap(),
        at(1_558_695_400) + Duration::from_nanos(123_456_789)
    );
}

#[test]
fn dates_before_the_epoch_and_leap_days() {
    assert_eq!(
        parse_time("1969-12-31T23:59:59Z").unwrap(),
        UNIX_EPOCH - Duration::from_secs(1)
    );
    assert_eq!(
        parse_time("2020-02-29T00:00:00Z").unwrap(),
        at(1_582_934_400)
    );
    assert_eq!(parse_time("2000-02-29T00:00:00Z").unwrap(), at(951_782_400));
}

#[test]
fn rfc1123_as_in_last_modified_headers() {
    assert_eq!(
        parse_time("Fri, 24 May 2019 10:56:40 GMT").unwrap(),
        at(1_558_695_400)
    );
}

#[test]
fn malformed_or_impossible_timestamps_are_typed_errors() {
    for bad in [
        "",
        "yesterday",
        "2019-05-24",
        "2019-05-24T10:56:40",     // no zone: ambiguous
        "2019-05-24T10:56:40.Z",   // empty fraction
        "2019-05-24T10:56:40.000", // no zone
        "2019-05-24T10:56:40.000ZZ",
        "2019-13-01T00:00:00Z",
        "2019-00-01T00:00:00Z",
        "2019-02-29T00:00:00Z", // not a leap year
        "1900-02-29T00:00:00Z", // not a leap year either
        "2019-04-31T00:00:00Z",
        "2019-05-00T00:00:00Z",
        "2019-05-24T24:00:00Z",
        "2019-05-24T10:60:00Z",
        "2019-05-24T10:56:40+24:00",
        "2019-5-24T10:56:40Z",
        "2019-05-24 10:56:40Z",
        "Fri, 24 May 2019 10:56:40",
    ] {
        let err = parse_time(bad).unwrap_err();
        assert!(
            matches!(&err, XmlError::InvalidValue { value, .. } if value == bad.trim()),
            "{bad:?}: {err:?}"
        );
    }
}

#[test]
fn models_keep_the_raw_text_and_parse_it() {
    // Expected instants computed independently (Python `datetime`).
    let list: ListBucketResult = roundtrip("list_bucket_seed.xml");
    let c = &list.contents[0];
    assert_eq!(c.last_modified, "2017-08-08T09:43:35.000Z");
    assert_eq!(c.last_modified_time().unwrap(), at(1_502_185_415));
    // The raw text is what is written back.
    assert!(
        to_string(&list)
            .unwrap()
            .contains("2017-08-08T09:43:35.000Z")
    );

    let buckets: ListAllMyBucketsResult = roundtrip("list_all_my_buckets.xml");
    let b = &buckets.buckets.bucket[0];
    assert_eq!(b.creation_date, "2019-05-24T11:49:50Z");
    assert_eq!(b.creation_time().unwrap(), at(1_558_698_590));

    let uploads: ListMultipartUploadsResult = roundtrip("list_multipart_uploads.xml");
    assert_eq!(
        uploads.uploads[0].initiated_time().unwrap(),
        at(1_607_656_472)
    );

    let parts: ListPartsResult = roundtrip("list_parts.xml");
    assert_eq!(
        parts.parts[0].last_modified_time().unwrap(),
        at(1_502_192_448)
    );

    let versions: ListVersionsResult = roundtrip("list_versions.xml");
    let v = versions.versions().next().unwrap();
    assert_eq!(v.last_modified_time().unwrap(), at(1_565_952_353));
    let m = versions.delete_markers().next().unwrap();
    assert_eq!(m.last_modified_time().unwrap(), at(1_565_952_347));

    let copy: CopyObjectResult = roundtrip("copy_object_result.xml");
    assert_eq!(copy.last_modified_time().unwrap(), at(1_607_571_450));
    let part_copy: CopyPartResult = roundtrip("copy_part_result.xml");
    assert_eq!(part_copy.last_modified_time().unwrap(), at(1_607_571_450));
    let built = CopyPartResult::new("\"e\"", "2020-01-02T03:04:05.000Z");
    assert_eq!(built.last_modified_time().unwrap(), at(1_577_934_245));
}

#[test]
fn a_model_with_a_bad_date_names_the_element() {
    let mut o = ObjectSummary::default();
    o.last_modified = "soon".into();
    let err = o.last_modified_time().unwrap_err();
    assert!(
        matches!(&err, XmlError::InvalidValue { element: "LastModified", value } if value == "soon"),
        "{err:?}"
    );
    let mut u = Upload::default();
    u.initiated = String::new();
    assert!(matches!(
        u.initiated_time().unwrap_err(),
        XmlError::InvalidValue {
            element: "Initiated",
            ..
        }
    ));
    let b = Bucket::default();
    assert!(matches!(
        b.creation_time().unwrap_err(),
        XmlError::InvalidValue {
            element: "CreationDate",
            ..
        }
    ));
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Rewrites `Fri, 24 May 2019 10:56:40 GMT` as `2019-05-24T10:56:40<frac>Z`.
fn rfc1123_to_iso(http: &str, frac: &str) -> String {
    let f: Vec<&str> = http.split(' ').collect();
    let month = MONTHS.iter().position(|m| *m == f[2]).unwrap() + 1;
    format!("{}-{month:02}-{}T{}{frac}Z", f[3], f[1], f[4])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any instant from 1970 to 9999 reads back the same from its ISO 8601 text
    /// (built from `httpdate`'s independent formatting) and from its RFC 1123 text.
    #[test]
    fn iso8601_agrees_with_httpdate(secs in 0u64..253_402_300_800, millis in 0u32..1000) {
        let t = at(secs);
        let http = httpdate::fmt_http_date(t);
        prop_assert_eq!(parse_time(&http).unwrap(), t);
        prop_assert_eq!(parse_time(&rfc1123_to_iso(&http, "")).unwrap(), t);
        let with_ms = rfc1123_to_iso(&http, &format!(".{millis:03}"));
        prop_assert_eq!(
            parse_time(&with_ms).unwrap(),
            t + Duration::from_millis(u64::from(millis))
        );
    }

    /// Arbitrary text never panics; what parses is a well-formed timestamp.
    #[test]
    fn arbitrary_text_does_not_panic(s in "\\PC{0,40}") {
        let _ = parse_time(&s);
    }
}
