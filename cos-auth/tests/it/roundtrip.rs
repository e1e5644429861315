//! Property tests: sign → verify round trips, and any single change to what is signed
//! makes verification fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cos_auth::Credentials;
use cos_auth::qsign::{
    self, AuthField, AuthorizationError, HeaderPolicy, InvalidKeyTime, KeyTime, ReceivedRequest,
    SignableRequest, SigningSettings, VerifyError,
};
use proptest::prelude::*;

const HOST: &str = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com:9000";

#[derive(Debug, Clone)]
struct Req {
    method: String,
    key: String,
    params: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

fn method() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "get", "Patch",
    ])
    .prop_map(str::to_owned)
}

fn req() -> impl Strategy<Value = Req> {
    (
        method(),
        "\\PC{1,40}",
        prop::collection::btree_map("[a-zA-Z0-9_./ -]{1,12}", "\\PC{0,16}", 0..4),
        prop::collection::btree_map("[a-z0-9-]{1,10}", "[ -~]{1,20}", 0..4),
        "[ -~]{0,20}",
    )
        .prop_map(|(method, key, params, metas, ctype)| {
            let mut headers = vec![("Host".to_owned(), HOST.to_owned())];
            if !ctype.is_empty() {
                headers.push(("Content-Type".to_owned(), ctype));
            }
            headers.push(("User-Agent".to_owned(), "not-signed".to_owned()));
            for (k, v) in metas {
                headers.push((format!("x-cos-meta-{k}"), v));
            }
            Req {
                method,
                key,
                params: params.into_iter().collect(),
                headers,
            }
        })
}

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap()
}

const KT: (u64, u64) = (1_700_000_000, 1_700_003_600);

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter()
        .map(|(k, val)| (k.as_str(), val.as_str()))
        .collect()
}

fn authorization(r: &Req, c: &Credentials, kt: KeyTime) -> String {
    let (p, h) = (pairs(&r.params), pairs(&r.headers));
    let s = SignableRequest::new(&r.method, &r.key)
        .params(&p)
        .headers(&h);
    qsign::sign(&s, c, kt, &SigningSettings::default())
        .authorization()
        .to_owned()
}

fn check(r: &Req, auth: &str, lookup: &[Credentials]) -> Result<(), VerifyError> {
    let path = cos_auth::encode::signed_path(&r.key).into_owned();
    let p = pairs(&r.params);
    let mut h = pairs(&r.headers);
    h.push(("Authorization", auth));
    let received = ReceivedRequest {
        method: &r.method,
        path: &path,
        query: &p,
        headers: &h,
    };
    qsign::verify(&received, lookup, KT.0 + 10).map(|_| ())
}

/// Replaces the char at `at` (modulo the length) with a different ASCII char.
fn mutate(s: &str, at: usize) -> String {
    if s.is_empty() {
        return "x".into();
    }
    let chars: Vec<char> = s.chars().collect();
    let i = at % chars.len();
    let mut out = chars.clone();
    out[i] = if chars[i] == 'q' { 'z' } else { 'q' };
    out.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify_round_trips(r in req()) {
        let kt = KeyTime::new(KT.0, KT.1).unwrap();
        let auth = authorization(&r, &creds(), kt);
        prop_assert_eq!(check(&r, &auth, &[creds()]), Ok(()));
        // The cached-key verifier agrees.
        let path = cos_auth::encode::signed_path(&r.key).into_owned();
        let p = pairs(&r.params);
        let mut h = pairs(&r.headers);
        h.push(("Authorization", &auth));
        let received = ReceivedRequest { method: &r.method, path: &path, query: &p, headers: &h };
        let cache = qsign::SigningKeyCache::new();
        prop_assert!(qsign::verify_with_cache(&received, &[creds()][..], KT.0 + 10, &cache).is_ok());
    }

    #[test]
    fn changed_path_fails(r in req(), at in any::<usize>()) {
        let kt = KeyTime::new(KT.0, KT.1).unwrap();
        let auth = authorization(&r, &creds(), kt);
        let mut bad = r.clone();
        bad.key = mutate(&r.key, at);
        // A leading '/' is optional in a key; changing it to another char changes the path.
        prop_assume!(cos_auth::encode::signed_path(&bad.key) != cos_auth::encode::signed_path(&r.key));
        prop_assert_eq!(check(&bad, &auth, &[creds()]), Err(VerifyError::SignatureMismatch));
    }

    #[test]
    fn changed_method_fails(r in req()) {
        let kt = KeyTime::new(KT.0, KT.1).unwrap();
        let auth = authorization(&r, &creds(), kt);
        let mut bad = r.clone();
        bad.method = if r.method.eq_ignore_ascii_case("PUT") { "POST".into() } else { "PUT".into() };
        prop_assert_eq!(check(&bad, &auth, &[creds()]), Err(VerifyError::SignatureMismatch));
    }

    #[test]
    fn changed_signed_header_value_fails(r in req(), which in any::<usize>(), at in any::<usize>()) {
        let kt = KeyTime::new(KT.0, KT.1).unwrap();
        let auth = authorization(&r, &creds(), kt);
        let signed: Vec<usize> = (0..r.headers.len())
            .filter(|i| HeaderPolicy::OfficialSdk.signs(&r.headers[*i].0))
            .collect();
        let i = signed[which % signed.len()];
        let mut bad = r.clone();
        bad.headers[i].1 = mutate(&r.headers[i].1, at);
        prop_assert!(check(&bad, &auth, &[creds()]).is_err());
    }

    #[test]
    fn unsigned_header_changes_are_accepted(r in req(), at in any::<usize>()) {
        let kt = KeyTime::new(KT.0, KT.1).unwrap();
        let auth = authorization(&r, &creds(), kt);
        let mut other = r.clone();
        for (k, v) in &mut other.headers {
            if k == "User-Agent" { *v = mutate(v, at); }
        }
        prop_assert_eq!(check(&other, &auth, &[creds()]), Ok(()));
    }

    #[test]
    fn changed_param_fails(r in req(), which in any::<usize>(), at in any::<usize>(), in_name in any::<bool>()) {
        prop_assume!(!r.params.is_empty());
        let kt = KeyTime::new(KT.0, KT.1).unwrap();
        let auth = authorization(&r, &creds(), kt);
        let i = which % r.params.len();
        let mut bad = r.clone();
        if in_name {
            bad.params[i].0 = mutate(&r.params[i].0, at);
            // Names are compared case-insensitively; a case-only change is not a change.
            prop_assume!(!bad.params[i].0.eq_ignore_ascii_case(&r.params[i].0));
            prop_assume!(!r.params.iter().any(|(k, _)| k.eq_ignore_ascii_case(&bad.params[i].0)));
        } else {
            bad.params[i].1 = mutate(&r.params[i].1, at);
        }
        prop_assert!(check(&bad, &auth, &[creds()]).is_err());
    }

    #[test]
    fn changed_key_time_or_sign_time_fails(r in req(), delta in 1u64..1000, which in 0usize..4) {
        let kt = KeyTime::new(KT.0, KT.1).unwrap();
        let auth = authorization(&r, &creds(), kt);
        let orig = format!("{};{}", KT.0, KT.1);
        let changed = match which {
            0 => format!("{};{}", KT.0 - delta, KT.1),
            1 => format!("{};{}", KT.0, KT.1 + delta),
            2 => format!("{};{}", KT.0 - delta, KT.1),
            _ => format!("{};{}", KT.0, KT.1 + delta),
        };
        let field = if which < 2 { "q-key-time=" } else { "q-sign-time=" };
        let bad = auth.replace(&format!("{field}{orig}"), &format!("{field}{changed}"));
        prop_assert_ne!(&bad, &auth);
        prop_assert_eq!(check(&r, &bad, &[creds()]), Err(VerifyError::SignatureMismatch));
    }

    #[test]
    fn changed_secret_fails(r in req(), at in any::<usize>()) {
        let kt = KeyTime::new(KT.0, KT.1).unwrap();
        let auth = authorization(&r, &creds(), kt);
        let other = Credentials::new("AKIDEXAMPLE", mutate("SECRETKEYEXAMPLE", at)).unwrap();
        prop_assert_eq!(check(&r, &auth, &[other]), Err(VerifyError::SignatureMismatch));
    }
}

fn fixed() -> Req {
    Req {
        method: "PUT".into(),
        key: "dir/文件 a.txt".into(),
        params: vec![("acl".into(), String::new())],
        headers: vec![
            ("Host".into(), HOST.into()),
            ("Content-Type".into(), "text/plain".into()),
        ],
    }
}

/// Verifies `fixed()` as received with `headers` and `query` at `now`.
fn verify_fixed(
    headers: Vec<(&str, &str)>,
    query: &[(&str, &str)],
    now: u64,
) -> Result<(), VerifyError> {
    let r = fixed();
    let path = cos_auth::encode::signed_path(&r.key).into_owned();
    let received = ReceivedRequest {
        method: &r.method,
        path: &path,
        query,
        headers: &headers,
    };
    qsign::verify(&received, &[creds()][..], now).map(|_| ())
}

#[test]
fn verifier_reports_precise_reasons() {
    let r = fixed();
    let kt = KeyTime::new(KT.0, KT.1).unwrap();
    let auth = authorization(&r, &creds(), kt);
    let p = pairs(&r.params);
    let run = verify_fixed;
    let mut h = pairs(&r.headers);
    h.push(("authorization", &auth));
    assert_eq!(run(h.clone(), &p, KT.0), Ok(()));
    assert_eq!(run(h.clone(), &p, KT.1), Ok(()));
    assert_eq!(
        run(h.clone(), &p, KT.1 + 1),
        Err(VerifyError::Expired {
            end: KT.1,
            now: KT.1 + 1
        })
    );
    assert_eq!(
        run(h.clone(), &p, KT.0 - 1),
        Err(VerifyError::NotYetValid {
            start: KT.0,
            now: KT.0 - 1
        })
    );
    assert_eq!(run(pairs(&r.headers), &p, KT.0), Err(VerifyError::Missing));
    assert_eq!(
        run(h.clone(), &[], KT.0),
        Err(VerifyError::MissingSignedParam("acl".into()))
    );
    let no_ct: Vec<_> = h
        .iter()
        .copied()
        .filter(|(k, _)| *k != "Content-Type")
        .collect();
    assert_eq!(
        run(no_ct, &p, KT.0),
        Err(VerifyError::MissingSignedHeader("content-type".into()))
    );
    let unknown = auth.replace("q-ak=AKIDEXAMPLE", "q-ak=AKIDOTHER");
    let mut hu = pairs(&r.headers);
    hu.push(("Authorization", &unknown));
    assert_eq!(
        run(hu, &p, KT.0),
        Err(VerifyError::UnknownAccessKey("AKIDOTHER".into()))
    );
    let md5 = auth.replace("q-sign-algorithm=sha1", "q-sign-algorithm=md5");
    let mut hm = pairs(&r.headers);
    hm.push(("Authorization", &md5));
    assert_eq!(
        run(hm, &p, KT.0),
        Err(VerifyError::UnsupportedAlgorithm("md5".into()))
    );
    let mut hg = pairs(&r.headers);
    hg.push(("Authorization", "garbage"));
    assert!(matches!(run(hg, &p, KT.0), Err(VerifyError::Malformed(_))));
}

/// Malformed authorizations say which field and why, in the header and in a presigned
/// query alike, and never echo the value.
#[test]
fn malformed_authorizations_name_the_field() {
    let r = fixed();
    let kt = KeyTime::new(KT.0, KT.1).unwrap();
    let auth = authorization(&r, &creds(), kt);
    let p = pairs(&r.params);
    let run = verify_fixed;
    let bad_time = auth.replace(
        &format!("q-key-time={};{}", KT.0, KT.1),
        &format!("q-key-time={};{}", KT.1, KT.0),
    );
    let mut hb = pairs(&r.headers);
    hb.push(("Authorization", &bad_time));
    let err = run(hb, &p, KT.0).unwrap_err();
    assert_eq!(
        err,
        VerifyError::Malformed(AuthorizationError::InvalidTime {
            field: AuthField::KeyTime,
            reason: InvalidKeyTime::StartAfterEnd {
                start: KT.1,
                end: KT.0
            },
        })
    );
    assert!(
        err.to_string()
            .starts_with("malformed authorization: q-key-time: ")
    );
    assert!(std::error::Error::source(&err).is_none());
    let mut q = p.clone();
    q.extend(
        auth.split('&')
            .filter_map(|kv| kv.split_once('='))
            .filter(|(k, _)| *k != "q-signature"),
    );
    let err = run(pairs(&r.headers), &q, KT.0).unwrap_err();
    assert_eq!(
        err,
        VerifyError::Malformed(AuthorizationError::Missing(AuthField::Signature))
    );
    q.push(("q-signature", "0123"));
    q.push(("q-signature", "0123"));
    assert_eq!(
        run(pairs(&r.headers), &q, KT.0),
        Err(VerifyError::Malformed(AuthorizationError::Duplicate(
            AuthField::Signature
        )))
    );
}

#[test]
fn host_is_accepted_signed_with_or_without_port() {
    let r = fixed();
    let kt = KeyTime::new(KT.0, KT.1).unwrap();
    let (p, h) = (pairs(&r.params), pairs(&r.headers));
    let s = SignableRequest::new(&r.method, &r.key)
        .params(&p)
        .headers(&h);
    for with_port in [false, true] {
        let settings = SigningSettings::default().host_with_port(with_port);
        let auth = qsign::sign(&s, &creds(), kt, &settings)
            .authorization()
            .to_owned();
        assert_eq!(
            check(&r, &auth, &[creds()]),
            Ok(()),
            "with_port={with_port}"
        );
    }
    // A different port than the one signed is not the same host.
    let auth = qsign::sign(
        &s,
        &creds(),
        kt,
        &SigningSettings::default().host_with_port(true),
    )
    .authorization()
    .to_owned();
    let mut other = r.clone();
    other.headers[0].1 = HOST.replace(":9000", ":9001");
    assert_eq!(
        check(&other, &auth, &[creds()]),
        Err(VerifyError::SignatureMismatch)
    );
}

#[test]
fn temporary_credentials_need_their_token() {
    let r = fixed();
    let kt = KeyTime::new(KT.0, KT.1).unwrap();
    let temp = creds().with_token("TOKEN/with+chars=").unwrap();
    let (p, h) = (pairs(&r.params), pairs(&r.headers));
    let s = SignableRequest::new(&r.method, &r.key)
        .params(&p)
        .headers(&h);
    let sig = qsign::sign(&s, &temp, kt, &SigningSettings::default());
    assert_eq!(sig.security_token(), Some("TOKEN/with+chars="));
    assert!(
        sig.authorization()
            .contains("q-header-list=content-type;host;x-cos-security-token&")
    );
    let path = cos_auth::encode::signed_path(&r.key).into_owned();
    let run = |token: Option<&str>| {
        let mut headers = h.clone();
        headers.push(("Authorization", sig.authorization()));
        if let Some(t) = token {
            headers.push(("x-cos-security-token", t));
        }
        let received = ReceivedRequest {
            method: &r.method,
            path: &path,
            query: &p,
            headers: &headers,
        };
        qsign::verify(&received, &[temp.clone()][..], KT.0).map(|_| ())
    };
    assert_eq!(run(Some("TOKEN/with+chars=")), Ok(()));
    assert_eq!(run(None), Err(VerifyError::MissingToken));
    assert_eq!(run(Some("TOKEN/other")), Err(VerifyError::InvalidToken));

    // A token header already present is signed as is and not added again.
    let mut with_header = h.clone();
    with_header.push(("X-Cos-Security-Token", "TOKEN/with+chars="));
    let s2 = SignableRequest::new(&r.method, &r.key)
        .params(&p)
        .headers(&with_header);
    let sig2 = qsign::sign(&s2, &temp, kt, &SigningSettings::default());
    assert_eq!(sig2.security_token(), None);
    assert_eq!(sig2.authorization(), sig.authorization());
}

#[test]
fn header_policy_all_signs_everything() {
    let r = fixed();
    let kt = KeyTime::new(KT.0, KT.1).unwrap();
    let mut headers = pairs(&r.headers);
    headers.push(("User-Agent", "ua"));
    let s = SignableRequest::new(&r.method, &r.key).headers(&headers);
    let all = SigningSettings::default().header_policy(HeaderPolicy::All);
    let (_, inter) = qsign::sign_with_intermediates(&s, &creds(), kt, &all);
    assert_eq!(inter.header_list, "content-type;host;user-agent");
    let (_, inter) = qsign::sign_with_intermediates(&s, &creds(), kt, &SigningSettings::default());
    assert_eq!(inter.header_list, "content-type;host");
    let no_params = SigningSettings::default().sign_params(false);
    let p = pairs(&r.params);
    let s = SignableRequest::new(&r.method, &r.key)
        .params(&p)
        .headers(&headers);
    let (_, inter) = qsign::sign_with_intermediates(&s, &creds(), kt, &no_params);
    assert_eq!(inter.url_param_list, "");
}

#[test]
fn names_colliding_after_lowercasing_keep_the_last_pair_on_both_sides() {
    let r = Req {
        method: "GET".into(),
        key: "0".into(),
        params: vec![("Kw".into(), "a".into()), ("kw".into(), String::new())],
        headers: vec![
            ("Host".into(), HOST.into()),
            ("x-cos-meta-A".into(), "1".into()),
            ("X-COS-META-a".into(), "2".into()),
        ],
    };
    let kt = KeyTime::new(KT.0, KT.1).unwrap();
    let auth = authorization(&r, &creds(), kt);
    assert!(auth.contains("q-url-param-list=kw&"), "{auth}");
    assert_eq!(check(&r, &auth, &[creds()]), Ok(()));
}
