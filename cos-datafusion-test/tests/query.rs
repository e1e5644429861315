//! DataFusion on COS: `COPY … TO 'cos://…' STORED AS PARQUET` writes a Parquet file to
//! an in-process emulator through `cos-rs-object-store`, then a fresh session queries
//! it (listing, footer suffix range, column ranges) with SQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use cos_core::{BucketName, Client, Config, ObjectKey};
use cos_emulator::Emulator;
use cos_rs_object_store::v0_13::CosObjectStore;
use datafusion::arrow::array::{Array, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::prelude::SessionContext;
use url::Url;

const BUCKET: &str = "examplebucket-1250000000";
const ROWS: i64 = 10_000;

/// A session whose `cos://examplebucket-1250000000` URLs go to `store`.
fn session(store: &CosObjectStore) -> SessionContext {
    let ctx = SessionContext::new();
    let url = Url::parse(&format!("cos://{BUCKET}")).unwrap();
    ctx.register_object_store(&url, Arc::new(store.clone()));
    ctx
}

/// Column `i` of every batch as `i64`s (integer columns of any width), concatenated.
fn column(batches: &[RecordBatch], i: usize) -> Vec<i64> {
    batches
        .iter()
        .flat_map(|b| {
            let c = cast(b.column(i), &DataType::Int64).unwrap();
            let c = c.as_any().downcast_ref::<Int64Array>().unwrap();
            assert_eq!(c.null_count(), 0);
            c.values().to_vec()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn datafusion_writes_and_queries_parquet_on_cos() {
    let emu = Emulator::builder()
        .region("ap-guangzhou")
        .start()
        .await
        .unwrap();
    let config = Config::builder()
        .region("ap-guangzhou")
        .credentials(cos_core::auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE").unwrap())
        .connect_to(emu.endpoint())
        .read_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    let bucket = BucketName::new(BUCKET).unwrap();
    client.put_bucket(&bucket).send().await.unwrap();
    let store = CosObjectStore::new(client.clone(), bucket.clone());

    // Write: rows (g = v % 4, v) for v in 1..=ROWS, one Parquet file.
    let write = session(&store);
    let copy = format!(
        "COPY (SELECT value % 4 AS g, value AS v FROM generate_series(1, {ROWS})) \
         TO 'cos://{BUCKET}/sales/part-0.parquet' STORED AS PARQUET"
    );
    let written = write.sql(&copy).await.unwrap().collect().await.unwrap();
    assert_eq!(column(&written, 0), [ROWS], "COPY reports the rows written");

    // The object is really on the emulator, and it is Parquet (magic at both ends).
    let key = ObjectKey::new("sales/part-0.parquet").unwrap();
    let got = client.get_object(&bucket, &key).send().await.unwrap();
    let bytes = got.body.collect().await.unwrap();
    assert!(bytes.len() > 8, "{} bytes", bytes.len());
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");

    // Read in a fresh session: the table is a listing of the prefix.
    let read = session(&store);
    let create =
        format!("CREATE EXTERNAL TABLE sales STORED AS PARQUET LOCATION 'cos://{BUCKET}/sales/'");
    read.sql(&create).await.unwrap().collect().await.unwrap();
    let query = "SELECT g, sum(v) AS total, count(*) AS n FROM sales \
                 WHERE v > 100 GROUP BY g ORDER BY g";
    let batches = read.sql(query).await.unwrap().collect().await.unwrap();

    let mut expected = [(0i64, 0i64, 0i64); 4];
    for v in 101..=ROWS {
        let e = &mut expected[(v % 4) as usize];
        e.0 = v % 4;
        e.1 += v;
        e.2 += 1;
    }
    let (g, total, n) = (
        column(&batches, 0),
        column(&batches, 1),
        column(&batches, 2),
    );
    let got: Vec<(i64, i64, i64)> = (0..g.len()).map(|i| (g[i], total[i], n[i])).collect();
    assert_eq!(got, expected);
    assert_eq!(n.iter().sum::<i64>(), ROWS - 100);
    emu.shutdown().await;
}
