//! cos-emulator's integration tests, in one binary (one link instead of one per file).
//! Each module is one area; `common` is the small signed HTTP/1.1 client they share.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth_fidelity;
mod bucket_config;
mod clock;
mod common;
mod faults;
mod fidelity;
mod fuzz_wire;
mod interop;
mod inventory_reports;
mod lifecycle_clock;
mod limits;
mod lock_and_replication;
mod node;
mod op_table;
mod op_table_config;
mod persistence;
#[cfg(unix)]
mod persistence_kill;
mod replication_paths;
mod retention_paths;
mod select;
mod sse;
mod sts;
mod tls;
mod v4;
