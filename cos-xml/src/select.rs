//! SELECT Object Content (`POST /<key>?select&select-type=2`): the `<SelectRequest>`
//! document and the `<Stats>` / `<Progress>` payloads of its event stream.
//!
//! Element order and spelling follow what the official Python SDK
//! (`cos-python-sdk-v5` `CosS3Client.select_object_content`) sends for arguments given
//! in the order of Tencent's API reference (<https://cloud.tencent.com/document/api/436/37641>):
//! [`SelectRequest::to_xml`] is byte-identical to it (declaration included).
//! Booleans are written `TRUE` / `FALSE`, as in the reference; parsing accepts any case.
//!
//! ```
//! use cos_xml::select::{CsvInput, CsvOutput, InputSerialization, OutputSerialization, SelectRequest};
//!
//! let req = SelectRequest::new(
//!     "select * from COSObject s where s._1 > 10",
//!     InputSerialization::csv(CsvInput::default()),
//!     OutputSerialization::csv(CsvOutput::default()),
//! );
//! let xml = req.to_xml()?;
//! assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<SelectRequest><Expression>"));
//! assert_eq!(SelectRequest::from_xml(&xml)?, req);
//! # Ok::<(), cos_xml::XmlError>(())
//! ```

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::XmlError;

/// The declaration the official Python SDK writes before `<SelectRequest>`
/// (`xmltodict.unparse`), with the line break that follows it.
pub const SELECT_XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// The body of SELECT Object Content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "SelectRequest")]
pub struct SelectRequest {
    /// The SQL statement.
    #[serde(rename = "Expression")]
    pub expression: String,
    /// The language of [`expression`](Self::expression): `SQL`, the only one COS takes.
    #[serde(rename = "ExpressionType")]
    pub expression_type: String,
    /// How the object is encoded.
    #[serde(rename = "InputSerialization")]
    pub input_serialization: InputSerialization,
    /// How the results are encoded.
    #[serde(rename = "OutputSerialization")]
    pub output_serialization: OutputSerialization,
    /// Whether COS sends Progress events while it scans.
    #[serde(
        rename = "RequestProgress",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub request_progress: Option<RequestProgress>,
}

impl SelectRequest {
    /// A `SQL` request without progress events.
    pub fn new(
        expression: impl Into<String>,
        input: InputSerialization,
        output: OutputSerialization,
    ) -> Self {
        SelectRequest {
            expression: expression.into(),
            expression_type: "SQL".to_owned(),
            input_serialization: input,
            output_serialization: output,
            request_progress: None,
        }
    }

    /// The document as the official Python SDK sends it: [`SELECT_XML_DECLARATION`]
    /// then the compact element tree (only `<`, `>`, `&` escaped in text).
    ///
    /// Errors: [`XmlError::Serialize`] when the model cannot be written.
    pub fn to_xml(&self) -> Result<String, XmlError> {
        let mut out = String::from(SELECT_XML_DECLARATION);
        out.push_str(&crate::to_string(self)?);
        Ok(out)
    }

    /// Parses a `<SelectRequest>` document. Text made only of white space (a record
    /// delimiter `\n`, a field delimiter `\t`) is kept, not trimmed away.
    ///
    /// Errors: [`XmlError`] for a malformed document.
    pub fn from_xml(xml: &str) -> Result<Self, XmlError> {
        crate::from_str(&protect_whitespace_text(xml))
    }
}

/// Rewrites every text node made only of white space as character references, so a
/// parser that trims text keeps it.
fn protect_whitespace_text(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find('>') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        if !text.is_empty() && end < rest.len() && text.chars().all(char::is_whitespace) {
            for c in text.chars() {
                out.push_str(&format!("&#{};", u32::from(c)));
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

/// `<InputSerialization>`: the compression and format of the object.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InputSerialization {
    /// `NONE` (default), `GZIP` or `BZIP2`.
    #[serde(
        rename = "CompressionType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub compression_type: Option<CompressionType>,
    /// A CSV object.
    #[serde(rename = "CSV", default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<CsvInput>,
    /// A JSON object.
    #[serde(rename = "JSON", default, skip_serializing_if = "Option::is_none")]
    pub json: Option<JsonInput>,
}

impl InputSerialization {
    /// An uncompressed CSV object.
    pub fn csv(csv: CsvInput) -> Self {
        InputSerialization {
            compression_type: Some(CompressionType::None),
            csv: Some(csv),
            json: None,
        }
    }

    /// An uncompressed JSON object.
    pub fn json(kind: JsonType) -> Self {
        InputSerialization {
            compression_type: Some(CompressionType::None),
            csv: None,
            json: Some(JsonInput { kind: Some(kind) }),
        }
    }

    /// The same input, compressed with `c`.
    pub fn compression(mut self, c: CompressionType) -> Self {
        self.compression_type = Some(c);
        self
    }
}

/// `<CompressionType>` of the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CompressionType {
    /// Not compressed.
    #[default]
    #[serde(rename = "NONE")]
    None,
    /// gzip.
    #[serde(rename = "GZIP")]
    Gzip,
    /// bzip2.
    #[serde(rename = "BZIP2")]
    Bzip2,
}

/// `<FileHeaderInfo>`: what the first CSV line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FileHeaderInfo {
    /// A record like the others (default).
    #[default]
    #[serde(rename = "NONE")]
    None,
    /// A header, skipped; columns are named `_1`, `_2`, ...
    #[serde(rename = "IGNORE")]
    Ignore,
    /// A header whose names the query may use.
    #[serde(rename = "USE")]
    Use,
}

/// `<CSV>` of `<InputSerialization>`. Absent elements take COS's defaults: no header,
/// `\n`, `,`, `"`, `"`, no comments, quoted record delimiters not allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CsvInput {
    /// What the first line is.
    #[serde(
        rename = "FileHeaderInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub file_header_info: Option<FileHeaderInfo>,
    /// Separates records (one character).
    #[serde(
        rename = "RecordDelimiter",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub record_delimiter: Option<String>,
    /// Separates fields (one character).
    #[serde(
        rename = "FieldDelimiter",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub field_delimiter: Option<String>,
    /// Quotes a field (one character).
    #[serde(
        rename = "QuoteCharacter",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub quote_character: Option<String>,
    /// Escapes a quote inside a quoted field (one character).
    #[serde(
        rename = "QuoteEscapeCharacter",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub quote_escape_character: Option<String>,
    /// Lines starting with this character are skipped.
    #[serde(rename = "Comments", default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    /// Whether a quoted field may contain the record delimiter.
    #[serde(
        rename = "AllowQuotedRecordDelimiter",
        default,
        with = "upper_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_quoted_record_delimiter: Option<bool>,
}

/// `<Type>` of a JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum JsonType {
    /// One JSON value (or several, back to back); each top-level value is a record.
    #[default]
    #[serde(rename = "DOCUMENT")]
    Document,
    /// One JSON object per line.
    #[serde(rename = "LINES")]
    Lines,
}

/// `<JSON>` of `<InputSerialization>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct JsonInput {
    /// `DOCUMENT` or `LINES`.
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<JsonType>,
}

/// `<OutputSerialization>`: how records are written.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OutputSerialization {
    /// CSV records.
    #[serde(rename = "CSV", default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<CsvOutput>,
    /// JSON records.
    #[serde(rename = "JSON", default, skip_serializing_if = "Option::is_none")]
    pub json: Option<JsonOutput>,
}

impl OutputSerialization {
    /// CSV records.
    pub fn csv(csv: CsvOutput) -> Self {
        OutputSerialization {
            csv: Some(csv),
            json: None,
        }
    }

    /// JSON records.
    pub fn json(json: JsonOutput) -> Self {
        OutputSerialization {
            csv: None,
            json: Some(json),
        }
    }
}

/// `<QuoteFields>` of CSV output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum QuoteFields {
    /// Quote every field.
    #[serde(rename = "ALWAYS")]
    Always,
    /// Quote only fields that need it (default).
    #[default]
    #[serde(rename = "ASNEEDED")]
    AsNeeded,
}

/// `<CSV>` of `<OutputSerialization>`. Absent elements: as needed, `\n`, `,`, `"`, `"`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CsvOutput {
    /// When fields are quoted.
    #[serde(
        rename = "QuoteFields",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub quote_fields: Option<QuoteFields>,
    /// Ends each record.
    #[serde(
        rename = "RecordDelimiter",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub record_delimiter: Option<String>,
    /// Separates fields.
    #[serde(
        rename = "FieldDelimiter",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub field_delimiter: Option<String>,
    /// Quotes a field.
    #[serde(
        rename = "QuoteCharacter",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub quote_character: Option<String>,
    /// Escapes a quote inside a quoted field.
    #[serde(
        rename = "QuoteEscapeCharacter",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub quote_escape_character: Option<String>,
}

/// `<JSON>` of `<OutputSerialization>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct JsonOutput {
    /// Ends each record (default `\n`).
    #[serde(
        rename = "RecordDelimiter",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub record_delimiter: Option<String>,
}

/// `<RequestProgress>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RequestProgress {
    /// Whether Progress events are sent.
    #[serde(rename = "Enabled", with = "upper_bool_plain")]
    pub enabled: bool,
}

/// The payload of a Stats or Progress event (`<Stats>` / `<Progress>`): byte counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SelectStats {
    /// Bytes of the object read (compressed size when compressed).
    #[serde(rename = "BytesScanned", default)]
    pub bytes_scanned: u64,
    /// Bytes processed (the decompressed size).
    #[serde(rename = "BytesProcessed", default)]
    pub bytes_processed: u64,
    /// Bytes of records returned.
    #[serde(rename = "BytesReturned", default)]
    pub bytes_returned: u64,
}

impl SelectStats {
    /// Counts of bytes scanned, processed and returned.
    pub fn new(bytes_scanned: u64, bytes_processed: u64, bytes_returned: u64) -> Self {
        SelectStats {
            bytes_scanned,
            bytes_processed,
            bytes_returned,
        }
    }

    /// The payload of an event: `<root><BytesScanned>..</BytesScanned>...</root>`
    /// (`root` is `Stats` or `Progress`).
    pub fn to_xml(&self, root: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><{root}><BytesScanned>{}</BytesScanned><BytesProcessed>{}</BytesProcessed><BytesReturned>{}</BytesReturned></{root}>",
            self.bytes_scanned, self.bytes_processed, self.bytes_returned
        )
    }
}

fn parse_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let s = String::deserialize(d)?;
    match s.trim().to_ascii_uppercase().as_str() {
        "TRUE" => Ok(true),
        "FALSE" => Ok(false),
        _ => Err(serde::de::Error::custom(format!(
            "expected TRUE or FALSE, found {s:?}"
        ))),
    }
}

/// `TRUE` / `FALSE` for an optional boolean element.
mod upper_bool {
    use super::*;

    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(true) => s.serialize_str("TRUE"),
            Some(false) => s.serialize_str("FALSE"),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        parse_bool(d).map(Some)
    }
}

/// `TRUE` / `FALSE` for a boolean element.
mod upper_bool_plain {
    use super::*;

    pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if *v { "TRUE" } else { "FALSE" })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        parse_bool(d)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Bodies the official Python SDK sends (`format_xml` of the dict
    /// `select_object_content` builds), captured into `testdata/select/`.
    const CSV_FULL: &str = include_str!("../testdata/select/csv_full.xml");
    const JSON_GZIP: &str = include_str!("../testdata/select/json_gzip.xml");

    fn csv_full() -> SelectRequest {
        let mut r = SelectRequest::new(
            "select s._1, s.name from COSObject s where s.age > 30 and s.name <> 'a&b' limit 5",
            InputSerialization::csv(CsvInput {
                file_header_info: Some(FileHeaderInfo::Use),
                record_delimiter: Some("\n".into()),
                field_delimiter: Some("\t".into()),
                quote_character: Some("\"".into()),
                quote_escape_character: Some("\"".into()),
                comments: Some("#".into()),
                allow_quoted_record_delimiter: Some(false),
            }),
            OutputSerialization::csv(CsvOutput {
                quote_fields: Some(QuoteFields::AsNeeded),
                record_delimiter: Some("\n".into()),
                field_delimiter: Some(",".into()),
                quote_character: Some("\"".into()),
                quote_escape_character: Some("\"".into()),
            }),
        );
        r.request_progress = Some(RequestProgress { enabled: true });
        r
    }

    #[test]
    fn byte_identical_to_the_python_sdk() {
        assert_eq!(csv_full().to_xml().unwrap(), CSV_FULL);
        let json = SelectRequest::new(
            "select * from COSObject s",
            InputSerialization::json(JsonType::Lines).compression(CompressionType::Gzip),
            OutputSerialization::json(JsonOutput {
                record_delimiter: Some("\n".into()),
            }),
        );
        assert_eq!(json.to_xml().unwrap(), JSON_GZIP);
    }

    #[test]
    fn parses_what_the_python_sdk_sends_keeping_whitespace_delimiters() {
        assert_eq!(SelectRequest::from_xml(CSV_FULL).unwrap(), csv_full());
        let j = SelectRequest::from_xml(JSON_GZIP).unwrap();
        assert_eq!(
            j.input_serialization.json.unwrap().kind,
            Some(JsonType::Lines)
        );
        assert_eq!(
            j.output_serialization
                .json
                .unwrap()
                .record_delimiter
                .as_deref(),
            Some("\n")
        );
    }

    #[test]
    fn booleans_parse_in_any_case_and_bad_ones_fail() {
        let xml = CSV_FULL.replace("<Enabled>TRUE</Enabled>", "<Enabled>true</Enabled>");
        assert!(
            SelectRequest::from_xml(&xml)
                .unwrap()
                .request_progress
                .unwrap()
                .enabled
        );
        let bad = CSV_FULL.replace("<Enabled>TRUE</Enabled>", "<Enabled>yes</Enabled>");
        assert!(SelectRequest::from_xml(&bad).is_err());
    }

    #[test]
    fn stats_round_trip() {
        let s = SelectStats::new(10, 20, 5);
        let back: SelectStats = crate::from_str(&s.to_xml("Stats")).unwrap();
        assert_eq!(back, s);
    }
}
