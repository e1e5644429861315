//! cos-xml's integration tests, in one binary (one link instead of one per file).
//!
//! `cargo xtask fuzz` runs the `fuzz` module alone (`--test it fuzz::`) with
//! `PROPTEST_CASES` raised.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod codec;
mod common;
mod fast;
mod fuzz;
mod models_docs;
mod models_list;
mod op;
mod time;
