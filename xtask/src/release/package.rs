//! What crates.io and docs.rs will see: each published crate's metadata and the
//! contents of the `.crate` file `cargo publish --dry-run` builds.

use std::path::Path;

use super::model::Crate;
use crate::util::capture_quiet;

/// The largest file a published crate may carry (test data included).
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

/// The largest a published crate may be, unpacked.
pub const MAX_CRATE_BYTES: u64 = 1024 * 1024;

/// Files every published crate carries.
pub const REQUIRED_FILES: &[&str] = &["Cargo.toml", "LICENSE-MIT", "LICENSE-APACHE", "README.md"];

/// The problems with a published crate's `Cargo.toml` metadata.
pub fn metadata_problems(c: &Crate) -> Vec<String> {
    let mut out = Vec::new();
    let mut missing = |what: &str, absent: bool| {
        if absent {
            out.push(format!("{}: no {what}", c.name));
        }
    };
    missing(
        "description",
        c.description.as_deref().is_none_or(str::is_empty),
    );
    missing("keywords", c.keywords.is_empty());
    missing("categories", c.categories.is_empty());
    missing("readme", c.readme.is_none());
    missing("repository", c.repository.is_none());
    missing("license", c.license.is_none());
    missing("rust-version", c.rust_version.is_none());
    missing("[package.metadata.docs.rs] (docs.rs settings)", !c.docs_rs);
    if let Some(readme) = &c.readme
        && !c.dir.join(readme).is_file()
    {
        out.push(format!("{}: readme {readme} does not exist", c.name));
    }
    if c.keywords.len() > 5 {
        out.push(format!("{}: crates.io takes at most 5 keywords", c.name));
    }
    for k in &c.keywords {
        let ok = k.len() <= 20
            && k.starts_with(|ch: char| ch.is_ascii_alphabetic())
            && k.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' || ch == '+');
        if !ok {
            out.push(format!(
                "{}: keyword {k:?} is not a valid crates.io keyword",
                c.name
            ));
        }
    }
    out
}

/// One file in a `.crate` archive: its path inside the package and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path below `<name>-<version>/`.
    pub path: String,
    /// Bytes, unpacked.
    pub size: u64,
}

/// Lists a `.crate` file (a gzipped tar) with the system `tar`.
pub fn list_crate_file(file: &Path) -> Result<Vec<Entry>, String> {
    let name = file.to_string_lossy();
    let listing = capture_quiet("tar", &["-tvzf", &name])?;
    Ok(parse_tar_listing(&listing))
}

/// Parses `tar -tv` lines: `mode owner size date time path` (columns padded).
fn parse_tar_listing(listing: &str) -> Vec<Entry> {
    listing
        .lines()
        .filter_map(|line| {
            let mut rest = line.trim_start();
            let mut fields = Vec::with_capacity(5);
            for _ in 0..5 {
                let end = rest.find(char::is_whitespace)?;
                fields.push(&rest[..end]);
                rest = rest[end..].trim_start();
            }
            if fields[0].starts_with('d') || rest.is_empty() {
                return None;
            }
            let path = rest.split_once('/').map_or(rest, |(_, inner)| inner);
            Some(Entry {
                path: path.to_owned(),
                size: fields[2].parse().ok()?,
            })
        })
        .collect()
}

/// The problems with a packaged crate's contents.
pub fn contents_problems(name: &str, entries: &[Entry]) -> Vec<String> {
    let mut out = Vec::new();
    for required in REQUIRED_FILES {
        if !entries.iter().any(|e| e.path == *required) {
            out.push(format!("{name}: the package lacks {required}"));
        }
    }
    for e in entries {
        if e.size > MAX_FILE_BYTES {
            out.push(format!(
                "{name}: {} is {} KiB (over {} KiB): exclude it or shrink it",
                e.path,
                e.size / 1024,
                MAX_FILE_BYTES / 1024
            ));
        }
        if e.path.starts_with("target/") || e.path.contains("/target/") {
            out.push(format!("{name}: build output {} is packaged", e.path));
        }
    }
    let total: u64 = entries.iter().map(|e| e.size).sum();
    if total > MAX_CRATE_BYTES {
        out.push(format!(
            "{name}: {} KiB unpacked (over {} KiB)",
            total / 1024,
            MAX_CRATE_BYTES / 1024
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn tar_listings_are_parsed() {
        let listing = "-rw-r--r-- 0/0            1234 1970-01-01 00:00 cos-auth-0.1.0/Cargo.toml\n\
                       drwxr-xr-x 0/0               0 1970-01-01 00:00 cos-auth-0.1.0/src\n\
                       -rw-r--r-- 0/0          300000 1970-01-01 00:00 cos-auth-0.1.0/testdata/big file.json\n";
        assert_eq!(
            parse_tar_listing(listing),
            [
                Entry {
                    path: "Cargo.toml".into(),
                    size: 1234
                },
                Entry {
                    path: "testdata/big file.json".into(),
                    size: 300_000
                },
            ]
        );
    }

    #[test]
    fn missing_files_and_bloat_are_reported() {
        let entries = [
            Entry {
                path: "Cargo.toml".into(),
                size: 10,
            },
            Entry {
                path: "LICENSE-MIT".into(),
                size: 10,
            },
            Entry {
                path: "testdata/huge.bin".into(),
                size: MAX_FILE_BYTES + 1,
            },
            Entry {
                path: "tests/a".into(),
                size: MAX_CRATE_BYTES,
            },
        ];
        let problems = contents_problems("x", &entries).join("\n");
        assert!(problems.contains("lacks LICENSE-APACHE"), "{problems}");
        assert!(problems.contains("lacks README.md"), "{problems}");
        assert!(
            problems.contains("testdata/huge.bin is 256 KiB"),
            "{problems}"
        );
        assert!(problems.contains("unpacked (over 1024 KiB)"), "{problems}");
        assert!(!problems.contains("LICENSE-MIT"), "{problems}");
    }

    #[test]
    fn incomplete_metadata_is_reported() {
        let c = Crate {
            name: "x".into(),
            dir: PathBuf::from("/nonexistent"),
            description: Some("d".into()),
            keywords: vec!["ok".into(), "Not OK!".into()],
            readme: Some("README.md".into()),
            ..Crate::default()
        };
        let problems = metadata_problems(&c).join("\n");
        for what in [
            "no categories",
            "no repository",
            "no license",
            "docs.rs",
            "rust-version",
        ] {
            assert!(problems.contains(what), "{what}: {problems}");
        }
        assert!(problems.contains("README.md does not exist"), "{problems}");
        assert!(problems.contains("\"Not OK!\""), "{problems}");
        assert!(!problems.contains("no description"), "{problems}");
    }
}
