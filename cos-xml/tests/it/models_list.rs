//! Round trips of the listing models (objects, versions, uploads, parts) on
//! documents shaped like COS responses (see `testdata/`).

use crate::common::{roundtrip, roundtrip_str};
use cos_xml::*;

#[test]
fn list_bucket_result_seed_example() {
    let r: ListBucketResult = roundtrip("list_bucket_seed.xml");
    assert_eq!(r.name, "examplebucket-1250000000");
    assert_eq!(r.encoding_type.as_deref(), Some("url"));
    assert_eq!(r.prefix, "string");
    assert_eq!(r.marker, "string");
    assert_eq!(r.max_keys, 1000);
    assert_eq!(r.delimiter.as_deref(), Some("/"));
    assert!(r.is_truncated);
    assert_eq!(r.next_marker.as_deref(), Some("zh.cn.txt"));
    assert_eq!(
        r.common_prefixes,
        vec![
            CommonPrefix::new("string/folder1/"),
            CommonPrefix::new("string/folder2/")
        ]
    );
    assert_eq!(r.contents.len(), 2);
    let c = &r.contents[0];
    assert_eq!(c.key, "zh.cn.txt");
    assert_eq!(c.last_modified, "2017-08-08T09:43:35.000Z");
    assert_eq!(c.etag, "\"a5b2e1cfb08d10f6523f7e6fbf3643d5\"");
    assert_eq!(c.size, 23);
    assert_eq!(c.owner, Some(Owner::new("1250000000")));
    assert_eq!(c.storage_class, "STANDARD");
    assert_eq!(c.storage_tier, None);
    let c = &r.contents[1];
    assert_eq!(c.etag, "\"ee8de918d05640145b18f70f4c3aa602\"");
    assert_eq!(c.size, 1_048_576);
    assert_eq!(c.storage_class, "INTELLIGENT_TIERING");
    assert_eq!(c.storage_tier.as_deref(), Some("FREQUENT"));
}

#[test]
fn list_bucket_result_empty() {
    let r: ListBucketResult = roundtrip("list_bucket_empty.xml");
    assert_eq!(r.name, "examplebucket-1250000000");
    assert_eq!(r.prefix, "");
    assert_eq!(r.marker, "");
    assert_eq!(r.max_keys, 1000);
    assert!(!r.is_truncated);
    assert_eq!(r.encoding_type, None);
    assert_eq!(r.delimiter, None);
    assert_eq!(r.next_marker, None);
    assert!(r.contents.is_empty());
    assert!(r.common_prefixes.is_empty());
    // Empty strings are written as empty elements, like COS does.
    let out = to_string(&r).unwrap();
    assert!(
        out.contains("<Prefix/>") && out.contains("<Marker/>"),
        "{out}"
    );
    assert!(!out.contains("Contents"), "{out}");
}

#[test]
fn list_bucket_result_single_entry() {
    let r: ListBucketResult = roundtrip("list_bucket_single.xml");
    assert_eq!(r.prefix, "folder1");
    assert_eq!(r.marker, "");
    assert_eq!(r.max_keys, 100);
    assert_eq!(r.contents.len(), 1);
    assert_eq!(r.contents[0].key, "folder1/a.txt");
    assert_eq!(r.contents[0].size, 0);
    assert_eq!(r.contents[0].etag, "\"d41d8cd98f00b204e9800998ecf8427e\"");
}

#[test]
fn list_bucket_result_url_encoded_keys_stay_raw() {
    let r: ListBucketResult = roundtrip("list_bucket_url_encoded.xml");
    assert_eq!(r.encoding_type.as_deref(), Some("url"));
    assert_eq!(r.prefix, "a%2Fb%20c");
    assert_eq!(r.delimiter.as_deref(), Some("%2F"));
    assert_eq!(r.common_prefixes[0].prefix, "a%2Fb%20c%2Fsub%2F");
    assert_eq!(r.contents[0].key, "dir%2Fa%20b%2Bc%25d~e.txt");
    assert_eq!(r.contents[0].etag, "\"3f866d0050f044750423e0a4104fa8cf-2\"");
    assert_eq!(
        r.contents[1].key,
        "%E6%96%87%E4%BB%B6%2F%E6%B5%8B%E8%AF%95.txt"
    );
    assert_eq!(r.contents[1].storage_class, "STANDARD_IA");
}

#[test]
fn list_bucket_result_unicode_and_escapes() {
    let r: ListBucketResult = roundtrip("list_bucket_unicode.xml");
    let keys: Vec<&str> = r.contents.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "文件/测试.txt",
            "R&D/<draft> 'v1' \u{1F600}\u{e9}.md",
            " leading and trailing spaces ",
            "cdata/<b>&c.txt",
        ]
    );
    assert!(r.contents.iter().all(|c| c.owner.is_none()));
    // Numbers tolerate surrounding whitespace.
    assert_eq!(r.contents[3].size, 2);
    // Special characters are escaped again on output.
    let out = to_string(&r).unwrap();
    assert!(
        out.contains("<Key>R&amp;D/&lt;draft&gt; 'v1' \u{1F600}\u{e9}.md</Key>"),
        "{out}"
    );
}

#[test]
fn list_bucket_result_many_entries() {
    let mut doc = String::from(
        "<ListBucketResult><Name>b-1250000000</Name><Prefix/><Marker/><MaxKeys>1000</MaxKeys>\
         <IsTruncated>false</IsTruncated>",
    );
    for i in 0..1000 {
        doc.push_str(&format!(
            "<Contents><Key>k/{i:04}</Key><LastModified>2023-01-01T00:00:00.000Z</LastModified>\
             <ETag>&quot;{i:032x}&quot;</ETag><Size>{i}</Size><StorageClass>STANDARD</StorageClass></Contents>"
        ));
    }
    doc.push_str("</ListBucketResult>");
    let r: ListBucketResult = roundtrip_str(&doc);
    assert_eq!(r.contents.len(), 1000);
    for (i, c) in r.contents.iter().enumerate() {
        assert_eq!(c.key, format!("k/{i:04}"));
        assert_eq!(c.size, i as u64);
        assert_eq!(c.etag, format!("\"{i:032x}\""));
    }
}

#[test]
fn list_bucket_result_interleaved_prefixes_and_contents() {
    let doc = "<ListBucketResult><Name>b</Name><Contents><Key>a</Key></Contents>\
               <CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes><Contents><Key>b</Key></Contents>\
               <CommonPrefixes><Prefix>q/</Prefix></CommonPrefixes></ListBucketResult>";
    let r: ListBucketResult = from_str(doc).unwrap();
    assert_eq!(
        r.contents
            .iter()
            .map(|c| c.key.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(r.common_prefixes.len(), 2);
    assert_eq!(ListBucketResult::from_xml_fast(doc).unwrap(), r);
}

#[test]
fn list_versions_result_preserves_interleaving() {
    let r: ListVersionsResult = roundtrip("list_versions.xml");
    assert_eq!(r.encoding_type.as_deref(), Some("url"));
    assert_eq!(r.name, "examplebucket-1250000000");
    assert_eq!(r.key_marker, "");
    assert_eq!(r.version_id_marker, "");
    assert_eq!(r.max_keys, 1000);
    assert!(r.is_truncated);
    assert_eq!(r.next_key_marker.as_deref(), Some("example-object-2.jpg"));
    assert_eq!(
        r.next_version_id_marker.as_deref(),
        Some("MTg0NDUxNzgxMjEzNTU3NTk1Mjg")
    );
    let kinds: Vec<&str> = r
        .entries
        .iter()
        .map(|e| match e {
            VersionEntry::Version(_) => "V",
            VersionEntry::DeleteMarker(_) => "D",
        })
        .collect();
    assert_eq!(kinds, ["V", "D", "V", "D"]);
    let VersionEntry::Version(v) = &r.entries[0] else {
        panic!("not a version")
    };
    assert_eq!(v.key, "example-object-1.jpg");
    assert_eq!(v.version_id, "MTg0NDUxNzgxMjEzNTU3NTk1Mjg");
    assert!(v.is_latest);
    assert_eq!(v.etag, "\"5d1143df07a17b23320d0da161e2819e\"");
    assert_eq!(v.size, 30);
    assert_eq!(v.storage_class, "STANDARD");
    assert_eq!(v.owner, Some(Owner::new("1250000000")));
    let VersionEntry::DeleteMarker(d) = &r.entries[1] else {
        panic!("not a marker")
    };
    assert_eq!(d.key, "example-object-2.jpg");
    assert!(d.is_latest);
    assert_eq!(d.last_modified, "2019-08-16T10:45:47.000Z");
    assert_eq!(r.versions().count(), 2);
    assert_eq!(r.delete_markers().count(), 2);
    assert!(!r.delete_markers().nth(1).unwrap().is_latest);

    // Serialization keeps the order too.
    let out = to_string(&r).unwrap();
    let v1 = out.find("<Version>").unwrap();
    let d1 = out.find("<DeleteMarker>").unwrap();
    let v2 = out.rfind("<Version>").unwrap();
    let d2 = out.rfind("<DeleteMarker>").unwrap();
    assert!(v1 < d1 && d1 < v2 && v2 < d2, "{out}");
}

#[test]
fn list_versions_result_empty_and_unknown_elements() {
    let r: ListVersionsResult = roundtrip_str(
        "<ListVersionsResult><Name>b</Name><Prefix/><KeyMarker/><VersionIdMarker/>\
         <MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListVersionsResult>",
    );
    assert!(r.entries.is_empty());
    // An element this crate does not know must not break the listing.
    let doc = "<ListVersionsResult><Name>b</Name><Version><Key>a</Key><IsLatest>true</IsLatest></Version>\
               <FutureElement><X>1</X></FutureElement><DeleteMarker><Key>a</Key></DeleteMarker></ListVersionsResult>";
    let r: ListVersionsResult = from_str(doc).unwrap();
    assert_eq!(r.entries.len(), 2);
    assert_eq!(ListVersionsResult::from_xml_fast(doc).unwrap(), r);
}

#[test]
fn list_multipart_uploads_result() {
    let r: ListMultipartUploadsResult = roundtrip("list_multipart_uploads.xml");
    assert_eq!(r.bucket, "examplebucket-1250000000");
    assert_eq!(r.encoding_type.as_deref(), Some("url"));
    assert_eq!(r.key_marker.as_deref(), Some(""));
    assert_eq!(r.upload_id_marker.as_deref(), Some(""));
    assert_eq!(r.next_key_marker.as_deref(), Some("multipart.txt"));
    assert_eq!(
        r.next_upload_id_marker.as_deref(),
        Some("1502192444bdb382add546a35b2eeab81e06ed84086ca0bb75ea45ca7fa073fa9cf74ec4f2")
    );
    assert_eq!(r.max_uploads, 2);
    assert!(r.is_truncated);
    assert_eq!(r.prefix.as_deref(), Some("dir"));
    assert_eq!(r.delimiter.as_deref(), Some("/"));
    assert_eq!(r.uploads.len(), 2);
    let u = &r.uploads[0];
    assert_eq!(u.key, "dir%2Fexampleobject");
    assert_eq!(
        u.upload_id,
        "150219101333cecfd6718d0caea1e2738401f93aa531a4be7a2afee0f8828416f3278e5570"
    );
    assert_eq!(u.storage_class, "STANDARD");
    assert_eq!(
        u.initiator.as_ref().unwrap().id,
        "qcs::cam::uin/100000000001:uin/100000000011"
    );
    assert_eq!(
        u.owner.as_ref().unwrap().display_name.as_deref(),
        Some("100000000001")
    );
    assert_eq!(u.initiated, "2020-12-11T03:14:32.000Z");
    assert_eq!(r.common_prefixes, vec![CommonPrefix::new("dir%2Fsub%2F")]);

    let empty: ListMultipartUploadsResult = roundtrip_str(
        "<ListMultipartUploadsResult><Bucket>b</Bucket><MaxUploads>1000</MaxUploads>\
         <IsTruncated>false</IsTruncated></ListMultipartUploadsResult>",
    );
    assert!(empty.uploads.is_empty());
}

#[test]
fn list_parts_result() {
    let r: ListPartsResult = roundtrip("list_parts.xml");
    assert_eq!(r.bucket, "examplebucket-1250000000");
    assert_eq!(r.key, "exampleobject");
    assert_eq!(r.encoding_type, None);
    let initiator = r.initiator.as_ref().unwrap();
    assert_eq!(initiator.id, "qcs::cam::uin/3333333333:uin/3333333333");
    assert_eq!(initiator.display_name.as_deref(), Some("3333333333"));
    assert_eq!(r.owner, Some(Owner::new("124564654654")));
    assert_eq!(r.part_number_marker, 0);
    assert_eq!(r.next_part_number_marker, Some(2));
    assert_eq!(r.storage_class, "Standard");
    assert_eq!(r.max_parts, 1000);
    assert!(r.is_truncated);
    let parts: Vec<_> = r
        .parts
        .iter()
        .map(|p| {
            (
                p.part_number,
                p.last_modified.as_str(),
                p.etag.as_str(),
                p.size,
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            (
                1,
                "2017-08-08T11:40:48.000Z",
                "\"8b8378787c0925f42ccb829f6cc2fb97\"",
                10_485_760
            ),
            (
                2,
                "2017-08-08T11:40:50.000Z",
                "\"ab8378787c0925f42ccb829f6cc2fb97\"",
                5_242_880
            ),
        ]
    );
}
