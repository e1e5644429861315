//! The operation table: every COS XML API operation cos-rs knows, with how a request
//! names it.
//!
//! [`Op`] is one variant per operation; [`Op::spec`] gives its name as COS documents
//! and logs it (`InitiateMultipartUpload`, `DeleteMultipleObjects`, ...), its HTTP
//! method, what it addresses ([`Scope`]), the query parameter that selects it (its
//! sub-resource, e.g. `acl`, `uploads`, `versions`) and the access it needs
//! ([`Access`]). Clients, servers and tests match on [`Op`] exhaustively, so an
//! operation added here without a handler does not compile.
//!
//! ```
//! use cos_xml::op::{Access, Method, Op, Scope};
//!
//! let op: Op = "InitiateMultipartUpload".parse()?;
//! let spec = op.spec();
//! assert_eq!((spec.method, spec.scope), (Method::Post, Scope::Object));
//! assert_eq!(spec.subresource, Some("uploads"));
//! assert_eq!(spec.access, Access::Write);
//! assert_eq!(op.to_string(), "InitiateMultipartUpload");
//! assert!("NoSuchOperation".parse::<Op>().is_err());
//! # Ok::<(), cos_xml::op::UnknownOp>(())
//! ```

use std::fmt;
use std::str::FromStr;

/// An HTTP method of the COS XML API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// The method's name as sent on the wire (`"GET"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
        }
    }

    /// The method named `name` (upper case, as on the wire), if the XML API uses it.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Method::Get,
            Method::Head,
            Method::Put,
            Method::Post,
            Method::Delete,
            Method::Options,
        ]
        .into_iter()
        .find(|m| m.as_str() == name)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an operation addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The account (`GET /` on the service endpoint).
    Service,
    /// A bucket (`/` on the bucket's endpoint).
    Bucket,
    /// An object (`/<key>`).
    Object,
}

/// The access an operation needs from a caller who is not the owner, as the
/// emulator grants it to anonymous requests through ACLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// None: a CORS preflight is answered from the bucket's CORS rules alone.
    Open,
    /// Reading objects or the object listing: granted by `READ` (`public-read`).
    Read,
    /// Creating, changing or deleting objects: granted by `WRITE`
    /// (`public-read-write`).
    Write,
    /// Only the owner: the account's buckets, bucket creation and deletion, ACLs,
    /// configurations, version and upload listings, batch deletes, copies and restores.
    Owner,
}

/// How a request names an operation (see [`Op::spec`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpSpec {
    /// The name COS documents and logs, e.g. `InitiateMultipartUpload`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// What the request addresses.
    pub scope: Scope,
    /// The query parameter that selects the operation (`acl`, `uploads`,
    /// `uploadId`, ...), if any. Copies are told from PUT Object and Upload Part by
    /// their `x-cos-copy-source` header instead (see [`Op::is_copy`]).
    pub subresource: Option<&'static str>,
    /// The access the operation needs.
    pub access: Access,
}

macro_rules! ops {
    ($( $(#[$doc:meta])* $op:ident => ($method:ident, $scope:ident, $sub:expr, $access:ident), )*) => {
        /// A COS XML API operation (see the [module docs](self)).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Op {
            $( $(#[$doc])* $op, )*
        }

        impl Op {
            /// Every operation, in declaration order.
            pub const ALL: &'static [Op] = &[$( Op::$op, )*];

            /// How a request names this operation.
            pub const fn spec(self) -> OpSpec {
                match self {
                    $( Op::$op => OpSpec {
                        name: stringify!($op),
                        method: Method::$method,
                        scope: Scope::$scope,
                        subresource: $sub,
                        access: Access::$access,
                    }, )*
                }
            }
        }
    };
}

ops! {
    /// GET Service: the account's buckets.
    ListBuckets => (Get, Service, None, Owner),
    /// PUT Bucket.
    PutBucket => (Put, Bucket, None, Owner),
    /// HEAD Bucket.
    HeadBucket => (Head, Bucket, None, Read),
    /// DELETE Bucket.
    DeleteBucket => (Delete, Bucket, None, Owner),
    /// GET Bucket location.
    GetBucketLocation => (Get, Bucket, Some("location"), Owner),
    /// PUT Bucket versioning.
    PutBucketVersioning => (Put, Bucket, Some("versioning"), Owner),
    /// GET Bucket versioning.
    GetBucketVersioning => (Get, Bucket, Some("versioning"), Owner),
    /// PUT Bucket acl.
    PutBucketAcl => (Put, Bucket, Some("acl"), Owner),
    /// GET Bucket acl.
    GetBucketAcl => (Get, Bucket, Some("acl"), Owner),
    /// PUT Bucket cors.
    PutBucketCors => (Put, Bucket, Some("cors"), Owner),
    /// GET Bucket cors.
    GetBucketCors => (Get, Bucket, Some("cors"), Owner),
    /// DELETE Bucket cors.
    DeleteBucketCors => (Delete, Bucket, Some("cors"), Owner),
    /// PUT Bucket lifecycle.
    PutBucketLifecycle => (Put, Bucket, Some("lifecycle"), Owner),
    /// GET Bucket lifecycle.
    GetBucketLifecycle => (Get, Bucket, Some("lifecycle"), Owner),
    /// DELETE Bucket lifecycle.
    DeleteBucketLifecycle => (Delete, Bucket, Some("lifecycle"), Owner),
    /// PUT Bucket tagging.
    PutBucketTagging => (Put, Bucket, Some("tagging"), Owner),
    /// GET Bucket tagging.
    GetBucketTagging => (Get, Bucket, Some("tagging"), Owner),
    /// DELETE Bucket tagging.
    DeleteBucketTagging => (Delete, Bucket, Some("tagging"), Owner),
    /// PUT Bucket policy.
    PutBucketPolicy => (Put, Bucket, Some("policy"), Owner),
    /// GET Bucket policy.
    GetBucketPolicy => (Get, Bucket, Some("policy"), Owner),
    /// DELETE Bucket policy.
    DeleteBucketPolicy => (Delete, Bucket, Some("policy"), Owner),
    /// GET Bucket: the object listing.
    ListObjects => (Get, Bucket, None, Read),
    /// GET Bucket Object versions.
    ListObjectVersions => (Get, Bucket, Some("versions"), Owner),
    /// List Multipart Uploads.
    ListMultipartUploads => (Get, Bucket, Some("uploads"), Owner),
    /// DELETE Multiple Objects.
    DeleteMultipleObjects => (Post, Bucket, Some("delete"), Owner),
    /// OPTIONS Object: a CORS preflight (also accepted on the bucket's root).
    OptionsObject => (Options, Object, None, Open),
    /// PUT Object.
    PutObject => (Put, Object, None, Write),
    /// PUT Object - Copy (a PUT Object with `x-cos-copy-source`).
    CopyObject => (Put, Object, None, Owner),
    /// GET Object.
    GetObject => (Get, Object, None, Read),
    /// HEAD Object.
    HeadObject => (Head, Object, None, Read),
    /// DELETE Object.
    DeleteObject => (Delete, Object, None, Write),
    /// POST Object restore.
    RestoreObject => (Post, Object, Some("restore"), Owner),
    /// APPEND Object.
    AppendObject => (Post, Object, Some("append"), Write),
    /// PUT Object acl.
    PutObjectAcl => (Put, Object, Some("acl"), Owner),
    /// GET Object acl.
    GetObjectAcl => (Get, Object, Some("acl"), Owner),
    /// PUT Object tagging.
    PutObjectTagging => (Put, Object, Some("tagging"), Owner),
    /// GET Object tagging.
    GetObjectTagging => (Get, Object, Some("tagging"), Owner),
    /// DELETE Object tagging.
    DeleteObjectTagging => (Delete, Object, Some("tagging"), Owner),
    /// Initiate Multipart Upload.
    InitiateMultipartUpload => (Post, Object, Some("uploads"), Write),
    /// Upload Part.
    UploadPart => (Put, Object, Some("uploadId"), Write),
    /// Upload Part - Copy (an Upload Part with `x-cos-copy-source`).
    UploadPartCopy => (Put, Object, Some("uploadId"), Owner),
    /// Complete Multipart Upload.
    CompleteMultipartUpload => (Post, Object, Some("uploadId"), Write),
    /// Abort Multipart Upload.
    AbortMultipartUpload => (Delete, Object, Some("uploadId"), Write),
    /// List Parts.
    ListParts => (Get, Object, Some("uploadId"), Read),
    // --- object operations beyond the basics (issue 17) ---
    /// POST Object: a browser form upload (`multipart/form-data` on the bucket's
    /// root). `Open` in the table: the request carries no `Authorization`; the form's
    /// signed policy authorises it, else the bucket's ACL must grant `WRITE`.
    PostObject => (Post, Bucket, None, Open),
    /// PUT Object symlink: a symlink to another object of the bucket
    /// (`x-cos-symlink-target`).
    PutSymlink => (Put, Object, Some("symlink"), Write),
    /// GET Object symlink: a symlink's target.
    GetSymlink => (Get, Object, Some("symlink"), Read),
    /// PUT Object retention: keep an object from deletion and overwriting until a date.
    PutObjectRetention => (Put, Object, Some("retention"), Owner),
    /// GET Object retention.
    GetObjectRetention => (Get, Object, Some("retention"), Owner),
    /// PUT async fetch task: COS fetches a URL into an object. Served on the migration
    /// host `<region>.migration.myqcloud.com` as `POST /<bucket>/` with a JSON body
    /// (see [`Op::on_migration_host`]).
    PutAsyncFetchTask => (Post, Bucket, None, Owner),
    /// GET async fetch task: `GET /<bucket>/<task id>` on the migration host (the task
    /// id takes the key's place).
    GetAsyncFetchTask => (Get, Object, None, Owner),
    /// COS Batch Operations, Create Job: `POST /jobs` on the control host (see
    /// [`Op::on_control_host`]).
    CreateJob => (Post, Service, None, Owner),
    /// Describe Job: `GET /jobs/<id>`.
    DescribeJob => (Get, Service, None, Owner),
    /// List Jobs: `GET /jobs`.
    ListJobs => (Get, Service, None, Owner),
    /// Delete Job: `DELETE /jobs/<id>`.
    DeleteJob => (Delete, Service, None, Owner),
    /// Update Job Priority: `POST /jobs/<id>/priority?priority=<n>`.
    UpdateJobPriority => (Post, Service, None, Owner),
    /// Update Job Status: `POST /jobs/<id>/status?requestedJobStatus=<status>`.
    UpdateJobStatus => (Post, Service, None, Owner),
    // --- select ---
    /// SELECT Object Content (`POST /<key>?select&select-type=2`): an SQL query over
    /// a CSV or JSON object, answered as an event stream. Needs `cos:GetObject`.
    SelectObjectContent => (Post, Object, Some("select"), Read),
    // --- bucket configuration (issue 16) ---
    /// PUT Bucket website.
    PutBucketWebsite => (Put, Bucket, Some("website"), Owner),
    /// GET Bucket website.
    GetBucketWebsite => (Get, Bucket, Some("website"), Owner),
    /// DELETE Bucket website.
    DeleteBucketWebsite => (Delete, Bucket, Some("website"), Owner),
    /// PUT Bucket referer (an empty body removes the configuration, as the Python
    /// SDK's `delete_bucket_referer` does: COS has no DELETE for it).
    PutBucketReferer => (Put, Bucket, Some("referer"), Owner),
    /// GET Bucket referer.
    GetBucketReferer => (Get, Bucket, Some("referer"), Owner),
    /// PUT Bucket encryption: the default server-side encryption of new objects.
    PutBucketEncryption => (Put, Bucket, Some("encryption"), Owner),
    /// GET Bucket encryption.
    GetBucketEncryption => (Get, Bucket, Some("encryption"), Owner),
    /// DELETE Bucket encryption.
    DeleteBucketEncryption => (Delete, Bucket, Some("encryption"), Owner),
    /// PUT Bucket logging (an empty `<BucketLoggingStatus/>` turns logging off).
    PutBucketLogging => (Put, Bucket, Some("logging"), Owner),
    /// GET Bucket logging.
    GetBucketLogging => (Get, Bucket, Some("logging"), Owner),
    /// PUT Bucket ObjectLockConfiguration.
    PutBucketObjectLock => (Put, Bucket, Some("object-lock"), Owner),
    /// GET Bucket ObjectLockConfiguration.
    GetBucketObjectLock => (Get, Bucket, Some("object-lock"), Owner),
    /// PUT Bucket replication.
    PutBucketReplication => (Put, Bucket, Some("replication"), Owner),
    /// GET Bucket replication.
    GetBucketReplication => (Get, Bucket, Some("replication"), Owner),
    /// DELETE Bucket replication.
    DeleteBucketReplication => (Delete, Bucket, Some("replication"), Owner),
    /// PUT Bucket inventory (`id` names the inventory).
    PutBucketInventory => (Put, Bucket, Some("inventory"), Owner),
    /// GET Bucket inventory: one configuration with `id`, else List Inventory
    /// Configurations (the same method and sub-resource on the wire).
    GetBucketInventory => (Get, Bucket, Some("inventory"), Owner),
    /// DELETE Bucket inventory.
    DeleteBucketInventory => (Delete, Bucket, Some("inventory"), Owner),
    /// POST Bucket inventory: a one-off report now.
    PostBucketInventory => (Post, Bucket, Some("inventory"), Owner),
    /// PUT Bucket intelligenttiering (v1).
    PutBucketIntelligentTiering => (Put, Bucket, Some("intelligenttiering"), Owner),
    /// GET Bucket intelligenttiering (v1).
    GetBucketIntelligentTiering => (Get, Bucket, Some("intelligenttiering"), Owner),
    /// PUT Bucket intelligent-tiering (v2, `id` names the configuration).
    PutBucketIntelligentTieringV2 => (Put, Bucket, Some("intelligent-tiering"), Owner),
    /// GET Bucket intelligent-tiering (v2): one configuration with `id`, else List
    /// Bucket IntelligentTiering Configurations.
    GetBucketIntelligentTieringV2 => (Get, Bucket, Some("intelligent-tiering"), Owner),
    /// PUT Bucket accelerate.
    PutBucketAccelerate => (Put, Bucket, Some("accelerate"), Owner),
    /// GET Bucket accelerate.
    GetBucketAccelerate => (Get, Bucket, Some("accelerate"), Owner),
    /// PUT Bucket domain: custom domains.
    PutBucketDomain => (Put, Bucket, Some("domain"), Owner),
    /// GET Bucket domain.
    GetBucketDomain => (Get, Bucket, Some("domain"), Owner),
    /// DELETE Bucket domain.
    DeleteBucketDomain => (Delete, Bucket, Some("domain"), Owner),
    /// PUT Bucket domaincertificate: a certificate for custom domains.
    PutBucketDomainCertificate => (Put, Bucket, Some("domaincertificate"), Owner),
    /// GET Bucket domaincertificate (`domainname` names the domain).
    GetBucketDomainCertificate => (Get, Bucket, Some("domaincertificate"), Owner),
    /// DELETE Bucket domaincertificate (`domainname` names the domain).
    DeleteBucketDomainCertificate => (Delete, Bucket, Some("domaincertificate"), Owner),
    /// PUT Bucket origin: back-to-origin rules.
    PutBucketOrigin => (Put, Bucket, Some("origin"), Owner),
    /// GET Bucket origin.
    GetBucketOrigin => (Get, Bucket, Some("origin"), Owner),
    /// DELETE Bucket origin.
    DeleteBucketOrigin => (Delete, Bucket, Some("origin"), Owner),
    /// PUT Bucket response-control.
    PutBucketResponseControl => (Put, Bucket, Some("response-control"), Owner),
    /// GET Bucket response-control.
    GetBucketResponseControl => (Get, Bucket, Some("response-control"), Owner),
    /// DELETE Bucket response-control.
    DeleteBucketResponseControl => (Delete, Bucket, Some("response-control"), Owner),
}

impl Op {
    /// The name COS documents and logs (`spec().name`).
    pub const fn name(self) -> &'static str {
        self.spec().name
    }

    /// Whether the request carries `x-cos-copy-source` (PUT Object - Copy, Upload
    /// Part - Copy): these share method, scope and sub-resource with
    /// [`Op::PutObject`] and [`Op::UploadPart`].
    pub const fn is_copy(self) -> bool {
        matches!(self, Op::CopyObject | Op::UploadPartCopy)
    }

    /// The operation a request names: `method` on `scope`, selected by the
    /// sub-resource `subresource` (see [`SUBRESOURCES`]), with or without
    /// `x-cos-copy-source`. `None` when no operation of the table matches.
    ///
    /// A CORS preflight (`OPTIONS`) names [`Op::OptionsObject`] on a bucket as on an
    /// object.
    pub fn find(method: Method, scope: Scope, subresource: Option<&str>, copy: bool) -> Option<Op> {
        if method == Method::Options && scope != Scope::Service {
            return subresource.is_none().then_some(Op::OptionsObject);
        }
        Op::ALL.iter().copied().find(|op| {
            let s = op.spec();
            !op.routed_by_host()
                && s.method == method
                && s.scope == scope
                && s.subresource == subresource
                && (op.is_copy() == copy || !(op.is_copy() || op.has_copy_variant()))
        })
    }

    /// Whether the operation is served on the migration host
    /// (`<region>.migration.myqcloud.com`, path `/<bucket>/[<task id>]`), where the host,
    /// not the method and sub-resource, names it: the async fetch tasks, as the official
    /// SDKs send them (`tencentyun/cos-go-sdk-v5` `object.go` `PutFetchTask` /
    /// `GetFetchTask`, `cos-python-sdk-v5` `put_async_fetch_task`). [`Op::find`] never
    /// names them.
    pub const fn on_migration_host(self) -> bool {
        matches!(self, Op::PutAsyncFetchTask | Op::GetAsyncFetchTask)
    }

    /// Whether the operation is one of COS Batch Operations, served on the control host
    /// `<uin>.cos-control.<region>.myqcloud.com` under `/jobs` (`tencentyun/cos-go-sdk-v5`
    /// `batch.go`, `BatchService`), where the host and path name it. [`Op::find`] never
    /// names them.
    pub const fn on_control_host(self) -> bool {
        matches!(
            self,
            Op::CreateJob
                | Op::DescribeJob
                | Op::ListJobs
                | Op::DeleteJob
                | Op::UpdateJobPriority
                | Op::UpdateJobStatus
        )
    }

    /// Whether a host of its own, not the method and sub-resource, names the
    /// operation: [`Op::on_migration_host`] or [`Op::on_control_host`].
    pub const fn routed_by_host(self) -> bool {
        self.on_migration_host() || self.on_control_host()
    }

    /// Whether a copying variant shares this operation's method, scope and
    /// sub-resource.
    const fn has_copy_variant(self) -> bool {
        matches!(self, Op::PutObject | Op::UploadPart)
    }
}

/// The query parameters that name a COS sub-resource, i.e. select an operation other
/// than the base one of a method on a bucket or object, in the order they decide
/// when a request carries several.
///
/// It holds the sub-resources of [`Op::ALL`] and those COS serves beyond them
/// (website, replication, logging, inventory, referer, domain, origin, encryption,
/// intelligent tiering, symlinks, select, ...): the sub-resources the official SDKs
/// send (`tencentyun/cos-nodejs-sdk-v5` `sdk/base.js` `action:` values,
/// `tencentyun/cos-go-sdk-v5` request URIs). A server that does not serve one must
/// refuse it, never answer the base operation instead. Every other
/// query parameter (`prefix`, `marker`, `max-keys`, `delimiter`, `encoding-type`,
/// `versionId`, `partNumber`, `response-*`, signature parameters, ...) is a plain
/// parameter of the operation.
pub const SUBRESOURCES: &[&str] = &[
    // Multipart: `uploadId` with the operation's own parameters.
    "uploadId",
    "uploads",
    // Served by the operation table.
    "acl",
    "cors",
    "lifecycle",
    "versioning",
    "tagging",
    "policy",
    "location",
    "versions",
    "delete",
    "restore",
    "append",
    // COS sub-resources beyond the table.
    "website",
    "replication",
    "logging",
    "inventory",
    "inventory-configuration",
    "referer",
    "domain",
    "domaincertificate",
    "origin",
    "encryption",
    "intelligenttiering",
    "intelligent-tiering",
    "origin-protect",
    "hotlink",
    "style",
    "accelerate",
    "notification",
    "object-lock",
    "retention",
    "symlink",
    "select",
    "rename",
    "torrent",
    "requestPayment",
    "image-process",
    "guetzli",
    "ci-process",
    // Bucket response control (the Python SDK's `put_bucket_response_control`).
    "response-control",
];

/// The error of parsing an operation name that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown COS operation {name:?}; valid operations: {}", valid_names())]
pub struct UnknownOp {
    /// The name that was given.
    pub name: String,
}

/// Every operation name, comma-separated.
fn valid_names() -> String {
    Op::ALL
        .iter()
        .map(|op| op.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for Op {
    type Err = UnknownOp;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Op::ALL
            .iter()
            .copied()
            .find(|op| op.name() == s)
            .ok_or_else(|| UnknownOp { name: s.to_owned() })
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
