//! What crates.io and docs.rs will see: each published crate's metadata and the
//! contents of the `.crate` file `cargo publish --dry-run` builds.

use std::path::Path;

use super::categories;
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
    // docs.rs builds libraries only: a binary-only crate needs no settings for it.
    missing(
        "[package.metadata.docs.rs] (docs.rs settings)",
        c.has_lib && !c.docs_rs,
    );
    if let Some(readme) = &c.readme
        && !c.dir.join(readme).is_file()
    {
        out.push(format!("{}: readme {readme} does not exist", c.name));
    }
    if c.keywords.len() > categories::MAX_PER_CRATE {
        out.push(format!(
            "{}: crates.io takes at most {} keywords",
            c.name,
            categories::MAX_PER_CRATE
        ));
    }
    if c.categories.len() > categories::MAX_PER_CRATE {
        out.push(format!(
            "{}: crates.io takes at most {} categories",
            c.name,
            categories::MAX_PER_CRATE
        ));
    }
    for cat in c.categories.iter().filter(|s| !categories::is_valid(s)) {
        out.push(format!(
            "{}: category {cat:?} is not a crates.io category slug",
            c.name
        ));
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

/// The files `cargo package --list` names for a crate, with their sizes in the work
/// tree (symbolic links followed, as `cargo package` does). Files cargo generates
/// (`.cargo_vcs_info.json`) count as empty; `Cargo.toml.orig` is the manifest and
/// `Cargo.lock` the workspace's.
pub fn listed_entries(c: &Crate, root: &Path) -> Result<Vec<Entry>, String> {
    let listing = capture_quiet(
        &crate::util::cargo_bin(),
        &[
            "package",
            "--list",
            "--allow-dirty",
            "--offline",
            "-p",
            &c.name,
        ],
    )?;
    Ok(listing
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|path| {
            let file = match path {
                "Cargo.toml.orig" => c.dir.join("Cargo.toml"),
                "Cargo.lock" if !c.dir.join(path).is_file() => root.join(path),
                _ => c.dir.join(path),
            };
            Entry {
                path: path.to_owned(),
                size: std::fs::metadata(&file).map_or(0, |m| m.len()),
            }
        })
        .collect())
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

/// Directories that serve only a crate's own tests and benchmarks.
pub const TEST_ONLY_DIRS: &[&str] = &["tests/", "testdata/", "benches/"];

/// Test-only files a package ships although its tests cannot build from it: the
/// published manifest loses every path-only dev-dependency (cos-emulator,
/// cos-testkit), so such a crate's tests run from the repository only and their files
/// are dead weight (`exclude` them in `[package]`).
pub fn unrunnable_tests(c: &Crate, entries: &[Entry]) -> Vec<String> {
    let stripped: Vec<&str> = c
        .deps
        .iter()
        .filter(|d| !d.published())
        .map(|d| d.name.as_str())
        .collect();
    if stripped.is_empty() {
        return Vec::new();
    }
    TEST_ONLY_DIRS
        .iter()
        .filter(|dir| entries.iter().any(|e| e.path.starts_with(**dir)))
        .map(|dir| {
            format!(
                "{}: ships {dir} but its tests need {}, which the published manifest drops: \
                 exclude it",
                c.name,
                stripped.join(", ")
            )
        })
        .collect()
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
            categories: vec!["api-bindings".into(), "cloud-storage".into()],
            readme: Some("README.md".into()),
            has_lib: true,
            ..Crate::default()
        };
        let problems = metadata_problems(&c).join("\n");
        for what in [
            "category \"cloud-storage\" is not a crates.io category slug",
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
        assert!(!problems.contains("api-bindings"), "{problems}");
    }

    #[test]
    fn tests_that_cannot_build_from_the_package_are_not_shipped() {
        use super::super::model::{Dep, DepKind};
        let entry = |p: &str| Entry {
            path: p.into(),
            size: 1,
        };
        let entries = [
            entry("src/lib.rs"),
            entry("tests/it.rs"),
            entry("testdata/a.xml"),
        ];
        let dep = |name: &str, req: &str| Dep {
            name: name.into(),
            req: req.into(),
            kind: DepKind::Dev,
            path: true,
        };
        let mut c = Crate {
            name: "x".into(),
            deps: vec![dep("cos-core", "^0.1.0")],
            ..Crate::default()
        };
        // Versioned dev-dependencies stay: the tests can run from the package.
        assert!(unrunnable_tests(&c, &entries).is_empty());
        c.deps.push(dep("cos-emulator", "*"));
        let problems = unrunnable_tests(&c, &entries).join("\n");
        assert!(
            problems.contains("ships tests/ but its tests need cos-emulator"),
            "{problems}"
        );
        assert!(problems.contains("ships testdata/"), "{problems}");
        assert!(!problems.contains("benches/"), "{problems}");
        assert!(unrunnable_tests(&c, &entries[..1]).is_empty());
    }

    #[test]
    fn a_binary_only_crate_needs_no_docs_rs_settings() {
        let bin = Crate {
            name: "tool".into(),
            categories: (0..6).map(|_| "gui".to_owned()).collect(),
            ..Crate::default()
        };
        let problems = metadata_problems(&bin).join("\n");
        assert!(!problems.contains("docs.rs"), "{problems}");
        assert!(problems.contains("at most 5 categories"), "{problems}");
        let lib = Crate {
            has_lib: true,
            ..bin
        };
        assert!(metadata_problems(&lib).join("\n").contains("docs.rs"));
    }
}
