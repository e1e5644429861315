//! cos-core's integration tests: one test binary, a module per area.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod async_fetch;
mod batch;
mod bucket_ops;
mod common;
mod config;
mod error_body;
mod errors_and_streams;
mod integrity;
mod listing_loop;
mod multipart_list;
mod object_helpers;
mod object_ops;
mod post_object;
mod prepare;
mod raw;
mod readme;
mod retention;
mod retry_validation;
mod symlink;
mod timeouts;
