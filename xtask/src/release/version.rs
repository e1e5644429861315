//! Versions, bump levels and the publishing order.

use std::collections::BTreeSet;
use std::fmt;

use super::model::Workspace;

/// Which part of the version `release bump` increments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `x+1.0.0`.
    Major,
    /// `x.y+1.0`.
    Minor,
    /// `x.y.z+1`.
    Patch,
}

impl Level {
    /// Parses `major`, `minor` or `patch`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "major" => Ok(Self::Major),
            "minor" => Ok(Self::Minor),
            "patch" => Ok(Self::Patch),
            _ => Err(format!(
                "bump level must be major, minor or patch, not {s:?}"
            )),
        }
    }
}

/// A release version `major.minor.patch` (pre-releases are not cut by this tooling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl Version {
    /// Parses `x.y.z`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a release version x.y.z");
        let parts: Vec<&str> = s.split('.').collect();
        let [major, minor, patch] = parts.as_slice() else {
            return Err(bad());
        };
        let num = |p: &str| {
            if p.is_empty()
                || !p.bytes().all(|b| b.is_ascii_digit())
                || (p.len() > 1 && p.starts_with('0'))
            {
                return Err(bad());
            }
            p.parse::<u64>().map_err(|_| bad())
        };
        Ok(Self {
            major: num(major)?,
            minor: num(minor)?,
            patch: num(patch)?,
        })
    }

    /// The next version at `level`.
    pub fn bump(self, level: Level) -> Self {
        match level {
            Level::Major => Self {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            },
            Level::Minor => Self {
                minor: self.minor + 1,
                patch: 0,
                ..self
            },
            Level::Patch => Self {
                patch: self.patch + 1,
                ..self
            },
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The published crates in an order where each comes after every workspace crate its
/// published manifest names (normal, build and versioned dev-dependencies; path-only
/// dev-dependencies are stripped by `cargo package` and do not count). Ties keep
/// `cargo metadata` order. A cycle is an error.
pub fn publish_order(ws: &Workspace) -> Result<Vec<String>, String> {
    let published: Vec<_> = ws.published().collect();
    let mut done: Vec<String> = Vec::new();
    let mut left: BTreeSet<&str> = published.iter().map(|c| c.name.as_str()).collect();
    while !left.is_empty() {
        let ready = published.iter().find(|c| {
            left.contains(c.name.as_str())
                && c.deps
                    .iter()
                    .filter(|d| d.published() && d.name != c.name)
                    .all(|d| !ws.is_member(&d.name) || done.contains(&d.name))
        });
        let Some(next) = ready else {
            return Err(format!(
                "the published crates depend on each other in a cycle (or on an unpublished \
                 workspace crate): {}",
                left.into_iter().collect::<Vec<_>>().join(", ")
            ));
        };
        left.remove(next.name.as_str());
        done.push(next.name.clone());
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::super::model::tests::METADATA;
    use super::super::model::{Crate, Dep, DepKind};
    use super::*;

    #[test]
    fn versions_parse_and_bump() {
        let v = Version::parse("0.9.3").unwrap();
        assert_eq!(v.bump(Level::Patch).to_string(), "0.9.4");
        assert_eq!(v.bump(Level::Minor).to_string(), "0.10.0");
        assert_eq!(v.bump(Level::Major).to_string(), "1.0.0");
        for bad in ["1.2", "1.2.3.4", "1.02.3", "1.2.x", "1.2.3-rc.1", ""] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
        assert!(Level::parse("Major").is_err());
    }

    fn krate(name: &str, deps: &[(&str, DepKind, &str)]) -> Crate {
        Crate {
            name: name.into(),
            version: "0.1.0".into(),
            publish: true,
            deps: deps
                .iter()
                .map(|(n, kind, req)| Dep {
                    name: (*n).into(),
                    req: (*req).into(),
                    kind: *kind,
                    path: true,
                })
                .collect(),
            ..Crate::default()
        }
    }

    #[test]
    fn crates_come_after_what_their_published_manifest_names() {
        let ws = Workspace {
            crates: vec![
                krate(
                    "core",
                    &[
                        ("auth", DepKind::Normal, "^0.1.0"),
                        ("emu", DepKind::Dev, "*"),
                    ],
                ),
                krate(
                    "emu",
                    &[
                        ("auth", DepKind::Normal, "^0.1.0"),
                        ("core", DepKind::Dev, "^0.1.0"),
                    ],
                ),
                krate("auth", &[("serde", DepKind::Normal, "^1")]),
            ],
            ..Workspace::default()
        };
        assert_eq!(publish_order(&ws).unwrap(), ["auth", "core", "emu"]);
    }

    #[test]
    fn a_versioned_dev_dependency_cycle_is_refused() {
        let ws = Workspace {
            crates: vec![
                krate("core", &[("emu", DepKind::Dev, "^0.1.0")]),
                krate("emu", &[("core", DepKind::Normal, "^0.1.0")]),
            ],
            ..Workspace::default()
        };
        let err = publish_order(&ws).unwrap_err();
        assert!(err.contains("cycle") && err.contains("core, emu"), "{err}");
    }

    #[test]
    fn an_unpublished_member_is_never_waited_for_when_stripped() {
        // `a` dev-depends on the unpublished `e` by path only: publishable.
        let ws = Workspace::parse(METADATA).unwrap();
        assert_eq!(publish_order(&ws).unwrap(), ["a"]);
    }
}
