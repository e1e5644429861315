//! List Buckets (GET Service) with COS's filters: `tagkey`/`tagvalue`, `region`,
//! `create-time` with `range` (`lt`, `lte`, `gt`, `gte`), `marker` and `max-keys`
//! (default and maximum 2000), as the official Python SDK's `list_buckets` sends them
//! (`cos-python-sdk-v5` `cos_client.py`).

use cos_xml::{Bucket as XmlBucket, ListAllMyBucketsResult, Owner, Tagging};
use hyper::Response;

use super::{Ctx, owner_id, xml};
use crate::body::RespBody;
use crate::errors::{ApiError, OpResult};
use crate::storage::Bucket;

/// The filters of one request.
struct Filter<'a> {
    tag: Option<(&'a str, &'a str)>,
    region: Option<&'a str>,
    created: Option<(u64, &'a str)>,
}

impl Filter<'_> {
    fn matches(&self, b: &Bucket) -> bool {
        if self.region.is_some_and(|r| r != b.region) {
            return false;
        }
        if let Some((t, range)) = self.created {
            let ok = match range {
                "lt" => b.created < t,
                "lte" => b.created <= t,
                "gt" => b.created > t,
                _ => b.created >= t,
            };
            if !ok {
                return false;
            }
        }
        match self.tag {
            None => true,
            Some((k, v)) => (b.tagging.as_deref())
                .and_then(|doc| cos_xml::from_str::<Tagging>(doc).ok())
                .is_some_and(|t| t.tag_set.tags.iter().any(|x| x.key == k && x.value == v)),
        }
    }
}

pub(crate) fn list_buckets(ctx: &mut Ctx<'_>) -> OpResult<Response<RespBody>> {
    let created = match (ctx.q_num::<u64>("create-time")?, ctx.q("range")) {
        (Some(t), Some(r)) if ["lt", "lte", "gt", "gte"].contains(&r) => Some((t, r)),
        (Some(_), r) => {
            return Err(ApiError::invalid_argument(format!(
                "range {r:?} is not one of lt, lte, gt, gte."
            ))
            .into());
        }
        (None, _) => None,
    };
    let filter = Filter {
        tag: ctx.q("tagkey").zip(ctx.q("tagvalue")),
        region: ctx.q("region").filter(|r| !r.is_empty()),
        created,
    };
    let max = match ctx.q_num::<usize>("max-keys")? {
        None => 2000,
        Some(n @ 1..=2000) => n,
        Some(n) => {
            return Err(
                ApiError::invalid_argument(format!("max-keys {n} is not within 1..2000.")).into(),
            );
        }
    };
    let marker = ctx.q("marker").unwrap_or("");
    let st = ctx.shared.store.lock();
    let mut matching = st
        .buckets
        .values()
        .filter(|b| b.name.as_str() > marker && filter.matches(b));
    let buckets: Vec<XmlBucket> = matching
        .by_ref()
        .take(max)
        .map(|b| {
            let mut x = XmlBucket::default();
            x.name = b.name.clone();
            x.location = b.region.clone();
            x.creation_date = crate::time::iso8601(b.created).replace(".000Z", "Z");
            x.bucket_type = Some("cos".to_owned());
            x
        })
        .collect();
    let truncated = matching.next().is_some();
    drop(st);
    let mut owner = Owner::new(owner_id());
    owner.display_name = Some(super::OWNER_UIN.to_owned());
    let next = truncated
        .then(|| buckets.last().map(|b| b.name.clone()))
        .flatten();
    let mut result = ListAllMyBucketsResult::new(owner, buckets);
    result.marker = Some(marker.to_owned());
    result.max_keys = Some(max as u32);
    result.is_truncated = Some(truncated);
    result.next_marker = next;
    xml(&result)
}
