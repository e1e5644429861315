//! Fuzzing what the verifier parses from the network: `Authorization` values, the `q-*`
//! query of presigned URLs, v4 signatures and the percent-decoders, with arbitrary
//! strings and with random edits of valid signed values.
//!
//! Properties: no panic; outputs bounded by the input; parse → format → parse is the
//! identity; an edited authorization either fails or still carries exactly the signed
//! fields (no edit forges a different valid signature).
//!
//! CI runs a few hundred cases; `cargo xtask fuzz` runs this file in release mode with
//! `PROPTEST_CASES` raised.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cos_auth::encode::{decode_path, decode_query, signed_path, url_path};
use cos_auth::qsign::{
    self, AuthorizationParts, KeyTime, ReceivedRequest, SignableRequest, SigningSettings,
};
use cos_auth::v4::{self, V4Expectation, V4Nonce, V4Signer};
use cos_auth::{Credentials, encode};
use proptest::prelude::*;

/// The cases of one property: `PROPTEST_CASES` when set (the xtask), else `default`.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const HOST: &str = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com:9000";
const KT: (u64, u64) = (1_700_000_000, 1_700_003_600);
const NOW: u64 = KT.0 + 10;

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap()
}

/// Strings rich in the separators and escapes the parsers split on.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,64}",
        "[&=;% +qsignak0-9a-fA-F:\\[\\]/-]{0,64}",
        proptest::collection::vec(any::<u8>(), 0..64)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// One edit of a string (ASCII-safe: edits whole chars).
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, char),
    Delete(usize, usize),
    Insert(usize, String),
    Truncate(usize),
    Case(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let pieces = vec![
        "&",
        "=",
        ";",
        "q-ak=",
        "q-sign-time=",
        "q-signature=",
        "&q-ak=X",
        "%",
        "%zz",
        " ",
        "0",
        "9",
        "f",
        "F",
        "18446744073709551616",
        "host",
        ";host",
        "中",
    ];
    prop_oneof![
        (any::<usize>(), any::<char>()).prop_map(|(p, c)| Edit::Set(p, c)),
        (any::<usize>(), 1usize..12).prop_map(|(p, n)| Edit::Delete(p, n)),
        (any::<usize>(), proptest::sample::select(pieces))
            .prop_map(|(p, s)| Edit::Insert(p, s.to_owned())),
        any::<usize>().prop_map(Edit::Truncate),
        any::<usize>().prop_map(Edit::Case),
    ]
}

fn apply(s: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for e in edits {
        let len = chars.len();
        let at = |p: usize| p % (len + 1);
        match e {
            Edit::Set(p, c) if len > 0 => chars[p % len] = *c,
            Edit::Set(..) | Edit::Case(..) if len == 0 => {}
            Edit::Set(..) => {}
            Edit::Delete(p, n) => {
                let start = at(*p);
                chars.drain(start..(start + n).min(len));
            }
            Edit::Insert(p, piece) => {
                let i = at(*p);
                chars.splice(i..i, piece.chars());
            }
            Edit::Truncate(p) => chars.truncate(at(*p)),
            Edit::Case(p) => {
                let c = chars[p % len];
                chars[p % len] = if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
            }
        }
    }
    chars.into_iter().collect()
}

/// The authorization string of parsed parts, in the signer's field order.
fn format_parts(p: &AuthorizationParts) -> String {
    format!(
        "q-sign-algorithm={}&q-ak={}&q-sign-time={}&q-key-time={}&q-header-list={}&q-url-param-list={}&q-signature={}",
        p.algorithm,
        p.access_key_id,
        p.sign_time,
        p.key_time,
        p.header_list,
        p.url_param_list,
        p.signature
    )
}

fn names(list: &str) -> Vec<&str> {
    list.split(';').filter(|s| !s.is_empty()).collect()
}

/// A signed request: method, key, query and headers (with `Authorization`).
#[derive(Debug, Clone)]
struct Signed {
    method: String,
    key: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    authorization: String,
}

fn signed_request() -> impl Strategy<Value = Signed> {
    (
        proptest::sample::select(vec!["GET", "PUT", "POST", "DELETE", "HEAD"]),
        "\\PC{1,24}",
        proptest::collection::btree_map("[a-z0-9-]{1,8}", "\\PC{0,12}", 0..3),
        proptest::collection::btree_map("[a-z0-9-]{1,8}", "[ -~]{0,12}", 0..3),
    )
        .prop_map(|(method, key, params, metas)| {
            let query: Vec<(String, String)> = params.into_iter().collect();
            let mut headers = vec![("Host".to_owned(), HOST.to_owned())];
            for (k, v) in metas {
                headers.push((format!("x-cos-meta-{k}"), v));
            }
            let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (&**k, &**v)).collect();
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (&**k, &**v)).collect();
            let request = SignableRequest::new(method, &key).params(&q).headers(&h);
            let kt = KeyTime::new(KT.0, KT.1).unwrap();
            let authorization = qsign::sign(&request, &creds(), kt, &SigningSettings::default())
                .authorization()
                .to_owned();
            Signed {
                method: method.to_owned(),
                key,
                query,
                headers,
                authorization,
            }
        })
}

/// Verifies `s` with `authorization` as its header (or, when `None`, with `extra_query`
/// appended to its query, as a presigned URL carries it).
fn verify_signed(
    s: &Signed,
    authorization: Option<&str>,
    extra_query: &[(String, String)],
) -> Result<qsign::Verified, qsign::VerifyError> {
    let path = encode::signed_path(&s.key).into_owned();
    let mut q: Vec<(&str, &str)> = s.query.iter().map(|(k, v)| (&**k, &**v)).collect();
    q.extend(extra_query.iter().map(|(k, v)| (&**k, &**v)));
    let mut h: Vec<(&str, &str)> = s.headers.iter().map(|(k, v)| (&**k, &**v)).collect();
    if let Some(a) = authorization {
        h.push(("Authorization", a));
    }
    let received = ReceivedRequest {
        method: &s.method,
        path: &path,
        query: &q,
        headers: &h,
    };
    qsign::verify(&received, &[creds()][..], NOW)
}

/// An accepted edited authorization must carry the signed fields unchanged.
fn same_signed_fields(
    got: &AuthorizationParts,
    orig: &AuthorizationParts,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(&got.access_key_id, &orig.access_key_id);
    prop_assert_eq!(got.sign_time, orig.sign_time);
    prop_assert_eq!(got.key_time, orig.key_time);
    prop_assert_eq!(&got.signature, &orig.signature);
    prop_assert_eq!(names(&got.header_list), names(&orig.header_list));
    prop_assert_eq!(names(&got.url_param_list), names(&orig.url_param_list));
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn authorization_values_parse_without_panic_and_round_trip(value in tricky()) {
        if let Ok(parts) = AuthorizationParts::parse(&value) {
            // Every field comes from the value itself.
            prop_assert!(parts.access_key_id.len() + parts.header_list.len() + parts.url_param_list.len() <= value.len());
            let again = AuthorizationParts::parse(&format_parts(&parts)).unwrap();
            prop_assert_eq!(again, parts);
        }
        let _ = KeyTime::parse(&value).map(|kt| {
            assert_eq!(KeyTime::parse(&kt.to_string()), Ok(kt));
        });
        // An arbitrary Host value (its port stripped before signing) signs without panic.
        let host = [("Host", value.as_str())];
        let req = SignableRequest::new("GET", "k").headers(&host);
        let _ = qsign::sign(&req, &creds(), KeyTime::from_now(NOW, 60), &SigningSettings::default());
    }

    #[test]
    fn verify_survives_arbitrary_requests(
        method in tricky(),
        path in tricky(),
        auth in tricky(),
        query in proptest::collection::vec((tricky(), tricky()), 0..4),
        headers in proptest::collection::vec((tricky(), tricky()), 0..4),
        as_query in any::<bool>(),
    ) {
        let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (&**k, &**v)).collect();
        let mut h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (&**k, &**v)).collect();
        let mut q = q;
        if as_query {
            q.push(("q-sign-algorithm", &auth));
        } else {
            h.push(("authorization", &auth));
        }
        let received = ReceivedRequest { method: &method, path: &path, query: &q, headers: &h };
        prop_assert!(qsign::verify(&received, &[creds()][..], NOW).is_err());
    }

    #[test]
    fn edited_authorization_headers_never_forge(s in signed_request(), edits in proptest::collection::vec(edit(), 1..4)) {
        let orig = verify_signed(&s, Some(&s.authorization), &[]).unwrap().parts;
        let bad = apply(&s.authorization, &edits);
        if let Ok(v) = verify_signed(&s, Some(&bad), &[]) {
            same_signed_fields(&v.parts, &orig)?;
        }
    }

    #[test]
    fn edited_presigned_queries_never_forge(
        s in signed_request(),
        edits in proptest::collection::vec(edit(), 1..4),
        which in any::<usize>(),
    ) {
        let parts = AuthorizationParts::parse(&s.authorization).unwrap();
        let mut pairs: Vec<(String, String)> = s
            .authorization
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        prop_assert_eq!(verify_signed(&s, None, &pairs).unwrap().parts, parts.clone());
        let i = which % pairs.len();
        pairs[i].1 = apply(&pairs[i].1, &edits);
        if let Ok(v) = verify_signed(&s, None, &pairs) {
            same_signed_fields(&v.parts, &parts)?;
        }
    }

    #[test]
    fn v4_decode_survives_arbitrary_input(
        text in tricky(),
        mac in proptest::collection::vec(any::<u8>(), 0..24),
        plaintext in tricky(),
    ) {
        let _ = v4::decode(&text);
        let mut raw = mac;
        raw.extend_from_slice(plaintext.as_bytes());
        let encoded = STANDARD.encode(&raw);
        if let Ok(d) = v4::decode(&encoded) {
            prop_assert_eq!(d.plaintext.as_bytes(), &raw[20..]);
            prop_assert!(d.appid.len() + d.secret_id.len() + d.file_id.len() + d.bucket.len() <= raw.len());
        }
        let expect = V4Expectation { appid: "1250000000", bucket: "b", cos_path: "/a" };
        let _ = v4::verify(&encoded, &expect, &[creds()][..], NOW);
    }

    #[test]
    fn edited_v4_signatures_never_forge(
        path in "/\\PC{0,16}",
        once in any::<bool>(),
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let signer = V4Signer::new("1250000000", creds());
        let nonce = V4Nonce { now: NOW, random: 7 };
        let sign = if once {
            signer.sign_once_at("b", &path, nonce)
        } else {
            signer.sign_more_at("b", &path, NOW + 600, nonce)
        };
        let expect = V4Expectation { appid: "1250000000", bucket: "b", cos_path: &path };
        let orig = v4::verify(&sign, &expect, &[creds()][..], NOW).unwrap();
        let bad = apply(&sign, &edits);
        if let Ok(v) = v4::verify(&bad, &expect, &[creds()][..], NOW) {
            prop_assert_eq!(v.decoded, orig.decoded);
        }
    }

    #[test]
    fn percent_decoders_are_bounded_and_invert_the_encoders(s in "\\PC{0,48}", junk in tricky()) {
        prop_assert_eq!(decode_path(&url_path(&s)), signed_path(&s));
        let mut form = String::from("n=");
        encode::push_form_encoded(&mut form, &s);
        prop_assert_eq!(decode_query(&form), [("n".to_owned(), s.clone())]);
        // Arbitrary input: a byte decodes to at most one replacement character.
        prop_assert!(decode_path(&junk).len() <= 3 * junk.len());
        let pairs = decode_query(&junk);
        prop_assert!(pairs.len() <= junk.len());
        let total: usize = pairs.iter().map(|(k, v)| k.len() + v.len()).sum();
        prop_assert!(total <= 3 * junk.len());
    }
}
