//! Each builder's `prepare()`: the request `send` would send, built from the operation
//! table with no socket opened (the client below points at a closed port and no test
//! here awaits anything).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use cos_core::ops::PreparedRequest;
use cos_core::{BucketName, Client, Error, InvalidInput, ObjectKey};
use cos_xml::op::{Op, Scope};
use cos_xml::{Tag, Tagging};
use md5::Digest;

use crate::common;

fn client() -> Client {
    // Nothing listens on the discard port: these tests only prepare requests.
    let config = common::config_for("http://127.0.0.1:9").build().unwrap();
    Client::new(config).unwrap()
}

fn bucket() -> BucketName {
    BucketName::new("examplebucket-1250000000").unwrap()
}

fn key(k: &str) -> ObjectKey {
    ObjectKey::new(k).unwrap()
}

fn md5_b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(data))
}

fn tagging() -> Tagging {
    Tagging::new([Tag::new("team", "storage")])
}

/// The request cos-core prepares for `op`, from one of the three groups below; an
/// operation added to the table without a builder here fails
/// `every_op_prepares_its_spec_method_and_subresource`, which runs every `Op::ALL`.
fn prepare(op: Op, c: &Client) -> Result<PreparedRequest, Error> {
    prepare_basic(op, c)
        .or_else(|| prepare_more(op, c))
        .or_else(|| prepare_config(op, c))
        .unwrap_or_else(|| panic!("{op}: no builder in prepare.rs; add one"))
}

/// The operations of the original table (buckets, objects, multipart).
fn prepare_basic(op: Op, c: &Client) -> Option<Result<PreparedRequest, Error>> {
    let (b, k) = (&bucket(), &key("dir/a.txt"));
    Some(match op {
        Op::ListBuckets => c.list_buckets().prepare(),
        Op::PutBucket => c.put_bucket(b).prepare(),
        Op::HeadBucket => c.head_bucket(b).prepare(),
        Op::DeleteBucket => c.delete_bucket(b).prepare(),
        Op::GetBucketLocation => c.get_bucket_location(b).prepare(),
        Op::PutBucketVersioning => c
            .put_bucket_versioning(b, cos_xml::VersioningStatus::Enabled)
            .prepare(),
        Op::GetBucketVersioning => c.get_bucket_versioning(b).prepare(),
        Op::PutBucketAcl => c.put_bucket_acl(b).prepare(),
        Op::GetBucketAcl => c.get_bucket_acl(b).prepare(),
        Op::PutBucketCors => c
            .put_bucket_cors(b, &cos_xml::CorsConfiguration::default())
            .prepare(),
        Op::GetBucketCors => c.get_bucket_cors(b).prepare(),
        Op::DeleteBucketCors => c.delete_bucket_cors(b).prepare(),
        Op::PutBucketLifecycle => c
            .put_bucket_lifecycle(b, &cos_xml::LifecycleConfiguration::default())
            .prepare(),
        Op::GetBucketLifecycle => c.get_bucket_lifecycle(b).prepare(),
        Op::DeleteBucketLifecycle => c.delete_bucket_lifecycle(b).prepare(),
        Op::PutBucketTagging => c.put_bucket_tagging(b, &tagging()).prepare(),
        Op::GetBucketTagging => c.get_bucket_tagging(b).prepare(),
        Op::DeleteBucketTagging => c.delete_bucket_tagging(b).prepare(),
        Op::PutBucketPolicy => c.put_bucket_policy(b, "{}").prepare(),
        Op::GetBucketPolicy => c.get_bucket_policy(b).prepare(),
        Op::DeleteBucketPolicy => c.delete_bucket_policy(b).prepare(),
        Op::ListObjects => c.list_objects(b).prepare(),
        Op::ListObjectVersions => c.list_object_versions(b).prepare(),
        Op::ListMultipartUploads => c.list_multipart_uploads(b).prepare(),
        Op::DeleteMultipleObjects => c.delete_multiple_objects(b).key(k).prepare(),
        Op::OptionsObject => c
            .options_object(b, k, "https://example.com", "GET")
            .prepare(),
        Op::PutObject => c.put_object(b, k).body("x").prepare(),
        Op::CopyObject => c.copy_object(b, k, b, &key("src")).prepare(),
        Op::GetObject => c.get_object(b, k).prepare(),
        Op::HeadObject => c.head_object(b, k).prepare(),
        Op::DeleteObject => c.delete_object(b, k).prepare(),
        Op::RestoreObject => c.restore_object(b, k).prepare(),
        Op::AppendObject => c.append_object(b, k, 0).body("x").prepare(),
        Op::PutObjectAcl => c.put_object_acl(b, k).prepare(),
        Op::GetObjectAcl => c.get_object_acl(b, k).prepare(),
        Op::PutObjectTagging => c.put_object_tagging(b, k, &tagging()).prepare(),
        Op::GetObjectTagging => c.get_object_tagging(b, k).prepare(),
        Op::DeleteObjectTagging => c.delete_object_tagging(b, k).prepare(),
        Op::InitiateMultipartUpload => c.initiate_multipart_upload(b, k).prepare(),
        Op::UploadPart => c.upload_part(b, k, "up-1", 1).body("x").prepare(),
        Op::UploadPartCopy => c
            .upload_part_copy(b, k, "up-1", 1, b, &key("src"))
            .prepare(),
        Op::CompleteMultipartUpload => c
            .complete_multipart_upload(b, k, "up-1")
            .part(1, "\"e\"")
            .prepare(),
        Op::AbortMultipartUpload => c.abort_multipart_upload(b, k, "up-1").prepare(),
        Op::ListParts => c.list_parts(b, k, "up-1").prepare(),
        _ => return None,
    })
}

/// Object operations beyond the basics (issue 17) and select.
fn prepare_more(op: Op, c: &Client) -> Option<Result<PreparedRequest, Error>> {
    let (b, k) = (&bucket(), &key("dir/a.txt"));
    Some(match op {
        // --- object operations beyond the basics (issue 17) ---
        Op::PostObject => c.post_object(&post_form(c)).body("x").prepare(),
        Op::PutSymlink => c.put_symlink(b, k, &key("target")).prepare(),
        Op::GetSymlink => c.get_symlink(b, k).prepare(),
        Op::PutObjectRetention => c
            .put_object_retention(b, k, std::time::SystemTime::now())
            .prepare(),
        Op::GetObjectRetention => c.get_object_retention(b, k).prepare(),
        Op::PutAsyncFetchTask => c.put_async_fetch_task(b, "http://127.0.0.1/a", k).prepare(),
        Op::GetAsyncFetchTask => c.get_async_fetch_task(b, "dir/a.txt").prepare(),
        Op::CreateJob => jobs(c)
            .create_job(&cos_xml::batch::CreateJobRequest::default())
            .prepare(),
        Op::DescribeJob => jobs(c).describe_job("j-1").prepare(),
        Op::ListJobs => jobs(c).list_jobs().prepare(),
        Op::DeleteJob => jobs(c).delete_job("j-1").prepare(),
        Op::UpdateJobPriority => jobs(c).update_job_priority("j-1", 5).prepare(),
        Op::UpdateJobStatus => jobs(c).update_job_status("j-1", "Ready", None).prepare(),
        // --- select ---
        Op::SelectObjectContent => c
            .select_object_content(b, k)
            .expression("select * from COSObject")
            .prepare(),
        _ => return None,
    })
}

/// [`prepare`] for the bucket configuration operations of issue 16.
fn prepare_config(op: Op, c: &Client) -> Option<Result<PreparedRequest, Error>> {
    let b = &bucket();
    Some(match op {
        Op::PutBucketWebsite => c
            .put_bucket_website(b, &cos_xml::config::WebsiteConfiguration::default())
            .prepare(),
        Op::GetBucketWebsite => c.get_bucket_website(b).prepare(),
        Op::DeleteBucketWebsite => c.delete_bucket_website(b).prepare(),
        Op::PutBucketReferer => c
            .put_bucket_referer(b, &cos_xml::config::RefererConfiguration::default())
            .prepare(),
        Op::GetBucketReferer => c.get_bucket_referer(b).prepare(),
        Op::PutBucketEncryption => c
            .put_bucket_encryption(
                b,
                &cos_xml::config::ServerSideEncryptionConfiguration::default(),
            )
            .prepare(),
        Op::GetBucketEncryption => c.get_bucket_encryption(b).prepare(),
        Op::DeleteBucketEncryption => c.delete_bucket_encryption(b).prepare(),
        Op::PutBucketLogging => c
            .put_bucket_logging(b, &cos_xml::config::BucketLoggingStatus::default())
            .prepare(),
        Op::GetBucketLogging => c.get_bucket_logging(b).prepare(),
        Op::PutBucketObjectLock => c
            .put_bucket_object_lock(b, &cos_xml::config::ObjectLockConfiguration::new(None))
            .prepare(),
        Op::GetBucketObjectLock => c.get_bucket_object_lock(b).prepare(),
        Op::PutBucketReplication => c
            .put_bucket_replication(
                b,
                &cos_xml::config::ReplicationConfiguration::new("r", vec![]),
            )
            .prepare(),
        Op::GetBucketReplication => c.get_bucket_replication(b).prepare(),
        Op::DeleteBucketReplication => c.delete_bucket_replication(b).prepare(),
        Op::PutBucketInventory => c
            .put_bucket_inventory(
                b,
                &cos_xml::config::InventoryConfiguration::new("i", "b", "p"),
            )
            .prepare(),
        Op::GetBucketInventory => c.get_bucket_inventory(b, "i").prepare(),
        Op::DeleteBucketInventory => c.delete_bucket_inventory(b, "i").prepare(),
        Op::PostBucketInventory => c
            .post_bucket_inventory(
                b,
                &cos_xml::config::InventoryConfiguration::new("i", "b", "p"),
            )
            .prepare(),
        Op::PutBucketIntelligentTiering => c
            .put_bucket_intelligent_tiering(
                b,
                &cos_xml::config::IntelligentTieringConfiguration::v1(30, 1),
            )
            .prepare(),
        Op::GetBucketIntelligentTiering => c.get_bucket_intelligent_tiering(b).prepare(),
        Op::PutBucketIntelligentTieringV2 => {
            let mut v2 = cos_xml::config::IntelligentTieringConfiguration::v1(30, 1);
            v2.id = Some("t".into());
            c.put_bucket_intelligent_tiering_v2(b, &v2).prepare()
        }
        Op::GetBucketIntelligentTieringV2 => c.get_bucket_intelligent_tiering_v2(b, "t").prepare(),
        Op::PutBucketAccelerate => c
            .put_bucket_accelerate(b, &cos_xml::config::AccelerateConfiguration::new("Enabled"))
            .prepare(),
        Op::GetBucketAccelerate => c.get_bucket_accelerate(b).prepare(),
        Op::PutBucketDomain => c
            .put_bucket_domain(b, &cos_xml::config::DomainConfiguration::default())
            .prepare(),
        Op::GetBucketDomain => c.get_bucket_domain(b).prepare(),
        Op::DeleteBucketDomain => c.delete_bucket_domain(b).prepare(),
        Op::PutBucketDomainCertificate => c
            .put_bucket_domain_certificate(
                b,
                &cos_xml::config::DomainCertificate::custom("c", "k", ["d.com"]),
            )
            .prepare(),
        Op::GetBucketDomainCertificate => c.get_bucket_domain_certificate(b, "d.com").prepare(),
        Op::DeleteBucketDomainCertificate => {
            c.delete_bucket_domain_certificate(b, "d.com").prepare()
        }
        Op::PutBucketOrigin => c
            .put_bucket_origin(b, &cos_xml::config::OriginConfiguration::default())
            .prepare(),
        Op::GetBucketOrigin => c.get_bucket_origin(b).prepare(),
        Op::DeleteBucketOrigin => c.delete_bucket_origin(b).prepare(),
        Op::PutBucketResponseControl => c
            .put_bucket_response_control(
                b,
                &cos_xml::config::ResponseControlConfiguration::new(["response-expires"]),
            )
            .prepare(),
        Op::GetBucketResponseControl => c.get_bucket_response_control(b).prepare(),
        Op::DeleteBucketResponseControl => c.delete_bucket_response_control(b).prepare(),
        _ => return None,
    })
}

fn jobs(c: &Client) -> cos_core::ops::batch::BatchJobs {
    c.batch_jobs("100000000001", "1250000000")
}

/// A form for `dir/a.txt`, signed without I/O (static credentials).
fn post_form(c: &Client) -> cos_core::ops::post_object::PostForm {
    let policy = cos_core::ops::post_object::PostPolicy::new(&bucket()).key(&key("dir/a.txt"));
    futures_util::FutureExt::now_or_never(c.sign_post_policy(&policy))
        .expect("static credentials sign at once")
        .unwrap()
}

#[test]
fn every_op_prepares_its_spec_method_and_subresource() {
    let c = client();
    for &op in Op::ALL {
        let spec = op.spec();
        let p = prepare(op, &c).unwrap_or_else(|e| panic!("{op}: {e}"));
        assert_eq!(p.op(), op);
        assert_eq!(p.method().as_str(), spec.method.as_str(), "{op}");
        if let Some(sub) = spec.subresource {
            let value = p.query_param(sub);
            assert!(value.is_some(), "{op}: no ?{sub} in {:?}", p.query());
            let expected = if sub == "uploadId" { "up-1" } else { "" };
            assert_eq!(value, Some(expected), "{op}");
        }
        // No other sub-resource of the table rides along.
        for other in cos_xml::op::SUBRESOURCES {
            if Some(*other) != spec.subresource {
                assert!(p.query_param(other).is_none(), "{op}: stray ?{other}");
            }
        }
        assert_eq!(
            op.is_copy(),
            p.header("x-cos-copy-source").is_some(),
            "{op}"
        );
        match spec.scope {
            Scope::Service => assert!(p.bucket().is_none(), "{op}"),
            Scope::Bucket => assert!(p.bucket().is_some() && p.key().is_none(), "{op}"),
            Scope::Object => assert_eq!(p.key(), Some("dir/a.txt"), "{op}"),
        }
    }
}

#[test]
fn put_object_prepares_headers_and_content_md5() {
    let p = client()
        .put_object(&bucket(), &key("a.txt"))
        .body("hello")
        .content_type("text/plain")
        .metadata("author", "zhang san")
        .traffic_limit(819_200)
        .compute_content_md5()
        .prepare()
        .unwrap();
    assert_eq!(p.header("content-type"), Some("text/plain"));
    assert_eq!(p.header("x-cos-meta-author"), Some("zhang san"));
    assert_eq!(p.header("x-cos-traffic-limit"), Some("819200"));
    // The MD5 of "hello".
    assert_eq!(p.header("Content-MD5"), Some("XUFAKrxLKna5cZ2REBfFkg=="));
    assert_eq!(p.body(), Some(&b"hello"[..]));
}

#[test]
fn xml_bodies_carry_their_content_md5() {
    let c = client();
    let p = c
        .put_object_tagging(&bucket(), &key("a"), &tagging())
        .prepare()
        .unwrap();
    let body = p.body().unwrap();
    let text = std::str::from_utf8(body).unwrap();
    assert!(
        text.contains("<Key>team</Key><Value>storage</Value>"),
        "{text}"
    );
    assert_eq!(p.header("content-md5"), Some(md5_b64(body).as_str()));
    assert_eq!(p.header("content-type"), Some("application/xml"));

    let p = c
        .put_bucket_versioning(&bucket(), cos_xml::VersioningStatus::Suspended)
        .prepare()
        .unwrap();
    let text = std::str::from_utf8(p.body().unwrap()).unwrap();
    assert!(text.contains("<Status>Suspended</Status>"), "{text}");
}

#[test]
fn complete_sends_parts_sorted() {
    let p = client()
        .complete_multipart_upload(&bucket(), &key("big"), "up-1")
        .part(2, "\"e2\"")
        .part(1, "\"e1\"")
        .prepare()
        .unwrap();
    let text = std::str::from_utf8(p.body().unwrap()).unwrap();
    let (one, two) = (text.find("\"e1\"").unwrap(), text.find("\"e2\"").unwrap());
    assert!(one < two, "{text}");
    assert_eq!(p.query_param("uploadId"), Some("up-1"));
}

#[test]
fn copies_name_their_source() {
    let c = client();
    let p = c
        .copy_object(&bucket(), &key("b"), &bucket(), &key("dir/a b"))
        .source_version_id("v1")
        .prepare()
        .unwrap();
    assert_eq!(
        p.header("x-cos-copy-source"),
        Some("examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/dir/a%20b?versionId=v1")
    );
    let p = c
        .upload_part_copy(&bucket(), &key("b"), "up", 3, &bucket(), &key("a"))
        .source_range(0, 9)
        .prepare()
        .unwrap();
    assert_eq!(p.header("x-cos-copy-source-range"), Some("bytes=0-9"));
    assert_eq!(p.query_param("partNumber"), Some("3"));
}

#[test]
fn list_requests_ask_for_url_encoding() {
    let p = client()
        .list_objects(&bucket())
        .prefix("a/")
        .max_keys(10)
        .prepare()
        .unwrap();
    assert_eq!(p.query_param("encoding-type"), Some("url"));
    assert_eq!(p.query_param("prefix"), Some("a/"));
    assert_eq!(p.query_param("max-keys"), Some("10"));
}

/// The error of `r`, which must be invalid input about `op` on the test bucket.
fn invalid(r: Result<PreparedRequest, Error>, op: Op) -> InvalidInput {
    let e = r.unwrap_err();
    let ctx = e.context().expect("a context");
    assert_eq!(ctx.op, op);
    assert_eq!(ctx.bucket.as_deref(), Some("examplebucket-1250000000"));
    match e.without_context() {
        Error::InvalidInput(i) => i.clone(),
        other => panic!("{op}: {other:?}"),
    }
}

#[test]
fn validation_fails_in_prepare_with_the_operation_named() {
    let c = client();
    let (b, k) = (&bucket(), &key("k"));
    let e = invalid(
        c.delete_multiple_objects(b).prepare(),
        Op::DeleteMultipleObjects,
    );
    assert!(e.to_string().contains("got 0"), "{e}");
    let many = (0..1001).map(|i| key(&format!("k{i}"))).collect::<Vec<_>>();
    let r = c.delete_multiple_objects(b).keys(&many).prepare();
    invalid(r, Op::DeleteMultipleObjects);
    let r = c.upload_part(b, k, "id", 0).prepare();
    assert_eq!(invalid(r, Op::UploadPart), InvalidInput::PartNumber(0));
    let r = c.upload_part(b, k, "", 1).prepare();
    invalid(r, Op::UploadPart);
    let r = c
        .upload_part_copy(b, k, "id", 1, b, k)
        .source_range(9, 0)
        .prepare();
    invalid(r, Op::UploadPartCopy);
    let r = c.complete_multipart_upload(b, k, "id").prepare();
    invalid(r, Op::CompleteMultipartUpload);
    let r = c
        .complete_multipart_upload(b, k, "id")
        .part(10_001, "e")
        .prepare();
    assert_eq!(
        invalid(r, Op::CompleteMultipartUpload),
        InvalidInput::PartNumber(10_001)
    );
    let r = c.get_object(b, k).traffic_limit(1).prepare();
    assert_eq!(invalid(r, Op::GetObject), InvalidInput::TrafficLimit(1));
    let r = c.append_object(b, k, 0).traffic_limit(1).prepare();
    invalid(r, Op::AppendObject);
}

#[test]
fn the_error_message_names_operation_bucket_and_key() {
    let c = client();
    let e = c
        .upload_part(&bucket(), &key("dir/k"), "id", 0)
        .prepare()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "UploadPart on bucket examplebucket-1250000000 key \"dir/k\": invalid input: \
         part number 0 is outside 1..=10000"
    );
    assert!(e.is_invalid_input() && !e.is_retryable());
    assert!(
        std::error::Error::source(&e).is_none(),
        "printed, so no source"
    );
}

#[test]
fn prepared_debug_hides_secrets() {
    let p = client()
        .get_object(&bucket(), &key("k"))
        .header("x-cos-security-token", "SECRET-TOKEN")
        .header("x-cos-server-side-encryption-customer-key", "SECRET-KEY")
        .prepare()
        .unwrap();
    let shown = format!("{p:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("x-cos-security-token"), "{shown}");
}
