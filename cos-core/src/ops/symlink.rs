//! Symlinks: PUT Object symlink and GET Object symlink. GET and HEAD Object through a
//! symlink answer its target's content and metadata (COS, "软链接概述",
//! <https://cloud.tencent.com/document/product/436/109082>).

use cos_xml::op::Op;

use super::{Operation, op_request, url_decode};
use crate::client::{Client, ResponseMeta};
use crate::error::Error;
use crate::transport::RawResponse;
use crate::types::{BucketName, ObjectKey};

/// The header naming a symlink's target.
const TARGET: &str = "x-cos-symlink-target";

/// Result of PUT Object symlink.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PutSymlinkOutput {
    /// `ETag` of the symlink itself (the MD5 of its target's key).
    pub etag: Option<String>,
    /// `x-cos-version-id`, in a versioned bucket.
    pub version_id: Option<String>,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
}

/// Result of GET Object symlink.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GetSymlinkOutput {
    /// The key the symlink points to.
    pub target: String,
    /// `ETag` of the symlink itself.
    pub etag: Option<String>,
    /// `x-cos-version-id` of the symlink.
    pub version_id: Option<String>,
    /// Status, request id and headers.
    pub meta: ResponseMeta,
}

fn put_output(r: RawResponse) -> Result<PutSymlinkOutput, Error> {
    Ok(PutSymlinkOutput {
        etag: r.header("etag"),
        version_id: r.header("x-cos-version-id"),
        meta: ResponseMeta::from_raw(&r),
    })
}

fn get_output(r: RawResponse) -> Result<GetSymlinkOutput, Error> {
    let target = r.header(TARGET).map(|t| url_decode(&t)).ok_or_else(|| {
        Error::Decode(format!("GET Object symlink answered without {TARGET}").into())
    })?;
    Ok(GetSymlinkOutput {
        target,
        etag: r.header("etag"),
        version_id: r.header("x-cos-version-id"),
        meta: ResponseMeta::from_raw(&r),
    })
}

impl Client {
    /// PUT Object symlink: makes `key` a symlink to `target` in the same bucket (the
    /// target need not exist yet; reads resolve it). Add `x-cos-meta-*`, `x-cos-acl`
    /// or `x-cos-forbid-overwrite` with `.header(..)`.
    ///
    /// Errors: `InvalidArgument` (400) for a target naming the symlink itself, client
    /// errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let link = cos_core::ObjectKey::new("latest.tar.gz")?;
    /// let target = cos_core::ObjectKey::new("releases/v1.2.3.tar.gz")?;
    /// # client.put_object(&bucket, &cos_core::ObjectKey::new("releases/v1.2.3.tar.gz")?).body("data").send().await?;
    /// client.put_symlink(&bucket, &link, &target).send().await?;
    /// // Reads through the link serve the target.
    /// let body = client.get_object(&bucket, &link).send().await?.body.collect().await?;
    /// # assert_eq!(body, "data");
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn put_symlink(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        target: &ObjectKey,
    ) -> Operation<PutSymlinkOutput> {
        let op = Op::PutSymlink;
        let mut req = op_request(op, Some(bucket), Some(key));
        let encoded = cos_auth::encode::url_path(target.as_str());
        req.header(TARGET, encoded.trim_start_matches('/'));
        Operation::new(self, op, req, put_output)
    }

    /// GET Object symlink: the key `key` points to.
    ///
    /// Errors: `NoSuchKey` (404), `InvalidArgument` (400) when `key` is not a symlink,
    /// client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let link = cos_core::ObjectKey::new("latest.tar.gz")?;
    /// # let target = cos_core::ObjectKey::new("releases/v1.2.3.tar.gz")?;
    /// # client.put_object(&bucket, &target).body("data").send().await?;
    /// # client.put_symlink(&bucket, &link, &target).send().await?;
    /// println!("{}", client.get_symlink(&bucket, &link).send().await?.target);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn get_symlink(&self, bucket: &BucketName, key: &ObjectKey) -> Operation<GetSymlinkOutput> {
        let op = Op::GetSymlink;
        Operation::new(
            self,
            op,
            op_request(op, Some(bucket), Some(key)),
            get_output,
        )
    }
}
