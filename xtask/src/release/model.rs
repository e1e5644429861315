//! The workspace as `cargo metadata` describes it: the crates, their metadata and
//! their dependencies on each other.

use std::path::PathBuf;

use serde_json::Value;

use crate::util::{capture_quiet, cargo_bin};

/// The kind of a dependency edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepKind {
    /// `[dependencies]`.
    Normal,
    /// `[dev-dependencies]`.
    Dev,
    /// `[build-dependencies]`.
    Build,
}

/// One dependency of a workspace crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    /// The package name.
    pub name: String,
    /// The version requirement (`*` for a path dependency without `version`).
    pub req: String,
    /// Normal, dev or build.
    pub kind: DepKind,
    /// Whether it is a `path` dependency.
    pub path: bool,
}

impl Dep {
    /// Whether `cargo package` keeps this edge in the published manifest: a path-only
    /// dev-dependency (no `version`) is stripped.
    pub fn published(&self) -> bool {
        !(self.kind == DepKind::Dev && self.path && self.req == "*")
    }
}

/// One workspace member.
#[derive(Debug, Clone, Default)]
pub struct Crate {
    /// The package name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The directory holding its `Cargo.toml`.
    pub dir: PathBuf,
    /// `false` for `publish = false`.
    pub publish: bool,
    /// `package.description`.
    pub description: Option<String>,
    /// `package.keywords`.
    pub keywords: Vec<String>,
    /// `package.categories`.
    pub categories: Vec<String>,
    /// `package.readme` (cargo fills in `README.md` when the file exists).
    pub readme: Option<String>,
    /// `package.repository`.
    pub repository: Option<String>,
    /// `package.license`.
    pub license: Option<String>,
    /// `package.rust-version`.
    pub rust_version: Option<String>,
    /// Whether `[package.metadata.docs.rs]` is present.
    pub docs_rs: bool,
    /// Whether it has a library target (docs.rs documents libraries only).
    pub has_lib: bool,
    /// Every dependency.
    pub deps: Vec<Dep>,
}

/// The workspace: its root, target directory and members.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// The workspace root.
    pub root: PathBuf,
    /// The target directory.
    pub target: PathBuf,
    /// Every member, in `cargo metadata` order.
    pub crates: Vec<Crate>,
}

impl Workspace {
    /// Reads the workspace with `cargo metadata --no-deps` (no network).
    pub fn load() -> Result<Self, String> {
        let json = capture_quiet(
            &cargo_bin(),
            &[
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ],
        )?;
        Self::parse(&json)
    }

    /// Parses `cargo metadata --format-version 1` output.
    pub fn parse(json: &str) -> Result<Self, String> {
        let v: Value = serde_json::from_str(json).map_err(|e| format!("cargo metadata: {e}"))?;
        let root = PathBuf::from(str_of(&v, "workspace_root").unwrap_or_default());
        let target = PathBuf::from(str_of(&v, "target_directory").unwrap_or_default());
        let crates = v["packages"]
            .as_array()
            .ok_or("cargo metadata: no packages")?
            .iter()
            .map(parse_crate)
            .collect();
        Ok(Self {
            root,
            target,
            crates,
        })
    }

    /// The crates that are published.
    pub fn published(&self) -> impl Iterator<Item = &Crate> {
        self.crates.iter().filter(|c| c.publish)
    }

    /// The version every published crate shares (the workspace version).
    pub fn version(&self) -> Result<String, String> {
        let mut versions: Vec<&str> = self.published().map(|c| c.version.as_str()).collect();
        versions.dedup();
        match versions.as_slice() {
            [one] => Ok((*one).to_owned()),
            [] => Err("no published crate".to_owned()),
            _ => Err(format!(
                "the published crates disagree on the version: {}",
                versions.join(", ")
            )),
        }
    }

    /// Whether `name` is a workspace member.
    pub fn is_member(&self, name: &str) -> bool {
        self.crates.iter().any(|c| c.name == name)
    }
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v[key].as_str().map(str::to_owned)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn parse_crate(p: &Value) -> Crate {
    let manifest = PathBuf::from(str_of(p, "manifest_path").unwrap_or_default());
    let deps = p["dependencies"]
        .as_array()
        .map(|a| a.iter().map(parse_dep).collect())
        .unwrap_or_default();
    Crate {
        name: str_of(p, "name").unwrap_or_default(),
        version: str_of(p, "version").unwrap_or_default(),
        dir: manifest.parent().map(PathBuf::from).unwrap_or_default(),
        // `publish = false` is `[]`; absent is `null`.
        publish: !p["publish"].as_array().is_some_and(Vec::is_empty),
        description: str_of(p, "description"),
        keywords: strings(&p["keywords"]),
        categories: strings(&p["categories"]),
        readme: str_of(p, "readme"),
        repository: str_of(p, "repository"),
        license: str_of(p, "license"),
        rust_version: str_of(p, "rust_version"),
        docs_rs: p["metadata"]["docs"]["rs"].is_object(),
        has_lib: p["targets"].as_array().is_some_and(|ts| {
            ts.iter().any(|t| {
                strings(&t["kind"])
                    .iter()
                    .any(|k| k == "lib" || k == "rlib" || k == "proc-macro")
            })
        }),
        deps,
    }
}

fn parse_dep(d: &Value) -> Dep {
    let kind = match d["kind"].as_str() {
        Some("dev") => DepKind::Dev,
        Some("build") => DepKind::Build,
        _ => DepKind::Normal,
    };
    Dep {
        name: str_of(d, "name").unwrap_or_default(),
        req: str_of(d, "req").unwrap_or_default(),
        kind,
        path: d["path"].is_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A two-crate workspace in `cargo metadata` form.
    pub(crate) const METADATA: &str = r#"{
      "workspace_root": "/w", "target_directory": "/w/target",
      "packages": [
        {"name": "a", "version": "0.1.0", "manifest_path": "/w/a/Cargo.toml",
         "publish": null, "description": "A", "keywords": ["k"], "categories": ["c"],
         "readme": "README.md", "repository": "https://x", "license": "MIT",
         "rust_version": "1.89", "metadata": {"docs": {"rs": {"all-features": true}}},
         "targets": [{"kind": ["lib"], "name": "a"}, {"kind": ["test"], "name": "t"}],
         "dependencies": [
           {"name": "e", "req": "*", "kind": "dev", "path": "/w/e"},
           {"name": "serde", "req": "^1", "kind": null}
         ]},
        {"name": "e", "version": "0.1.0", "manifest_path": "/w/e/Cargo.toml",
         "publish": [], "metadata": null, "targets": [{"kind": ["bin"], "name": "e"}],
         "dependencies": [{"name": "a", "req": "^0.1.0", "kind": null, "path": "/w/a"}]}
      ]}"#;

    #[test]
    fn metadata_is_read_into_crates() {
        let ws = Workspace::parse(METADATA).unwrap();
        let a = &ws.crates[0];
        assert_eq!(a.dir, PathBuf::from("/w/a"));
        assert!(a.publish && a.docs_rs && a.has_lib);
        assert_eq!(a.keywords, ["k"]);
        assert!(
            !a.deps[0].published(),
            "a path-only dev-dependency is stripped"
        );
        assert!(a.deps[1].published());
        let e = &ws.crates[1];
        assert!(!e.publish && !e.docs_rs && !e.has_lib && e.description.is_none());
        assert_eq!(ws.version().unwrap(), "0.1.0");
        assert_eq!(ws.published().count(), 1);
    }
}
