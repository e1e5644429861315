//! Replication of what other paths write: a copy starts with its own bucket's
//! replication status (never its source's), and batch jobs' copies and deletes are
//! replicated like the requests they stand for.

use std::time::Duration;

use cos_core::{BucketName, Client};
use cos_emulator::Emulator;
use cos_xml::batch::{
    CopyOperation, CreateJobRequest, DeleteOperation, JobManifest, JobOperation, JobReport,
    ManifestLocation, ManifestSpec, Members,
};

use crate::common::{client_for, key};
use crate::retention_paths::{body, replicated_pair};

const ARN: &str = "qcs::cos:ap-guangzhou:uid/1250000000";

fn status(
    c: &Client,
    b: &BucketName,
    k: &str,
) -> impl std::future::Future<Output = Option<String>> {
    let (c, b, k) = (c.clone(), b.clone(), key(k));
    async move {
        let head = c.head_object(&b, &k).send().await.unwrap();
        head.meta
            .headers
            .get("x-cos-replication-status")
            .map(|v| v.to_str().unwrap().to_owned())
    }
}

#[tokio::test]
async fn a_copy_starts_with_its_own_replication_status() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let (src, dst) = replicated_pair(&c).await;
    c.put_object(&src, &key("a"))
        .body("a")
        .send()
        .await
        .unwrap();
    emu.run_due_work().await.unwrap();
    assert_eq!(status(&c, &src, "a").await.as_deref(), Some("COMPLETED"));
    // Copied within the replicated bucket: a new object, PENDING until replicated.
    c.copy_object(&src, &key("a2"), &src, &key("a"))
        .send()
        .await
        .unwrap();
    assert_eq!(status(&c, &src, "a2").await.as_deref(), Some("PENDING"));
    // Copied out of a replica (REPLICA) into a bucket without replication: none.
    let plain = BucketName::new("plain-1250000000").unwrap();
    c.put_bucket(&plain).send().await.unwrap();
    c.copy_object(&plain, &key("p"), &dst, &key("a"))
        .send()
        .await
        .unwrap();
    assert_eq!(status(&c, &plain, "p").await, None);
    emu.run_due_work().await.unwrap();
    assert_eq!(body(&c, &dst, "a2").await, b"a");
    assert_eq!(status(&c, &src, "a2").await.as_deref(), Some("COMPLETED"));
}

fn job(
    token: &str,
    manifest: JobManifest,
    operation: JobOperation,
    b: &BucketName,
) -> CreateJobRequest {
    CreateJobRequest {
        client_request_token: token.into(),
        confirmation_required: None,
        description: None,
        manifest,
        operation,
        priority: 10,
        report: JobReport {
            bucket: format!("{ARN}:{b}"),
            enabled: "false".into(),
            format: "Report_CSV_V1".into(),
            prefix: None,
            report_scope: "AllTasks".into(),
        },
        role_arn: "qcs::cam::uin/100000000001:roleName/COSBatch".into(),
    }
}

#[tokio::test]
async fn batch_copies_and_deletes_are_replicated() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = client_for(&emu);
    let (src, dst) = replicated_pair(&c).await;
    for k in ["a", "b"] {
        c.put_object(&src, &key(k)).body(k).send().await.unwrap();
    }
    // The manifest lives outside the replicated bucket.
    let plain = BucketName::new("manifests-1250000000").unwrap();
    c.put_bucket(&plain).send().await.unwrap();
    let put = c
        .put_object(&plain, &key("m.csv"))
        .body(format!("{src},a\n{src},b\n"))
        .send()
        .await
        .unwrap();
    let manifest = JobManifest {
        location: ManifestLocation {
            etag: put.etag.unwrap(),
            object_arn: format!("{ARN}:{plain}/m.csv"),
            object_version_id: None,
        },
        spec: ManifestSpec {
            fields: Members {
                members: vec!["Bucket".into(), "Key".into()],
            },
            format: "COSBatchOperations_CSV_V1".into(),
        },
    };
    emu.run_due_work().await.unwrap();
    assert_eq!(body(&c, &dst, "a").await, b"a");
    let jobs = c.batch_jobs("100000000001", "1250000000");
    let copy = JobOperation {
        copy: Some(CopyOperation {
            target_resource: format!("{ARN}:{src}"),
            target_key_prefix: Some("copied/".into()),
            storage_class: None,
        }),
        ..Default::default()
    };
    let copy_id = jobs
        .create_job(&job("copy", manifest.clone(), copy, &plain))
        .send()
        .await
        .unwrap()
        .job_id;
    emu.advance_clock(Duration::from_secs(60));
    let d = jobs.describe_job(&copy_id).send().await.unwrap();
    assert_eq!(d.job.status, "Complete", "{d:?}");
    assert_eq!(
        status(&c, &src, "copied/b").await.as_deref(),
        Some("PENDING")
    );
    emu.run_due_work().await.unwrap();
    assert_eq!(body(&c, &dst, "copied/b").await, b"b");
    let delete = JobOperation {
        delete: Some(DeleteOperation {}),
        ..Default::default()
    };
    let delete_id = jobs
        .create_job(&job("delete", manifest, delete, &plain))
        .send()
        .await
        .unwrap()
        .job_id;
    emu.advance_clock(Duration::from_secs(60));
    let d = jobs.describe_job(&delete_id).send().await.unwrap();
    assert_eq!(d.job.status, "Complete", "{d:?}");
    emu.run_due_work().await.unwrap();
    for k in ["a", "b"] {
        let e = c.head_object(&dst, &key(k)).send().await.unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(404), "{k}");
    }
    assert_eq!(body(&c, &dst, "copied/a").await, b"a");
}
