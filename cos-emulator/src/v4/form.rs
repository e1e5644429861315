//! Request bodies of the v4 API: `multipart/form-data` (as `requests` writes them) and
//! JSON objects.

use bytes::Bytes;

/// The fields of a v4 request body.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    fields: Vec<(String, Bytes)>,
}

impl Fields {
    /// A field's bytes.
    pub fn bytes(&self, name: &str) -> Option<&Bytes> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// A field as text.
    pub fn text(&self, name: &str) -> Option<String> {
        self.bytes(name)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// A field as a number.
    pub fn number(&self, name: &str) -> Option<u64> {
        self.text(name).and_then(|s| s.trim().parse().ok())
    }

    /// The fields of a multipart body with `boundary`, or `None` when malformed.
    pub fn multipart(body: &Bytes, boundary: &str) -> Option<Fields> {
        let delimiter = format!("--{boundary}");
        let d = delimiter.as_bytes();
        let mut fields = Vec::new();
        let mut pos = find(body, d, 0)?;
        loop {
            let after = pos + d.len();
            if body.get(after..after + 2) == Some(b"--") {
                return Some(Fields { fields });
            }
            let head_start = after + 2; // \r\n
            let head_end = find(body, b"\r\n\r\n", head_start)?;
            let head = std::str::from_utf8(body.get(head_start..head_end)?).ok()?;
            let value_start = head_end + 4;
            let next = find(body, d, value_start)?;
            let value_end = next.checked_sub(2)?; // the \r\n before the delimiter
            let name = head
                .split("\r\n")
                .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
                .and_then(|l| param(l, "name"))?;
            fields.push((name, body.slice(value_start..value_end.max(value_start))));
            pos = next;
        }
    }

    /// The string (and number) members of a JSON object; nested objects as their JSON.
    pub fn json(body: &[u8]) -> Option<(Fields, serde_json::Map<String, serde_json::Value>)> {
        let serde_json::Value::Object(map) = serde_json::from_slice(body).ok()? else {
            return None;
        };
        let fields = map
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), Bytes::from(text))
            })
            .collect();
        Some((Fields { fields }, map))
    }
}

/// `name="value"` in a header line.
fn param(line: &str, name: &str) -> Option<String> {
    let needle = format!("{name}=\"");
    let mut rest = line;
    loop {
        let i = rest.find(&needle)?;
        let preceded_ok = i == 0 || matches!(rest.as_bytes()[i - 1], b' ' | b';');
        let value = &rest[i + needle.len()..];
        if preceded_ok {
            return value.find('"').map(|end| value[..end].to_owned());
        }
        rest = value;
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The boundary of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Option<&str> {
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return None;
    }
    content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_requests_forms() {
        let body = Bytes::from_static(
            b"--b1\r\nContent-Disposition: form-data; name=\"op\"; filename=\"op\"\r\n\r\nupload\r\n--b1\r\nContent-Disposition: form-data; name=\"filecontent\"; filename=\"filecontent\"\r\n\r\na\r\n--b\r\n--b1--\r\n",
        );
        let f = Fields::multipart(&body, "b1").unwrap();
        assert_eq!(f.text("op").as_deref(), Some("upload"));
        assert_eq!(&f.bytes("filecontent").unwrap()[..], b"a\r\n--b");
        assert_eq!(boundary("multipart/form-data; boundary=b1"), Some("b1"));
        assert_eq!(boundary("application/json"), None);
    }
}
