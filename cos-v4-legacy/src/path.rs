//! Path rules of the v4 API (checked before any request) and the URL encodings the
//! official SDK uses.

use crate::error::{Error, Result};

/// Checks a file path: it starts with `/` and does not end with `/`.
pub(crate) fn check_file(cos_path: &str) -> Result<()> {
    if !cos_path.starts_with('/') {
        return Err(Error::params(format!(
            "cos path {cos_path:?} must start with /"
        )));
    }
    if cos_path.ends_with('/') {
        return Err(Error::params(format!(
            "file path {cos_path:?} must not end with /"
        )));
    }
    Ok(())
}

/// Checks a folder path: it starts and ends with `/`.
pub(crate) fn check_folder(cos_path: &str) -> Result<()> {
    if !cos_path.starts_with('/') {
        return Err(Error::params(format!(
            "cos path {cos_path:?} must start with /"
        )));
    }
    if !cos_path.ends_with('/') {
        return Err(Error::params(format!(
            "folder path {cos_path:?} must end with /"
        )));
    }
    Ok(())
}

/// Checks a bucket name (short name, without the appid).
pub(crate) fn check_bucket(bucket: &str) -> Result<()> {
    if bucket.is_empty() || bucket.contains(['/', '?', '#', ' ']) {
        return Err(Error::params(format!("bad bucket name {bucket:?}")));
    }
    Ok(())
}

/// Python 2 `urllib.quote(s, safe)`: alphanumerics and `_.-` are kept, so are the
/// characters of `safe`; everything else is `%XX` (uppercase) of its UTF-8 bytes.
pub(crate) fn quote(s: &str, safe: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || b"_.-".contains(&b)
            || (b.is_ascii() && safe.as_bytes().contains(&b))
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of an API request: `/files/v2/{appid}/{bucket}{quote(cos_path, "~/")}`.
pub(crate) fn api_path(appid: &str, bucket: &str, cos_path: &str) -> String {
    format!("/files/v2/{appid}/{bucket}{}", quote(cos_path, "~/"))
}

/// A query string from pairs, each name and value quoted as `urllib.urlencode` does
/// (`quote_plus`: space as `+`).
pub(crate) fn query(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&quote(k, " ").replace(' ', "+"));
        out.push('=');
        out.push_str(&quote(v, " ").replace(' ', "+"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(check_file("/a.txt").is_ok());
        assert!(check_file("a.txt").is_err());
        assert!(check_file("/dir/").is_err());
        assert!(check_folder("/dir/").is_ok());
        assert!(check_folder("/").is_ok());
        assert!(check_folder("/dir").is_err());
        assert!(check_folder("dir/").is_err());
    }

    #[test]
    fn encodings() {
        assert_eq!(quote("/dir/a b+c~.txt", "~/"), "/dir/a%20b%2Bc~.txt");
        assert_eq!(quote("/dir/a b~", "/"), "/dir/a%20b%7E");
        assert_eq!(quote("/文件", "~/"), "/%E6%96%87%E4%BB%B6");
        assert_eq!(
            query(&[("to_over_write", "1"), ("dest_fileid", "/dir/c d.txt")]),
            "to_over_write=1&dest_fileid=%2Fdir%2Fc+d.txt"
        );
    }
}
