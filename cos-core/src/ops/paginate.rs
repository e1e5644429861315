//! Pagination of the list operations, with a progress check: every page must move the
//! listing forward, or the stream ends with [`Error::ListingLoop`].
//!
//! The rule, per listing (robust against a repeated marker, an `A/B/A/B` cycle and a
//! marker that steps back, with memory bounded by the pages of one key):
//! - List Objects: the next `marker` must sort strictly after the one just sent, in UTF-8
//!   byte order — COS returns keys "after the marker (exclusive), in UTF-8 lexicographic
//!   order" (<https://cloud.tencent.com/document/api/436/7734>, `marker`), so `NextMarker`
//!   always sorts after it;
//! - List Parts: the next `part-number-marker` must be numerically greater;
//! - List Object Versions / List Multipart Uploads: the next `key-marker` must sort after
//!   the previous one, or equal it with a version / upload id not yet used with that key
//!   in this stream (those ids are opaque, so only their repetition is checked).
//!
//! A truncated page that names no next marker (and has no entry to continue after) also
//! ends the stream with that error instead of ending it silently.

use std::collections::HashSet;

use futures_util::stream::{BoxStream, StreamExt};

use crate::client::Client;
use crate::error::Error;
use crate::ops::PreparedRequest;
use crate::transport::OpRequest;

/// A stream of list pages.
pub type PageStream<T> = BoxStream<'static, Result<T, Error>>;

/// Where a listing continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Marker {
    /// List Objects: `marker`, a key.
    Key(String),
    /// List Parts: `part-number-marker`.
    Part(u32),
    /// Versions and uploads: `key-marker` and an opaque id sent as `.0`.
    KeyId(&'static str, String, String),
}

impl Marker {
    /// The marker a request starts from (its own marker parameters, or the start).
    pub(crate) fn of_request(req: &OpRequest, like: Marker) -> Marker {
        let param = |name: &str| {
            req.query
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        match like {
            Marker::Key(_) => Marker::Key(param("marker")),
            Marker::Part(_) => Marker::Part(param("part-number-marker").parse().unwrap_or(0)),
            Marker::KeyId(id_name, ..) => {
                Marker::KeyId(id_name, param("key-marker"), param(id_name))
            }
        }
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Marker::Key(k) => vec![("marker", k.clone())],
            Marker::Part(n) => vec![("part-number-marker", n.to_string())],
            Marker::KeyId(id_name, key, id) => {
                vec![("key-marker", key.clone()), (id_name, id.clone())]
            }
        }
    }
}

/// What a page says about the next one.
pub(crate) enum Next {
    /// The last page.
    Done,
    /// Continue from this marker.
    From(Marker),
    /// Truncated, but nothing to continue from (the reason).
    Stuck(&'static str),
}

/// The markers a stream has used, to check that each next one advances.
#[derive(Debug)]
struct Progress {
    last: Marker,
    /// Versions/uploads: the ids already used with the key of `last`.
    ids_at_key: HashSet<String>,
}

impl Progress {
    fn new(start: Marker) -> Self {
        let mut ids_at_key = HashSet::new();
        if let Marker::KeyId(_, _, id) = &start {
            ids_at_key.insert(id.clone());
        }
        Progress {
            last: start,
            ids_at_key,
        }
    }

    /// Accepts `next` when it moves past every marker used so far.
    fn advance(&mut self, next: &Marker) -> Result<(), String> {
        let ok = match (&self.last, next) {
            (Marker::Key(a), Marker::Key(b)) => b.as_bytes() > a.as_bytes(),
            (Marker::Part(a), Marker::Part(b)) => b > a,
            (Marker::KeyId(_, ka, _), Marker::KeyId(_, kb, idb)) => {
                if kb.as_bytes() > ka.as_bytes() {
                    self.ids_at_key.clear();
                    self.ids_at_key.insert(idb.clone());
                    true
                } else {
                    kb == ka && self.ids_at_key.insert(idb.clone())
                }
            }
            _ => false,
        };
        if !ok {
            return Err(format!(
                "the next marker {next:?} does not move past {:?}",
                self.last
            ));
        }
        self.last = next.clone();
        Ok(())
    }
}

fn set_param(req: &mut OpRequest, name: &str, value: String) {
    req.query.retain(|(k, _)| k != name);
    req.query.push((name.to_owned(), value));
}

fn clone_req(r: &OpRequest) -> OpRequest {
    let mut n = OpRequest::new(
        r.operation,
        r.method.clone(),
        r.bucket.clone(),
        r.key.clone(),
    );
    n.query = r.query.clone();
    n.headers = r.headers.clone();
    n
}

/// Every page of a listing: fetches a page with `fetch`, then continues with the same
/// request from the marker `next` names, checking that it advances (see the module docs).
/// Errors name the operation, bucket and key of `prepared`.
pub(crate) fn paginate<P, F, Fut>(
    client: Client,
    prepared: PreparedRequest,
    req: OpRequest,
    start: Marker,
    fetch: F,
    next: fn(&P) -> Next,
) -> PageStream<P>
where
    P: Send + 'static,
    F: Fn(Client, OpRequest) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<P, Error>> + Send + 'static,
{
    let operation = prepared.op();
    let ctx = prepared.context();
    let req = prepared.into_request(req);
    let progress = Progress::new(Marker::of_request(&req, start));
    futures_util::stream::try_unfold(Some((req, progress)), move |state| {
        let step = state.map(|(req, progress)| {
            let following = clone_req(&req);
            (fetch(client.clone(), req), following, progress)
        });
        let ctx = ctx.clone();
        async move {
            let Some((page, mut following, mut progress)) = step else {
                return Ok(None);
            };
            let page = page.await.map_err(|e| e.in_op(|| ctx.clone()))?;
            let stuck = |detail: String| {
                let e = Error::ListingLoop { operation, detail };
                e.in_op(|| ctx.clone())
            };
            let state = match next(&page) {
                Next::Done => None,
                Next::Stuck(why) => return Err(stuck(why.to_owned())),
                Next::From(marker) => {
                    progress.advance(&marker).map_err(stuck)?;
                    for (name, value) in marker.params() {
                        set_param(&mut following, name, value);
                    }
                    Some((following, progress))
                }
            };
            Ok(Some((page, state)))
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Marker {
        Marker::Key(k.into())
    }
    fn kid(k: &str, id: &str) -> Marker {
        Marker::KeyId("version-id-marker", k.into(), id.into())
    }

    #[test]
    fn keys_must_sort_strictly_after() {
        let mut p = Progress::new(key(""));
        assert!(p.advance(&key("a")).is_ok());
        assert!(p.advance(&key("a")).is_err(), "a repeat");
        assert!(p.advance(&key("0")).is_err(), "a step back");
        // UTF-8 byte order: 'z' (0x7a) sorts before 'é' (0xc3 0xa9).
        assert!(p.advance(&key("z")).is_ok());
        assert!(p.advance(&key("é")).is_ok());
    }

    #[test]
    fn part_numbers_must_grow() {
        let mut p = Progress::new(Marker::Part(0));
        assert!(p.advance(&Marker::Part(2)).is_ok());
        assert!(p.advance(&Marker::Part(2)).is_err());
        assert!(p.advance(&Marker::Part(1)).is_err());
    }

    #[test]
    fn key_and_id_pairs_never_repeat() {
        let mut p = Progress::new(kid("", ""));
        assert!(p.advance(&kid("a", "v1")).is_ok());
        assert!(p.advance(&kid("a", "v2")).is_ok(), "same key, next version");
        assert!(
            p.advance(&kid("a", "v1")).is_err(),
            "A/B/A cycle on one key"
        );
        assert!(p.advance(&kid("b", "v1")).is_ok());
        assert!(p.advance(&kid("a", "v3")).is_err(), "key steps back");
    }
}
