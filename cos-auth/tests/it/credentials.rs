//! Credentials, providers, the caching provider, and that secrets never get printed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cos_auth::qsign::{
    self, KeyTime, PresignRequest, PresignSettings, SignableRequest, SigningSettings,
};
use cos_auth::v4::V4Signer;
use cos_auth::{
    CachingProvider, ChainProvider, CredentialField, Credentials, CredentialsError, EnvError,
    EnvProvider, ProvideCredentials, StaticProvider,
};

const KEY: &str = "SECRETKEYEXAMPLE";
const TOKEN: &str = "TOKENVALUE-should-never-print";

fn temp() -> Credentials {
    Credentials::new("AKIDEXAMPLE", KEY)
        .unwrap()
        .with_token(TOKEN)
        .unwrap()
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(KEY), "{what} leaks the secret key: {text}");
    assert!(!text.contains(TOKEN), "{what} leaks the token: {text}");
}

#[test]
fn secrets_never_appear_in_formatted_output() {
    let c = temp();
    assert_clean("Debug", &format!("{c:?}"));
    assert_clean("Debug alt", &format!("{c:#?}"));
    assert_clean("Display", &format!("{c}"));
    assert!(format!("{c:?}").contains("AKIDEXAMPLE"));

    let kt = KeyTime::new(1, 2).unwrap();
    let key = qsign::SigningKey::derive(KEY, kt);
    let key_dbg = format!("{key:?}");
    assert_clean("SigningKey", &key_dbg);
    assert!(!key_dbg.contains(key.as_hex()));

    let h = [("Host", "h")];
    let sig = qsign::sign(
        &SignableRequest::new("GET", "a").headers(&h),
        &c,
        kt,
        &SigningSettings::default(),
    );
    assert_clean("Signature", &format!("{sig:?}"));
    assert_clean("V4Signer", &format!("{:?}", V4Signer::new("1", c.clone())));
    assert_clean(
        "StaticProvider",
        &format!("{:?}", StaticProvider::new(c.clone())),
    );
    let provider = CachingProvider::builder(move || {
        let c = temp();
        async move { Ok(c) }
    })
    .build();
    assert_clean("CachingProvider", &format!("{provider:?}"));
    assert_clean(
        "SigningKeyCache",
        &format!("{:?}", qsign::SigningKeyCache::new()),
    );
    let _ = qsign::presign_url(
        &PresignRequest::new("GET", "h", "k"),
        &c,
        kt,
        &PresignSettings::default(),
    );
    let err = Credentials::new("AKID", format!(" {KEY}")).unwrap_err();
    assert_clean("error", &format!("{err} {err:?}"));
}

#[test]
fn whitespace_and_empty_values_are_rejected() {
    assert_eq!(
        Credentials::new("", "k"),
        Err(CredentialsError::EmptySecretId)
    );
    assert_eq!(
        Credentials::new("id", ""),
        Err(CredentialsError::EmptySecretKey)
    );
    for (id, key) in [(" id", "k"), ("id\n", "k"), ("id", "k "), ("id", "\tk")] {
        assert!(
            matches!(
                Credentials::new(id, key),
                Err(CredentialsError::Whitespace { .. })
            ),
            "{id:?} {key:?}"
        );
    }
    let c = Credentials::new("id", "k").unwrap();
    assert!(matches!(
        c.clone().with_token(" t"),
        Err(CredentialsError::Whitespace {
            field: CredentialField::Token
        })
    ));
    assert_eq!(c.clone().with_token("").unwrap().token(), None);
}

fn env(vars: &[(&'static str, &'static str)]) -> EnvProvider {
    let vars: Vec<(&'static str, &'static str)> = vars.to_vec();
    EnvProvider::with_lookup(move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    })
}

#[test]
fn environment_provider_prefers_cos_variables() {
    let both = env(&[
        ("COS_SECRET_ID", "cos-id"),
        ("COS_SECRET_KEY", "cos-key"),
        ("COS_SECURITY_TOKEN", "cos-token"),
        ("TENCENTCLOUD_SECRET_ID", "tc-id"),
        ("TENCENTCLOUD_SECRET_KEY", "tc-key"),
    ]);
    let c = both.load().unwrap();
    assert_eq!(
        (c.secret_id(), c.secret_key(), c.token()),
        ("cos-id", "cos-key", Some("cos-token"))
    );

    let tc = env(&[
        ("TENCENTCLOUD_SECRET_ID", "tc-id"),
        ("TENCENTCLOUD_SECRET_KEY", "tc-key"),
        ("TENCENTCLOUD_SESSION_TOKEN", "tc-token"),
    ]);
    let c = tc.load().unwrap();
    assert_eq!((c.secret_id(), c.token()), ("tc-id", Some("tc-token")));

    assert_eq!(env(&[]).load(), Err(CredentialsError::Env(EnvError::Unset)));
    assert_eq!(
        env(&[("COS_SECRET_ID", "x")]).load(),
        Err(CredentialsError::Env(EnvError::Incomplete {
            set: "COS_SECRET_ID",
            missing: "COS_SECRET_KEY"
        }))
    );
    assert_eq!(
        env(&[("TENCENTCLOUD_SECRET_KEY", "k")]).load(),
        Err(CredentialsError::Env(EnvError::Incomplete {
            set: "TENCENTCLOUD_SECRET_KEY",
            missing: "TENCENTCLOUD_SECRET_ID"
        }))
    );
    assert_eq!(
        env(&[("COS_SECRET_ID", "x "), ("COS_SECRET_KEY", "k")]).load(),
        Err(CredentialsError::Env(EnvError::Whitespace {
            variable: "COS_SECRET_ID"
        }))
    );
    assert_eq!(
        env(&[
            ("COS_SECRET_ID", "x"),
            ("COS_SECRET_KEY", "k"),
            ("COS_SECURITY_TOKEN", "t\n")
        ])
        .load(),
        Err(CredentialsError::Env(EnvError::Whitespace {
            variable: "COS_SECURITY_TOKEN"
        }))
    );
}

#[test]
fn environment_errors_name_variables_never_values() {
    let secret = "VERY-SECRET-KEY ";
    let err = env(&[("COS_SECRET_ID", "x"), ("COS_SECRET_KEY", secret)])
        .load()
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("VERY-SECRET"), "{text}");
    assert_eq!(
        err.to_string(),
        "no credentials in the environment: COS_SECRET_KEY has leading or trailing whitespace"
    );
    // The cause is in the message, not repeated as a `source()`.
    assert!(std::error::Error::source(&err).is_none());
}

#[tokio::test]
async fn chain_returns_first_success_or_all_errors() {
    let chain = ChainProvider::new()
        .or_else(env(&[]))
        .or_else(StaticProvider::new(temp()));
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDEXAMPLE"
    );
    let failing = ChainProvider::new()
        .or_else(env(&[]))
        .or_else(env(&[("COS_SECRET_KEY", "k")]));
    match failing.provide_credentials().await {
        Err(CredentialsError::Chain(errors)) => assert_eq!(errors.len(), 2),
        other => panic!("{other:?}"),
    }
}

struct Fixture {
    provider: CachingProvider,
    fetches: Arc<AtomicUsize>,
    clock: Arc<AtomicU64>,
}

/// A caching provider whose fetch returns credentials valid for 1000 s from the
/// injected clock, numbered by fetch, after `delay`.
fn fixture(delay: Duration, fail: bool) -> Fixture {
    let fetches = Arc::new(AtomicUsize::new(0));
    let clock = Arc::new(AtomicU64::new(1_000_000));
    let (f, c) = (fetches.clone(), clock.clone());
    let provider = CachingProvider::builder(move || {
        let n = f.fetch_add(1, Ordering::SeqCst) + 1;
        let now = c.load(Ordering::SeqCst);
        async move {
            tokio::time::sleep(delay).await;
            if fail {
                return Err(CredentialsError::Fetch(format!("attempt {n} failed")));
            }
            Ok(Credentials::new(format!("AKID{n}"), KEY)?
                .with_token(TOKEN)?
                .with_expiry(UNIX_EPOCH + Duration::from_secs(now + 1000)))
        }
    })
    .refresh_margin(Duration::from_secs(300))
    .clock({
        let c = clock.clone();
        move || UNIX_EPOCH + Duration::from_secs(c.load(Ordering::SeqCst))
    })
    .build();
    Fixture {
        provider,
        fetches,
        clock,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_refresh() {
    let fx = fixture(Duration::from_millis(50), false);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let p = fx.provider.clone();
            tokio::spawn(async move { p.credentials().await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().secret_id(), "AKID1");
    }
    assert_eq!(fx.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn refreshes_a_margin_before_expiry() {
    let fx = fixture(Duration::ZERO, false);
    assert_eq!(
        fx.provider.credentials().await.unwrap().secret_id(),
        "AKID1"
    );
    fx.clock.fetch_add(699, Ordering::SeqCst); // 301 s left: still fresh
    assert_eq!(
        fx.provider.credentials().await.unwrap().secret_id(),
        "AKID1"
    );
    assert_eq!(fx.fetches.load(Ordering::SeqCst), 1);
    fx.clock.fetch_add(1, Ordering::SeqCst); // 300 s left: inside the margin
    assert_eq!(
        fx.provider.credentials().await.unwrap().secret_id(),
        "AKID2"
    );
    assert_eq!(fx.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_reaches_every_waiter_and_is_retried_later() {
    let fx = fixture(Duration::from_millis(50), true);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let p = fx.provider.clone();
            tokio::spawn(async move { p.credentials().await })
        })
        .collect();
    for t in tasks {
        assert!(matches!(t.await.unwrap(), Err(CredentialsError::Fetch(_))));
    }
    assert_eq!(fx.fetches.load(Ordering::SeqCst), 1);
    assert!(fx.provider.credentials().await.is_err());
    assert_eq!(fx.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_refresh_is_taken_over() {
    let fx = fixture(Duration::from_millis(200), false);
    let leader = {
        let p = fx.provider.clone();
        tokio::spawn(async move {
            tokio::time::timeout(Duration::from_millis(20), p.credentials()).await
        })
    };
    tokio::time::sleep(Duration::from_millis(5)).await;
    let waiter = {
        let p = fx.provider.clone();
        tokio::spawn(async move { p.credentials().await })
    };
    assert!(leader.await.unwrap().is_err(), "the leader timed out");
    let got = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(got.secret_id(), "AKID2");
    assert_eq!(fx.fetches.load(Ordering::SeqCst), 2);
    let _ = SystemTime::now();
}

#[tokio::test]
async fn a_failed_refresh_keeps_still_valid_credentials_until_they_expire() {
    use std::sync::atomic::AtomicBool;
    let fetches = Arc::new(AtomicUsize::new(0));
    let failing = Arc::new(AtomicBool::new(false));
    let clock = Arc::new(AtomicU64::new(1_000_000));
    let (f, fail, c) = (fetches.clone(), failing.clone(), clock.clone());
    let provider = CachingProvider::builder(move || {
        let n = f.fetch_add(1, Ordering::SeqCst) + 1;
        let now = c.load(Ordering::SeqCst);
        let fail = fail.load(Ordering::SeqCst);
        async move {
            if fail {
                return Err(CredentialsError::Fetch(format!("attempt {n} failed")));
            }
            Ok(Credentials::new(format!("AKID{n}"), KEY)?
                .with_token(TOKEN)?
                .with_expiry(UNIX_EPOCH + Duration::from_secs(now + 1000)))
        }
    })
    .refresh_margin(Duration::from_secs(300))
    .retry_delay(Duration::from_secs(10))
    .clock({
        let c = clock.clone();
        move || UNIX_EPOCH + Duration::from_secs(c.load(Ordering::SeqCst))
    })
    .build();
    assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKID1");
    failing.store(true, Ordering::SeqCst);
    clock.fetch_add(800, Ordering::SeqCst); // due for a refresh, 200 s still valid
    assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKID1");
    assert_eq!(fetches.load(Ordering::SeqCst), 2, "the refresh was tried");
    // Within the retry delay: the kept credentials, no new fetch.
    clock.fetch_add(5, Ordering::SeqCst);
    assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKID1");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    // After it: tried again, still kept.
    clock.fetch_add(10, Ordering::SeqCst);
    assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKID1");
    assert_eq!(fetches.load(Ordering::SeqCst), 3);
    // Expired: the error, never the expired credentials.
    clock.fetch_add(200, Ordering::SeqCst);
    assert!(matches!(
        provider.credentials().await,
        Err(CredentialsError::Fetch(_))
    ));
    failing.store(false, Ordering::SeqCst);
    assert_eq!(provider.credentials().await.unwrap().secret_id(), "AKID5");
}

#[tokio::test]
async fn jitter_refreshes_earlier_within_its_bound_and_never_past_half_the_life() {
    let clock = Arc::new(AtomicU64::new(1_000_000));
    let fetches = Arc::new(AtomicUsize::new(0));
    let (f, c) = (fetches.clone(), clock.clone());
    let provider = CachingProvider::builder(move || {
        let n = f.fetch_add(1, Ordering::SeqCst) + 1;
        let now = c.load(Ordering::SeqCst);
        async move {
            Ok(Credentials::new(format!("AKID{n}"), KEY)?
                .with_token(TOKEN)?
                .with_expiry(UNIX_EPOCH + Duration::from_secs(now + 1000)))
        }
    })
    .refresh_margin(Duration::from_secs(100))
    .refresh_jitter(Duration::from_secs(100))
    .clock({
        let c = clock.clone();
        move || UNIX_EPOCH + Duration::from_secs(c.load(Ordering::SeqCst))
    })
    .build();
    provider.credentials().await.unwrap();
    // Margin 100 + jitter < 100: the refresh falls 100..200 s before expiry.
    clock.fetch_add(799, Ordering::SeqCst);
    provider.credentials().await.unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "not before 200 s left");
    clock.fetch_add(101, Ordering::SeqCst);
    provider.credentials().await.unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 2, "by 100 s left");
    // A margin longer than the life: refreshed at half of it, not on every call.
    let short = CachingProvider::builder(|| async {
        Ok(Credentials::new("AKIDS", KEY)?
            .with_expiry(SystemTime::now() + Duration::from_secs(3600)))
    })
    .refresh_margin(Duration::from_secs(86_400))
    .build();
    let a = short.credentials().await.unwrap();
    let b = short.credentials().await.unwrap();
    assert_eq!(a.expiry(), b.expiry(), "cached, not refetched");
}
