//! The object helpers against the emulator: storage class and metadata changed in
//! place, appends with the position tracked, and restores that complete only once the
//! emulator's clock has moved past their duration.

use std::time::Duration;

use cos_core::StorageClass;
use cos_core::ops::object_helpers::RestoreStatus;

use crate::common::{key, setup};

#[tokio::test]
async fn storage_class_and_metadata_change_in_place() {
    let (_emu, client, bucket) = setup().await;
    let k = key("doc.txt");
    client
        .put_object(&bucket, &k)
        .body("content")
        .content_type("text/plain")
        .metadata("a", "1")
        .metadata("b", "2")
        .send()
        .await
        .unwrap();
    client
        .change_object_storage_class(&bucket, &k, StorageClass::StandardIa)
        .send()
        .await
        .unwrap();
    let head = client.head_object(&bucket, &k).send().await.unwrap();
    assert_eq!(head.storage_class.as_deref(), Some("STANDARD_IA"));
    assert_eq!(
        head.content_type.as_deref(),
        Some("text/plain"),
        "metadata kept"
    );
    assert_eq!(head.metadata.len(), 2);

    client
        .update_object_meta(&bucket, &k)
        .set("Cache-Control", "max-age=60")
        .metadata("c", "3")
        .remove_metadata("b")
        .send()
        .await
        .unwrap();
    let head = client.head_object(&bucket, &k).send().await.unwrap();
    assert_eq!(
        head.storage_class.as_deref(),
        Some("STANDARD_IA"),
        "class kept"
    );
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));
    assert_eq!(
        head.meta.header("cache-control").as_deref(),
        Some("max-age=60")
    );
    let mut meta = head.metadata.clone();
    meta.sort();
    assert_eq!(meta, [("a".into(), "1".into()), ("c".into(), "3".into())]);
    let got = client.get_object(&bucket, &k).send().await.unwrap();
    assert_eq!(&got.body.collect().await.unwrap()[..], b"content");

    let e = client
        .update_object_meta(&bucket, &key("missing"))
        .metadata("x", "y")
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
}

#[tokio::test]
async fn the_appender_tracks_the_next_position() {
    let (_emu, client, bucket) = setup().await;
    let k = key("log");
    let mut a = client.appender(&bucket, &k);
    a.append("ab").await.unwrap();
    a.append(&b"cd"[..]).await.unwrap();
    assert_eq!(a.position(), 4);

    // A second writer resumes at the current length; the first is now stale.
    let mut b = client.appender(&bucket, &k).resume().await.unwrap();
    assert_eq!(b.position(), 4);
    b.append("e").await.unwrap();
    let e = a.append("x").await.unwrap_err();
    assert_eq!(e.service_error().unwrap().code, "PositionNotEqualToLength");
    assert_eq!(a.position(), 4, "a failed append leaves the position");
    let mut a = a.resume().await.unwrap();
    a.append("f").await.unwrap();
    let got = client.get_object(&bucket, &k).send().await.unwrap();
    assert_eq!(&got.body.collect().await.unwrap()[..], b"abcdef");
    let fresh = client
        .appender(&bucket, &key("new"))
        .resume()
        .await
        .unwrap();
    assert_eq!(fresh.position(), 0);
}

fn restore_status(h: &cos_core::ops::object::HeadObjectOutput) -> Option<RestoreStatus> {
    RestoreStatus::parse(&h.meta.header("x-cos-restore")?)
}

#[tokio::test]
async fn a_restore_completes_when_the_clock_passes_its_duration() {
    let (emu, client, bucket) = setup().await;
    let k = key("cold.bin");
    client
        .put_object(&bucket, &k)
        .body("frozen")
        .storage_class(StorageClass::Archive)
        .send()
        .await
        .unwrap();
    let head = client.head_object(&bucket, &k).send().await.unwrap();
    assert_eq!(restore_status(&head), None, "no restore asked");

    let started = client
        .restore_object(&bucket, &k)
        .days(1)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status.as_u16(), 202);
    let head = client.head_object(&bucket, &k).send().await.unwrap();
    assert!(restore_status(&head).unwrap().ongoing);
    let e = client.get_object(&bucket, &k).send().await.unwrap_err();
    assert_eq!(e.service_error().unwrap().code, "InvalidObjectState");
    let e = client.restore_object(&bucket, &k).send().await.unwrap_err();
    assert_eq!(
        (
            e.service_error().unwrap().status.as_u16(),
            e.service_error().unwrap().code.as_str()
        ),
        (409, "RestoreAlreadyInProgress")
    );

    // A Standard restore of ARCHIVE takes up to 5 hours.
    emu.advance_clock(Duration::from_secs(4 * 3600));
    let head = client.head_object(&bucket, &k).send().await.unwrap();
    assert!(restore_status(&head).unwrap().ongoing, "not yet");
    emu.advance_clock(Duration::from_secs(3600));
    let head = client.head_object(&bucket, &k).send().await.unwrap();
    let status = restore_status(&head).unwrap();
    assert!(
        !status.ongoing && status.expiry_date.is_some(),
        "{status:?}"
    );
    let got = client.get_object(&bucket, &k).send().await.unwrap();
    assert_eq!(&got.body.collect().await.unwrap()[..], b"frozen");
    // Asking again extends the readable copy at once.
    let extended = client
        .restore_object(&bucket, &k)
        .days(3)
        .send()
        .await
        .unwrap();
    assert_eq!(extended.status.as_u16(), 200);
    emu.advance_clock(Duration::from_secs(2 * 86_400));
    client.get_object(&bucket, &k).send().await.unwrap();
    emu.advance_clock(Duration::from_secs(2 * 86_400));
    let e = client.get_object(&bucket, &k).send().await.unwrap_err();
    assert_eq!(e.service_error().unwrap().code, "InvalidObjectState");

    // Expedited is faster; DEEP_ARCHIVE is slower.
    client
        .put_object(&bucket, &key("deep"))
        .body("d")
        .storage_class(StorageClass::DeepArchive)
        .send()
        .await
        .unwrap();
    client
        .restore_object(&bucket, &key("deep"))
        .tier(cos_xml::Tier::Standard)
        .send()
        .await
        .unwrap();
    client
        .restore_object(&bucket, &k)
        .tier(cos_xml::Tier::Expedited)
        .send()
        .await
        .unwrap();
    emu.advance_clock(Duration::from_secs(15 * 60));
    client.get_object(&bucket, &k).send().await.unwrap();
    let e = client
        .get_object(&bucket, &key("deep"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_error().unwrap().code, "InvalidObjectState");
    emu.advance_clock(Duration::from_secs(24 * 3600));
    client
        .get_object(&bucket, &key("deep"))
        .send()
        .await
        .unwrap();
}
