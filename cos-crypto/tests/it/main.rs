//! All of cos-crypto's integration tests in one binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod emulator;
mod errors;
mod golden;
mod python_interop;
mod transfers;
