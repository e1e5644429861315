//! SELECT Object Content: an SQL query over a CSV or JSON object, answered as a
//! stream of typed events ([`SelectStream`]).

use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use cos_xml::op::Op;
use cos_xml::select::{InputSerialization, OutputSerialization, RequestProgress, SelectRequest};
use futures_util::{Stream, StreamExt};
use http::HeaderMap;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::{PreparedRequest, common_setters, op_request};
use crate::body::ByteStream;
use crate::client::Client;
use crate::error::{DecodeError, Error, ErrorContext, IntegrityError, InvalidInput, ServiceError};
use crate::select::decode::Decoder;
use crate::select::{Decoded, SelectEvent, SelectStats, interpret};
use crate::transport::OpRequest;
use crate::types::{BucketName, ObjectKey};

/// Builder of SELECT Object Content; see [`Client::select_object_content`].
#[derive(Debug)]
#[must_use = "call .send().await to perform the request"]
pub struct SelectObjectContent {
    client: Client,
    req: OpRequest,
    doc: SelectRequest,
}

impl SelectObjectContent {
    common_setters!();

    /// The SQL statement, e.g. `select s._1 from COSObject s where s._2 > 10`.
    pub fn expression(mut self, sql: impl Into<String>) -> Self {
        self.doc.expression = sql.into();
        self
    }

    /// How the object is encoded (default: uncompressed CSV without header).
    pub fn input(mut self, input: InputSerialization) -> Self {
        self.doc.input_serialization = input;
        self
    }

    /// How results are encoded (default: CSV).
    pub fn output(mut self, output: OutputSerialization) -> Self {
        self.doc.output_serialization = output;
        self
    }

    /// Asks for Progress events while COS scans.
    pub fn request_progress(mut self, enabled: bool) -> Self {
        self.doc.request_progress = Some(RequestProgress { enabled });
        self
    }

    /// Sends the query and returns its event stream once COS answered 200.
    ///
    /// Errors: [`Error::InvalidInput`] for an empty expression or an input without
    /// exactly one format (before any request); `NoSuchKey` (404) and other service
    /// errors; client errors. Errors of the query itself (bad SQL, bad CSV) arrive
    /// inside the stream.
    pub async fn send(self) -> Result<SelectStream, Error> {
        let p = self.prepare()?;
        let ctx = p.context();
        let req = p.into_request(self.req);
        let client = self.client;
        let result = async {
            let read_timeout = client.config().read_timeout;
            let mut r = client.send_streaming(req).await?;
            let body = match r.stream.take() {
                Some(s) => {
                    let deadline = r.deadline.zip(client.config().operation_timeout);
                    ByteStream::from_incoming(s, read_timeout, deadline, None, None)
                }
                None => ByteStream::from_bytes(r.body.clone()),
            };
            Ok(SelectStream {
                body,
                decoder: Decoder::new(),
                headers: r.headers.clone(),
                ctx: ctx.clone(),
                state: State::Running,
                stats: None,
            })
        }
        .await;
        result.map_err(|e: Error| e.in_op(|| ctx))
    }

    /// The request `send` sends (the `<SelectRequest>` document, byte-identical to the
    /// official Python SDK's); nothing is sent.
    ///
    /// Errors: [`Error::InvalidInput`] as for [`send`](Self::send).
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        let mut p = PreparedRequest::of(Op::SelectObjectContent, &self.req);
        let invalid =
            |m: &str| Error::from(InvalidInput::Other(m.to_owned())).in_op(|| p.context());
        if self.doc.expression.trim().is_empty() {
            return Err(invalid("select_object_content needs an SQL expression"));
        }
        let i = &self.doc.input_serialization;
        if i.csv.is_some() == i.json.is_some() {
            return Err(invalid("the input must be exactly one of CSV and JSON"));
        }
        let o = &self.doc.output_serialization;
        if o.csv.is_some() == o.json.is_some() {
            return Err(invalid("the output must be exactly one of CSV and JSON"));
        }
        let xml = self
            .doc
            .to_xml()
            .map_err(|e| Error::from(e).in_op(|| p.context()))?;
        p.set_xml_bytes(Bytes::from(xml));
        Ok(p)
    }
}

impl Client {
    /// SELECT Object Content (`POST /<key>?select&select-type=2`): runs an SQL query
    /// over a CSV or JSON object (optionally GZIP/BZIP2) and streams the results.
    ///
    /// ```
    /// # async fn run(client: cos_core::Client) -> Result<(), cos_core::Error> {
    /// use cos_core::xml::select::{CsvInput, CsvOutput, FileHeaderInfo, InputSerialization, OutputSerialization};
    /// let bucket = cos_core::BucketName::new("examplebucket-1250000000")?;
    /// let key = cos_core::ObjectKey::new("people.csv")?;
    /// # client.put_object(&bucket, &key).body("name,age\nzhang san,42\nli si,28\n").send().await?;
    /// let csv = CsvInput { file_header_info: Some(FileHeaderInfo::Use), ..CsvInput::default() };
    /// let rows = client
    ///     .select_object_content(&bucket, &key)
    ///     .expression("select name from COSObject where cast(age as int) > 30")
    ///     .input(InputSerialization::csv(csv))
    ///     .output(OutputSerialization::csv(CsvOutput::default()))
    ///     .send()
    ///     .await?
    ///     .collect_records()
    ///     .await?;
    /// println!("{}", String::from_utf8_lossy(&rows));
    /// # assert_eq!(rows, "zhang san\n");
    /// # Ok(()) }
    /// # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/support/doc_run.rs"));
    /// # fn main() { doc_run(run) }
    /// ```
    #[doc(alias = "SelectObjectContent")]
    pub fn select_object_content(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> SelectObjectContent {
        let mut req = op_request(Op::SelectObjectContent, Some(bucket), Some(key));
        // `select-type=2` names the version of the API (required).
        req.query("select-type", "2");
        SelectObjectContent {
            client: self.clone(),
            req,
            doc: SelectRequest::new(
                "",
                InputSerialization::csv(Default::default()),
                OutputSerialization::csv(Default::default()),
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Running,
    /// End was seen, or an error returned: nothing more is yielded.
    Done,
}

/// The events of a SELECT Object Content answer: a [`Stream`] of
/// `Result<SelectEvent, Error>`.
///
/// An error message from COS is yielded as [`Error::Service`] (its code, e.g.
/// `ParseUnexpectedToken`); a corrupt frame as [`Error::Decode`]; a stream that ends
/// before [`SelectEvent::End`] as [`Error::Integrity`] — never a silently short
/// result. After an error or `End`, the stream is over.
pub struct SelectStream {
    body: ByteStream,
    decoder: Decoder,
    headers: HeaderMap,
    ctx: ErrorContext,
    state: State,
    stats: Option<SelectStats>,
}

impl std::fmt::Debug for SelectStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelectStream")
            .field("state", &self.state)
            .field("buffered", &self.decoder.buffered())
            .finish_non_exhaustive()
    }
}

impl SelectStream {
    /// The Stats event's counts, once it was received.
    pub fn stats(&self) -> Option<SelectStats> {
        self.stats
    }

    fn fail(&mut self, e: Error) -> Poll<Option<Result<SelectEvent, Error>>> {
        self.state = State::Done;
        let ctx = self.ctx.clone();
        Poll::Ready(Some(Err(e.in_op(|| ctx))))
    }

    /// All the records, in memory.
    ///
    /// Errors: as the stream yields them.
    pub async fn collect_records(mut self) -> Result<Bytes, Error> {
        let mut out = BytesMut::new();
        while let Some(ev) = self.next().await {
            if let SelectEvent::Records(b) = ev? {
                out.extend_from_slice(&b);
            }
        }
        Ok(out.freeze())
    }

    /// Writes the records to `w` as they arrive; returns the byte count.
    ///
    /// Errors: as the stream yields them, and [`Error::Io`] from `w`.
    pub async fn write_records_to<W: AsyncWrite + Unpin>(
        mut self,
        w: &mut W,
    ) -> Result<u64, Error> {
        let mut n = 0u64;
        while let Some(ev) = self.next().await {
            if let SelectEvent::Records(b) = ev? {
                w.write_all(&b).await?;
                n += b.len() as u64;
            }
        }
        w.flush().await?;
        Ok(n)
    }

    /// Writes the records to `path` atomically: into a new temporary file next to it
    /// (created exclusively), synced, then renamed over `path` once `End` arrived. On
    /// any failure the temporary file is removed and `path` is untouched.
    ///
    /// Errors: as [`write_records_to`](Self::write_records_to).
    pub async fn write_records_to_file(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "select".into());
        let tmp = dir.join(format!(
            ".{name}.cos-select-{}-{}",
            std::process::id(),
            crate::retry::random_u64()
        ));
        let result = async {
            let mut file = tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
                .await?;
            let n = self.write_records_to(&mut file).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&tmp, path).await?;
            Ok(n)
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }
}

impl Stream for SelectStream {
    type Item = Result<SelectEvent, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.state == State::Done {
                return Poll::Ready(None);
            }
            match this.decoder.next_message() {
                Err(e) => {
                    return this.fail(Error::Decode(DecodeError {
                        message: "SELECT Object Content event stream is corrupt".into(),
                        source: Some(Box::new(e)),
                    }));
                }
                Ok(Some(m)) => match interpret(m) {
                    Err(msg) => return this.fail(Error::Decode(DecodeError::from(msg))),
                    Ok(Decoded::Unknown) => continue,
                    Ok(Decoded::Error { code, message }) => {
                        let e = ServiceError::from_event(code, message, this.headers.clone());
                        return this.fail(Error::Service(Box::new(e)));
                    }
                    Ok(Decoded::Event(ev)) => {
                        match &ev {
                            SelectEvent::End => this.state = State::Done,
                            SelectEvent::Stats(s) => this.stats = Some(*s),
                            _ => {}
                        }
                        return Poll::Ready(Some(Ok(ev)));
                    }
                },
                Ok(None) => {}
            }
            match this.body.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.decoder.push(&chunk),
                Poll::Ready(Some(Err(e))) => return this.fail(e),
                Poll::Ready(None) => {
                    let left = this.decoder.buffered();
                    return this.fail(Error::integrity(IntegrityError::Truncated(format!(
                        "the SELECT event stream ended before its End event ({left} bytes of a partial message)"
                    ))));
                }
            }
        }
    }
}
