//! cos-xml's integration tests, in one binary (one link instead of one per file).
//!
//! `cargo xtask fuzz` runs this binary (`--test it`) with `PROPTEST_CASES` raised:
//! only the `fuzz` module reads it; the other property tests fix their case counts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod codec;
mod common;
mod config_families;
mod construct;
mod fast;
mod fuzz;
mod models_docs;
mod models_list;
mod op;
mod time;
