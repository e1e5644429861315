//! Throughput of the SELECT event-stream decoder: GB/s of framed Records messages
//! (64 KiB payloads, fed in 64 KiB network-sized chunks), both CRCs checked.
//! `cargo bench -p cos-core --bench select` (`cargo xtask bench select`); prints
//! `RESULT decode_gbps value`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use cos_core::select::decode::{Decoder, Header, encode};

fn main() {
    let payload: Vec<u8> = (0..64 * 1024)
        .map(|i| b"0123456789,abcdefghij\n"[i % 22])
        .collect();
    let msg = encode(
        &[
            Header::string(":event-type", "Records"),
            Header::string(":content-type", "application/octet-stream"),
            Header::string(":message-type", "event"),
        ],
        &payload,
    );
    // 64 MiB of framed messages.
    let wire: Vec<u8> = msg.iter().copied().cycle().take(msg.len() * 1024).collect();
    let mut best = 0f64;
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut rounds = 0;
    while rounds < 3 || Instant::now() < deadline {
        rounds += 1;
        let start = Instant::now();
        let mut d = Decoder::new();
        let mut records = 0usize;
        for chunk in wire.chunks(64 * 1024) {
            d.push(chunk);
            while let Some(m) = d.next_message().unwrap() {
                records += m.payload.len();
            }
        }
        d.finish().unwrap();
        assert_eq!(records, payload.len() * 1024);
        let gbps = wire.len() as f64 / start.elapsed().as_secs_f64() / 1e9;
        best = best.max(gbps);
    }
    println!("RESULT decode_gbps {best:.3}");
}
