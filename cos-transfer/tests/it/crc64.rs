//! The `crc64` vectors of the official SDK (testdata/crc64_vectors.json): whole-file
//! values, per-part values and their combination.

use cos_core::crc::parse_header;
use cos_crc64::{Crc64, checksum, combine_all};
use serde_json::Value;

fn data_of(file: &str) -> Vec<u8> {
    if file.ends_with("pattern_1MiB_plus5.bin") {
        // Not shipped: the vector's file is bytes i % 251 for i in 0..1 MiB + 5.
        return (0..1_048_581u32).map(|i| (i % 251) as u8).collect();
    }
    let path = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn crc64_vectors_match() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/crc64_vectors.json"
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let cases = v["crc64"].as_object().unwrap();
    assert_eq!(cases.len(), 4);
    for (name, case) in cases {
        let data = data_of(case["file"].as_str().unwrap());
        assert_eq!(data.len() as u64, case["size"].as_u64().unwrap(), "{name}");
        let whole = checksum(&data);
        assert_eq!(
            whole.to_string(),
            case["crc64ecma"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            format!("{whole:016x}"),
            case["hex"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            parse_header(case["crc64ecma"].as_str().unwrap()).ok(),
            Some(whole)
        );

        let mut streaming = Crc64::new();
        for chunk in data.chunks(7919) {
            streaming.update(chunk);
        }
        assert_eq!(streaming.value(), whole, "{name}: streaming");

        if let Some(parts) = case.get("parts").and_then(Value::as_array) {
            let mut crcs = Vec::new();
            for p in parts {
                let off = p["offset"].as_u64().unwrap() as usize;
                let len = p["size"].as_u64().unwrap() as usize;
                let crc = checksum(&data[off..off + len]);
                assert_eq!(
                    crc.to_string(),
                    p["crc64ecma"].as_str().unwrap(),
                    "{name} part at {off}"
                );
                crcs.push((crc, len as u64));
            }
            assert_eq!(
                combine_all(crcs).to_string(),
                case["combined"].as_str().unwrap(),
                "{name}: combined"
            );
        }
    }
}

#[test]
fn header_parsing_rejects_garbage() {
    for bad in ["", "-1", "1.0", "abc", "18446744073709551616", " "] {
        assert_eq!(parse_header(bad).ok(), None, "{bad:?}");
    }
    assert_eq!(parse_header(" 18446744073709551615 ").ok(), Some(u64::MAX));
}
