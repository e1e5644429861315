//! Result records (CSV / JSON through `OutputSerialization`) and the event-stream
//! framing COS answers with: each message is a prelude (total length, headers length,
//! CRC-32 of those 8 bytes), string headers (`:message-type`, `:event-type`, ...), the
//! payload and a CRC-32 of everything before it — the framing the official Python SDK
//! parses (`qcloud_cos/select_event_stream.py`).

use cos_xml::select::{OutputSerialization, QuoteFields, SelectStats};

use super::SelectError;
use super::eval::Value;

/// Header value type 7: a UTF-8 string with a 2-byte length.
const STRING_HEADER: u8 = 7;

/// One event-stream message.
pub(crate) fn message(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let headers_len: usize = headers.iter().map(|(k, v)| 4 + k.len() + v.len()).sum();
    let total = 12 + headers_len + payload.len() + 4;
    let mut m = Vec::with_capacity(total);
    m.extend_from_slice(&u32::try_from(total).unwrap_or(u32::MAX).to_be_bytes());
    m.extend_from_slice(&u32::try_from(headers_len).unwrap_or(u32::MAX).to_be_bytes());
    let prelude_crc = crc32fast::hash(&m);
    m.extend_from_slice(&prelude_crc.to_be_bytes());
    for (k, v) in headers {
        m.push(u8::try_from(k.len()).unwrap_or(u8::MAX));
        m.extend_from_slice(k.as_bytes());
        m.push(STRING_HEADER);
        m.extend_from_slice(&u16::try_from(v.len()).unwrap_or(u16::MAX).to_be_bytes());
        m.extend_from_slice(v.as_bytes());
    }
    m.extend_from_slice(payload);
    let crc = crc32fast::hash(&m);
    m.extend_from_slice(&crc.to_be_bytes());
    m
}

/// A Records event.
pub(crate) fn records(payload: &[u8]) -> Vec<u8> {
    message(
        &[
            (":event-type", "Records"),
            (":content-type", "application/octet-stream"),
            (":message-type", "event"),
        ],
        payload,
    )
}

/// A Stats (`progress == false`) or Progress event.
pub(crate) fn stats(s: &SelectStats, progress: bool) -> Vec<u8> {
    let name = if progress { "Progress" } else { "Stats" };
    message(
        &[
            (":event-type", name),
            (":content-type", "text/xml"),
            (":message-type", "event"),
        ],
        s.to_xml(name).as_bytes(),
    )
}

/// A Cont (keep-alive) or End event.
pub(crate) fn bare(event: &str) -> Vec<u8> {
    message(&[(":event-type", event), (":message-type", "event")], &[])
}

/// An error message.
pub(crate) fn error(e: &SelectError) -> Vec<u8> {
    message(
        &[
            (":error-code", e.code),
            (":error-message", &e.message),
            (":message-type", "error"),
        ],
        &[],
    )
}

/// Where the CSV writer puts its bytes, taken after each row.
#[derive(Default, Clone)]
pub(crate) struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes result rows in the requested format.
pub(crate) enum RowWriter {
    Csv(Box<csv::Writer<Sink>>, Sink),
    Json { delimiter: Vec<u8> },
}

fn out_byte(what: &str, v: Option<&str>, default: u8) -> Result<u8, SelectError> {
    match v {
        None => Ok(default),
        Some(s) if s.len() == 1 => Ok(s.as_bytes()[0]),
        Some(s) => Err(SelectError::request(format!(
            "{what} {s:?} must be one ASCII character."
        ))),
    }
}

impl RowWriter {
    /// Validates `OutputSerialization`.
    pub fn new(o: &OutputSerialization) -> Result<Self, SelectError> {
        match (&o.csv, &o.json) {
            (Some(c), None) => {
                let quote = out_byte("QuoteCharacter", c.quote_character.as_deref(), b'"')?;
                let escape = out_byte(
                    "QuoteEscapeCharacter",
                    c.quote_escape_character.as_deref(),
                    quote,
                )?;
                let term = match c.record_delimiter.as_deref() {
                    None | Some("\n") => csv::Terminator::Any(b'\n'),
                    Some("\r\n") => csv::Terminator::CRLF,
                    Some(s) => csv::Terminator::Any(out_byte("RecordDelimiter", Some(s), b'\n')?),
                };
                let style = match c.quote_fields.unwrap_or_default() {
                    QuoteFields::Always => csv::QuoteStyle::Always,
                    QuoteFields::AsNeeded => csv::QuoteStyle::Necessary,
                };
                let sink = Sink::default();
                let w = csv::WriterBuilder::new()
                    .delimiter(out_byte(
                        "FieldDelimiter",
                        c.field_delimiter.as_deref(),
                        b',',
                    )?)
                    .quote(quote)
                    .double_quote(escape == quote)
                    .escape(escape)
                    .terminator(term)
                    .quote_style(style)
                    .flexible(true)
                    .from_writer(sink.clone());
                Ok(RowWriter::Csv(Box::new(w), sink))
            }
            (None, Some(j)) => Ok(RowWriter::Json {
                delimiter: j
                    .record_delimiter
                    .clone()
                    .unwrap_or_else(|| "\n".to_owned())
                    .into_bytes(),
            }),
            _ => Err(SelectError::request(
                "OutputSerialization must hold exactly one of CSV and JSON.",
            )),
        }
    }

    /// Appends one row (`names` name its values for JSON) to `out`.
    pub fn row(
        &mut self,
        names: &[&str],
        values: &[Value],
        out: &mut Vec<u8>,
    ) -> Result<(), SelectError> {
        match self {
            RowWriter::Csv(w, sink) => {
                w.write_record(values.iter().map(Value::to_text))
                    .and_then(|()| w.flush().map_err(csv::Error::from))
                    .map_err(|e| SelectError::new("InternalError", e.to_string()))?;
                out.append(&mut sink.0.borrow_mut());
            }
            RowWriter::Json { delimiter } => {
                let mut obj = serde_json::Map::with_capacity(values.len());
                for (n, v) in names.iter().zip(values) {
                    obj.insert((*n).to_owned(), v.to_json());
                }
                serde_json::to_writer(&mut *out, &obj)
                    .map_err(|e| SelectError::new("InternalError", e.to_string()))?;
                out.extend_from_slice(delimiter);
            }
        }
        Ok(())
    }

    /// Appends one JSON record as it is (`SELECT *` over JSON, JSON output).
    pub fn raw_json(
        &mut self,
        v: &serde_json::Value,
        out: &mut Vec<u8>,
    ) -> Result<bool, SelectError> {
        match self {
            RowWriter::Json { delimiter } => {
                serde_json::to_writer(&mut *out, v)
                    .map_err(|e| SelectError::new("InternalError", e.to_string()))?;
                out.extend_from_slice(delimiter);
                Ok(true)
            }
            RowWriter::Csv(..) => Ok(false),
        }
    }
}
