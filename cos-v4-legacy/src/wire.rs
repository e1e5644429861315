//! Request bodies exactly as the official SDK writes them: `multipart/form-data` (the
//! `requests` library's `files=` encoding) and `json.dumps` JSON.
//!
//! Field order: the official SDK builds its bodies from Python 2 dicts, whose iteration
//! order is fixed by the key hashes. Each operation therefore lists its fields in that
//! order (checked against the captures in `testdata/wire_v4.json`).

use bytes::{BufMut, Bytes, BytesMut};

/// A `multipart/form-data` body under construction.
#[derive(Debug)]
pub(crate) struct Form {
    boundary: String,
    body: BytesMut,
}

impl Form {
    /// An empty form with a random 32-hex-digit boundary (as `requests` makes them).
    pub(crate) fn new() -> Self {
        Self::with_boundary(random_hex32())
    }

    /// An empty form with the given boundary.
    pub(crate) fn with_boundary(boundary: String) -> Self {
        Form {
            boundary,
            body: BytesMut::new(),
        }
    }

    /// Adds a part `name` (with `filename` = `name`, as for `files=` in `requests`).
    pub(crate) fn part(&mut self, name: &str, value: &[u8]) -> &mut Self {
        let head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n\r\n",
            self.boundary
        );
        self.body.reserve(head.len() + value.len() + 2);
        self.body.put_slice(head.as_bytes());
        self.body.put_slice(value);
        self.body.put_slice(b"\r\n");
        self
    }

    /// The `Content-Type` header value.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// Closes the form and returns the body.
    pub(crate) fn finish(mut self) -> Bytes {
        self.body
            .put_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        self.body.freeze()
    }
}

fn random_hex32() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::with_capacity(32);
    for i in 0..2u8 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u8(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// A JSON value as the official SDK sends them: strings, and objects of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json {
    /// A string.
    Str(String),
    /// An object, fields in order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Python's `json.dumps` (separators `", "` and `": "`, `ensure_ascii=True`).
    pub(crate) fn dumps(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Str(s) => write_str(out, s),
            Json::Object(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_str(out, k);
                    out.push_str(": ");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string with Python's escapes (non-ASCII as `\uXXXX`, surrogate pairs above
/// the BMP).
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (' '..='~').contains(&c) => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_like_python() {
        let j = Json::Object(vec![
            ("biz_attr".into(), Json::Str("文 \"x\"\n😀".into())),
            (
                "custom_headers".into(),
                Json::Object(vec![("a".into(), Json::Str("b".into()))]),
            ),
        ]);
        assert_eq!(
            j.dumps(),
            r#"{"biz_attr": "\u6587 \"x\"\n\ud83d\ude00", "custom_headers": {"a": "b"}}"#
        );
    }

    #[test]
    fn form_layout() {
        let mut f = Form::with_boundary("b".into());
        f.part("op", b"upload");
        assert_eq!(
            &f.finish()[..],
            b"--b\r\nContent-Disposition: form-data; name=\"op\"; filename=\"op\"\r\n\r\nupload\r\n--b--\r\n"
        );
        assert_eq!(Form::new().boundary.len(), 32);
    }
}
