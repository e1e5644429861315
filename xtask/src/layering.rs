//! Checks the crate layering that README.md's crate table states.
//!
//! 1. Allow-list: for each workspace crate, its normal and build (non-dev) workspace
//!    dependencies must be among the workspace crates its row's "may depend on" column
//!    names. Every workspace crate needs a row; every row must be a workspace crate.
//! 2. Test support stays out of what ships: a crate with `cos-testkit` anywhere in
//!    its normal or build dependency tree must be `publish = false` (only `xtask`).
//! 3. Outside crates no layer may pull in, even transitively: `cos-auth` and
//!    `cos-crc64` stay free of async runtimes, HTTP clients and serde (an embedding
//!    team uses the signer alone), `cos-xml` of the HTTP stack, and the emulator of
//!    the TLS stack of the clients it tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::util::{capture_quiet, cargo_bin, root};

/// The crate only tests (and xtask) may depend on.
const TESTKIT: &str = "cos-testkit";

/// `(crate, outside crates its normal dependency tree must not contain, why)`.
const RULES: &[(&str, &[&str], &str)] = &[
    (
        "cos-auth",
        &["tokio", "hyper", "reqwest", "futures", "serde"],
        "no async runtime, HTTP client or serde",
    ),
    (
        "cos-crc64",
        &["tokio", "hyper", "reqwest", "futures", "serde"],
        "no async runtime, HTTP client or serde",
    ),
    (
        "cos-xml",
        &["tokio", "hyper", "reqwest", "futures"],
        "no async runtime or HTTP stack",
    ),
    (
        "cos-emulator",
        &["hyper-rustls", "webpki", "reqwest"],
        "no TLS client stack (its HTTPS listener uses tokio-rustls)",
    ),
];

/// One row of the README crate table.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    krate: String,
    /// The workspace crates the "may depend on" column names.
    allowed: BTreeSet<String>,
}

/// A workspace crate and its direct normal/build workspace dependencies.
#[derive(Debug, Default)]
struct Member {
    dir: PathBuf,
    deps: BTreeSet<String>,
}

/// Runs all three checks on the real tree; the error lists every violation.
pub fn check() -> Result<(), String> {
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path)
        .map_err(|e| format!("{}: {e}", readme_path.display()))?;
    let tree = capture_quiet(
        &cargo_bin(),
        &[
            "tree",
            "--workspace",
            "--all-features",
            "-e",
            "normal,build",
            "--depth",
            "1",
            "--no-dedupe",
            "--prefix",
            "depth",
            "--format",
            "{p}",
        ],
    )?;
    let members = parse_members(&tree)?;
    let names: BTreeSet<&str> = members.keys().map(String::as_str).collect();
    let rows = parse_table(&readme, &names)?;
    let mut errors = allow_list(&rows, &members);
    errors.extend(testkit_only_in_tools(&members)?);
    errors.extend(outside_rules()?);
    if errors.is_empty() {
        for row in &rows {
            let deps = &members[&row.krate].deps;
            println!(
                "layering: {} depends on [{}], allowed by README [{}]",
                row.krate,
                join(deps),
                join(&row.allowed)
            );
        }
        Ok(())
    } else {
        Err(format!(
            "the crate layering of README.md's crate table is broken:\n  - {}",
            errors.join("\n  - ")
        ))
    }
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `cargo tree --workspace --depth 1 --no-dedupe --prefix depth --format {p}`:
/// `0name vX (dir)` starts a workspace crate, `1name vX ...` is one of its direct
/// dependencies; only dependencies that are workspace crates are kept.
fn parse_members(tree: &str) -> Result<BTreeMap<String, Member>, String> {
    let mut members: BTreeMap<String, Member> = BTreeMap::new();
    let mut edges: Vec<(String, String)> = Vec::new();
    let mut current: Option<String> = None;
    for line in tree.lines().filter(|l| !l.trim().is_empty()) {
        let (depth, rest) = line.split_at(line.find(|c: char| !c.is_ascii_digit()).unwrap_or(0));
        let name = rest
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        match depth {
            "0" => {
                let dir = rest
                    .split_once(" (")
                    .and_then(|(_, d)| d.split(')').next())
                    .ok_or_else(|| format!("cargo tree: no directory in {line:?}"))?;
                members.entry(name.clone()).or_default().dir = PathBuf::from(dir);
                current = Some(name);
            }
            "1" => {
                let krate = current
                    .clone()
                    .ok_or_else(|| format!("cargo tree: dependency before a crate: {line:?}"))?;
                edges.push((krate, name));
            }
            _ => return Err(format!("cargo tree: unexpected line {line:?}")),
        }
    }
    for (krate, dep) in edges {
        if members.contains_key(&dep)
            && let Some(m) = members.get_mut(&krate)
        {
            m.deps.insert(dep);
        }
    }
    if members.is_empty() {
        return Err("cargo tree listed no workspace crate".to_owned());
    }
    Ok(members)
}

/// The rows of the README table whose header has `crate` and `may depend on`.
fn parse_table(readme: &str, members: &BTreeSet<&str>) -> Result<Vec<Row>, String> {
    let cells = |line: &str| -> Vec<String> {
        let line = line.trim().trim_start_matches('|').trim_end_matches('|');
        line.split('|').map(|c| c.trim().to_owned()).collect()
    };
    let mut lines = readme.lines().skip_while(|l| {
        let header: Vec<String> = cells(l).iter().map(|c| c.to_lowercase()).collect();
        !(l.trim_start().starts_with('|')
            && header.first().is_some_and(|c| c == "crate")
            && header.iter().any(|c| c == "may depend on"))
    });
    let header = lines
        .next()
        .ok_or("README.md has no crate table (a `| crate | ... | may depend on |` header)")?;
    let column = cells(header)
        .iter()
        .position(|c| c.eq_ignore_ascii_case("may depend on"))
        .ok_or("README.md crate table: no `may depend on` column")?;
    let mut rows = Vec::new();
    for line in lines
        .skip(1)
        .take_while(|l| l.trim_start().starts_with('|'))
    {
        let row = cells(line);
        let krate = row[0]
            .split('`')
            .nth(1)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| format!("README.md crate table: no `crate` name in {line:?}"))?;
        let may = row
            .get(column)
            .ok_or_else(|| format!("README.md crate table: row {krate} has no `may depend on`"))?;
        let allowed = may
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .filter(|t| members.contains(t))
            .map(str::to_owned)
            .collect();
        rows.push(Row {
            krate: krate.to_owned(),
            allowed,
        });
    }
    Ok(rows)
}

/// Check 1: every member has a row, every row is a member, every workspace
/// dependency is allowed.
fn allow_list(rows: &[Row], members: &BTreeMap<String, Member>) -> Vec<String> {
    let mut errors = Vec::new();
    for name in members.keys() {
        if !rows.iter().any(|r| &r.krate == name) {
            errors.push(format!(
                "{name} has no row in README.md's crate table (add one saying what it may depend on)"
            ));
        }
    }
    for row in rows {
        let Some(member) = members.get(&row.krate) else {
            errors.push(format!(
                "README.md's crate table lists {}, which is not a workspace crate",
                row.krate
            ));
            continue;
        };
        let bad: BTreeSet<String> = member.deps.difference(&row.allowed).cloned().collect();
        if !bad.is_empty() {
            errors.push(format!(
                "{} depends on {} (normal/build dependency), but README.md's crate table allows only [{}]",
                row.krate,
                join(&bad),
                join(&row.allowed)
            ));
        }
    }
    errors
}

/// Whether the manifest in `dir` says `publish = false`.
fn unpublished(dir: &Path) -> Result<bool, String> {
    let path = dir.join("Cargo.toml");
    let manifest =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(manifest
        .lines()
        .any(|l| l.split_whitespace().collect::<String>() == "publish=false"))
}

/// Check 2: only unpublished crates have cos-testkit in their normal/build tree.
fn testkit_only_in_tools(members: &BTreeMap<String, Member>) -> Result<Vec<String>, String> {
    let Some(testkit) = members.get(TESTKIT) else {
        return Ok(Vec::new());
    };
    let mut errors = Vec::new();
    if !unpublished(&testkit.dir)? {
        errors.push(format!("{TESTKIT} must be `publish = false`"));
    }
    // Everything that reaches cos-testkit through normal/build edges.
    let users = capture_quiet(
        &cargo_bin(),
        &[
            "tree",
            "--workspace",
            "--all-features",
            "-e",
            "normal,build",
            "-i",
            TESTKIT,
            "--prefix",
            "none",
            "--format",
            "{p}",
        ],
    )?;
    let mut seen = BTreeSet::new();
    for name in users.lines().filter_map(|l| l.split_whitespace().next()) {
        if name == TESTKIT || !seen.insert(name) {
            continue;
        }
        match members.get(name) {
            Some(m) if unpublished(&m.dir)? => {}
            _ => errors.push(format!(
                "{name} is published but has {TESTKIT} in its normal/build dependencies: \
                 {TESTKIT} must be a dev-dependency there"
            )),
        }
    }
    Ok(errors)
}

/// Check 3: the outside crates a layer must not pull in, even transitively.
fn outside_rules() -> Result<Vec<String>, String> {
    let mut errors = Vec::new();
    for (krate, forbidden, why) in RULES {
        let tree = capture_quiet(
            &cargo_bin(),
            &[
                "tree",
                "-p",
                krate,
                "--all-features",
                "-e",
                "normal,build",
                "--prefix",
                "none",
                "--format",
                "{p}",
            ],
        )?;
        let bad = forbidden_in(&tree, forbidden);
        if bad.is_empty() {
            println!("layering: {krate} has {why}");
        } else {
            errors.push(format!(
                "{krate} must have {why}, but its dependency tree has {}",
                join(&bad)
            ));
        }
    }
    Ok(errors)
}

/// The crates of a `cargo tree --prefix none` listing named in `forbidden` (or
/// `forbidden-*`, e.g. `futures-util`).
fn forbidden_in(tree: &str, forbidden: &[&str]) -> BTreeSet<String> {
    tree.lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| {
            forbidden
                .iter()
                .any(|f| name == f || name.starts_with(&format!("{f}-")))
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str = "\
0cos-auth v0.1.0 (/w/cos-auth)
1sha1 v0.11.0

0cos-core v0.1.0 (/w/cos-core)
1cos-auth v0.1.0 (/w/cos-auth)
1tokio v1.54.1

0cos-testkit v0.1.0 (/w/cos-testkit)
1thiserror v2.0.21

0xtask v0.1.0 (/w/xtask)
1cos-testkit v0.1.0 (/w/cos-testkit)
";

    const README: &str = "\
# x

| crate | what it is | may depend on |
|---|---|---|
| [`cos-auth`](cos-auth) | signer | sha1; **no** async runtime |
| [`cos-core`](cos-core) | client | cos-auth (signer only), hyper, tokio |
| `cos-testkit` | test support | thiserror |
| `xtask` | automation | cos-testkit |

after
";

    fn names(members: &BTreeMap<String, Member>) -> BTreeSet<&str> {
        members.keys().map(String::as_str).collect()
    }

    #[test]
    fn the_tree_gives_direct_workspace_dependencies() {
        let members = parse_members(TREE).unwrap();
        assert_eq!(
            names(&members),
            BTreeSet::from(["cos-auth", "cos-core", "cos-testkit", "xtask"])
        );
        assert!(members["cos-auth"].deps.is_empty());
        assert_eq!(
            members["cos-core"].deps,
            BTreeSet::from(["cos-auth".to_owned()])
        );
        assert_eq!(members["xtask"].dir, PathBuf::from("/w/xtask"));
    }

    #[test]
    fn the_table_names_the_allowed_workspace_crates() {
        let members = parse_members(TREE).unwrap();
        let rows = parse_table(README, &names(&members)).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1].krate, "cos-core");
        assert_eq!(rows[1].allowed, BTreeSet::from(["cos-auth".to_owned()]));
        assert!(rows[0].allowed.is_empty());
        assert_eq!(rows[3].krate, "xtask");
        assert!(allow_list(&rows, &members).is_empty());
    }

    #[test]
    fn a_dependency_the_table_does_not_allow_is_reported() {
        let tree = TREE.replace("1sha1 v0.11.0", "1cos-core v0.1.0 (/w/cos-core)");
        let members = parse_members(&tree).unwrap();
        let rows = parse_table(README, &names(&members)).unwrap();
        let errors = allow_list(&rows, &members);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("cos-auth depends on cos-core")
                && errors[0].ends_with("allows only []"),
            "{errors:?}"
        );
    }

    #[test]
    fn missing_and_stale_rows_are_reported() {
        let members = parse_members(TREE).unwrap();
        let readme = README
            .replace("| `xtask` | automation | cos-testkit |\n", "")
            .replace("after", "");
        let mut rows = parse_table(&readme, &names(&members)).unwrap();
        rows.push(Row {
            krate: "cos-gone".to_owned(),
            allowed: BTreeSet::new(),
        });
        let errors = allow_list(&rows, &members);
        assert!(
            errors.iter().any(|e| e.starts_with("xtask has no row")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("lists cos-gone, which is not a workspace crate")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_readme_without_the_table_is_an_error() {
        let err = parse_table("# nothing here\n", &BTreeSet::new()).unwrap_err();
        assert!(err.contains("no crate table"), "{err}");
    }

    #[test]
    fn forbidden_crates_match_by_name_or_prefix() {
        let tree = "cos-xml v0.1.0 (/w)\nserde v1\nfutures-util v0.3\nserde_json v1\n";
        assert_eq!(
            forbidden_in(tree, &["serde", "futures"]),
            BTreeSet::from(["serde".to_owned(), "futures-util".to_owned()])
        );
    }

    /// The real README has a row for every crate of the root Cargo.toml.
    #[test]
    fn the_real_readme_has_a_row_for_every_workspace_member() {
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
        let list = manifest
            .lines()
            .find(|l| l.trim_start().starts_with("members"))
            .unwrap();
        // Members are directories; README rows name packages (cos-object-store/ holds
        // the package cos-rs-object-store).
        let names: Vec<String> = list
            .split('"')
            .skip(1)
            .step_by(2)
            .map(|dir| {
                let toml = std::fs::read_to_string(root().join(dir).join("Cargo.toml")).unwrap();
                let line = toml
                    .lines()
                    .find(|l| l.trim_start().starts_with("name"))
                    .unwrap();
                line.split('"').nth(1).unwrap().to_owned()
            })
            .collect();
        let members: BTreeSet<&str> = names.iter().map(String::as_str).collect();
        assert!(members.contains(TESTKIT), "{members:?}");
        assert!(members.contains("cos-rs-object-store"), "{members:?}");
        let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
        let rows = parse_table(&readme, &members).unwrap();
        let listed: BTreeSet<&str> = rows.iter().map(|r| r.krate.as_str()).collect();
        assert_eq!(listed, members);
    }
}
