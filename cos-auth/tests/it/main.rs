//! cos-auth's integration tests, in one binary (one link instead of one per file).

mod credentials;
mod fuzz;
mod golden;
mod http_feature;
mod roundtrip;
mod tc3;
mod v4_verify;
