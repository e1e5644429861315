//! Bucket configuration families beyond CORS, lifecycle, tagging and policy: one
//! module per family, each serialising exactly the XML the official Python SDK
//! (`cos-python-sdk-v5` `format_xml`) sends for the same settings, element for element
//! and in the same order (the interop fixtures under `cos-emulator/tests/fixtures/`
//! are its captured bodies).
//!
//! Unknown elements are ignored when parsing; the top-level documents are
//! `#[non_exhaustive]` and built with their `new(..)` or `default()`.

pub mod accelerate;
pub mod domain;
pub mod encryption;
pub mod intelligent_tiering;
pub mod inventory;
pub mod logging;
pub mod object_lock;
pub mod origin;
pub mod referer;
pub mod replication;
pub mod response_control;
pub mod website;

pub use accelerate::AccelerateConfiguration;
pub use domain::{
    CertificateDomains, CertificateInfo, CustomCert, DomainCertificate, DomainCertificateStatus,
    DomainConfiguration, DomainRule,
};
pub use encryption::{
    ApplyServerSideEncryptionByDefault, EncryptionRule, ServerSideEncryptionConfiguration,
};
pub use intelligent_tiering::{
    IntelligentTieringConfiguration, ListIntelligentTieringConfigurations, Tiering,
    TieringTransition,
};
pub use inventory::{
    CosBucketDestination, InventoryConfiguration, InventoryDestination, InventoryFilter,
    InventorySchedule, ListInventoryConfigurationResult, OptionalFields,
};
pub use logging::{BucketLoggingStatus, LoggingEnabled};
pub use object_lock::{DefaultRetention, ObjectLockConfiguration, ObjectLockRule};
pub use origin::{
    HostInfo, OriginCondition, OriginConfiguration, OriginInfo, OriginParameter, OriginRule,
};
pub use referer::{DomainList, RefererConfiguration};
pub use replication::{ReplicationConfiguration, ReplicationDestination, ReplicationRule};
pub use response_control::{ControlParamList, ResponseControlConfiguration};
pub use website::{
    ErrorDocument, IndexDocument, RedirectAllRequestsTo, RoutingCondition, RoutingRedirect,
    RoutingRule, RoutingRules, WebsiteConfiguration,
};
