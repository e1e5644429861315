//! Object lock: a bucket whose object lock configuration has a default retention
//! gives each new object (however written) a retention date `Days` after it is
//! written — [`State::put_version`](crate::storage::State::put_version) sets
//! [`ObjectRecord::retain_until`], the same date PUT Object `?retention` sets
//! (`ops/retention.rs`), and one check enforces both (`storage/retention.rs`).
//! HEAD/GET render the date as `x-cos-object-lock-mode: COMPLIANCE` and
//! `x-cos-object-lock-retain-until-date` (COS object lock overview,
//! <https://cloud.tencent.com/document/product/436/55294>; PUT Bucket
//! ObjectLockConfiguration, <https://cloud.tencent.com/document/product/436/40133>).

use crate::storage::ObjectRecord;

/// The lock headers of a stored version: mode and retention date (ISO 8601), when it
/// has a retention.
pub(crate) fn headers(obj: &ObjectRecord) -> Option<[(&'static str, String); 2]> {
    let until = obj.retain_until?;
    Some([
        ("x-cos-object-lock-mode", "COMPLIANCE".to_owned()),
        (
            "x-cos-object-lock-retain-until-date",
            crate::time::iso8601(until),
        ),
    ])
}
