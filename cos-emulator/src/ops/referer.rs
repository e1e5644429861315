//! Hotlink protection: GET/HEAD Object on a bucket with an enabled referer
//! configuration is refused (403 `AccessDenied`) when its `Referer` is not allowed.
//!
//! COS PUT Bucket referer (436/32492): domains are prefix-matched, may carry a port
//! or be IPs, `*` stands for any run of labels; `EmptyReferConfiguration` decides
//! requests without a `Referer` and defaults to `Deny`.

use cos_xml::config::RefererConfiguration;
use cos_xml::op::Op;

use super::Ctx;
use super::families::{Family, load};
use crate::errors::ApiError;

/// Whether `pattern` (with `*` wildcards) matches a prefix of `text`.
fn prefix_matches(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => text.starts_with(pattern),
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len())
                .filter(|&i| tail.is_char_boundary(i))
                .any(|i| !tail[..i].contains('/') && prefix_matches(rest, &tail[i..]))
        }
    }
}

/// Whether the `Referer` value matches a listed domain (its scheme ignored).
fn listed(domains: &[String], referer: &str) -> bool {
    let bare = referer.split_once("://").map_or(referer, |(_, rest)| rest);
    domains.iter().any(|d| {
        let d = d.split_once("://").map_or(d.as_str(), |(_, rest)| rest);
        prefix_matches(d, bare)
    })
}

/// Refuses an object read whose `Referer` the bucket's configuration does not allow.
///
/// Errors: 403 `AccessDenied`; `NoSuchBucket`.
pub(crate) fn check(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    if !matches!(ctx.op, Op::GetObject | Op::HeadObject) {
        return Ok(());
    }
    let Some(c) = load::<RefererConfiguration>(ctx, ctx.bucket(), Family::Referer)? else {
        return Ok(());
    };
    if c.status != "Enabled" {
        return Ok(());
    }
    let allowed = match ctx.h("referer").map(str::trim).filter(|r| !r.is_empty()) {
        None => c.empty_refer_configuration.as_deref() == Some("Allow"),
        Some(r) => listed(&c.domain_list.domains, r) == (c.referer_type == "White-List"),
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::access_denied(
            "Access Denied: the request's Referer is not allowed by the bucket's referer configuration.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_match_by_prefix_with_wildcards() {
        let d = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(listed(&d(&["*.qq.com"]), "https://www.qq.com/page"));
        assert!(listed(&d(&["*.qq.com"]), "http://a.b.qq.com/"));
        assert!(!listed(&d(&["*.qq.com"]), "https://qq.com.evil/x"));
        assert!(listed(&d(&["www.qq.com"]), "http://www.qq.com:8080/x"));
        assert!(listed(
            &d(&["192.168.1.2:8080"]),
            "http://192.168.1.2:8080/"
        ));
        assert!(!listed(&d(&["www.qq.com"]), "http://www.example.com/"));
    }
}
