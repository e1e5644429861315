//! SELECT Object Content: the official Python SDK (cos-python-sdk-v5) against the
//! emulator, `tests/python/select_interop.py` — CSV with and without header, TSV with
//! comments, JSON LINES / DOCUMENT, GZIP / BZIP2, projections, filters, aggregates,
//! LIMIT, Progress / Stats / End and error events — every result compared with what
//! the script computes itself with Python's csv / json modules.

use std::path::Path;
use std::time::Duration;

use cos_xml::select::{
    CsvInput, CsvOutput, FileHeaderInfo, InputSerialization, OutputSerialization, QuoteFields,
    RequestProgress, SelectRequest,
};

/// The request of the script's first select (cos-xml's `testdata/select/csv_full.xml`).
fn fixture_request() -> SelectRequest {
    let mut r = SelectRequest::new(
        "select s._1, s.name from COSObject s where s.age > 30 and s.name <> 'a&b' limit 5",
        InputSerialization::csv(CsvInput {
            file_header_info: Some(FileHeaderInfo::Use),
            record_delimiter: Some("\n".into()),
            field_delimiter: Some("\t".into()),
            quote_character: Some("\"".into()),
            quote_escape_character: Some("\"".into()),
            comments: Some("#".into()),
            allow_quoted_record_delimiter: Some(false),
        }),
        OutputSerialization::csv(CsvOutput {
            quote_fields: Some(QuoteFields::AsNeeded),
            record_delimiter: Some("\n".into()),
            field_delimiter: Some(",".into()),
            quote_character: Some("\"".into()),
            quote_escape_character: Some("\"".into()),
        }),
    );
    r.request_progress = Some(RequestProgress { enabled: true });
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_select_object_content() {
    let python = tokio::task::spawn_blocking(cos_testkit::python::python_or_panic)
        .await
        .unwrap();
    let emu = cos_emulator::Emulator::builder().start().await.unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/select_interop.py");
    let child = tokio::process::Command::new(&python)
        .arg(&script)
        .arg(emu.addr().port().to_string())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), child)
        .await
        .expect("the select script took more than 2 minutes")
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("OK select"),
        "select script failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    let selects: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.operation == "SelectObjectContent")
        .collect();
    assert!(selects.len() >= 15, "{} selects logged", selects.len());
    // The SDK's request: POST ?select&select-type=2 with the body cos-xml writes for
    // the same arguments (byte-identical: same length here, same bytes in cos-xml's
    // fixture test).
    let first = &selects[0];
    assert_eq!(first.method, "POST");
    assert!(
        first
            .query
            .iter()
            .any(|(k, v)| k == "select" && v.is_empty())
    );
    assert!(
        first
            .query
            .iter()
            .any(|(k, v)| k == "select-type" && v == "2")
    );
    assert_eq!(
        first.body_len,
        fixture_request().to_xml().unwrap().len() as u64
    );
    emu.shutdown().await;
}
