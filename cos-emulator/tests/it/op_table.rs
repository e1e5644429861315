//! The operation table is complete: every operation of `cos_xml::op::Op::ALL` has a
//! cos-core client method, an emulator handler that serves it, and a request-log
//! entry under its COS name. The `match` in [`drive`] has no `_` arm, so an operation
//! added to the table without a client call here does not compile.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use crate::common::{client_for, key};
use cos_core::{BucketName, Client, StorageClass};
use cos_emulator::Emulator;
use cos_xml::op::{Access, Op, Scope};
use cos_xml::{CorsConfiguration, CorsRule, Tag, Tagging, VersioningStatus};

const BUCKET: &str = "examplebucket-1250000000";
const HOST: &str = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";

fn bucket(name: &str) -> BucketName {
    BucketName::new(name).unwrap()
}

type Outcome = Result<(), cos_core::Error>;

/// Starts an upload of `k` and returns its id.
async fn upload(c: &Client, b: &BucketName, k: &str) -> String {
    c.initiate_multipart_upload(b, &key(k))
        .send()
        .await
        .unwrap()
        .upload_id
}

/// Performs `op` through cos-core against the bucket `b` (which holds the object
/// `src`), preparing what it needs first: the last request sent is `op` itself.
async fn drive(op: Op, c: &Client, b: &BucketName) -> Outcome {
    match op {
        Op::ListBuckets
        | Op::PutBucket
        | Op::HeadBucket
        | Op::DeleteBucket
        | Op::GetBucketLocation
        | Op::PutBucketVersioning
        | Op::GetBucketVersioning
        | Op::PutBucketAcl
        | Op::GetBucketAcl
        | Op::PutBucketCors
        | Op::GetBucketCors
        | Op::DeleteBucketCors
        | Op::PutBucketLifecycle
        | Op::GetBucketLifecycle
        | Op::DeleteBucketLifecycle
        | Op::PutBucketTagging
        | Op::GetBucketTagging
        | Op::DeleteBucketTagging
        | Op::PutBucketPolicy
        | Op::GetBucketPolicy
        | Op::DeleteBucketPolicy => drive_bucket(op, c, b).await,
        Op::ListObjects
        | Op::ListObjectVersions
        | Op::ListMultipartUploads
        | Op::DeleteMultipleObjects
        | Op::OptionsObject
        | Op::PutObject
        | Op::CopyObject
        | Op::GetObject
        | Op::HeadObject
        | Op::DeleteObject
        | Op::RestoreObject
        | Op::AppendObject
        | Op::PutObjectAcl
        | Op::GetObjectAcl
        | Op::PutObjectTagging
        | Op::GetObjectTagging
        | Op::DeleteObjectTagging => drive_object(op, c, b).await,
        Op::InitiateMultipartUpload
        | Op::UploadPart
        | Op::UploadPartCopy
        | Op::CompleteMultipartUpload
        | Op::AbortMultipartUpload
        | Op::ListParts => drive_multipart(op, c, b).await,
        // --- bucket configuration (issue 16) ---
        Op::PutBucketWebsite
        | Op::GetBucketWebsite
        | Op::DeleteBucketWebsite
        | Op::PutBucketReferer
        | Op::GetBucketReferer
        | Op::PutBucketEncryption
        | Op::GetBucketEncryption
        | Op::DeleteBucketEncryption
        | Op::PutBucketLogging
        | Op::GetBucketLogging
        | Op::PutBucketObjectLock
        | Op::GetBucketObjectLock
        | Op::PutBucketReplication
        | Op::GetBucketReplication
        | Op::DeleteBucketReplication
        | Op::PutBucketInventory
        | Op::GetBucketInventory
        | Op::DeleteBucketInventory
        | Op::PostBucketInventory
        | Op::PutBucketIntelligentTiering
        | Op::GetBucketIntelligentTiering
        | Op::PutBucketIntelligentTieringV2
        | Op::GetBucketIntelligentTieringV2
        | Op::PutBucketAccelerate
        | Op::GetBucketAccelerate
        | Op::PutBucketDomain
        | Op::GetBucketDomain
        | Op::DeleteBucketDomain
        | Op::PutBucketDomainCertificate
        | Op::GetBucketDomainCertificate
        | Op::DeleteBucketDomainCertificate
        | Op::PutBucketOrigin
        | Op::GetBucketOrigin
        | Op::DeleteBucketOrigin
        | Op::PutBucketResponseControl
        | Op::GetBucketResponseControl
        | Op::DeleteBucketResponseControl => crate::op_table_config::drive(op, c, b).await,
        // --- object operations beyond the basics (issue 17) ---
        Op::PostObject
        | Op::PutSymlink
        | Op::GetSymlink
        | Op::PutObjectRetention
        | Op::GetObjectRetention
        | Op::PutAsyncFetchTask
        | Op::GetAsyncFetchTask
        | Op::SelectObjectContent => drive_issue17(op, c, b).await,
        Op::CreateJob
        | Op::DescribeJob
        | Op::ListJobs
        | Op::DeleteJob
        | Op::UpdateJobPriority
        | Op::UpdateJobStatus => drive_batch(op, c, b).await,
    }
}

/// The object operations of issue 17, and select. Called by [`drive`] for these operations only.
async fn drive_issue17(op: Op, c: &Client, b: &BucketName) -> Outcome {
    use cos_core::ops::post_object::PostPolicy;
    match op {
        Op::PostObject => {
            let form = c
                .sign_post_policy(&PostPolicy::new(b).key(&key("posted")))
                .await?;
            c.post_object(&form).body("x").send().await.map(drop)
        }
        Op::PutSymlink => c
            .put_symlink(b, &key("link"), &key("src"))
            .send()
            .await
            .map(drop),
        Op::GetSymlink => {
            c.put_symlink(b, &key("link"), &key("src")).send().await?;
            c.get_symlink(b, &key("link")).send().await.map(drop)
        }
        Op::PutObjectRetention | Op::GetObjectRetention => {
            // On an object of its own: a retained object cannot be deleted.
            let kept = key(op.name());
            c.put_object(b, &kept).body("x").send().await?;
            let until = std::time::SystemTime::now() + Duration::from_secs(3600);
            c.put_object_retention(b, &kept, until).send().await?;
            if op == Op::PutObjectRetention {
                return Ok(());
            }
            c.get_object_retention(b, &kept).send().await.map(drop)
        }
        Op::PutAsyncFetchTask | Op::GetAsyncFetchTask => {
            // Nothing listens on port 1: the task is created and fails.
            let task = c
                .put_async_fetch_task(b, "http://127.0.0.1:1/x", &key("fetched"))
                .send()
                .await?;
            if op == Op::PutAsyncFetchTask {
                return Ok(());
            }
            c.get_async_fetch_task(b, &task.task_id)
                .send()
                .await
                .map(drop)
        }
        Op::SelectObjectContent => {
            let events = c
                .select_object_content(b, &key("src"))
                .expression("select * from COSObject")
                .send()
                .await?;
            events.collect_records().await.map(drop)
        }
        other => unreachable!("{other:?} is routed elsewhere by drive"),
    }
}

/// Service and bucket operations (configuration included). Called by [`drive`] for these operations only.
async fn drive_bucket(op: Op, c: &Client, b: &BucketName) -> Outcome {
    let tagging = Tagging::new([Tag::new("team", "storage")]);
    match op {
        Op::ListBuckets => c.list_buckets().send().await.map(drop),
        Op::PutBucket => c
            .put_bucket(&bucket("other-1250000000"))
            .send()
            .await
            .map(drop),
        Op::HeadBucket => c.head_bucket(b).send().await.map(drop),
        Op::DeleteBucket => {
            let gone = bucket("gone-1250000000");
            c.put_bucket(&gone).send().await?;
            c.delete_bucket(&gone).send().await.map(drop)
        }
        Op::GetBucketLocation => c.get_bucket_location(b).send().await.map(drop),
        Op::PutBucketVersioning => {
            // On a bucket of its own: appends need an unversioned bucket.
            let versioned = bucket("versioned-1250000000");
            c.put_bucket(&versioned).send().await?;
            c.put_bucket_versioning(&versioned, VersioningStatus::Enabled)
                .send()
                .await
                .map(drop)
        }
        Op::GetBucketVersioning => c.get_bucket_versioning(b).send().await.map(drop),
        Op::PutBucketAcl => c
            .put_bucket_acl(b)
            .acl(cos_core::Acl::Private)
            .send()
            .await
            .map(drop),
        Op::GetBucketAcl => c.get_bucket_acl(b).send().await.map(drop),
        Op::PutBucketCors => c.put_bucket_cors(b, &cors()).send().await.map(drop),
        Op::GetBucketCors => {
            c.put_bucket_cors(b, &cors()).send().await?;
            c.get_bucket_cors(b).send().await.map(drop)
        }
        Op::DeleteBucketCors => c.delete_bucket_cors(b).send().await.map(drop),
        Op::PutBucketLifecycle => c
            .put_bucket_lifecycle(b, &lifecycle())
            .send()
            .await
            .map(drop),
        Op::GetBucketLifecycle => {
            c.put_bucket_lifecycle(b, &lifecycle()).send().await?;
            c.get_bucket_lifecycle(b).send().await.map(drop)
        }
        Op::DeleteBucketLifecycle => c.delete_bucket_lifecycle(b).send().await.map(drop),
        Op::PutBucketTagging => c.put_bucket_tagging(b, &tagging).send().await.map(drop),
        Op::GetBucketTagging => {
            c.put_bucket_tagging(b, &tagging).send().await?;
            c.get_bucket_tagging(b).send().await.map(drop)
        }
        Op::DeleteBucketTagging => c.delete_bucket_tagging(b).send().await.map(drop),
        Op::PutBucketPolicy => c.put_bucket_policy(b, POLICY).send().await.map(drop),
        Op::GetBucketPolicy => {
            c.put_bucket_policy(b, POLICY).send().await?;
            c.get_bucket_policy(b).send().await.map(drop)
        }
        Op::DeleteBucketPolicy => c.delete_bucket_policy(b).send().await.map(drop),
        Op::SelectObjectContent => {
            let events = c
                .select_object_content(b, &key("src"))
                .expression("select * from COSObject")
                .send()
                .await?;
            events.collect_records().await.map(drop)
        }
        other => unreachable!("{other:?} is routed elsewhere by drive"),
    }
}

/// Object operations and listings. Called by [`drive`] for these operations only.
async fn drive_object(op: Op, c: &Client, b: &BucketName) -> Outcome {
    let tagging = Tagging::new([Tag::new("team", "storage")]);
    match op {
        Op::ListObjects => c.list_objects(b).send().await.map(drop),
        Op::ListObjectVersions => c.list_object_versions(b).send().await.map(drop),
        Op::ListMultipartUploads => c.list_multipart_uploads(b).send().await.map(drop),
        Op::DeleteMultipleObjects => {
            c.put_object(b, &key("batch")).body("x").send().await?;
            c.delete_multiple_objects(b)
                .key(&key("batch"))
                .send()
                .await
                .map(drop)
        }
        Op::OptionsObject => {
            // cos-core has no typed method for a CORS preflight (browsers send it):
            // its raw request API sends one.
            c.put_bucket_cors(b, &cors()).send().await?;
            let request =
                cos_core::RawRequest::new("OptionsObject", http::Method::OPTIONS, HOST, "/src")
                    .header("Origin", "https://example.com")
                    .header("Access-Control-Request-Method", "GET");
            let answer = c.send_raw(request).await?;
            assert_eq!(answer.status.as_u16(), 200, "preflight");
            Ok(())
        }
        Op::PutObject => c
            .put_object(b, &key("put"))
            .body("x")
            .send()
            .await
            .map(drop),
        Op::CopyObject => c
            .copy_object(b, &key("copy"), b, &key("src"))
            .send()
            .await
            .map(drop),
        Op::GetObject => c.get_object(b, &key("src")).send().await.map(drop),
        Op::HeadObject => c.head_object(b, &key("src")).send().await.map(drop),
        Op::DeleteObject => c.delete_object(b, &key("put")).send().await.map(drop),
        Op::RestoreObject => {
            c.put_object(b, &key("arc"))
                .body("x")
                .storage_class(StorageClass::Archive)
                .send()
                .await?;
            c.restore_object(b, &key("arc"))
                .days(1)
                .send()
                .await
                .map(drop)
        }
        Op::AppendObject => c
            .append_object(b, &key("appended"), 0)
            .body("x")
            .send()
            .await
            .map(drop),
        Op::PutObjectAcl => c
            .put_object_acl(b, &key("src"))
            .acl(cos_core::Acl::Default)
            .send()
            .await
            .map(drop),
        Op::GetObjectAcl => c.get_object_acl(b, &key("src")).send().await.map(drop),
        Op::PutObjectTagging => c
            .put_object_tagging(b, &key("src"), &tagging)
            .send()
            .await
            .map(drop),
        Op::GetObjectTagging => c.get_object_tagging(b, &key("src")).send().await.map(drop),
        Op::DeleteObjectTagging => c
            .delete_object_tagging(b, &key("src"))
            .send()
            .await
            .map(drop),
        Op::SelectObjectContent => {
            let events = c
                .select_object_content(b, &key("src"))
                .expression("select * from COSObject")
                .send()
                .await?;
            events.collect_records().await.map(drop)
        }
        other => unreachable!("{other:?} is routed elsewhere by drive"),
    }
}

/// COS Batch Operations: each creates a job of its own (over a manifest listing
/// `src`), suspended so that it never runs. Called by [`drive`] for these only.
async fn drive_batch(op: Op, c: &Client, b: &BucketName) -> Outcome {
    use cos_xml::batch::{CreateJobRequest, JobOperation, ManifestSpec, Members};
    let manifest = c
        .put_object(b, &key("manifest.csv"))
        .body(format!("{BUCKET},src\n"))
        .send()
        .await?;
    let jobs = c.batch_jobs("100000000001", "1250000000");
    let mut req = CreateJobRequest {
        client_request_token: op.name().into(),
        confirmation_required: Some(true),
        operation: JobOperation {
            tagging: Some(Default::default()),
            ..Default::default()
        },
        ..Default::default()
    };
    req.manifest.location.etag = manifest.etag.unwrap_or_default();
    req.manifest.location.object_arn =
        format!("qcs::cos:ap-guangzhou:uid/1250000000:{BUCKET}/manifest.csv");
    req.manifest.spec = ManifestSpec {
        fields: Members {
            members: vec!["Bucket".into(), "Key".into()],
        },
        format: "COSBatchOperations_CSV_V1".into(),
    };
    let id = jobs.create_job(&req).send().await?.job_id;
    match op {
        Op::CreateJob => Ok(()),
        Op::DescribeJob => jobs.describe_job(&id).send().await.map(drop),
        Op::ListJobs => jobs.list_jobs().send().await.map(drop),
        Op::DeleteJob => jobs.delete_job(&id).send().await.map(drop),
        Op::UpdateJobPriority => jobs.update_job_priority(&id, 3).send().await.map(drop),
        Op::UpdateJobStatus => jobs
            .update_job_status(&id, "Cancelled", None)
            .send()
            .await
            .map(drop),
        Op::SelectObjectContent => {
            let events = c
                .select_object_content(b, &key("src"))
                .expression("select * from COSObject")
                .send()
                .await?;
            events.collect_records().await.map(drop)
        }
        other => unreachable!("{other:?} is routed elsewhere by drive"),
    }
}

/// Multipart upload operations. Called by [`drive`] for these operations only.
async fn drive_multipart(op: Op, c: &Client, b: &BucketName) -> Outcome {
    match op {
        Op::InitiateMultipartUpload => c
            .initiate_multipart_upload(b, &key("mp"))
            .send()
            .await
            .map(drop),
        Op::UploadPart => {
            let id = upload(c, b, "mp").await;
            c.upload_part(b, &key("mp"), &id, 1)
                .body("part")
                .send()
                .await
                .map(drop)
        }
        Op::UploadPartCopy => {
            let id = upload(c, b, "mp").await;
            c.upload_part_copy(b, &key("mp"), &id, 1, b, &key("src"))
                .send()
                .await
                .map(drop)
        }
        Op::CompleteMultipartUpload => {
            let id = upload(c, b, "mp").await;
            let part = c
                .upload_part(b, &key("mp"), &id, 1)
                .body("part")
                .send()
                .await?;
            c.complete_multipart_upload(b, &key("mp"), &id)
                .part(1, part.etag.unwrap_or_default())
                .send()
                .await
                .map(drop)
        }
        Op::AbortMultipartUpload => {
            let id = upload(c, b, "mp").await;
            c.abort_multipart_upload(b, &key("mp"), &id)
                .send()
                .await
                .map(drop)
        }
        Op::ListParts => {
            let id = upload(c, b, "mp").await;
            c.list_parts(b, &key("mp"), &id).send().await.map(drop)
        }
        Op::SelectObjectContent => {
            let events = c
                .select_object_content(b, &key("src"))
                .expression("select * from COSObject")
                .send()
                .await?;
            events.collect_records().await.map(drop)
        }
        other => unreachable!("{other:?} is routed elsewhere by drive"),
    }
}

const POLICY: &str = r#"{"version":"2.0","statement":[{"principal":{"qcs":["qcs::cam::anyone:anyone"]},"effect":"allow","action":["name/cos:GetObject"],"resource":["qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*"]}]}"#;

fn cors() -> CorsConfiguration {
    CorsConfiguration::new(vec![CorsRule {
        allowed_origins: vec!["https://example.com".into()],
        allowed_methods: vec!["GET".into()],
        ..Default::default()
    }])
}

fn lifecycle() -> cos_xml::LifecycleConfiguration {
    cos_xml::LifecycleConfiguration::new(vec![cos_xml::LifecycleRule {
        id: Some("expire".into()),
        filter: Some(cos_xml::LifecycleFilter {
            prefix: Some("logs/".into()),
            ..Default::default()
        }),
        status: cos_xml::RuleStatus::Enabled,
        transitions: vec![],
        expiration: Some(cos_xml::Expiration {
            days: Some(30),
            ..Default::default()
        }),
        noncurrent_version_transitions: vec![],
        noncurrent_version_expiration: None,
        abort_incomplete_multipart_upload: None,
    }])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_has_a_client_method_a_handler_and_a_log_entry() {
    let emu = Emulator::builder()
        .region("ap-guangzhou")
        .start()
        .await
        .unwrap();
    let c = client_for(&emu);
    let b = bucket(BUCKET);
    c.put_bucket(&b).send().await.unwrap();
    c.put_object(&b, &key("src"))
        .body("source")
        .send()
        .await
        .unwrap();
    for &op in Op::ALL {
        emu.clear_requests();
        drive(op, &c, &b)
            .await
            .unwrap_or_else(|e| panic!("{op}: {e}"));
        let last = emu
            .requests()
            .pop()
            .unwrap_or_else(|| panic!("{op}: no log"));
        assert_eq!(last.operation, op.name(), "{op}: logged under another name");
        assert!(
            (200..300).contains(&last.status),
            "{op}: answered {}",
            last.status
        );
        let spec = op.spec();
        assert_eq!(last.method, spec.method.as_str(), "{op}");
        if let Some(sub) = spec.subresource {
            assert!(
                last.query.iter().any(|(k, _)| k == sub),
                "{op}: sent without ?{sub}"
            );
        }
    }
}

/// Anonymous requests are let through by the bucket's ACL according to the access
/// class of their operation's spec: `Open` always, `Read` with `public-read`, `Write`
/// with `public-read-write`, `Owner` never.
#[tokio::test]
async fn anonymous_access_follows_the_access_class_of_the_spec() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.addr();
    assert_eq!(
        common::request(addr, "PUT", "", "", &[], b"").await.status,
        200
    );
    // The service scope has a host of its own; its one operation is the owner's.
    assert_eq!(Op::ListBuckets.spec().access, Access::Owner);
    for acl in ["private", "public-read", "public-read-write"] {
        let set = common::request(addr, "PUT", "", "acl", &[("x-cos-acl", acl)], b"").await;
        assert_eq!(set.status, 200);
        // The fetch tasks are served on the migration host, not the bucket's.
        for &op in Op::ALL
            .iter()
            .filter(|op| op.spec().scope != Scope::Service && !op.on_migration_host())
        {
            let spec = op.spec();
            let path = if spec.scope == Scope::Object {
                "/k"
            } else {
                "/"
            };
            let target = match spec.subresource {
                Some("uploadId") => format!("{path}?partNumber=1&uploadId=none"),
                Some(sub) => format!("{path}?{sub}"),
                None => path.to_owned(),
            };
            let source = format!("{}.cos.ap-guangzhou.myqcloud.com/k", common::BUCKET);
            let copy = [("x-cos-copy-source", source.as_str())];
            let headers: &[(&str, &str)] = if op.is_copy() { &copy } else { &[] };
            let answer = common::unsigned(addr, spec.method.as_str(), &target, headers, b"").await;
            let logged = emu.requests().pop().unwrap();
            assert_eq!(logged.operation, op.name(), "{target}");
            let allowed = match spec.access {
                Access::Open => true,
                Access::Read => acl != "private",
                Access::Write => acl == "public-read-write",
                Access::Owner => false,
            };
            assert_eq!(
                answer.status != 403,
                allowed,
                "{op} anonymous on a {acl} bucket answered {}: {}",
                answer.status,
                answer.text()
            );
        }
    }
}
