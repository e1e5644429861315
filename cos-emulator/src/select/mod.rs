//! SELECT Object Content (`POST /<key>?select&select-type=2`): an SQL query over a CSV
//! or JSON object, answered with COS's event stream (Records, Progress when asked,
//! Stats, End; an error message with COS's code when the query or the data fails).
//!
//! - [`sql`]: parsing (`sqlparser`) and planning, refusing what COS does not document;
//! - [`eval`]: values and expression evaluation, aggregates;
//! - [`input`]: decompression and the CSV / JSON record readers;
//! - [`output`]: CSV / JSON rows and the event-stream framing.
//!
//! The scan runs on a blocking thread that pulls the object's bytes and pushes
//! events into a bounded channel, so memory does not depend on the object's size.
//! Reference: <https://cloud.tencent.com/document/api/436/37641> (request, events)
//! and <https://cloud.tencent.com/document/product/436/37636> (the SQL).

mod agg;
mod eval;
mod expr;
mod funcs;
mod input;
mod lower;
mod output;
mod sql;

use std::io::Read;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cos_xml::select::{SelectRequest, SelectStats};
use http_body::Body;
use tokio::sync::mpsc;

use crate::body::RespBody;

use agg::AggState;
use eval::{Record, Value};
use input::{Counted, Rec, Source};
use output::RowWriter;

/// A Records event is sent once this many result bytes are buffered.
const RECORDS_CHUNK: usize = 128 << 10;
/// A Cont event keeps the connection alive after this long without any event.
const KEEP_ALIVE: Duration = Duration::from_secs(1);

/// A query or data error, sent as an error message (`:error-code`, `:error-message`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SelectError {
    pub code: &'static str,
    pub message: String,
    /// A request error detected before the stream starts: answered with HTTP 400.
    pub before_stream: bool,
}

impl SelectError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        SelectError {
            code,
            message: message.into(),
            before_stream: false,
        }
    }

    /// An invalid `InputSerialization` / `OutputSerialization`: HTTP 400 `InvalidArgument`.
    pub fn request(message: impl Into<String>) -> Self {
        SelectError {
            code: "InvalidArgument",
            message: message.into(),
            before_stream: true,
        }
    }
}

/// Checks the serialization options of `req` before the answer starts.
///
/// Errors: the message of an invalid `InputSerialization` / `OutputSerialization`.
pub(crate) fn validate(req: &SelectRequest) -> Result<(), String> {
    Source::new(Box::new(std::io::empty()), &req.input_serialization).map_err(|e| e.message)?;
    RowWriter::new(&req.output_serialization).map_err(|e| e.message)?;
    Ok(())
}

/// Starts the scan of `object` on a blocking thread; the body of the answer streams
/// its events.
pub(crate) fn start(req: SelectRequest, object: RespBody) -> RespBody {
    let (tx, rx) = mpsc::channel(4);
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || run(&req, object, &tx, rt));
    RespBody::stream_unsized(rx)
}

/// The object's bytes, pulled from its response body on a blocking thread.
struct BodyReader {
    body: RespBody,
    rt: tokio::runtime::Handle,
    cur: Bytes,
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.cur.is_empty() {
            let body = &mut self.body;
            let frame = self.rt.block_on(std::future::poll_fn(|cx| {
                Pin::new(&mut *body).poll_frame(cx)
            }));
            match frame {
                None => return Ok(0),
                Some(Err(e)) => return Err(e),
                Some(Ok(f)) => self.cur = f.into_data().unwrap_or_default(),
            }
        }
        let n = buf.len().min(self.cur.len());
        buf[..n].copy_from_slice(&self.cur[..n]);
        let _ = self.cur.split_to(n);
        Ok(n)
    }
}

/// Why a scan stopped early.
enum Stop {
    /// The client went away.
    Gone,
    Error(SelectError),
}

impl From<SelectError> for Stop {
    fn from(e: SelectError) -> Self {
        Stop::Error(e)
    }
}

/// Sends events and keeps the counts.
struct Events<'a> {
    tx: &'a mpsc::Sender<std::io::Result<Bytes>>,
    scanned: Arc<AtomicU64>,
    processed: Arc<AtomicU64>,
    returned: u64,
    progress: bool,
    last_sent: Instant,
}

impl Events<'_> {
    fn send(&mut self, msg: Vec<u8>) -> Result<(), Stop> {
        self.last_sent = Instant::now();
        self.tx
            .blocking_send(Ok(Bytes::from(msg)))
            .map_err(|_| Stop::Gone)
    }

    fn stats(&self) -> SelectStats {
        SelectStats::new(
            self.scanned.load(Ordering::Relaxed),
            self.processed.load(Ordering::Relaxed),
            self.returned,
        )
    }

    /// Sends the buffered records (and a Progress event when asked for).
    fn flush(&mut self, buf: &mut Vec<u8>) -> Result<(), Stop> {
        if !buf.is_empty() {
            self.returned += buf.len() as u64;
            let msg = output::records(buf);
            buf.clear();
            self.send(msg)?;
            if self.progress {
                self.send(output::stats(&self.stats(), true))?;
            }
        }
        Ok(())
    }

    fn keep_alive(&mut self) -> Result<(), Stop> {
        if self.last_sent.elapsed() >= KEEP_ALIVE {
            self.send(output::bare("Cont"))?;
        }
        Ok(())
    }
}

/// Evaluates the query and streams its events; runs on a blocking thread.
fn run(
    req: &SelectRequest,
    body: RespBody,
    tx: &mpsc::Sender<std::io::Result<Bytes>>,
    rt: tokio::runtime::Handle,
) {
    let scanned = Arc::new(AtomicU64::new(0));
    let processed = Arc::new(AtomicU64::new(0));
    let mut ev = Events {
        tx,
        scanned: scanned.clone(),
        processed: processed.clone(),
        returned: 0,
        progress: req.request_progress.is_some_and(|p| p.enabled),
        last_sent: Instant::now(),
    };
    let raw = Counted::new(
        BodyReader {
            body,
            rt,
            cur: Bytes::new(),
        },
        scanned,
    );
    let compression = req.input_serialization.compression_type.unwrap_or_default();
    let data = Counted::new(input::decompress(raw, compression), processed);
    let result = scan(req, Box::new(data), &mut ev).and_then(|()| {
        if ev.progress {
            ev.send(output::stats(&ev.stats(), true))?;
        }
        ev.send(output::stats(&ev.stats(), false))?;
        ev.send(output::bare("End"))
    });
    if let Err(Stop::Error(e)) = result {
        let _ = ev.send(output::error(&e));
    }
}

/// The scan: records in, rows out.
fn scan(req: &SelectRequest, data: Box<dyn Read + Send>, ev: &mut Events<'_>) -> Result<(), Stop> {
    let query = sql::plan(&req.expression)?;
    let mut source = Source::new(data, &req.input_serialization)?;
    let mut writer = RowWriter::new(&req.output_serialization)?;
    let mut aggs: Vec<AggState> = query.aggregates.iter().map(|_| AggState::new()).collect();
    let names: Vec<&str> = query
        .projections
        .iter()
        .flatten()
        .map(|p| p.name.as_str())
        .collect();
    let limit = query.limit.unwrap_or(u64::MAX);
    let mut buf = Vec::with_capacity(RECORDS_CHUNK + 4096);
    let mut rows = 0u64;
    let mut seen = 0u64;
    let mut values = Vec::with_capacity(names.len());
    while rows < limit || !aggs.is_empty() {
        let Some(rec) = source.next()? else { break };
        seen += 1;
        if seen.is_multiple_of(4096) {
            ev.keep_alive()?;
        }
        let r = match &rec {
            Rec::Csv(fields) => Record::Csv {
                fields,
                headers: source.headers(),
            },
            Rec::Json(v) => Record::Json(v),
        };
        if let Some(f) = &query.filter
            && !eval::passes(f, &r)?
        {
            source.recycle(rec);
            continue;
        }
        if !aggs.is_empty() {
            for (state, spec) in aggs.iter_mut().zip(&query.aggregates) {
                state.update(spec, &r)?;
            }
            source.recycle(rec);
            continue;
        }
        rows += 1;
        match &query.projections {
            Some(ps) => {
                values.clear();
                for p in ps {
                    values.push(eval::eval(&p.expr, &r, &[])?);
                }
                writer.row(&names, &values, &mut buf)?;
            }
            None => star_row(&mut writer, &rec, source.headers(), &mut buf)?,
        }
        source.recycle(rec);
        if buf.len() >= RECORDS_CHUNK {
            ev.flush(&mut buf)?;
        }
    }
    if !aggs.is_empty() && limit > 0 {
        let results: Vec<Value> = aggs
            .iter()
            .zip(&query.aggregates)
            .map(|(s, spec)| s.finish(spec.kind))
            .collect();
        let empty = serde_json::Value::Null;
        let r = Record::Json(&empty);
        values.clear();
        for p in query.projections.iter().flatten() {
            values.push(eval::eval(&p.expr, &r, &results)?);
        }
        writer.row(&names, &values, &mut buf)?;
    }
    ev.flush(&mut buf)
}

/// A `SELECT *` row: the record as it is.
fn star_row(
    writer: &mut RowWriter,
    rec: &Rec,
    headers: Option<&csv::StringRecord>,
    buf: &mut Vec<u8>,
) -> Result<(), SelectError> {
    match rec {
        Rec::Csv(fields) => {
            let values: Vec<Value> = fields.iter().map(|f| Value::Str(f.to_owned())).collect();
            let names: Vec<String> = (0..fields.len())
                .map(|i| {
                    headers
                        .and_then(|h| h.get(i))
                        .map_or_else(|| format!("_{}", i + 1), str::to_owned)
                })
                .collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            writer.row(&names, &values, buf)
        }
        Rec::Json(v) => {
            if writer.raw_json(v, buf)? {
                return Ok(());
            }
            let values: Vec<Value> = match v {
                serde_json::Value::Object(m) => m.values().map(Value::from_json).collect(),
                other => vec![Value::from_json(other)],
            };
            writer.row(&[], &values, buf)
        }
    }
}
