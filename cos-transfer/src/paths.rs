//! Mapping between object keys and local paths for the folder operations, and the
//! include/exclude filters. Pure functions: no file system access.
//!
//! A key is only ever turned into a local path below the destination: keys with `..`,
//! `.` or empty segments, absolute paths, drive letters or other `:`, backslashes or NUL
//! are refused ([`UnsafeKey`]).

use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Why a key cannot be written below a destination folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnsafeKey {
    /// Nothing is left of the key once the prefix is removed.
    #[error("empty relative path")]
    Empty,
    /// It starts with `/` (an absolute path).
    #[error("absolute path")]
    Absolute,
    /// A segment is `..`.
    #[error("`..` segment")]
    ParentDir,
    /// A segment is `.` or empty (`a//b`).
    #[error("`.` or empty segment")]
    OddSegment,
    /// It contains `:` (a drive letter such as `C:`, or an NTFS stream).
    #[error("drive letter or `:`")]
    Colon,
    /// It contains `\`, a path separator on Windows.
    #[error("backslash")]
    Backslash,
    /// It contains a NUL or another control character.
    #[error("control character")]
    Control,
    /// A folder on its way below the destination is a symbolic link (never followed).
    #[error("a folder on the way is a symbolic link")]
    Symlink,
}

/// The path, relative to the destination folder, of a key whose prefix was removed
/// (`rel` uses `/` between segments).
///
/// Errors: an [`UnsafeKey`] reason when the key could land outside the destination or
/// cannot be a file name on every platform.
///
/// ```
/// use cos_transfer::paths::{UnsafeKey, local_relative_path};
/// assert_eq!(local_relative_path("a/b.txt").unwrap(), std::path::Path::new("a").join("b.txt"));
/// assert_eq!(local_relative_path("../etc/passwd"), Err(UnsafeKey::ParentDir));
/// assert_eq!(local_relative_path("C:/Windows"), Err(UnsafeKey::Colon));
/// ```
pub fn local_relative_path(rel: &str) -> Result<PathBuf, UnsafeKey> {
    if rel.is_empty() {
        return Err(UnsafeKey::Empty);
    }
    if rel.starts_with('/') {
        return Err(UnsafeKey::Absolute);
    }
    if rel.contains('\\') {
        return Err(UnsafeKey::Backslash);
    }
    if rel.contains(':') {
        return Err(UnsafeKey::Colon);
    }
    if rel.chars().any(char::is_control) {
        return Err(UnsafeKey::Control);
    }
    let mut path = PathBuf::new();
    for segment in rel.split('/') {
        match segment {
            ".." => return Err(UnsafeKey::ParentDir),
            "" | "." => return Err(UnsafeKey::OddSegment),
            s => path.push(s),
        }
    }
    // Belt and braces: what was built must be plain relative segments.
    if path.components().all(|c| matches!(c, Component::Normal(_))) {
        Ok(path)
    } else {
        Err(UnsafeKey::OddSegment)
    }
}

/// The folder a prefix names: the prefix itself when it is empty or ends in `/`,
/// otherwise the prefix and a `/` (`photos` names the folder `photos/`).
///
/// ```
/// use cos_transfer::paths::folder_prefix;
/// assert_eq!(folder_prefix("photos"), "photos/");
/// assert_eq!(folder_prefix("photos/"), "photos/");
/// assert_eq!(folder_prefix(""), "");
/// ```
pub fn folder_prefix(prefix: &str) -> std::borrow::Cow<'_, str> {
    if prefix.is_empty() || prefix.ends_with('/') {
        prefix.into()
    } else {
        format!("{prefix}/").into()
    }
}

/// The part of `key` inside the folder `prefix` names ([`folder_prefix`]), as the
/// relative path of a folder download. `None` when the key is not in that folder: with
/// the prefix `photos`, `photos/a.jpg` gives `a.jpg` but `photosa.jpg` is not in the
/// folder. The relative path is the key without one fixed string, so two keys never
/// give the same relative path.
///
/// ```
/// use cos_transfer::paths::relative_key;
/// assert_eq!(relative_key("photos/", "photos/2024/a.jpg"), Some("2024/a.jpg"));
/// assert_eq!(relative_key("photos", "photos/a.jpg"), Some("a.jpg"));
/// assert_eq!(relative_key("photos", "photosa.jpg"), None);
/// assert_eq!(relative_key("photos/", "videos/a.mp4"), None);
/// ```
pub fn relative_key<'k>(prefix: &str, key: &'k str) -> Option<&'k str> {
    key.strip_prefix(folder_prefix(prefix).as_ref())
}

/// The key of a file at `rel` (relative to the uploaded folder) below `prefix`: segments
/// joined with `/`, and a `/` between prefix and path unless the prefix is empty or
/// already ends with one. `None` for a path that is not plain UTF-8 segments.
///
/// ```
/// use std::path::Path;
/// use cos_transfer::paths::key_for;
/// assert_eq!(key_for("backup", &Path::new("a").join("b.txt")).as_deref(), Some("backup/a/b.txt"));
/// assert_eq!(key_for("", Path::new("b.txt")).as_deref(), Some("b.txt"));
/// ```
pub fn key_for(prefix: &str, rel: &Path) -> Option<String> {
    let mut segments = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => segments.push(s.to_str()?),
            _ => return None,
        }
    }
    if segments.is_empty() {
        return None;
    }
    let joined = segments.join("/");
    Some(if prefix.is_empty() || prefix.ends_with('/') {
        format!("{prefix}{joined}")
    } else {
        format!("{prefix}/{joined}")
    })
}

/// Include/exclude globs over relative paths (`/`-separated; `*` also crosses `/`,
/// `**` works as usual). A path passes when it matches some include glob (or there are
/// none) and no exclude glob.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl Filter {
    /// Builds a filter.
    ///
    /// Errors: the message of the first glob that does not parse.
    ///
    /// ```
    /// let f = cos_transfer::paths::Filter::new(&["*.jpg"], &["tmp/**"]).unwrap();
    /// assert!(f.accepts("2024/a.jpg"));
    /// assert!(!f.accepts("tmp/a.jpg"));
    /// assert!(!f.accepts("a.png"));
    /// ```
    pub fn new(include: &[impl AsRef<str>], exclude: &[impl AsRef<str>]) -> Result<Self, String> {
        fn set(globs: &[impl AsRef<str>]) -> Result<Option<GlobSet>, String> {
            if globs.is_empty() {
                return Ok(None);
            }
            let mut b = GlobSetBuilder::new();
            for g in globs {
                b.add(Glob::new(g.as_ref()).map_err(|e| e.to_string())?);
            }
            b.build().map(Some).map_err(|e| e.to_string())
        }
        Ok(Self {
            include: set(include)?,
            exclude: set(exclude)?,
        })
    }

    /// Whether `rel` passes the filter.
    pub fn accepts(&self, rel: &str) -> bool {
        self.include.as_ref().is_none_or(|s| s.is_match(rel))
            && !self.exclude.as_ref().is_some_and(|s| s.is_match(rel))
    }
}
