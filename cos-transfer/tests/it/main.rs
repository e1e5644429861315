//! All of cos-transfer's integration tests in one binary (one link instead of one per file).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod blocking_reader;
mod builders;
mod common;
mod copy_dir;
mod crc64;
mod credentials_rotation;
mod credentials_rotation_https;
mod emulator;
mod emulator_ops;
mod engine;
mod hardening;
mod hardening_emulator;
mod https;
mod kill_resume;
mod options_errors;
mod plan_resume;
mod python_interop;
mod small_download;
mod sse_kill_resume;
mod sse_transfer;
mod stream_checksums;
mod stream_transfer;
mod transform;
