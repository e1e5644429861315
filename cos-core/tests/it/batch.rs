//! COS Batch Operations against the emulator: jobs over a manifest CSV stored in a
//! bucket copy, restore, tag, set the ACL of and delete every listed object, and write
//! their completion report back; they run once the emulator's clock has moved past
//! their start (no sleeps).

use std::time::Duration;

use cos_core::{BucketName, Client, StorageClass};
use cos_xml::batch::{
    AclOperation, BatchTagSet, CopyOperation, CosTag, CreateJobRequest, DeleteOperation,
    JobManifest, JobOperation, JobReport, ManifestLocation, ManifestSpec, Members,
    RestoreOperation, TaggingOperation,
};

use crate::common::{key, setup};

const ARN: &str = "qcs::cos:ap-guangzhou:uid/1250000000";

fn jobs(c: &Client) -> cos_core::ops::batch::BatchJobs {
    c.batch_jobs("100000000001", "1250000000")
}

/// Stores a manifest listing `keys` of `bucket` and returns its location.
async fn manifest(c: &Client, bucket: &BucketName, name: &str, keys: &[&str]) -> JobManifest {
    let csv: String = keys.iter().map(|k| format!("{bucket},{k}\n")).collect();
    let put = c
        .put_object(bucket, &key(name))
        .body(csv)
        .send()
        .await
        .unwrap();
    JobManifest {
        location: ManifestLocation {
            etag: put.etag.unwrap(),
            object_arn: format!("{ARN}:{bucket}/{name}"),
            object_version_id: None,
        },
        spec: ManifestSpec {
            fields: Members {
                members: vec!["Bucket".into(), "Key".into()],
            },
            format: "COSBatchOperations_CSV_V1".into(),
        },
    }
}

fn job(
    token: &str,
    manifest: JobManifest,
    operation: JobOperation,
    bucket: &BucketName,
) -> CreateJobRequest {
    CreateJobRequest {
        client_request_token: token.into(),
        confirmation_required: None,
        description: Some(token.into()),
        manifest,
        operation,
        priority: 10,
        report: JobReport {
            bucket: format!("{ARN}:{bucket}"),
            enabled: "true".into(),
            format: "Report_CSV_V1".into(),
            prefix: Some("reports".into()),
            report_scope: "AllTasks".into(),
        },
        role_arn: "qcs::cam::uin/100000000001:roleName/COSBatch".into(),
    }
}

async fn body(c: &Client, b: &BucketName, k: &str) -> String {
    let got = c.get_object(b, &key(k)).send().await.unwrap();
    String::from_utf8(got.body.collect().await.unwrap().to_vec()).unwrap()
}

#[tokio::test]
async fn a_tagging_job_runs_when_the_clock_passes_its_start_and_reports() {
    let (emu, client, bucket) = setup().await;
    for k in ["a", "b c"] {
        client
            .put_object(&bucket, &key(k))
            .body("x")
            .send()
            .await
            .unwrap();
    }
    let m = manifest(&client, &bucket, "m.csv", &["a", "b%20c", "missing"]).await;
    let op = JobOperation {
        tagging: Some(TaggingOperation {
            tag_set: BatchTagSet {
                tags: vec![CosTag {
                    key: "team".into(),
                    value: "storage".into(),
                }],
            },
        }),
        ..Default::default()
    };
    let req = job("tag-1", m, op, &bucket);
    let id = jobs(&client).create_job(&req).send().await.unwrap().job_id;
    // The same token creates no second job.
    assert_eq!(
        jobs(&client).create_job(&req).send().await.unwrap().job_id,
        id
    );
    let d = jobs(&client).describe_job(&id).send().await.unwrap();
    assert_eq!(d.job.status, "Ready");
    assert_eq!(
        client
            .get_object_tagging(&bucket, &key("a"))
            .send()
            .await
            .unwrap()
            .tag_set
            .tags
            .len(),
        0
    );

    emu.advance_clock(Duration::from_secs(60));
    let d = jobs(&client).describe_job(&id).send().await.unwrap();
    assert_eq!(d.job.status, "Complete", "{d:?}");
    let p = &d.job.progress_summary;
    assert_eq!(
        (
            p.total_number_of_tasks,
            p.number_of_tasks_succeeded,
            p.number_of_tasks_failed
        ),
        (3, 2, 1)
    );
    for k in ["a", "b c"] {
        let tags = client
            .get_object_tagging(&bucket, &key(k))
            .send()
            .await
            .unwrap();
        assert_eq!(tags.tag_set.tags.len(), 1, "{k}");
    }
    let report = body(&client, &bucket, &format!("reports/job-{id}/results.csv")).await;
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 3, "{report}");
    assert!(lines[0].contains(",a,,succeeded,200"), "{report}");
    assert!(
        lines[2].contains("missing,,failed,404,NoSuchKey"),
        "{report}"
    );

    let listed = jobs(&client)
        .list_jobs()
        .query_param("jobStatuses", "Complete")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.jobs.members.len(), 1);
    assert_eq!(listed.jobs.members[0].operation, "COSPutObjectTagging");
    jobs(&client).delete_job(&id).send().await.unwrap();
    let e = jobs(&client).describe_job(&id).send().await.unwrap_err();
    assert_eq!(e.service_error().unwrap().code, "NoSuchJob");
}

#[tokio::test]
async fn copy_waits_for_confirmation_and_priority_orders_jobs() {
    let (emu, client, bucket) = setup().await;
    let other = BucketName::new("other-1250000000").unwrap();
    client.put_bucket(&other).send().await.unwrap();
    client
        .put_object(&bucket, &key("doc"))
        .body("content")
        .send()
        .await
        .unwrap();
    let m = manifest(&client, &bucket, "m.csv", &["doc"]).await;
    let op = JobOperation {
        copy: Some(CopyOperation {
            target_resource: format!("{ARN}:{other}"),
            target_key_prefix: Some("copied/".into()),
            storage_class: Some("STANDARD_IA".into()),
        }),
        ..Default::default()
    };
    let mut req = job("copy-1", m.clone(), op, &bucket);
    req.confirmation_required = Some(true);
    let copy_id = jobs(&client).create_job(&req).send().await.unwrap().job_id;
    emu.advance_clock(Duration::from_secs(120));
    let d = jobs(&client).describe_job(&copy_id).send().await.unwrap();
    assert_eq!(d.job.status, "Suspended", "waits for confirmation");

    // A delete job of lower priority, due at the same time, runs after the copy.
    let delete = JobOperation {
        delete: Some(DeleteOperation {}),
        ..Default::default()
    };
    let delete_id = jobs(&client)
        .create_job(&job("delete-1", m, delete, &bucket))
        .send()
        .await
        .unwrap()
        .job_id;
    let confirmed = jobs(&client)
        .update_job_status(&copy_id, "Ready", Some("checked"))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status, "Ready");
    let p = jobs(&client)
        .update_job_priority(&delete_id, 1)
        .send()
        .await
        .unwrap();
    assert_eq!(p.priority, 1);
    emu.advance_clock(Duration::from_secs(60));
    for id in [&copy_id, &delete_id] {
        let d = jobs(&client).describe_job(id).send().await.unwrap();
        assert_eq!(
            (
                d.job.status.as_str(),
                d.job.progress_summary.number_of_tasks_succeeded
            ),
            ("Complete", 1),
            "{d:?}"
        );
    }
    assert_eq!(body(&client, &other, "copied/doc").await, "content");
    let head = client
        .head_object(&other, &key("copied/doc"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.storage_class.as_deref(), Some("STANDARD_IA"));
    let e = client
        .head_object(&bucket, &key("doc"))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "the delete job ran after the copy");

    // Status changes a job cannot take are refused.
    let e = jobs(&client)
        .update_job_status(&copy_id, "Ready", None)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_error().unwrap().code, "InvalidRequest");
}

#[tokio::test]
async fn restore_and_acl_jobs_and_bad_manifests() {
    let (emu, client, bucket) = setup().await;
    client
        .put_object(&bucket, &key("cold"))
        .body("frozen")
        .storage_class(StorageClass::Archive)
        .send()
        .await
        .unwrap();
    let m = manifest(&client, &bucket, "m.csv", &["cold"]).await;
    let restore = JobOperation {
        restore: Some(RestoreOperation {
            expiration_in_days: 1,
            job_tier: "Standard".into(),
        }),
        ..Default::default()
    };
    let acl = JobOperation {
        acl: Some(AclOperation {
            canned_access_control_list: "public-read".into(),
        }),
        ..Default::default()
    };
    let r = jobs(&client)
        .create_job(&job("restore", m.clone(), restore, &bucket))
        .send()
        .await
        .unwrap()
        .job_id;
    let a = jobs(&client)
        .create_job(&job("acl", m.clone(), acl, &bucket))
        .send()
        .await
        .unwrap()
        .job_id;
    let mut stale = m;
    stale.location.etag = "\"0123\"".into();
    let tag = JobOperation {
        tagging: Some(TaggingOperation::default()),
        ..Default::default()
    };
    let bad = jobs(&client)
        .create_job(&job("bad", stale, tag, &bucket))
        .send()
        .await
        .unwrap()
        .job_id;
    emu.advance_clock(Duration::from_secs(60));
    for id in [&r, &a] {
        let d = jobs(&client).describe_job(id).send().await.unwrap();
        assert_eq!(
            (
                d.job.status.as_str(),
                d.job.progress_summary.number_of_tasks_succeeded
            ),
            ("Complete", 1),
            "{d:?}"
        );
    }
    let d = jobs(&client).describe_job(&bad).send().await.unwrap();
    assert_eq!(d.job.status, "Failed");
    assert_eq!(
        d.job.failure_reasons.unwrap().failures[0].failure_code,
        "InvalidManifest"
    );
    // The restore job started a restore; the ACL job made the object public.
    let head = client
        .head_object(&bucket, &key("cold"))
        .send()
        .await
        .unwrap();
    assert!(
        head.meta
            .header("x-cos-restore")
            .unwrap()
            .contains("ongoing-request=\"true\"")
    );
    let acl = client
        .get_object_acl(&bucket, &key("cold"))
        .send()
        .await
        .unwrap();
    let all_users = Some("http://cam.qcloud.com/groups/global/AllUsers");
    assert!(
        acl.access_control_list
            .grants
            .iter()
            .any(|g| g.grantee.uri.as_deref() == all_users),
        "{acl:?}"
    );

    // Invalid input fails before any request; unknown jobs are 404.
    let e = client
        .batch_jobs("uin", "1")
        .list_jobs()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        e.without_context(),
        cos_core::Error::InvalidInput(_)
    ));
    let e = jobs(&client).describe_job("nope").send().await.unwrap_err();
    assert_eq!(e.service_error().unwrap().status.as_u16(), 404);
}
