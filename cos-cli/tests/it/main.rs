//! Integration tests of the `cos` binary against the in-process emulator on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod cse_tree;
mod errors;
mod extras;
mod listing;
mod objects;
mod progress;
mod transfers;
