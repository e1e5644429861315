//! cos-core's integration tests: one test binary, a module per area.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bucket_families;
mod bucket_ops;
mod common;
mod config;
mod error_body;
mod errors_and_streams;
mod integrity;
mod listing_loop;
mod multipart_list;
mod object_ops;
mod prepare;
mod raw;
mod readme;
mod retry_validation;
mod timeouts;
