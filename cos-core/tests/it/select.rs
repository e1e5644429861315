//! SELECT Object Content: cos-core's client against the emulator (CSV with and without
//! header, JSON LINES / DOCUMENT, gzip, projections, filters, aggregates, LIMIT,
//! progress, error events), and against a recorded event stream (from the emulator,
//! read by the official Python SDK: `testdata/select/records.bin`) served intact,
//! with corrupted CRCs and cut short by a hand-written server.

use std::io::Write;
use std::net::SocketAddr;

use bytes::Bytes;
use cos_core::Error;
use cos_core::select::SelectEvent;
use cos_core::xml::select::{
    CompressionType, CsvInput, CsvOutput, FileHeaderInfo, InputSerialization, JsonOutput, JsonType,
    OutputSerialization,
};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::common::{self, key};

const RECORDED: &[u8] = include_bytes!("../../testdata/select/records.bin");
const RECORDED_CSV: &[u8] = include_bytes!("../../testdata/select/records.csv");

fn people() -> String {
    let mut s = String::from("id,name,city,age\n");
    for i in 1..=200 {
        let city = ["beijing", "shanghai", "guangzhou"][i % 3];
        s.push_str(&format!("{i},user{i:03},{city},{}\n", 18 + (i * 7) % 50));
    }
    s
}

fn rows() -> Vec<(usize, String, &'static str, usize)> {
    (1..=200)
        .map(|i| {
            let city = ["beijing", "shanghai", "guangzhou"][i % 3];
            (i, format!("user{i:03}"), city, 18 + (i * 7) % 50)
        })
        .collect()
}

fn header(info: FileHeaderInfo) -> InputSerialization {
    InputSerialization::csv(CsvInput {
        file_header_info: Some(info),
        ..CsvInput::default()
    })
}

#[tokio::test]
async fn client_selects_from_csv_json_and_gzip() {
    let (emu, c, b) = common::setup().await;
    c.put_object(&b, &key("p.csv"))
        .body(people())
        .send()
        .await
        .unwrap();
    // Header names, filter, projection.
    let got = c
        .select_object_content(&b, &key("p.csv"))
        .expression("select name, age from COSObject where city = 'shanghai' and age > 40")
        .input(header(FileHeaderInfo::Use))
        .output(OutputSerialization::csv(CsvOutput::default()))
        .send()
        .await
        .unwrap()
        .collect_records()
        .await
        .unwrap();
    let want: String = rows()
        .iter()
        .filter(|r| r.2 == "shanghai" && r.3 > 40)
        .map(|r| format!("{},{}\n", r.1, r.3))
        .collect();
    assert_eq!(String::from_utf8_lossy(&got), want);
    // No header: positional columns over the header line too (IGNORE skips it).
    let got = c
        .select_object_content(&b, &key("p.csv"))
        .expression("select s._1 from COSObject s limit 3")
        .input(header(FileHeaderInfo::Ignore))
        .send()
        .await
        .unwrap()
        .collect_records()
        .await
        .unwrap();
    assert_eq!(&got[..], b"1\n2\n3\n");
    // Aggregates.
    let got = c
        .select_object_content(&b, &key("p.csv"))
        .expression("select count(*), max(cast(age as int)) from COSObject where city = 'beijing'")
        .input(header(FileHeaderInfo::Use))
        .send()
        .await
        .unwrap()
        .collect_records()
        .await
        .unwrap();
    let bj: Vec<_> = rows().into_iter().filter(|r| r.2 == "beijing").collect();
    let max = bj.iter().map(|r| r.3).max().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&got),
        format!("{},{max}\n", bj.len())
    );
    // JSON LINES, gzip, nested path, JSON output.
    let lines: String = rows()
        .iter()
        .map(|r| {
            format!(
                "{{\"id\":{},\"p\":{{\"name\":\"{}\",\"tags\":[\"{}\"]}}}}\n",
                r.0, r.1, r.2
            )
        })
        .collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(lines.as_bytes()).unwrap();
    c.put_object(&b, &key("l.json.gz"))
        .body(gz.finish().unwrap())
        .send()
        .await
        .unwrap();
    let got = c
        .select_object_content(&b, &key("l.json.gz"))
        .expression("select s.p.name, s.p.tags[0] as city from COSObject s where s.id <= 2")
        .input(InputSerialization::json(JsonType::Lines).compression(CompressionType::Gzip))
        .output(OutputSerialization::json(JsonOutput::default()))
        .send()
        .await
        .unwrap()
        .collect_records()
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&got),
        "{\"name\":\"user001\",\"city\":\"shanghai\"}\n{\"name\":\"user002\",\"city\":\"guangzhou\"}\n"
    );
    // JSON DOCUMENT: concatenated values are records.
    c.put_object(&b, &key("d.json"))
        .body("{\"a\":1}\n{\"a\":2} {\"a\":3}")
        .send()
        .await
        .unwrap();
    let got = c
        .select_object_content(&b, &key("d.json"))
        .expression("select a from COSObject where a >= 2")
        .input(InputSerialization::json(JsonType::Document))
        .send()
        .await
        .unwrap()
        .collect_records()
        .await
        .unwrap();
    assert_eq!(&got[..], b"2\n3\n");
    emu.shutdown().await;
}

#[tokio::test]
async fn progress_stats_end_errors_and_files() {
    let (emu, c, b) = common::setup().await;
    let data = people();
    c.put_object(&b, &key("p.csv"))
        .body(data.clone())
        .send()
        .await
        .unwrap();
    let mut s = c
        .select_object_content(&b, &key("p.csv"))
        .expression("select * from COSObject")
        .input(header(FileHeaderInfo::None))
        .request_progress(true)
        .send()
        .await
        .unwrap();
    let mut events = Vec::new();
    while let Some(ev) = s.next().await {
        events.push(ev.unwrap());
    }
    assert!(events.iter().any(|e| matches!(e, SelectEvent::Progress(_))));
    assert_eq!(events.last(), Some(&SelectEvent::End));
    let stats = s.stats().expect("a Stats event");
    assert_eq!(stats.bytes_scanned, data.len() as u64);
    assert_eq!(stats.bytes_returned, data.len() as u64);
    // An error event is a typed service error naming the construct.
    let err = c
        .select_object_content(&b, &key("p.csv"))
        .expression("select city, count(*) from COSObject group by city")
        .send()
        .await
        .unwrap()
        .collect_records()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UnsupportedSqlStructure"), "{err}");
    assert!(err.to_string().contains("GROUP BY"), "{err}");
    // A missing key fails at send.
    let err = c
        .select_object_content(&b, &key("none.csv"))
        .expression("select * from COSObject")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoSuchKey"));
    // An empty expression fails before any request.
    let before = emu.requests().len();
    let err = c
        .select_object_content(&b, &key("p.csv"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.without_context(), Error::InvalidInput(_)),
        "{err:?}"
    );
    assert_eq!(emu.requests().len(), before);
    // Records to a file: written atomically, nothing left behind on failure.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let n = c
        .select_object_content(&b, &key("p.csv"))
        .expression("select * from COSObject s where s._4 = '20'")
        .send()
        .await
        .unwrap()
        .write_records_to_file(&path)
        .await
        .unwrap();
    let want: String = data
        .lines()
        .filter(|l| l.ends_with(",20"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), want);
    assert_eq!(n, want.len() as u64);
    let bad = dir.path().join("bad.csv");
    c.select_object_content(&b, &key("p.csv"))
        .expression("select * from COSObject s where s._9 ! 1")
        .send()
        .await
        .unwrap()
        .write_records_to_file(&bad)
        .await
        .unwrap_err();
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only out.csv"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn quoted_record_delimiters_follow_the_option() {
    let (emu, c, b) = common::setup().await;
    c.put_object(&b, &key("q.csv"))
        .body("id|text\n1|'two\nlines'\n2|'it''s'\n")
        .send()
        .await
        .unwrap();
    let input = |allow: bool| {
        InputSerialization::csv(CsvInput {
            file_header_info: Some(FileHeaderInfo::Use),
            field_delimiter: Some("|".into()),
            quote_character: Some("'".into()),
            allow_quoted_record_delimiter: Some(allow),
            ..CsvInput::default()
        })
    };
    let got = c
        .select_object_content(&b, &key("q.csv"))
        .expression("select text from COSObject")
        .input(input(true))
        .output(OutputSerialization::json(JsonOutput::default()))
        .send()
        .await
        .unwrap()
        .collect_records()
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&got),
        "{\"text\":\"two\\nlines\"}\n{\"text\":\"it's\"}\n"
    );
    let err = c
        .select_object_content(&b, &key("q.csv"))
        .expression("select text from COSObject")
        .input(input(false))
        .send()
        .await
        .unwrap()
        .collect_records()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("CSVParsingError"), "{err}");
    // A multi-character delimiter is refused before the stream starts.
    let err = c
        .select_object_content(&b, &key("q.csv"))
        .expression("select * from COSObject")
        .input(InputSerialization::csv(CsvInput {
            field_delimiter: Some("||".into()),
            ..CsvInput::default()
        }))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.status().map(|s| s.as_u16())),
        (Some("InvalidArgument"), Some(400))
    );
    emu.shutdown().await;
}

/// Serves `body` as the 200 answer to every request.
async fn serve(body: Vec<u8>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head and the (small) XML body announced by Content-Length.
                loop {
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    addr
}

async fn select_recorded(body: Vec<u8>) -> Result<Bytes, Error> {
    let addr = serve(body).await;
    let c = common::client_at(addr, cos_core::RetryConfig::disabled());
    let b = cos_core::BucketName::new("rec-1250000000").unwrap();
    c.select_object_content(&b, &key("r.csv"))
        .expression("select * from COSObject s where s._3 = '3'")
        .send()
        .await?
        .collect_records()
        .await
}

#[tokio::test]
async fn recorded_stream_decodes_and_corruption_fails_cleanly() {
    let got = select_recorded(RECORDED.to_vec()).await.unwrap();
    assert_eq!(&got[..], RECORDED_CSV);
    // A flipped bit in the first prelude CRC, in a payload byte (message CRC), in the
    // last message's CRC: each a decode error, never records.
    let payload_byte = RECORDED.len() / 2;
    for (at, what) in [
        (10, "prelude CRC"),
        (payload_byte, "payload"),
        (RECORDED.len() - 1, "last CRC"),
    ] {
        let mut bad = RECORDED.to_vec();
        bad[at] ^= 0x20;
        let err = select_recorded(bad).await.unwrap_err();
        assert!(
            matches!(err.without_context(), Error::Decode(_)),
            "{what}: {err:?}"
        );
        assert!(format!("{err:?}").contains("Crc"), "{what}: {err:?}");
    }
    // Cut short: before End, and inside a message.
    let end_len =
        16 + 4 + ":event-type".len() + "End".len() + 4 + ":message-type".len() + "event".len();
    for cut in [RECORDED.len() - end_len, RECORDED.len() - 3, 100] {
        let err = select_recorded(RECORDED[..cut].to_vec()).await.unwrap_err();
        assert!(
            matches!(err.without_context(), Error::Integrity(_)),
            "cut at {cut}: {err:?}"
        );
    }
}
