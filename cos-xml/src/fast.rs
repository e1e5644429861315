//! Hand-written parsers for the large listing documents.
//!
//! The serde path of quick-xml is generic and buffers a lot of state; listing
//! documents can hold thousands of entries, so [`ListBucketResult`],
//! [`ListVersionsResult`] and [`ListPartsResult`] also get a direct parser on
//! quick-xml's borrowing event reader. It allocates only the final `String`s
//! (plus a buffer for text that contains entity references) and produces
//! exactly the value the serde path produces:
//!
//! - text is kept untrimmed, entity and character references are resolved,
//!   CDATA is taken verbatim and line ends are normalised (`\r\n` → `\n`);
//! - numbers and booleans are trimmed; booleans accept `true`/`false`/`1`/`0`;
//! - unknown elements, comments and processing instructions are skipped;
//! - absent elements take the same defaults.
//!
//! Unlike the serde path, the root element name is checked.

use std::borrow::Cow;
use std::str::FromStr;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};

use crate::codec::{XmlError, strip_bom};
use crate::common::{CommonPrefix, Owner};
use crate::list::{
    DeleteMarkerEntry, ListBucketResult, ListVersionsResult, ObjectSummary, ObjectVersion,
    VersionEntry,
};
use crate::multipart::{ListPartsResult, Part};

/// Event-driven parser over a borrowed document.
struct Parser<'a> {
    reader: Reader<&'a [u8]>,
}

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Self {
        Parser {
            reader: Reader::from_str(strip_bom(s)),
        }
    }

    /// Consumes the prolog and the root start tag. Returns `true` when the
    /// root is an empty element (`<Root/>`).
    fn root(&mut self, expected: &'static str) -> Result<bool, XmlError> {
        loop {
            let (name, empty) = match self.reader.read_event()? {
                Event::Start(e) => (e.local_name().as_ref().to_owned(), false),
                Event::Empty(e) => (e.local_name().as_ref().to_owned(), true),
                Event::Eof => return Err(XmlError::MissingElement(expected)),
                _ => continue,
            };
            if name != expected {
                return Err(XmlError::UnexpectedRoot {
                    expected,
                    found: name,
                });
            }
            return Ok(empty);
        }
    }

    /// Visits the child elements of the element just opened, calling
    /// `f(parser, local_name, is_empty_element)` for each. `f` returns
    /// `false` for elements it does not know; they are skipped.
    #[inline(always)]
    fn children<F>(&mut self, empty: bool, mut f: F) -> Result<(), XmlError>
    where
        F: FnMut(&mut Self, &str, bool) -> Result<bool, XmlError>,
    {
        if empty {
            return Ok(());
        }
        loop {
            match self.reader.read_event()? {
                Event::Start(e) => {
                    let known = f(self, e.local_name().as_ref(), false)?;
                    if !known {
                        self.reader.read_to_end(e.name())?;
                    }
                }
                Event::Empty(e) => {
                    f(self, e.local_name().as_ref(), true)?;
                }
                Event::End(_) => return Ok(()),
                Event::Eof => return Err(unexpected_eof()),
                // Whitespace between elements, comments, PIs: not part of the model.
                _ => {}
            }
        }
    }

    /// Reads the text content of the leaf element just opened, up to its end tag.
    #[inline(always)]
    fn raw_text(&mut self, empty: bool) -> Result<Cow<'a, str>, XmlError> {
        if empty {
            return Ok(Cow::Borrowed(""));
        }
        // Fast path: a single text run followed by the end tag.
        let first = match self.reader.read_event()? {
            Event::End(_) => return Ok(Cow::Borrowed("")),
            Event::Text(t) => t.xml10_content(),
            other => {
                let mut buf = String::new();
                if self.push_piece(&mut buf, other)? {
                    return Ok(Cow::Owned(buf));
                }
                return self.text_rest(buf);
            }
        };
        match self.reader.read_event()? {
            Event::End(_) => Ok(first),
            other => {
                let mut buf = String::with_capacity(first.len() + 32);
                buf.push_str(&first);
                if self.push_piece(&mut buf, other)? {
                    return Ok(Cow::Owned(buf));
                }
                self.text_rest(buf)
            }
        }
    }

    /// Slow path of [`Self::raw_text`]: concatenates the remaining pieces.
    fn text_rest(&mut self, mut buf: String) -> Result<Cow<'a, str>, XmlError> {
        loop {
            let ev = self.reader.read_event()?;
            if self.push_piece(&mut buf, ev)? {
                return Ok(Cow::Owned(buf));
            }
        }
    }

    /// Appends one piece of element content; returns `true` at the end tag.
    fn push_piece(&mut self, buf: &mut String, ev: Event<'a>) -> Result<bool, XmlError> {
        match ev {
            Event::End(_) => return Ok(true),
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::CData(c) => buf.push_str(&c.xml10_content()),
            Event::GeneralRef(r) => resolve_ref(buf, &r)?,
            Event::Start(e) | Event::Empty(e) => {
                return Err(XmlError::Parse(format!(
                    "unexpected element <{}> inside text",
                    e.local_name().as_ref()
                )));
            }
            Event::Eof => return Err(unexpected_eof()),
            // Comments, PIs, DOCTYPE, declarations: no text.
            _ => {}
        }
        Ok(false)
    }

    #[inline(always)]
    fn string(&mut self, empty: bool) -> Result<String, XmlError> {
        Ok(self.raw_text(empty)?.into_owned())
    }

    #[inline(always)]
    fn opt_string(&mut self, empty: bool) -> Result<Option<String>, XmlError> {
        Ok(Some(self.string(empty)?))
    }

    #[inline(always)]
    fn number<T: FromStr>(&mut self, empty: bool, element: &'static str) -> Result<T, XmlError> {
        let text = self.raw_text(empty)?;
        text.trim_matches(is_xml_space)
            .parse()
            .map_err(|_| XmlError::InvalidValue {
                element,
                value: text.into_owned(),
            })
    }

    #[inline(always)]
    fn boolean(&mut self, empty: bool, element: &'static str) -> Result<bool, XmlError> {
        let text = self.raw_text(empty)?;
        match text.trim_matches(is_xml_space) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(XmlError::InvalidValue {
                element,
                value: text.into_owned(),
            }),
        }
    }

    fn owner(&mut self, empty: bool) -> Result<Owner, XmlError> {
        let mut owner = Owner::default();
        self.children(empty, |p, name, empty| {
            match name {
                "ID" => owner.id = p.string(empty)?,
                "DisplayName" => owner.display_name = p.opt_string(empty)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(owner)
    }

    fn common_prefix(&mut self, empty: bool) -> Result<CommonPrefix, XmlError> {
        let mut cp = CommonPrefix::default();
        self.children(empty, |p, name, empty| {
            match name {
                "Prefix" => cp.prefix = p.string(empty)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(cp)
    }

    fn object_summary(&mut self, empty: bool) -> Result<ObjectSummary, XmlError> {
        let mut o = ObjectSummary::default();
        self.children(empty, |p, name, empty| {
            match name {
                "Key" => o.key = p.string(empty)?,
                "LastModified" => o.last_modified = p.string(empty)?,
                "ETag" => o.etag = p.string(empty)?,
                "Size" => o.size = p.number(empty, "Size")?,
                "Owner" => o.owner = Some(p.owner(empty)?),
                "StorageClass" => o.storage_class = p.string(empty)?,
                "StorageTier" => o.storage_tier = p.opt_string(empty)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(o)
    }

    fn object_version(&mut self, empty: bool) -> Result<ObjectVersion, XmlError> {
        let mut v = ObjectVersion::default();
        self.children(empty, |p, name, empty| {
            match name {
                "Key" => v.key = p.string(empty)?,
                "VersionId" => v.version_id = p.string(empty)?,
                "IsLatest" => v.is_latest = p.boolean(empty, "IsLatest")?,
                "LastModified" => v.last_modified = p.string(empty)?,
                "ETag" => v.etag = p.string(empty)?,
                "Size" => v.size = p.number(empty, "Size")?,
                "StorageClass" => v.storage_class = p.string(empty)?,
                "StorageTier" => v.storage_tier = p.opt_string(empty)?,
                "Owner" => v.owner = Some(p.owner(empty)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(v)
    }

    fn delete_marker(&mut self, empty: bool) -> Result<DeleteMarkerEntry, XmlError> {
        let mut d = DeleteMarkerEntry::default();
        self.children(empty, |p, name, empty| {
            match name {
                "Key" => d.key = p.string(empty)?,
                "VersionId" => d.version_id = p.string(empty)?,
                "IsLatest" => d.is_latest = p.boolean(empty, "IsLatest")?,
                "LastModified" => d.last_modified = p.string(empty)?,
                "Owner" => d.owner = Some(p.owner(empty)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(d)
    }

    fn part(&mut self, empty: bool) -> Result<Part, XmlError> {
        let mut part = Part::default();
        self.children(empty, |p, name, empty| {
            match name {
                "PartNumber" => part.part_number = p.number(empty, "PartNumber")?,
                "LastModified" => part.last_modified = p.string(empty)?,
                "ETag" => part.etag = p.string(empty)?,
                "Size" => part.size = p.number(empty, "Size")?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(part)
    }
}

/// XML whitespace, as trimmed by quick-xml around numbers and booleans.
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn unexpected_eof() -> XmlError {
    XmlError::Parse("unexpected end of document".to_owned())
}

/// Resolves a predefined entity (`&amp;` …) or a character reference (`&#x4e2d;`).
fn resolve_ref(buf: &mut String, r: &BytesRef<'_>) -> Result<(), XmlError> {
    if let Some(ch) = r.resolve_char_ref()? {
        buf.push(ch);
        return Ok(());
    }
    let name: &str = r;
    let s = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        other => return Err(XmlError::Parse(format!("unrecognized entity `&{other};`"))),
    };
    buf.push_str(s);
    Ok(())
}

impl ListBucketResult {
    /// Parses a `<ListBucketResult>` document with the hand-written fast parser.
    ///
    /// Gives the same value as [`crate::from_str`] for every document COS
    /// produces, several times faster; it also checks the root element name.
    pub fn from_xml_fast(s: &str) -> Result<Self, XmlError> {
        let mut p = Parser::new(s);
        let empty = p.root("ListBucketResult")?;
        let mut r = ListBucketResult::default();
        p.children(empty, |p, name, empty| {
            match name {
                "Contents" => r.contents.push(p.object_summary(empty)?),
                "CommonPrefixes" => r.common_prefixes.push(p.common_prefix(empty)?),
                "Name" => r.name = p.string(empty)?,
                "EncodingType" => r.encoding_type = p.opt_string(empty)?,
                "Prefix" => r.prefix = p.string(empty)?,
                "Marker" => r.marker = p.string(empty)?,
                "MaxKeys" => r.max_keys = p.number(empty, "MaxKeys")?,
                "Delimiter" => r.delimiter = p.opt_string(empty)?,
                "IsTruncated" => r.is_truncated = p.boolean(empty, "IsTruncated")?,
                "NextMarker" => r.next_marker = p.opt_string(empty)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(r)
    }
}

impl ListBucketResult {
    /// Parses only the head of a `<ListBucketResult>` document: the elements before its
    /// first entry (`<Contents>` or `<CommonPrefixes>`), where COS puts `EncodingType`,
    /// `IsTruncated` and `NextMarker`. Returns them in a result without entries, and
    /// whether `IsTruncated` was among them. A lister can continue with the next page
    /// from these while it decodes this one with [`from_xml_fast`](Self::from_xml_fast)
    /// (which must agree with the head: the caller checks).
    pub fn head_fast(s: &str) -> Result<(Self, bool), XmlError> {
        let mut p = Parser::new(s);
        let mut r = ListBucketResult::default();
        let mut truncation_seen = false;
        if p.root("ListBucketResult")? {
            return Ok((r, truncation_seen));
        }
        loop {
            let (e, empty) = match p.reader.read_event()? {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) | Event::Eof => return Ok((r, truncation_seen)),
                _ => continue,
            };
            match e.local_name().as_ref() {
                "Contents" | "CommonPrefixes" => return Ok((r, truncation_seen)),
                "EncodingType" => r.encoding_type = p.opt_string(empty)?,
                "IsTruncated" => {
                    r.is_truncated = p.boolean(empty, "IsTruncated")?;
                    truncation_seen = true;
                }
                "NextMarker" => r.next_marker = p.opt_string(empty)?,
                _ if !empty => {
                    p.reader.read_to_end(e.name())?;
                }
                _ => {}
            }
        }
    }
}

impl ListVersionsResult {
    /// Parses a `<ListVersionsResult>` document with the hand-written fast parser.
    ///
    /// Gives the same value as [`crate::from_str`], including the interleaved
    /// order of `<Version>` and `<DeleteMarker>` entries.
    pub fn from_xml_fast(s: &str) -> Result<Self, XmlError> {
        let mut p = Parser::new(s);
        let empty = p.root("ListVersionsResult")?;
        let mut r = ListVersionsResult::default();
        p.children(empty, |p, name, empty| {
            match name {
                "Version" => r
                    .entries
                    .push(VersionEntry::Version(p.object_version(empty)?)),
                "DeleteMarker" => r
                    .entries
                    .push(VersionEntry::DeleteMarker(p.delete_marker(empty)?)),
                "CommonPrefixes" => r.common_prefixes.push(p.common_prefix(empty)?),
                "EncodingType" => r.encoding_type = p.opt_string(empty)?,
                "Name" => r.name = p.string(empty)?,
                "Prefix" => r.prefix = p.string(empty)?,
                "KeyMarker" => r.key_marker = p.string(empty)?,
                "VersionIdMarker" => r.version_id_marker = p.string(empty)?,
                "MaxKeys" => r.max_keys = p.number(empty, "MaxKeys")?,
                "Delimiter" => r.delimiter = p.opt_string(empty)?,
                "IsTruncated" => r.is_truncated = p.boolean(empty, "IsTruncated")?,
                "NextKeyMarker" => r.next_key_marker = p.opt_string(empty)?,
                "NextVersionIdMarker" => r.next_version_id_marker = p.opt_string(empty)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(r)
    }
}

impl ListPartsResult {
    /// Parses a `<ListPartsResult>` document with the hand-written fast parser.
    ///
    /// Gives the same value as [`crate::from_str`].
    pub fn from_xml_fast(s: &str) -> Result<Self, XmlError> {
        let mut p = Parser::new(s);
        let empty = p.root("ListPartsResult")?;
        let mut r = ListPartsResult::default();
        p.children(empty, |p, name, empty| {
            match name {
                "Part" => r.parts.push(p.part(empty)?),
                "Bucket" => r.bucket = p.string(empty)?,
                "EncodingType" => r.encoding_type = p.opt_string(empty)?,
                "Key" => r.key = p.string(empty)?,
                "UploadId" => r.upload_id = p.string(empty)?,
                "Initiator" => r.initiator = Some(p.owner(empty)?),
                "Owner" => r.owner = Some(p.owner(empty)?),
                "PartNumberMarker" => r.part_number_marker = p.number(empty, "PartNumberMarker")?,
                "NextPartNumberMarker" => {
                    r.next_part_number_marker = Some(p.number(empty, "NextPartNumberMarker")?)
                }
                "StorageClass" => r.storage_class = p.string(empty)?,
                "MaxParts" => r.max_parts = p.number(empty, "MaxParts")?,
                "IsTruncated" => r.is_truncated = p.boolean(empty, "IsTruncated")?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(r)
    }
}
