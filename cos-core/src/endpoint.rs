//! The known COS regions: a misspelt region is caught at `build`. (The hosts of each
//! endpoint kind, the copy-source one included, are `Config`'s.)

use crate::error::{ConfigError, Error};
use crate::types::Region;

/// The COS regions, from Tencent Cloud's "Regions and Access Endpoints"
/// (<https://www.tencentcloud.com/document/product/436/6224>, Chinese edition
/// <https://cloud.tencent.com/document/product/436/6224>): the public regions of the
/// Chinese mainland, the finance regions, the regions outside the mainland, and the
/// retired `ap-mumbai`, `na-toronto` and `eu-moscow` (older buckets and the legacy
/// aliases still name them). A region opened later is accepted with
/// [`ConfigBuilder::allow_unlisted_region`](crate::ConfigBuilder::allow_unlisted_region).
pub const KNOWN_REGIONS: &[&str] = &[
    // Chinese mainland
    "ap-beijing-1",
    "ap-beijing",
    "ap-nanjing",
    "ap-shanghai",
    "ap-guangzhou",
    "ap-chengdu",
    "ap-chongqing",
    // finance
    "ap-shenzhen-fsi",
    "ap-shanghai-fsi",
    "ap-beijing-fsi",
    // outside the mainland
    "ap-hongkong",
    "ap-singapore",
    "ap-jakarta",
    "ap-seoul",
    "ap-bangkok",
    "ap-tokyo",
    "na-siliconvalley",
    "na-ashburn",
    "sa-saopaulo",
    "eu-frankfurt",
    // retired
    "ap-mumbai",
    "na-toronto",
    "eu-moscow",
];

/// Checks that `region` is a known COS region.
///
/// Errors: [`Error::Config`] ([`ConfigError::UnknownRegion`], with the closest known
/// region when one is near).
pub(crate) fn check_known_region(region: &Region) -> Result<(), Error> {
    let r = region.as_str();
    if KNOWN_REGIONS.contains(&r) {
        return Ok(());
    }
    let suggestion = KNOWN_REGIONS
        .iter()
        .map(|k| (edit_distance(r, k), *k))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, k)| k);
    Err(Error::Config(ConfigError::UnknownRegion {
        region: r.to_owned(),
        suggestion,
    }))
}

/// Levenshtein distance (regions are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(r: &str) -> Region {
        Region::new(r).unwrap()
    }

    #[test]
    fn known_regions_pass_and_misspellings_are_typed() {
        for r in KNOWN_REGIONS {
            check_known_region(&region(r)).unwrap();
        }
        check_known_region(&region("cosgz")).unwrap();
        match check_known_region(&region("ap-guangzhuo")) {
            Err(Error::Config(ConfigError::UnknownRegion { region, suggestion })) => {
                assert_eq!(region, "ap-guangzhuo");
                assert_eq!(suggestion, Some("ap-guangzhou"));
            }
            other => panic!("{other:?}"),
        }
        match check_known_region(&region("mars-olympus")) {
            Err(Error::Config(ConfigError::UnknownRegion { suggestion, .. })) => {
                assert_eq!(suggestion, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("ap-beijing", "ap-beijing"), 0);
        assert_eq!(edit_distance("ap-bejing", "ap-beijing"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
