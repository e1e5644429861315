//! Resumable, verified, bounded-memory transfers for Tencent Cloud COS.
//!
//! This crate is being built in layers. What is here now is the sans-IO core that
//! the transfer drivers run on, testable without sockets:
//! - [`crc64`]: COS's `x-cos-hash-crc64ecma` (CRC-64/XZ) and combining part CRCs into
//!   the whole-object CRC without reading the data again;
//! - [`plan`]: choosing single PUT vs multipart and planning parts within COS limits;
//! - [`checkpoint`]: upload and download checkpoints, saved atomically;
//! - [`resume`]: deciding what a restarted transfer may reuse.
#![deny(missing_docs)]

pub mod checkpoint;
pub mod crc64;
pub mod plan;
pub mod resume;
