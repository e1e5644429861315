//! Entry points for turning COS XML documents into models and back.

use serde::{Serialize, de::DeserializeOwned};

/// The XML declaration written by [`to_string_with_declaration`].
///
/// COS itself answers with `<?xml version='1.0' encoding='utf-8' ?>`-style
/// declarations on some APIs and with none on others; the official SDKs send
/// request bodies with a declaration. Parsing accepts either form.
pub const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// Errors produced while parsing or writing COS XML documents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    /// The input bytes are not valid UTF-8.
    #[error("XML document is not valid UTF-8: {0}")]
    Utf8(#[from] std::str::Utf8Error),
    /// The document is not well-formed XML or does not match the model.
    #[error("cannot parse XML document: {0}")]
    Parse(String),
    /// The root element is not the one the model expects.
    #[error("unexpected root element <{found}>, expected <{expected}>")]
    UnexpectedRoot {
        /// Element name the model expects.
        expected: &'static str,
        /// Element name found in the document.
        found: String,
    },
    /// A required element is absent.
    #[error("missing required element <{0}>")]
    MissingElement(&'static str),
    /// An element holds a value that cannot be converted to the model's type.
    #[error("invalid value {value:?} in element <{element}>")]
    InvalidValue {
        /// Element name.
        element: &'static str,
        /// Offending text, as found in the document.
        value: String,
    },
    /// The model cannot be written as XML.
    #[error("cannot serialize XML document: {0}")]
    Serialize(String),
}

impl From<quick_xml::DeError> for XmlError {
    fn from(err: quick_xml::DeError) -> Self {
        XmlError::Parse(err.to_string())
    }
}

impl From<quick_xml::Error> for XmlError {
    fn from(err: quick_xml::Error) -> Self {
        XmlError::Parse(err.to_string())
    }
}

impl From<quick_xml::SeError> for XmlError {
    fn from(err: quick_xml::SeError) -> Self {
        XmlError::Serialize(err.to_string())
    }
}

/// Removes a leading UTF-8 byte order mark, if any.
pub(crate) fn strip_bom(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

/// Parses a COS XML document into a model using serde.
///
/// An XML declaration and a UTF-8 byte order mark are accepted. Unknown
/// elements are ignored, so newer COS responses still parse.
///
/// ```
/// let loc: cos_xml::LocationConstraint =
///     cos_xml::from_str("<LocationConstraint>ap-guangzhou</LocationConstraint>")?;
/// assert_eq!(loc.region, "ap-guangzhou");
/// # Ok::<(), cos_xml::XmlError>(())
/// ```
pub fn from_str<T: DeserializeOwned>(s: &str) -> Result<T, XmlError> {
    Ok(quick_xml::de::from_str(strip_bom(s))?)
}

/// Parses a COS XML document held in bytes (it must be UTF-8).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, XmlError> {
    from_str(std::str::from_utf8(bytes)?)
}

/// Writes a model as a compact XML document without an XML declaration.
///
/// Only `<`, `>` and `&` are escaped in text, so ETags keep their literal
/// quotes (`<ETag>"…"</ETag>`), as COS writes them. Absent optional elements
/// and empty lists are omitted.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, XmlError> {
    let mut out = String::new();
    write_into(value, &mut out)?;
    Ok(out)
}

/// Writes a model as an XML document preceded by [`XML_DECLARATION`].
pub fn to_string_with_declaration<T: Serialize + ?Sized>(value: &T) -> Result<String, XmlError> {
    let mut out = String::from(XML_DECLARATION);
    write_into(value, &mut out)?;
    Ok(out)
}

fn write_into<T: Serialize + ?Sized>(value: &T, out: &mut String) -> Result<(), XmlError> {
    let mut ser = quick_xml::se::Serializer::new(out);
    ser.set_quote_level(quick_xml::se::QuoteLevel::Partial);
    value.serialize(ser)?;
    Ok(())
}
