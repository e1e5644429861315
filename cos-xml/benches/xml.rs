//! Parsing throughput of large listing documents.
//!
//! Run with `cargo bench -p cos-xml --bench xml`. Builds a realistic
//! 1000-entry `ListBucketResult` (as COS sends it: compact, ETags quoted with
//! `&quot;`, an owner per entry) and parses it repeatedly with the serde path
//! (`cos_xml::from_str`, the baseline) and the hand-written fast path
//! (`ListBucketResult::from_xml_fast`), printing docs/s and MB/s for each.
//! The version and part listings get a shorter run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cos_xml::{ListBucketResult, ListPartsResult, ListVersionsResult, XmlError};

fn list_bucket_doc(n: usize) -> String {
    let mut s = String::with_capacity(n * 400);
    s.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    s.push_str("<ListBucketResult><Name>examplebucket-1250000000</Name><Prefix>photos/</Prefix>");
    s.push_str("<Marker/><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>");
    s.push_str("<NextMarker>photos/2023/12/IMG_20231231_000999.jpg</NextMarker>");
    for i in 0..n {
        let month = i % 12 + 1;
        s.push_str(&format!(
            "<Contents><Key>photos/2023/{month:02}/IMG_2023{month:02}{day:02}_{i:06}.jpg</Key>\
             <LastModified>2023-{month:02}-{day:02}T09:43:{sec:02}.000Z</LastModified>\
             <ETag>&quot;{hash:032x}&quot;</ETag><Size>{size}</Size>\
             <Owner><ID>1250000000</ID><DisplayName>1250000000</DisplayName></Owner>\
             <StorageClass>{class}</StorageClass></Contents>",
            day = i % 28 + 1,
            sec = i % 60,
            hash = (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834),
            size = 1_048_576 + i * 7919,
            class = if i % 5 == 0 {
                "STANDARD_IA"
            } else {
                "STANDARD"
            },
        ));
    }
    s.push_str("</ListBucketResult>");
    s
}

fn list_versions_doc(n: usize) -> String {
    let mut s = String::from(
        "<ListVersionsResult><Name>examplebucket-1250000000</Name><Prefix/><KeyMarker/>\
         <VersionIdMarker/><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>",
    );
    for i in 0..n {
        if i % 4 == 3 {
            s.push_str(&format!(
                "<DeleteMarker><Key>docs/report-{i:05}.pdf</Key><VersionId>MTg0NDUxNzgxMjEzNTU3NTk{i:05}</VersionId>\
                 <IsLatest>true</IsLatest><LastModified>2019-08-16T10:45:53.000Z</LastModified>\
                 <Owner><ID>1250000000</ID><DisplayName>1250000000</DisplayName></Owner></DeleteMarker>"
            ));
        } else {
            s.push_str(&format!(
                "<Version><Key>docs/report-{i:05}.pdf</Key><VersionId>MTg0NDUxODMzMTMwMDM2Njc1{i:05}</VersionId>\
                 <IsLatest>false</IsLatest><LastModified>2019-08-16T10:45:53.000Z</LastModified>\
                 <ETag>&quot;5d1143df07a17b23320d0da161e2819e&quot;</ETag><Size>{}</Size>\
                 <StorageClass>STANDARD</StorageClass>\
                 <Owner><ID>1250000000</ID><DisplayName>1250000000</DisplayName></Owner></Version>",
                30 + i
            ));
        }
    }
    s.push_str("</ListVersionsResult>");
    s
}

fn list_parts_doc(n: usize) -> String {
    let mut s = String::from(
        "<ListPartsResult><Bucket>examplebucket-1250000000</Bucket><Key>big.bin</Key>\
         <UploadId>1502192444bdb382add546a35b2eeab81e06ed84086ca0bb75ea45ca7fa073fa9cf74ec4f2</UploadId>\
         <Initiator><ID>qcs::cam::uin/3333333333:uin/3333333333</ID><DisplayName>3333333333</DisplayName></Initiator>\
         <Owner><ID>124564654654</ID><DisplayName>124564654654</DisplayName></Owner>\
         <PartNumberMarker>0</PartNumberMarker>",
    );
    for i in 1..=n {
        s.push_str(&format!(
            "<Part><PartNumber>{i}</PartNumber><LastModified>2017-08-08T11:40:48.000Z</LastModified>\
             <ETag>&quot;8b8378787c0925f42ccb829f6cc2fb97&quot;</ETag><Size>10485760</Size></Part>"
        ));
    }
    s.push_str(&format!(
        "<NextPartNumberMarker>{n}</NextPartNumberMarker><StorageClass>STANDARD</StorageClass>\
         <MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated></ListPartsResult>"
    ));
    s
}

/// Parses `doc` repeatedly for about `budget`; returns docs per second.
fn measure<T>(doc: &str, budget: Duration, parse: impl Fn(&str) -> Result<T, XmlError>) -> f64 {
    // Warm up caches and the allocator.
    for _ in 0..3 {
        black_box(parse(black_box(doc)).ok());
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..8 {
            black_box(parse(black_box(doc)).ok());
        }
        n += 8;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn report<T: PartialEq + std::fmt::Debug>(
    title: &str,
    doc: &str,
    budget: Duration,
    serde: impl Fn(&str) -> Result<T, XmlError>,
    fast: impl Fn(&str) -> Result<T, XmlError>,
) {
    let a = serde(doc);
    let b = fast(doc);
    assert!(a.is_ok(), "serde parse failed: {a:?}");
    assert_eq!(a, b, "fast and serde parsers disagree");

    let mb = doc.len() as f64 / 1e6;
    let serde_rate = measure(doc, budget, &serde);
    let fast_rate = measure(doc, budget, &fast);
    println!("{title} ({} bytes)", doc.len());
    println!(
        "  serde (cos_xml::from_str)   {:>9.0} docs/s  {:>7.1} MB/s",
        serde_rate,
        serde_rate * mb
    );
    println!(
        "  fast  (from_xml_fast)       {:>9.0} docs/s  {:>7.1} MB/s  ({:.2}x serde)",
        fast_rate,
        fast_rate * mb,
        fast_rate / serde_rate
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs us once quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (main_budget, side_budget) = if quick {
        (Duration::from_millis(20), Duration::from_millis(10))
    } else {
        (Duration::from_millis(1100), Duration::from_millis(300))
    };

    report(
        "ListBucketResult, 1000 entries",
        &list_bucket_doc(1000),
        main_budget,
        cos_xml::from_str::<ListBucketResult>,
        ListBucketResult::from_xml_fast,
    );
    report(
        "ListVersionsResult, 1000 entries",
        &list_versions_doc(1000),
        side_budget,
        cos_xml::from_str::<ListVersionsResult>,
        ListVersionsResult::from_xml_fast,
    );
    report(
        "ListPartsResult, 1000 parts",
        &list_parts_doc(1000),
        side_budget,
        cos_xml::from_str::<ListPartsResult>,
        ListPartsResult::from_xml_fast,
    );
}
