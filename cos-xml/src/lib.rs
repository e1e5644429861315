//! Typed XML models for the Tencent Cloud COS XML API.
//!
//! Every request and response body of the COS XML API has a model here that
//! implements both [`serde::Serialize`] and [`serde::Deserialize`], so the same
//! types serve a client (serialize requests, parse responses) and a server or
//! emulator (parse requests, serialize responses). Element names match COS
//! exactly; Rust fields are snake_case.
//!
//! ```
//! use cos_xml::{ListBucketResult, from_str, to_string};
//!
//! let xml = r#"<ListBucketResult><Name>examplebucket-1250000000</Name><Prefix/><Marker/>
//!   <MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>
//!   <Contents><Key>a.txt</Key><LastModified>2017-08-08T09:43:35.000Z</LastModified>
//!   <ETag>"a5b2e1cfb08d10f6523f7e6fbf3643d5"</ETag><Size>23</Size>
//!   <StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>"#;
//! let list: ListBucketResult = from_str(xml)?;
//! assert_eq!(list.contents[0].size, 23);
//! // The fast path gives the same model.
//! assert_eq!(ListBucketResult::from_xml_fast(xml)?, list);
//! let back: ListBucketResult = from_str(&to_string(&list)?)?;
//! assert_eq!(back, list);
//! # Ok::<(), cos_xml::XmlError>(())
//! ```
//!
//! Conventions:
//! - optional elements are `Option`, repeated elements are `Vec` (empty when absent);
//! - dates are kept as the strings COS sends; `*_time()` methods parse them
//!   (see [`time::parse_time`]);
//! - response models are `#[non_exhaustive]` (COS adds elements over time): outside
//!   this crate build them with `default()` or their `new(..)` and assign fields;
//! - with `encoding-type=url`, keys stay percent-encoded — decoding is the client's job;
//! - bucket policies are JSON and have no model here.
//!
//! Building a response model (in a server, or a test fake):
//!
//! ```
//! use cos_xml::{ErrorResponse, ListBucketResult, ObjectSummary};
//!
//! let mut entry = ObjectSummary::default();
//! entry.key = "a.txt".into();
//! entry.last_modified = "2017-08-08T09:43:35.000Z".into();
//! let mut list = ListBucketResult::default();
//! list.name = "examplebucket-1250000000".into();
//! list.contents.push(entry);
//! assert_eq!(list.contents[0].last_modified_time()?,
//!            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_502_185_415));
//! let err = ErrorResponse::new("NoSuchKey", "The specified key does not exist.");
//! assert_eq!(err.code, "NoSuchKey");
//! # Ok::<(), cos_xml::XmlError>(())
//! ```
//!
//! A struct literal does not compile outside this crate, even with
//! `..Default::default()`, so a new element added to a model is not a breaking change:
//!
//! ```compile_fail,E0639
//! let _ = cos_xml::ListBucketResult { name: "b".into(), ..Default::default() };
//! ```
//!
//! ```compile_fail,E0639
//! let _ = cos_xml::ErrorResponse { code: "NoSuchKey".into(), ..Default::default() };
//! ```
#![deny(missing_docs)]

pub mod acl;
pub mod batch;
pub mod bucket;
pub mod codec;
pub mod common;
pub mod config;
pub mod cors;
pub mod error;
mod fast;
pub mod lifecycle;
pub mod list;
pub mod multipart;
pub mod object;
pub mod op;
pub mod post_object;
pub mod retention;
pub mod select;
pub mod tagging;
pub mod time;

pub use acl::{AccessControlList, AccessControlPolicy, Grant, Grantee, GranteeType, Permission};
pub use bucket::{
    Bucket, Buckets, CreateBucketConfiguration, ListAllMyBucketsResult, LocationConstraint,
    VersioningConfiguration, VersioningStatus,
};
pub use codec::{XmlError, from_slice, from_str, to_string, to_string_with_declaration};
pub use common::{CommonPrefix, Owner, Tag};
pub use cors::{CorsConfiguration, CorsRule};
pub use error::ErrorResponse;
pub use lifecycle::{
    AbortIncompleteMultipartUpload, Expiration, LifecycleAnd, LifecycleConfiguration,
    LifecycleFilter, LifecycleRule, NoncurrentVersionExpiration, NoncurrentVersionTransition,
    RuleStatus, Transition,
};
pub use list::{
    DeleteMarkerEntry, ListBucketResult, ListVersionsResult, ObjectSummary, ObjectVersion,
    VersionEntry,
};
pub use multipart::{
    CompleteMultipartUpload, CompleteMultipartUploadResult, CompletedPart, CopyPartResult,
    InitiateMultipartUploadResult, ListMultipartUploadsResult, ListPartsResult, Part, Upload,
};
pub use object::{
    CasJobParameters, CopyObjectResult, Delete, DeleteError, DeleteResult, DeletedObject,
    ObjectIdentifier, RestoreRequest, Tier,
};
pub use post_object::PostResponse;
pub use retention::Retention;
pub use tagging::{TagSet, Tagging};
