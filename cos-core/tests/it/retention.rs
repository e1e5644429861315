//! Object retention against the emulator: a retained object can be neither deleted
//! nor overwritten until its date (by the emulator's clock); the date can be extended,
//! not shortened.

use std::time::{Duration, SystemTime};

use crate::common::{key, setup};

fn code(e: &cos_core::Error) -> (u16, String) {
    let s = e.service_error().unwrap_or_else(|| panic!("{e}"));
    (s.status.as_u16(), s.code.clone())
}

#[tokio::test]
async fn a_retained_object_is_kept_until_its_date() {
    let (emu, client, bucket) = setup().await;
    let k = key("ledger.csv");
    client
        .put_object(&bucket, &k)
        .body("v1")
        .send()
        .await
        .unwrap();
    let e = client
        .get_object_retention(&bucket, &k)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), (404, "NoSuchObjectLockConfiguration".into()));

    let until = SystemTime::now() + Duration::from_secs(86_400);
    client
        .put_object_retention(&bucket, &k, until)
        .send()
        .await
        .unwrap();
    let r = client
        .get_object_retention(&bucket, &k)
        .send()
        .await
        .unwrap();
    assert_eq!(r.mode.as_deref(), Some("COMPLIANCE"));
    let date = cos_xml::time::parse_time(r.retain_until_date.as_deref().unwrap()).unwrap();
    let diff = date.duration_since(until).unwrap_or_else(|e| e.duration());
    assert!(diff < Duration::from_secs(2), "{r:?}");

    let e = client.delete_object(&bucket, &k).send().await.unwrap_err();
    assert_eq!(code(&e), (403, "AccessDenied".into()));
    let e = client
        .put_object(&bucket, &k)
        .body("v2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), (403, "AccessDenied".into()));
    let multi = client
        .delete_multiple_objects(&bucket)
        .key(&k)
        .send()
        .await
        .unwrap();
    assert_eq!(multi.errors.len(), 1, "{multi:?}");
    // Shorter: refused; longer: accepted; in the past: refused.
    let shorter = SystemTime::now() + Duration::from_secs(3600);
    let e = client
        .put_object_retention(&bucket, &k, shorter)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), (403, "AccessDenied".into()));
    let longer = until + Duration::from_secs(86_400);
    client
        .put_object_retention(&bucket, &k, longer)
        .send()
        .await
        .unwrap();
    let past = SystemTime::now() - Duration::from_secs(60);
    let e = client
        .put_object_retention(&bucket, &k, past)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e).0, 400);
    let got = client.get_object(&bucket, &k).send().await.unwrap();
    assert_eq!(
        &got.body.collect().await.unwrap()[..],
        b"v1",
        "nothing overwrote it"
    );

    // Once the date has passed (by the emulator's clock) the object can go.
    emu.advance_clock(Duration::from_secs(3 * 86_400));
    client.delete_object(&bucket, &k).send().await.unwrap();
    let e = client.head_object(&bucket, &k).send().await.unwrap_err();
    assert!(e.is_not_found());
}
