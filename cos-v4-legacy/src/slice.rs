//! The steps of a slice upload (`upload_slice_init`, `upload_slice_data`,
//! `upload_slice_finish`, `upload_slice_list`) as single requests. [`crate::UploadFile`]
//! drives them; they are public for callers who run their own upload loop.

use bytes::Bytes;

use crate::client::CosClient;
use crate::error::{Error, Result};
use crate::path;
use crate::sha::{SlicePart, upload_parts_json};
use crate::types::{SliceData, SliceInit, SliceList, UploadResult};
use crate::wire::Form;

/// The slice sizes COS's v4 API answers with: 512 KiB, 1, 2 or 3 MiB (the documented
/// valid values of `slice_size`, "查询上传分片" / upload_slice_list, API doc 436/6070).
const SERVER_SLICE_MIN: u64 = 512 * 1024;
/// See [`SERVER_SLICE_MIN`].
const SERVER_SLICE_MAX: u64 = 3 * 1024 * 1024;

/// The slice size to upload with, from the `slice_size` the server answered (`0`: it did
/// not say, keep `requested`).
///
/// The answer is accepted between the smaller of `requested` and 512 KiB and the larger
/// of `requested` and 3 MiB: every slice is held in memory while it is sent and every
/// slice is a request, so a size outside the documented range (1 byte, or the whole
/// file) is refused rather than turned into millions of requests or one huge buffer.
///
/// Errors: [`Error::Network`] for a size out of that range.
pub(crate) fn server_slice_size(answered: u64, requested: u64) -> Result<u64> {
    if answered == 0 {
        return Ok(requested);
    }
    let (lo, hi) = (
        requested.min(SERVER_SLICE_MIN),
        requested.max(SERVER_SLICE_MAX),
    );
    if (lo..=hi).contains(&answered) {
        Ok(answered)
    } else {
        Err(Error::Network {
            status: None,
            message: format!(
                "the server answered slice_size {answered}, outside {lo}..={hi} (requested {requested})"
            ),
        })
    }
}

/// What `upload_slice_init` declares.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SliceInitRequest {
    /// The whole file's size.
    pub filesize: u64,
    /// The slice size proposed (the server may answer with another).
    pub slice_size: u64,
    /// The file's note.
    pub biz_attr: String,
    /// Fail when the file exists (`insertOnly=1`).
    pub insert_only: bool,
    /// With SHA-1 checking: the `uploadparts` (the last entry holds the file's SHA-1).
    pub parts: Option<Vec<SlicePart>>,
}

impl SliceInitRequest {
    /// A declaration of a `filesize`-byte file in `slice_size`-byte slices.
    pub fn new(filesize: u64, slice_size: u64) -> Self {
        SliceInitRequest {
            filesize,
            slice_size,
            insert_only: true,
            ..Self::default()
        }
    }

    /// Sets the note.
    pub fn biz_attr(mut self, biz_attr: impl Into<String>) -> Self {
        self.biz_attr = biz_attr.into();
        self
    }

    /// Sets `insertOnly`.
    pub fn insert_only(mut self, yes: bool) -> Self {
        self.insert_only = yes;
        self
    }

    /// Sends `sha` and `uploadparts`.
    pub fn parts(mut self, parts: Vec<SlicePart>) -> Self {
        self.parts = Some(parts);
        self
    }
}

fn flag(b: bool) -> &'static [u8] {
    if b { b"1" } else { b"0" }
}

impl CosClient {
    /// Starts a slice upload of the file `cos_path`. A `-4019` error
    /// ([`CODE_SLICE_UNFINISHED`](crate::error::CODE_SLICE_UNFINISHED)) means an
    /// unfinished upload exists: continue it with [`CosClient::upload_slice_list`].
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// use cos_v4_legacy::SliceInitRequest;
    /// let init = client
    ///     .upload_slice_init("mybucket", "/big.bin", SliceInitRequest::new(3 << 20, 1 << 20))
    ///     .await?;
    /// println!("session {} slices of {}", init.session, init.slice_size);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    ///
    /// Errors: [`Error::Params`](crate::Error::Params) for a bad path; the service's
    /// codes otherwise.
    pub async fn upload_slice_init(
        &self,
        bucket: &str,
        cos_path: &str,
        request: SliceInitRequest,
    ) -> Result<SliceInit> {
        path::check_file(cos_path)?;
        let mut form = Form::new();
        let filesize = request.filesize.to_string();
        let slice_size = request.slice_size.to_string();
        match &request.parts {
            Some(parts) => {
                let sha = parts.last().map(|p| p.datasha.as_str()).unwrap_or("");
                form.part("slice_size", slice_size.as_bytes())
                    .part("biz_attr", request.biz_attr.as_bytes())
                    .part("uploadparts", upload_parts_json(parts).as_bytes())
                    .part("sha", sha.as_bytes())
                    .part("filesize", filesize.as_bytes())
                    .part("insertOnly", flag(request.insert_only));
            }
            None => {
                form.part("slice_size", slice_size.as_bytes())
                    .part("insertOnly", flag(request.insert_only))
                    .part("biz_attr", request.biz_attr.as_bytes())
                    .part("filesize", filesize.as_bytes());
            }
        }
        form.part("op", b"upload_slice_init");
        let reply = self
            .post_form("V4UploadSliceInit", bucket, cos_path, form)
            .await?;
        reply.data()
    }

    /// Sends the slice at `offset` of the upload `session`. `sha` is the whole file's
    /// SHA-1 when the upload was started with `uploadparts`.
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// let init = client
    ///     .upload_slice_init("mybucket", "/big.bin", cos_v4_legacy::SliceInitRequest::new(3 << 20, 1 << 20))
    ///     .await?;
    /// let data = bytes::Bytes::from(vec![0u8; 1 << 20]);
    /// client.upload_slice_data("mybucket", "/big.bin", &init.session, 0, data, None).await?;
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    ///
    /// Errors: as [`CosClient::upload_slice_init`].
    pub async fn upload_slice_data(
        &self,
        bucket: &str,
        cos_path: &str,
        session: &str,
        offset: u64,
        data: Bytes,
        sha: Option<&str>,
    ) -> Result<SliceData> {
        path::check_file(cos_path)?;
        let mut form = Form::new();
        if let Some(sha) = sha {
            form.part("sha", sha.as_bytes());
        }
        form.part("offset", offset.to_string().as_bytes())
            .part("session", session.as_bytes())
            .part("filecontent", &data)
            .part("op", b"upload_slice_data");
        let reply = self
            .post_form("V4UploadSliceData", bucket, cos_path, form)
            .await?;
        reply.data()
    }

    /// Completes the upload `session` of a `filesize`-byte file.
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// # let init = client
    /// #     .upload_slice_init("mybucket", "/big.bin", cos_v4_legacy::SliceInitRequest::new(3 << 20, 1 << 20))
    /// #     .await?;
    /// # for offset in [0, 1 << 20, 2 << 20] {
    /// #     let data = bytes::Bytes::from(vec![0u8; 1 << 20]);
    /// #     client.upload_slice_data("mybucket", "/big.bin", &init.session, offset, data, None).await?;
    /// # }
    /// let done = client
    ///     .upload_slice_finish("mybucket", "/big.bin", &init.session, 3 << 20, None)
    ///     .await?;
    /// println!("{}", done.access_url);
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    ///
    /// Errors: as [`CosClient::upload_slice_init`].
    pub async fn upload_slice_finish(
        &self,
        bucket: &str,
        cos_path: &str,
        session: &str,
        filesize: u64,
        sha: Option<&str>,
    ) -> Result<UploadResult> {
        path::check_file(cos_path)?;
        let mut form = Form::new();
        if let Some(sha) = sha {
            form.part("sha", sha.as_bytes());
        }
        form.part("session", session.as_bytes())
            .part("filesize", filesize.to_string().as_bytes())
            .part("op", b"upload_slice_finish");
        let reply = self
            .post_form("V4UploadSliceFinish", bucket, cos_path, form)
            .await?;
        reply.data()
    }

    /// The unfinished slice upload of `cos_path`: its session and the slices received
    /// (request and answer shapes **inferred**: `op=upload_slice_list` as a form; data
    /// `{session, slice_size, filesize, serial_upload, listparts: [{offset, datalen}]}`).
    ///
    /// ```
    /// # async fn run(client: cos_v4_legacy::CosClient) -> Result<(), cos_v4_legacy::Error> {
    /// # let init = cos_v4_legacy::SliceInitRequest::new(3 << 20, 1 << 20);
    /// # let init = client.upload_slice_init("mybucket", "/big.bin", init).await?;
    /// # let data = bytes::Bytes::from(vec![0u8; 1 << 20]);
    /// # client.upload_slice_data("mybucket", "/big.bin", &init.session, 0, data, None).await?;
    /// let list = client.upload_slice_list("mybucket", "/big.bin").await?;
    /// println!("{} slices received", list.listparts.len());
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    ///
    /// Errors: as [`CosClient::upload_slice_init`].
    pub async fn upload_slice_list(&self, bucket: &str, cos_path: &str) -> Result<SliceList> {
        path::check_file(cos_path)?;
        let mut form = Form::new();
        form.part("op", b"upload_slice_list");
        let reply = self
            .post_form("V4UploadSliceList", bucket, cos_path, form)
            .await?;
        reply.data()
    }
}
