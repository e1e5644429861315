//! The emulator's clock: tests move it forward instead of sleeping, and what expires by
//! time (here a restored archive copy) follows it, while signatures made with the real
//! time keep working.

use std::time::Duration;

use crate::common::request;
use cos_emulator::Emulator;

const RESTORE: &[u8] = b"<RestoreRequest><Days>1</Days><CASJobParameters><Tier>Standard</Tier>\
</CASJobParameters></RestoreRequest>";

#[tokio::test]
async fn a_restored_copy_expires_when_the_clock_passes_its_days() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.addr();
    assert_eq!(request(addr, "PUT", "", "", &[], b"").await.status, 200);
    let put = request(
        addr,
        "PUT",
        "cold",
        "",
        &[("x-cos-storage-class", "ARCHIVE")],
        b"frozen",
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text());
    assert_eq!(request(addr, "GET", "cold", "", &[], b"").await.status, 403);

    let restored = request(addr, "POST", "cold", "restore", &[], RESTORE).await;
    assert_eq!(restored.status, 202, "{}", restored.text());
    // A Standard restore of ARCHIVE takes (at most) 5 hours: until then it is ongoing.
    assert_eq!(request(addr, "GET", "cold", "", &[], b"").await.status, 403);
    emu.advance_clock(Duration::from_secs(5 * 3600));
    let got = request(addr, "GET", "cold", "", &[], b"").await;
    assert_eq!((got.status, got.body.as_slice()), (200, &b"frozen"[..]));

    let before = emu.now();
    emu.advance_clock(Duration::from_secs(2 * 86_400));
    assert!(emu.now() >= before + Duration::from_secs(2 * 86_400));
    // Signed with the real time, the request is still accepted; the copy is gone.
    let expired = request(addr, "GET", "cold", "", &[], b"").await;
    assert_eq!(expired.status, 403, "{}", expired.text());
    assert!(
        expired.text().contains("InvalidObjectState"),
        "{}",
        expired.text()
    );
    // The Date header follows the emulator's clock.
    let date = expired
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("date"))
        .map(|(_, v)| httpdate::parse_http_date(v).unwrap())
        .unwrap();
    assert!(date >= before + Duration::from_secs(2 * 86_400) - Duration::from_secs(5));
}
