//! `cargo xtask bench sign`: signatures per second for a typical PUT (5 headers,
//! 2 params), with a fresh SignKey per request and with the key cached per key-time
//! window, and TC3-HMAC-SHA256 signatures per second for an STS call. Plain harness: prints one `RESULT name rate` line per measurement.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cos_auth::Credentials;
use cos_auth::qsign::{self, KeyTime, SignableRequest, SigningKeyCache, SigningSettings};

/// Runs `f` in batches for about `budget` and returns calls per second.
fn rate(budget: Duration, mut f: impl FnMut()) -> f64 {
    // Warm up.
    for _ in 0..10_000 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..10_000 {
            f();
        }
        n += 10_000;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let budget = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .map_or(Duration::from_secs(2), Duration::from_secs_f64);
    let creds = match Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE") {
        Ok(c) => c,
        Err(e) => panic!("example credentials: {e}"),
    };
    let headers = [
        (
            "Host",
            "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
        ),
        ("Content-Type", "image/jpeg"),
        ("Content-Length", "1048576"),
        ("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="),
        ("x-cos-storage-class", "STANDARD_IA"),
    ];
    let params = [
        ("partNumber", "1"),
        (
            "uploadId",
            "1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361",
        ),
    ];
    let req = SignableRequest::new("PUT", "dir/photo.jpg")
        .params(&params)
        .headers(&headers);
    let settings = SigningSettings::default();
    let kt = KeyTime::aligned(1_700_000_000, 600);

    let uncached = rate(budget, || {
        black_box(qsign::sign(black_box(&req), &creds, kt, &settings));
    });
    let cache = SigningKeyCache::new();
    let cached = rate(budget, || {
        let key = cache.get(&creds, kt);
        black_box(qsign::sign_with_key(
            black_box(&req),
            &creds,
            &key,
            &settings,
        ));
    });
    println!("RESULT sign_uncached {uncached:.0}");
    println!("RESULT sign_cached {cached:.0}");
    println!(
        "cos-auth: {:.0} signatures/s uncached, {:.0} signatures/s with SignKey cached ({:.2}x)",
        uncached,
        cached,
        cached / uncached
    );
    tc3(budget, &creds);
}

/// TC3-HMAC-SHA256 on a typical STS `AssumeRole` request (the providers' refresh call).
fn tc3(budget: Duration, creds: &Credentials) {
    let body = br#"{"RoleArn": "qcs::cam::uin/100000000001:roleName/cos-reader", "RoleSessionName": "cos-rs", "DurationSeconds": 7200}"#;
    let req = cos_auth::tc3::SignableRequest::new(
        "POST",
        "sts.tencentcloudapi.com",
        "application/json",
        body,
    );
    let tc3 = rate(budget, || {
        black_box(cos_auth::tc3::sign(
            black_box(&req),
            creds,
            "sts",
            1_700_000_000,
        ));
    });
    println!("RESULT sign_tc3 {tc3:.0}");
    println!("cos-auth: {tc3:.0} TC3-HMAC-SHA256 signatures/s (STS AssumeRole)");
}
