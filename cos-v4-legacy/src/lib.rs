//! A client for Tencent Cloud COS's legacy **v4 JSON file/folder API**
//! (`/files/v2/{appid}/{bucket}{path}`), compatible with the official Python SDK
//! `qcloud_cos_v4` request for request.
//!
//! It signs with `cos-auth`'s v4 signer (a `cos_core::transport::Authorizer`) and sends through
//! `cos-core`'s HTTP transport [`cos_core::transport::Transport`]
//! (pool, timeouts, retries on 5xx/connection errors, `connect_to`), not the XML layer.
//! The data is COS's: files written here are objects of the bucket `{bucket}-{appid}`
//! in the XML API, and folders are folder objects (keys ending in `/`).
//!
//! - Files: [`CosClient::upload_file`] / [`CosClient::upload_bytes`] (single request
//!   below 8 MiB, slice upload above: `upload_slice_init` / `_data` / `_finish`,
//!   honouring the server's `slice_size`, `serial_upload` and instant-upload
//!   `access_url`, with optional `sha`/`uploadparts` and resume of an unfinished upload
//!   through `upload_slice_list` on `-4019`), [`CosClient::stat_file`],
//!   [`CosClient::update_file`], [`CosClient::del_file`], [`CosClient::move_file`],
//!   [`CosClient::download_file`] / [`CosClient::download_url`].
//! - Folders: [`CosClient::create_folder`], [`CosClient::stat_folder`],
//!   [`CosClient::update_folder`], [`CosClient::list_folder`] (also
//!   [`ListFolder::into_stream`]), [`CosClient::del_folder`].
//! - Signatures: [`CosClient::sign_more`], [`CosClient::sign_once`],
//!   [`CosClient::sign_download`], and [`V4Signer`] itself.
//! - Paths are checked before any request (files start with `/` and do not end with
//!   `/`; folders start and end with `/`): a bad one is [`Error::Params`] (`-1`).
//!   Answers `{code, message, data}` with a non-zero code become [`Error`].
//!
//! ```
//! # async fn run(endpoint: String) -> Result<(), cos_v4_legacy::Error> {
//! use cos_v4_legacy::CosClient;
//!
//! let client = CosClient::new(1250000000, "AKIDEXAMPLE", "SECRETKEYEXAMPLE", "sh")?;
//! # let client = CosClient::with_config(1250000000, "AKIDEXAMPLE", "SECRETKEYEXAMPLE", cos_v4_legacy::Config::new("sh").connect_to(endpoint))?; // the doctest's emulator
//! client.create_folder("mybucket", "/docs/").send().await?;
//! client.upload_bytes("mybucket", "/docs/hello.txt", "hello").biz_attr("greeting").send().await?;
//! let page = client.list_folder("mybucket", "/docs/").send().await?;
//! assert_eq!(page.infos[0].name, "hello.txt");
//! # Ok(()) }
//! # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
//! # fn main() { doc_run_at(run) }
//! ```
//!
//! # Inferred answer fields
//!
//! The official requests are reproduced byte for byte (field order included), but the
//! answers of the captures were written by a recording server. These are inferred from
//! how the SDKs read answers and from the v4 documentation, not confirmed by a capture
//! of COS: `request_id`; upload `data.{access_url, url, resource_path, source_url,
//! vid}`; stat `data.{name, biz_attr, filesize, filelen, sha, ctime, mtime, access_url,
//! source_url, authority, custom_headers}` (times as numbers or numeric strings); list
//! `data.{infos, context, listover}` with folders told apart by a missing `filesize`;
//! slice init `data.{session, slice_size, serial_upload, access_url}`; the `-4019`
//! code and the whole `upload_slice_list` exchange (`data.{session, slice_size,
//! filesize, listparts: [{offset, datalen}]}`).
#![deny(missing_docs)]

mod client;
pub mod config;
mod download;
pub mod error;
mod file;
mod folder;
mod path;
pub mod sha;
mod slice;
pub mod types;
mod update;
mod wire;

pub use client::CosClient;
pub use config::Config;
pub use cos_auth::v4::{V4Nonce, V4Signer, file_id};
pub use download::DownloadFile;
pub use error::{Error, Result};
pub use file::{
    DEFAULT_SINGLE_THRESHOLD, DEFAULT_SLICE_SIZE, DelFile, MoveFile, StatFile, UploadFile,
};
pub use folder::{CreateFolder, DelFolder, ListFolder, MAX_LIST_NUM, StatFolder, UpdateFolder};
pub use sha::SlicePart;
pub use slice::SliceInitRequest;
pub use types::{
    Authority, FileStat, FolderStat, ListEntry, ListPage, ListedPart, SliceData, SliceInit,
    SliceList, UploadResult,
};
pub use update::UpdateFile;
