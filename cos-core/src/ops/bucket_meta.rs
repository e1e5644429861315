//! `get_bucket_meta`: one call gathering a bucket's settings (the official Python
//! SDK's `get_bucket_meta`), and List Buckets with its typed filters.

use cos_xml::config::{
    BucketLoggingStatus, IntelligentTieringConfiguration, ObjectLockConfiguration,
    ReplicationConfiguration, ServerSideEncryptionConfiguration, WebsiteConfiguration,
};
use cos_xml::op::Op;
use cos_xml::{
    AccessControlPolicy, CorsConfiguration, LifecycleConfiguration, ListAllMyBucketsResult,
    Tagging, VersioningConfiguration,
};

use super::{Operation, op_request, xml};
use crate::client::Client;
use crate::error::{Error, InvalidInput};
use crate::types::BucketName;

/// A bucket's settings as [`Client::get_bucket_meta`] gathers them; `None` where the
/// bucket has no such configuration.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BucketMeta {
    /// The bucket's region (`x-cos-bucket-region`).
    pub region: Option<String>,
    /// Whether the bucket is multi-AZ (`x-cos-bucket-az-type: MAZ`).
    pub maz: bool,
    /// Whether the bucket has a hierarchical namespace (`x-cos-bucket-arch: OFS`).
    pub ofs: bool,
    /// ACL.
    pub acl: Option<AccessControlPolicy>,
    /// Static website.
    pub website: Option<WebsiteConfiguration>,
    /// Access logging.
    pub logging: Option<BucketLoggingStatus>,
    /// CORS rules.
    pub cors: Option<CorsConfiguration>,
    /// Versioning.
    pub versioning: Option<VersioningConfiguration>,
    /// Intelligent tiering (v1).
    pub intelligent_tiering: Option<IntelligentTieringConfiguration>,
    /// Lifecycle rules.
    pub lifecycle: Option<LifecycleConfiguration>,
    /// Tags.
    pub tagging: Option<Tagging>,
    /// Object lock.
    pub object_lock: Option<ObjectLockConfiguration>,
    /// Replication.
    pub replication: Option<ReplicationConfiguration>,
    /// Default encryption.
    pub encryption: Option<ServerSideEncryptionConfiguration>,
}

/// `Ok(None)` for a 404 answer (the configuration is not set), else the result.
fn optional<T>(r: Result<T, Error>) -> Result<Option<T>, Error> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.status().is_some_and(|s| s.as_u16() == 404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// How [`ListBucketsFilter::created`] compares creation times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateTimeRange {
    /// Created before the time (`lt`).
    Lt,
    /// Created at or before (`lte`).
    Lte,
    /// Created after (`gt`).
    Gt,
    /// Created at or after (`gte`).
    Gte,
}

impl CreateTimeRange {
    fn as_str(self) -> &'static str {
        match self {
            CreateTimeRange::Lt => "lt",
            CreateTimeRange::Lte => "lte",
            CreateTimeRange::Gt => "gt",
            CreateTimeRange::Gte => "gte",
        }
    }
}

/// The filters of List Buckets (GET Service): `tagkey`/`tagvalue`, `region`,
/// `create-time`/`range`, `marker`, `max-keys` (at most 2000), as the Python SDK's
/// `list_buckets` sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListBucketsFilter {
    tag: Option<(String, String)>,
    region: Option<String>,
    created: Option<(u64, CreateTimeRange)>,
    marker: Option<String>,
    max_keys: Option<u32>,
}

impl ListBucketsFilter {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
    }
    /// Buckets tagged `key` = `value`.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tag = Some((key.into(), value.into()));
        self
    }
    /// Buckets of `region`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
    /// Buckets created `range` `unix_secs`.
    pub fn created(mut self, unix_secs: u64, range: CreateTimeRange) -> Self {
        self.created = Some((unix_secs, range));
        self
    }
    /// Buckets after `marker` (a previous page's `NextMarker`).
    pub fn marker(mut self, marker: impl Into<String>) -> Self {
        self.marker = Some(marker.into());
        self
    }
    /// At most `n` buckets (1..=2000; checked at `send`).
    pub fn max_keys(mut self, n: u32) -> Self {
        self.max_keys = Some(n);
        self
    }
}

impl Client {
    /// List Buckets (GET Service) with typed filters.
    ///
    /// Errors: [`InvalidInput`] for `max_keys` outside 1..=2000 (before any request);
    /// [`Error::Service`] and client errors.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_core::ops::bucket_meta::ListBucketsFilter;
    /// let filter = ListBucketsFilter::new().region("ap-guangzhou").tag("team", "storage").max_keys(100);
    /// let page = client.list_buckets_filtered(&filter).send().await?;
    /// println!("{} buckets", page.buckets.bucket.len());
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    pub fn list_buckets_filtered(
        &self,
        filter: &ListBucketsFilter,
    ) -> Operation<ListAllMyBucketsResult> {
        let op = Op::ListBuckets;
        let mut req = op_request(op, None, None);
        if let Some((k, v)) = &filter.tag {
            req.query("tagkey", k.as_str());
            req.query("tagvalue", v.as_str());
        }
        if let Some(r) = &filter.region {
            req.query("region", r.as_str());
        }
        if let Some((t, range)) = filter.created {
            req.query("create-time", t.to_string());
            req.query("range", range.as_str());
        }
        if let Some(m) = &filter.marker {
            req.query("marker", m.as_str());
        }
        if let Some(n) = filter.max_keys {
            req.query("max-keys", n.to_string());
        }
        let mut o = Operation::new(self, op, req, xml);
        if filter.max_keys.is_some_and(|n| !(1..=2000).contains(&n)) {
            o.err = Some(InvalidInput::Other(
                "max_keys must be within 1..=2000".into(),
            ));
        }
        o
    }

    /// Gathers the bucket's settings in one call, concurrently: HEAD Bucket (region,
    /// multi-AZ, OFS) and the ACL, website, logging, CORS, versioning, intelligent
    /// tiering, lifecycle, tagging, object lock, replication and encryption
    /// configurations; a configuration the bucket does not have (a 404 answer) is
    /// `None`.
    ///
    /// Errors: the first error other than a 404 for a missing configuration (e.g.
    /// `NoSuchBucket` from HEAD Bucket, `AccessDenied`), and client errors.
    pub async fn get_bucket_meta(&self, bucket: &BucketName) -> Result<BucketMeta, Error> {
        let (head, acl, website, logging, cors, versioning, tiering) = tokio::join!(
            self.head_bucket(bucket).send(),
            self.get_bucket_acl(bucket).send(),
            self.get_bucket_website(bucket).send(),
            self.get_bucket_logging(bucket).send(),
            self.get_bucket_cors(bucket).send(),
            self.get_bucket_versioning(bucket).send(),
            self.get_bucket_intelligent_tiering(bucket).send(),
        );
        let (lifecycle, tagging, lock, replication, encryption) = tokio::join!(
            self.get_bucket_lifecycle(bucket).send(),
            self.get_bucket_tagging(bucket).send(),
            self.get_bucket_object_lock(bucket).send(),
            self.get_bucket_replication(bucket).send(),
            self.get_bucket_encryption(bucket).send(),
        );
        let head = head?;
        let h = |n: &str| head.headers.get(n).and_then(|v| v.to_str().ok());
        Ok(BucketMeta {
            region: h("x-cos-bucket-region").map(str::to_owned),
            maz: h("x-cos-bucket-az-type") == Some("MAZ"),
            ofs: h("x-cos-bucket-arch") == Some("OFS"),
            acl: optional(acl)?,
            website: optional(website)?,
            logging: optional(logging)?,
            cors: optional(cors)?,
            versioning: optional(versioning)?,
            intelligent_tiering: optional(tiering)?,
            lifecycle: optional(lifecycle)?,
            tagging: optional(tagging)?,
            object_lock: optional(lock)?,
            replication: optional(replication)?,
            encryption: optional(encryption)?,
        })
    }
}
