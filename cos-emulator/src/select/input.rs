//! The object's records: decompression (`flate2`, `bzip2`), CSV through the `csv` crate
//! with every `InputSerialization` option, JSON DOCUMENT / LINES through serde_json.
//! Everything streams: memory does not grow with the object.

use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use cos_xml::select::{CompressionType, CsvInput, FileHeaderInfo, InputSerialization, JsonType};

use super::SelectError;

/// Counts the bytes read through it.
pub(crate) struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> Counted<R> {
    pub fn new(inner: R, count: Arc<AtomicU64>) -> Self {
        Counted { inner, count }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The decompressed object.
pub(crate) fn decompress(
    raw: impl Read + Send + 'static,
    c: CompressionType,
) -> Box<dyn Read + Send> {
    match c {
        CompressionType::None => Box::new(raw),
        CompressionType::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(raw))),
        CompressionType::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(BufReader::new(raw))),
    }
}

/// One character of a CSV option, as the byte the `csv` crate takes.
fn one_byte(what: &str, v: Option<&str>, default: u8) -> Result<u8, SelectError> {
    match v {
        None => Ok(default),
        Some(s) if s.len() == 1 => Ok(s.as_bytes()[0]),
        Some(s) => Err(SelectError::request(format!(
            "{what} {s:?} must be one ASCII character."
        ))),
    }
}

/// The record terminator: `\n` and `\r\n` both mean "a line" (`\r\n`, `\r` or `\n`).
fn terminator(v: Option<&str>) -> Result<csv::Terminator, SelectError> {
    match v {
        None | Some("\n" | "\r\n") => Ok(csv::Terminator::CRLF),
        Some(s) if s.len() == 1 => Ok(csv::Terminator::Any(s.as_bytes()[0])),
        Some(s) => Err(SelectError::request(format!(
            "RecordDelimiter {s:?} must be one ASCII character or \\r\\n."
        ))),
    }
}

/// How to read a CSV object.
#[derive(Debug, Clone)]
pub(crate) struct CsvFormat {
    header: FileHeaderInfo,
    builder_args: (u8, u8, Option<u8>, Option<u8>, csv::Terminator),
    allow_quoted_record_delimiter: bool,
    record_delimiter: u8,
}

impl CsvFormat {
    /// Validates the `<CSV>` options (COS: each is one character).
    pub fn new(c: &CsvInput) -> Result<Self, SelectError> {
        let quote = one_byte("QuoteCharacter", c.quote_character.as_deref(), b'"')?;
        let escape = one_byte(
            "QuoteEscapeCharacter",
            c.quote_escape_character.as_deref(),
            quote,
        )?;
        let comment = c
            .comments
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| one_byte("Comments", Some(s), b'#'))
            .transpose()?;
        let term = terminator(c.record_delimiter.as_deref())?;
        let record_delimiter = match term {
            csv::Terminator::Any(b) => b,
            _ => b'\n',
        };
        Ok(CsvFormat {
            header: c.file_header_info.unwrap_or_default(),
            builder_args: (
                one_byte("FieldDelimiter", c.field_delimiter.as_deref(), b',')?,
                quote,
                (escape != quote).then_some(escape),
                comment,
                term,
            ),
            allow_quoted_record_delimiter: c.allow_quoted_record_delimiter.unwrap_or(false),
            record_delimiter,
        })
    }
}

/// The records of an object.
pub(crate) enum Source {
    Csv {
        reader: csv::Reader<Box<dyn Read + Send>>,
        headers: Option<csv::StringRecord>,
        format: CsvFormat,
        started: bool,
        /// A used record given back ([`Source::recycle`]), read into next.
        spare: Option<csv::StringRecord>,
    },
    JsonLines(std::io::Lines<BufReader<Box<dyn Read + Send>>>),
    JsonDocument(
        serde_json::StreamDeserializer<
            'static,
            serde_json::de::IoRead<Box<dyn Read + Send>>,
            serde_json::Value,
        >,
    ),
}

/// One record read.
pub(crate) enum Rec {
    Csv(csv::StringRecord),
    Json(serde_json::Value),
}

impl Source {
    /// A reader of `data` in the format `input` names.
    pub fn new(
        data: Box<dyn Read + Send>,
        input: &InputSerialization,
    ) -> Result<Self, SelectError> {
        match (&input.csv, &input.json) {
            (Some(c), None) => {
                let format = CsvFormat::new(c)?;
                let (delim, quote, escape, comment, term) = format.builder_args;
                let reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(delim)
                    .quote(quote)
                    .escape(escape)
                    .double_quote(true)
                    .comment(comment)
                    .terminator(term)
                    .from_reader(data);
                Ok(Source::Csv {
                    reader,
                    headers: None,
                    format,
                    started: false,
                    spare: None,
                })
            }
            (None, Some(j)) => Ok(match j.kind.unwrap_or_default() {
                JsonType::Lines => Source::JsonLines(BufReader::new(data).lines()),
                JsonType::Document => {
                    Source::JsonDocument(serde_json::Deserializer::from_reader(data).into_iter())
                }
            }),
            _ => Err(SelectError::request(
                "InputSerialization must hold exactly one of CSV and JSON.",
            )),
        }
    }

    /// The CSV header's names (`FileHeaderInfo` `USE`).
    pub fn headers(&self) -> Option<&csv::StringRecord> {
        match self {
            Source::Csv { headers, .. } => headers.as_ref(),
            _ => None,
        }
    }

    /// Gives a record back so that the next one reuses its buffers.
    pub fn recycle(&mut self, rec: Rec) {
        if let (Source::Csv { spare, .. }, Rec::Csv(r)) = (self, rec) {
            *spare = Some(r);
        }
    }

    /// The next record; `None` at the end.
    pub fn next(&mut self) -> Result<Option<Rec>, SelectError> {
        match self {
            Source::Csv {
                reader,
                headers,
                format,
                started,
                spare,
            } => loop {
                let mut rec = spare.take().unwrap_or_default();
                let more = reader.read_record(&mut rec).map_err(csv_error)?;
                if !more {
                    return Ok(None);
                }
                if !format.allow_quoted_record_delimiter
                    && rec
                        .iter()
                        .any(|f| f.as_bytes().contains(&format.record_delimiter))
                {
                    return Err(SelectError::new(
                        "CSVParsingError",
                        "A quoted field holds the record delimiter and AllowQuotedRecordDelimiter is FALSE.",
                    ));
                }
                if !*started {
                    *started = true;
                    match format.header {
                        FileHeaderInfo::Use => {
                            *headers = Some(rec);
                            continue;
                        }
                        FileHeaderInfo::Ignore => continue,
                        FileHeaderInfo::None => {}
                    }
                }
                return Ok(Some(Rec::Csv(rec)));
            },
            Source::JsonLines(lines) => loop {
                let Some(line) = lines.next() else {
                    return Ok(None);
                };
                let line = line.map_err(io_error)?;
                if line.trim().is_empty() {
                    continue;
                }
                return serde_json::from_str(&line)
                    .map(|v| Some(Rec::Json(v)))
                    .map_err(json_error);
            },
            Source::JsonDocument(values) => values
                .next()
                .transpose()
                .map(|v| v.map(Rec::Json))
                .map_err(json_error),
        }
    }
}

fn io_error(e: std::io::Error) -> SelectError {
    if e.kind() == std::io::ErrorKind::InvalidData {
        SelectError::new("InvalidTextEncoding", "The object is not UTF-8 text.")
    } else {
        SelectError::new(
            "InvalidCompressionFormat",
            format!("The object cannot be read: {e}"),
        )
    }
}

fn csv_error(e: csv::Error) -> SelectError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io_error(io),
        csv::ErrorKind::Utf8 { .. } => {
            SelectError::new("InvalidTextEncoding", "The object is not UTF-8 text.")
        }
        other => SelectError::new("CSVParsingError", format!("{other:?}")),
    }
}

fn json_error(e: serde_json::Error) -> SelectError {
    if e.is_io() {
        return SelectError::new(
            "InvalidCompressionFormat",
            format!("The object cannot be read: {e}"),
        );
    }
    SelectError::new(
        "JSONParsingError",
        format!("The object is not valid JSON: {e}"),
    )
}
