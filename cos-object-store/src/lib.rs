//! [`object_store`](https://docs.rs/object_store)'s `ObjectStore`, `MultipartStore`,
//! `PaginatedListStore` and `signer::Signer` for Tencent Cloud COS on `cos-core`:
//! DataFusion, Polars, delta-rs, Lance and every other user of the `object_store` crate
//! read and write COS buckets with COS-native signing (q-sign, STS tokens carried in
//! presigned URLs), cos-core's retries and CRC-64 checks.
//!
//! # Which object_store
//!
//! Your query engine fixes the object_store release: a store of another release does
//! not implement its `ObjectStore` trait. One implementation is compiled for each
//! release whose feature is on, in its own module, with that release re-exported as
//! `object_store` inside it:
//!
//! | feature | module | used by |
//! |---|---|---|
//! | `object_store_0_13` (default) | [`v0_13`] | DataFusion 53–55, Polars 0.55 |
//! | `object_store_0_14` | [`v0_14`] | newer users of object_store 0.14 |
//!
//! Both may be on at once. With neither, the crate is empty. The `signer` feature adds
//! `object_store::signer::Signer` (presigned URLs); object_store gates that module
//! behind its `cloud` feature in 0.13 (which brings in reqwest) and `cloud-base` in
//! 0.14 (no HTTP client), so it is off by default.
//!
//! # What maps onto what
//!
//! - `put_opts`: PUT Object; `PutMode::Create` sends `x-cos-forbid-overwrite: true`
//!   (an existing object is `AlreadyExists`); `PutMode::Update` is `NotImplemented`
//!   (COS has no conditional PUT). Attributes become `Content-*`/`Cache-Control` and
//!   `x-cos-meta-*`, tags `x-cos-tagging`.
//! - `put_multipart_opts`: a COS multipart upload; parts are numbered in `put_part`
//!   order and may finish in any order. `MultipartStore`: the same upload driven part
//!   by part, `part_idx` `i` as COS part `i + 1` (at most 10 000 parts), the `PartId`
//!   holding the part's ETag.
//! - `get_opts`: GET Object with `Range` (bounded, offset, suffix), `If-*` conditions and
//!   `versionId`; `head: true` is a HEAD.
//! - `list`, `list_with_offset` (COS's `marker`), `list_with_delimiter` (`/`); keys
//!   ending in `/` (COS folder objects) are not listed. `PaginatedListStore`: one List
//!   Objects page, the prefix taken as a raw key prefix, `max_keys` capped at COS's
//!   1000, the page token being COS's `NextMarker`.
//! - `copy_opts`: PUT Object - Copy; `CopyMode::Create` forbids overwriting.
//! - `delete_stream`: Delete Multiple Objects, 1000 keys a request.
//! - Errors: 404 is `NotFound`, 409 `FileAlreadyExists` `AlreadyExists`, 412
//!   `Precondition`, 304 `NotModified`, 403 `PermissionDenied`, 401 `Unauthenticated`,
//!   anything else `Generic` (the cos-core error kept as the source).
//!
//! When to use this rather than OpenDAL's `services-cos` or object_store's S3 backend
//! against COS's S3-compatible endpoint: see the crate README.

// `src/imp/` is compiled once per object_store release, on purpose (`#[path]` from
// each version module).
#![allow(clippy::duplicate_mod)]

#[cfg(feature = "object_store_0_13")]
pub mod v0_13;
#[cfg(feature = "object_store_0_14")]
pub mod v0_14;
