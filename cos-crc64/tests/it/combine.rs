//! Streaming, one-shot and combined CRCs agree with each other and with `crc-fast`'s
//! own (slow) combination.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cos_crc64::{Crc64, checksum, combine, combine_all};

proptest::proptest! {
    #[test]
    fn combine_matches_the_crc_of_the_concatenation(
        a in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        b in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
    ) {
        let whole: Vec<u8> = a.iter().chain(&b).copied().collect();
        proptest::prop_assert_eq!(
            combine(checksum(&a), checksum(&b), b.len() as u64),
            checksum(&whole)
        );
    }

    #[test]
    fn streaming_and_parts_match_one_shot(
        data in proptest::collection::vec(proptest::num::u8::ANY, 0..2000),
        cuts in proptest::collection::vec(0usize..2000, 0..6),
    ) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
        cuts.push(0);
        cuts.push(data.len());
        cuts.sort_unstable();
        let mut streaming = Crc64::new();
        let mut parts = Vec::new();
        for w in cuts.windows(2) {
            let part = &data[w[0]..w[1]];
            streaming.update(part);
            parts.push((checksum(part), part.len() as u64));
        }
        proptest::prop_assert_eq!(streaming.value(), checksum(&data));
        proptest::prop_assert_eq!(combine_all(parts), checksum(&data));
    }
}

#[test]
fn combine_agrees_with_crc_fast_for_large_lengths() {
    for len in [1u64, 255, 4096, 8 << 20, 5 << 30, u64::from(u32::MAX) * 7] {
        let (a, b) = (0x1234_5678_9abc_def0, 0x0fed_cba9_8765_4321);
        assert_eq!(
            combine(a, b, len),
            crc_fast::checksum_combine(crc_fast::CrcAlgorithm::Crc64Xz, a, b, len),
            "len {len}"
        );
    }
}

#[test]
fn empty_input_and_the_check_value() {
    assert_eq!(Crc64::new().value(), 0);
    assert_eq!(checksum(b""), 0);
    assert_eq!(combine(checksum(b"abc"), 0, 0), checksum(b"abc"));
    // The catalogue's check value of CRC-64/XZ.
    assert_eq!(checksum(b"123456789"), 0x995d_c9bb_df19_39fa);
}
