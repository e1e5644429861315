//! Inventory reports: POST Bucket inventory writes a gzip'd CSV with the selected
//! fields and a manifest at once; a scheduled inventory writes one when its period
//! has passed by the emulator's clock (`advance_clock` + `run_due_work`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::time::Duration;

use crate::common::{client_for, key};
use cos_core::{BucketName, Client};
use cos_emulator::Emulator;
use cos_xml::config::{InventoryConfiguration, InventoryFilter, OptionalFields};

async fn read(c: &Client, b: &BucketName, k: &str) -> Vec<u8> {
    let o = c.get_object(b, &key(k)).send().await.unwrap();
    o.body.collect().await.unwrap().to_vec()
}

async fn keys(c: &Client, b: &BucketName) -> Vec<String> {
    let l = c.list_objects(b).send().await.unwrap();
    l.contents.into_iter().map(|o| o.key).collect()
}

#[tokio::test]
async fn post_writes_a_csv_gz_report_with_the_selected_fields_and_a_manifest() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let src = BucketName::new("inventoried-1250000000").unwrap();
    let dst = BucketName::new("reports-1250000000").unwrap();
    for b in [&src, &dst] {
        c.put_bucket(b).send().await.unwrap();
    }
    c.put_object(&src, &key("docs/a b.txt"))
        .body("12345")
        .send()
        .await
        .unwrap();
    c.put_object(&src, &key("docs/c.txt"))
        .body("1")
        .send()
        .await
        .unwrap();
    c.put_object(&src, &key("other.txt"))
        .body("1")
        .send()
        .await
        .unwrap();
    let mut inv = InventoryConfiguration::new(
        "once",
        format!("qcs::cos:ap-guangzhou::{}", dst.as_str()),
        "inv",
    );
    inv.filter = Some(InventoryFilter {
        prefix: Some("docs/".into()),
    });
    inv.optional_fields = Some(OptionalFields {
        fields: vec!["Size".into(), "StorageClass".into()],
    });
    c.post_bucket_inventory(&src, &inv).send().await.unwrap();
    let written = keys(&c, &dst).await;
    let base = "inv/1250000000/inventoried-1250000000/once/";
    let data = written
        .iter()
        .find(|k| k.starts_with(&format!("{base}data/")) && k.ends_with(".csv.gz"))
        .unwrap_or_else(|| panic!("no report in {written:?}"));
    let manifest = written
        .iter()
        .find(|k| k.ends_with("/manifest.json"))
        .unwrap();
    let mut csv = String::new();
    flate2::read::GzDecoder::new(&read(&c, &dst, data).await[..])
        .read_to_string(&mut csv)
        .unwrap();
    assert_eq!(
        csv,
        "\"inventoried-1250000000\",\"docs/a%20b.txt\",\"5\",\"STANDARD\"\n\
         \"inventoried-1250000000\",\"docs/c.txt\",\"1\",\"STANDARD\"\n"
    );
    let m: serde_json::Value = serde_json::from_slice(&read(&c, &dst, manifest).await).unwrap();
    assert_eq!(m["fileSchema"], "Bucket, Key, Size, StorageClass");
    assert_eq!(m["files"][0]["key"], data.as_str());
}

#[tokio::test]
async fn a_scheduled_inventory_reports_when_its_period_has_passed() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let src = BucketName::new("inventoried-1250000000").unwrap();
    c.put_bucket(&src).send().await.unwrap();
    c.put_object(&src, &key("a"))
        .body("x")
        .send()
        .await
        .unwrap();
    let inv = InventoryConfiguration::new(
        "daily",
        format!("qcs::cos:ap-guangzhou::{}", src.as_str()),
        "",
    );
    c.put_bucket_inventory(&src, &inv).send().await.unwrap();
    let listed = c
        .list_bucket_inventory_configurations(&src)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.configurations, vec![inv.clone()]);
    emu.run_due_work().await.unwrap();
    assert_eq!(
        keys(&c, &src).await,
        ["a"],
        "reported before the period passed"
    );
    emu.advance_clock(Duration::from_secs(86_400));
    emu.run_due_work().await.unwrap();
    let now = keys(&c, &src).await;
    assert_eq!(now.len(), 3, "{now:?}");
    assert!(
        now.iter()
            .any(|k| k.starts_with("1250000000/inventoried-1250000000/daily/data/"))
    );
    // Not again until the next period.
    emu.run_due_work().await.unwrap();
    assert_eq!(keys(&c, &src).await.len(), 3);
    c.delete_bucket_inventory(&src, "daily")
        .send()
        .await
        .unwrap();
    let e = c
        .get_bucket_inventory(&src, "daily")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("NoSuchInventoryConfiguration"));
}
