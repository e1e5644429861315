//! List Objects pages as received: the next request goes out as soon as a page's head
//! names its marker, and the page itself is decoded afterwards (checked against that
//! head), while the service prepares the next one.

use cos_xml::ListBucketResult;

use super::list::{dec, dec_opt};
use super::paginate::{Marker, Next};
use super::url_decode;
use crate::client::Client;
use crate::error::Error;
use crate::transport::{OpRequest, body_str};

/// Where a listing goes after `page`: `NextMarker`, or else its last entry (a key or a
/// common prefix).
pub(super) fn next_objects_page(page: &ListBucketResult) -> Next {
    if !page.is_truncated {
        return Next::Done;
    }
    let last_key = page.contents.last().map(|o| o.key.as_str());
    let last_prefix = page.common_prefixes.last().map(|p| p.prefix.as_str());
    match page.next_marker.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => Next::From(Marker::Key(m.to_owned())),
        None => match last_key.max(last_prefix) {
            Some(m) => Next::From(Marker::Key(m.to_owned())),
            None => Next::Stuck("a truncated page without NextMarker or entries"),
        },
    }
}

/// A List Objects page as received.
pub(super) enum Received {
    /// Decoded already (its head did not say where the listing goes on).
    Decoded(ListBucketResult),
    /// The body, to decode, and where the listing goes on as its head says: `None`
    /// after the last page, else the (decoded) `NextMarker`.
    Body {
        body: bytes::Bytes,
        next: Option<String>,
    },
}

/// Sends one List Objects request and reads the head of the answer: when it says
/// where the listing goes on (`encoding-type=url` asked, `IsTruncated` and, when true,
/// a `NextMarker`), the body is decoded later; otherwise now.
pub(super) async fn receive_objects_page(
    client: &Client,
    req: OpRequest,
) -> Result<Received, Error> {
    let asked = req
        .query
        .iter()
        .any(|(k, v)| k == "encoding-type" && v == "url");
    let r = client.send(req).await?;
    let text = body_str(&r.body)?;
    let (head, truncation_seen) = ListBucketResult::head_fast(text)?;
    let marker = head.next_marker.filter(|m| !m.is_empty());
    let next = match (asked && truncation_seen, head.is_truncated, marker) {
        (true, false, _) => Some(None),
        (true, true, Some(m)) => Some(Some(url_decode(&m))),
        _ => None,
    };
    match next {
        Some(next) => Ok(Received::Body { body: r.body, next }),
        None => Ok(Received::Decoded(decode_objects_page(text, asked)?)),
    }
}

/// The page of `received`, decoded; it must continue where its head said.
pub(super) fn decode_received(received: Received) -> Result<ListBucketResult, Error> {
    let (body, next) = match received {
        Received::Decoded(page) => return Ok(page),
        Received::Body { body, next } => (body, next),
    };
    let page = decode_objects_page(body_str(&body)?, true)?;
    let agrees = match &next {
        None => !page.is_truncated,
        Some(m) => page.is_truncated && page.next_marker.as_ref() == Some(m),
    };
    if !agrees {
        return Err(Error::decode(
            "a listing page whose IsTruncated or NextMarker appears twice with different values",
        ));
    }
    Ok(page)
}

pub(super) async fn list_objects_page(
    client: &Client,
    req: OpRequest,
) -> Result<ListBucketResult, Error> {
    let asked = req
        .query
        .iter()
        .any(|(k, v)| k == "encoding-type" && v == "url");
    let r = client.send(req).await?;
    decode_objects_page(body_str(&r.body)?, asked)
}

/// Decodes a List Objects page; keys, prefixes and markers are percent-decoded when
/// `encoding-type=url` was asked or the page says so.
fn decode_objects_page(text: &str, asked: bool) -> Result<ListBucketResult, Error> {
    let mut page = ListBucketResult::from_xml_fast(text)?;
    if asked || page.encoding_type.as_deref() == Some("url") {
        dec(&mut page.prefix);
        dec(&mut page.marker);
        dec_opt(&mut page.delimiter);
        dec_opt(&mut page.next_marker);
        for o in &mut page.contents {
            dec(&mut o.key);
        }
        for p in &mut page.common_prefixes {
            dec(&mut p.prefix);
        }
        page.encoding_type = None;
    }
    Ok(page)
}
