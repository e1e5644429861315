//! POST Object (browser form uploads): a signed [`PostPolicy`] uploads through the
//! emulator, which verifies the signature and every condition; a form built by an
//! independent client (Python `requests`) is accepted too.

use std::time::Duration;

use cos_core::ops::post_object::{PostForm, PostPolicy};

use crate::common::{key, setup};

fn service_code(e: &cos_core::Error) -> (u16, String) {
    let s = e
        .service_error()
        .unwrap_or_else(|| panic!("not a service error: {e}"));
    (s.status.as_u16(), s.code.clone())
}

#[tokio::test]
async fn a_signed_form_stores_the_object_with_its_fields() {
    let (_emu, client, bucket) = setup().await;
    let k = key("forms/photo.png");
    let policy = PostPolicy::new(&bucket)
        .key(&k)
        .content_type("image/png")
        .metadata("owner", "alice")
        .content_length_range(1, 100);
    let form = client.sign_post_policy(&policy).await.unwrap();
    assert!(
        form.url
            .ends_with("://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/"),
        "{}",
        form.url
    );
    assert!(!format!("{form:?}").contains(form.field("q-signature").unwrap()));
    let out = client
        .post_object(&form)
        .file_name("photo.png")
        .body("png bytes")
        .send()
        .await
        .unwrap();
    assert_eq!(out.meta.status.as_u16(), 204, "COS's default status");
    let got = client.get_object(&bucket, &k).send().await.unwrap();
    assert_eq!(
        got.meta.header("content-type").as_deref(),
        Some("image/png")
    );
    assert_eq!(
        got.meta.header("x-cos-meta-owner").as_deref(),
        Some("alice")
    );
    assert_eq!(got.etag, out.etag);
    assert_eq!(&got.body.collect().await.unwrap()[..], b"png bytes");
}

#[tokio::test]
async fn status_201_answers_a_document_and_redirect_answers_303() {
    let (_emu, client, bucket) = setup().await;
    let policy = PostPolicy::new(&bucket)
        .key_prefix("in/")
        .success_action_status(201);
    let form = client.sign_post_policy(&policy).await.unwrap();
    assert_eq!(form.field("key"), Some("in/${filename}"));
    let out = client
        .post_object(&form)
        .file_name("a.txt")
        .body("a")
        .send()
        .await
        .unwrap();
    assert_eq!(out.meta.status.as_u16(), 201);
    let doc = out.result.unwrap();
    assert_eq!(
        (doc.key.as_str(), doc.bucket.as_str()),
        ("in/a.txt", bucket.as_str())
    );
    assert_eq!(Some(doc.etag), out.etag);

    let policy = PostPolicy::new(&bucket)
        .key(&key("r.txt"))
        .success_action_redirect("https://example.com/done?x=1");
    let form = client.sign_post_policy(&policy).await.unwrap();
    let out = client.post_object(&form).body("r").send().await.unwrap();
    assert_eq!(out.meta.status.as_u16(), 303);
    let to = out.location.unwrap();
    assert!(
        to.starts_with(
            "https://example.com/done?x=1&bucket=examplebucket%2D1250000000&key=r%2Etxt&etag=%22"
        ),
        "{to}"
    );
}

/// Every condition is enforced, with COS's codes, and nothing is stored.
#[tokio::test]
async fn conditions_signature_and_expiry_are_enforced() {
    let (emu, client, bucket) = setup().await;
    let policy = PostPolicy::new(&bucket)
        .key_prefix("in/")
        .content_type("text/plain")
        .content_length_range(2, 4);
    let form = client.sign_post_policy(&policy).await.unwrap();
    let post = |form: &PostForm, body: &'static str| client.post_object(form).body(body);

    let e = post(&form, "abc")
        .field("key", "out/x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        service_code(&e),
        (403, "AccessDenied".into()),
        "key outside the prefix"
    );
    let e = post(&form, "abc")
        .field("Content-Type", "text/html")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        service_code(&e),
        (403, "AccessDenied".into()),
        "content type"
    );
    let e = post(&form, "abcde").send().await.unwrap_err();
    assert_eq!(service_code(&e), (400, "EntityTooLarge".into()));
    let e = post(&form, "a").send().await.unwrap_err();
    assert_eq!(service_code(&e), (400, "EntityTooSmall".into()));
    let mut forged = form.clone();
    for (k, v) in &mut forged.fields {
        if k == "q-signature" {
            *v = "0".repeat(40);
        }
    }
    let e = post(&forged, "abc").send().await.unwrap_err();
    assert_eq!(service_code(&e), (403, "SignatureDoesNotMatch".into()));
    // The policy names the bucket: the same form cannot upload elsewhere.
    let other = cos_core::BucketName::new("other-1250000000").unwrap();
    client.put_bucket(&other).send().await.unwrap();
    let mut moved = form.clone();
    moved.bucket = other.clone();
    let e = post(&moved, "abc").send().await.unwrap_err();
    assert_eq!(
        service_code(&e),
        (403, "AccessDenied".into()),
        "other bucket"
    );
    let listed = client.list_objects(&bucket).send().await.unwrap();
    assert!(listed.contents.is_empty(), "a refused form stored nothing");

    // Within the limits it uploads; once the policy's expiration has passed (by the
    // emulator's clock) the same form is refused.
    post(&form, "abc").file_name("ok.txt").send().await.unwrap();
    emu.advance_clock(Duration::from_secs(2 * 3600));
    let e = post(&form, "abc").send().await.unwrap_err();
    assert_eq!(service_code(&e), (403, "AccessDenied".into()), "expired");
    assert!(e.to_string().contains("expired"), "{e}");
}

#[tokio::test]
async fn invalid_policies_fail_before_any_request() {
    let (emu, client, bucket) = setup().await;
    for policy in [
        PostPolicy::new(&bucket),
        PostPolicy::new(&bucket)
            .key_prefix("a/")
            .content_length_range(5, 1),
        PostPolicy::new(&bucket)
            .key_prefix("a/")
            .success_action_status(302),
    ] {
        let e = client.sign_post_policy(&policy).await.unwrap_err();
        assert!(
            matches!(e.without_context(), cos_core::Error::InvalidInput(_)),
            "{e}"
        );
    }
    assert!(emu.requests().is_empty());
}

/// A form signed by cos-core, posted by Python `requests` (its own multipart encoder),
/// as a web page would post it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_client_posts_the_form() {
    let python = tokio::task::spawn_blocking(cos_testkit::python::python_or_panic)
        .await
        .unwrap();
    let (emu, client, bucket) = setup().await;
    let policy = PostPolicy::new(&bucket)
        .key_prefix("web/")
        .success_action_status(201)
        .metadata("source", "browser");
    let form = client.sign_post_policy(&policy).await.unwrap();
    let fields: serde_json::Map<String, serde_json::Value> = form
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();
    let host = form.url.split_once("://").unwrap().1.trim_end_matches('/');
    let script = r#"
import json, sys, requests
url, host, fields = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
r = requests.post(url, data=fields, headers={"Host": host},
                  files={"file": ("page.html", b"<p>hi</p>", "text/html")}, timeout=30)
print(r.status_code)
print(r.text)
"#;
    let child = tokio::process::Command::new(&python)
        .args(["-c", script, &format!("{}/", emu.endpoint()), host])
        .arg(serde_json::Value::Object(fields).to_string())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(60), child)
        .await
        .expect("python took more than a minute")
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.starts_with("201"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("<Key>web/page.html</Key>"), "{stdout}");
    let got = client
        .get_object(&bucket, &key("web/page.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.meta.header("x-cos-meta-source").as_deref(),
        Some("browser")
    );
    assert_eq!(&got.body.collect().await.unwrap()[..], b"<p>hi</p>");
}
