//! Whether each published crate's name is free on crates.io or already ours, asked of
//! the sparse index (`https://index.crates.io/<prefix>/<name>`, `curl`) before the
//! first `publish` finds out.
//!
//! crates.io treats `-` and `_` as the same name (`cos_object_store` blocks
//! `cos-object-store`), while the index stores a crate under its own spelling only, so
//! both the all-`-` and the all-`_` spellings are asked (a mixed spelling such as
//! `a-b_c` is not). A name in the index is ours when its newest version's
//! `repository` (read with `cargo info`, the ordinary client) is this workspace's.
//! Without network (or `CARGO_NET_OFFLINE=true`) the step is skipped, saying so.

use std::process::Command;

use super::model::Workspace;
use crate::util::cargo_bin;

/// The sparse index of crates.io.
pub const INDEX: &str = "https://index.crates.io";

/// What the index says about one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// HTTP 200: the crate's index file (one JSON line per version).
    Found(String),
    /// HTTP 404: no crate by this spelling.
    Absent,
    /// No answer (no network, a timeout, another status): why.
    Unreachable(String),
}

/// A name's standing on crates.io.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// No crate has it in any spelling asked.
    Free,
    /// Published from this repository (the crate's spelling, newest version).
    Ours(String),
    /// Taken by another project: its spelling and what it names as repository.
    Taken(String, String),
    /// Could not be told: why.
    Unknown(String),
}

/// The index path of a crate name: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…`, lowercase.
pub fn index_path(name: &str) -> String {
    let n = name.to_ascii_lowercase();
    match n.len() {
        0 => String::new(),
        1 => format!("1/{n}"),
        2 => format!("2/{n}"),
        3 => format!("3/{}/{n}", &n[..1]),
        _ => format!("{}/{}/{n}", &n[..2], &n[2..4]),
    }
}

/// The spellings crates.io would take for the same crate that the index is asked
/// about: the name as it is, all `-`, all `_` (deduplicated).
pub fn spellings(name: &str) -> Vec<String> {
    let mut out = vec![name.to_ascii_lowercase()];
    for s in [name.replace('_', "-"), name.replace('-', "_")] {
        let s = s.to_ascii_lowercase();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The crate's own spelling and newest version from its index file.
pub fn newest(index_file: &str) -> Option<(String, String)> {
    let last = index_file.lines().rev().find(|l| !l.trim().is_empty())?;
    let v: serde_json::Value = serde_json::from_str(last).ok()?;
    Some((
        v["name"].as_str()?.to_owned(),
        v["vers"].as_str()?.to_owned(),
    ))
}

/// The `repository:` line of `cargo info` output.
pub fn repository_of(info: &str) -> Option<String> {
    info.lines()
        .find_map(|l| l.trim().strip_prefix("repository:"))
        .map(|r| r.trim().to_owned())
}

/// `https://github.com/a/b`, `…/b/`, `…/b.git` are one repository.
fn same_repository(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.trim()
            .trim_end_matches('/')
            .trim_end_matches(".git")
            .to_ascii_lowercase()
    };
    norm(a) == norm(b)
}

/// Asks the index about one spelling with `curl` (a timeout, no retries).
fn ask_index(spelling: &str) -> Answer {
    let url = format!("{INDEX}/{}", index_path(spelling));
    let out = Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "20",
            "-A",
            "cos-rs-xtask-release-check",
        ])
        .args(["-w", "\n%{http_code}", &url])
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => return Answer::Unreachable(format!("cannot run curl: {e}")),
    };
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", text.as_str()));
    match code.trim() {
        "200" => Answer::Found(body.to_owned()),
        "404" => Answer::Absent,
        other => {
            let err = String::from_utf8_lossy(&out.stderr).trim().to_owned();
            Answer::Unreachable(format!("{url}: HTTP {other} {err}").trim().to_owned())
        }
    }
}

/// `cargo info name@version --registry crates-io`, run outside the workspace so the
/// registry's crate is described, not the member of the same name.
fn cargo_info_repository(name: &str, version: &str) -> Result<Option<String>, String> {
    let spec = format!("{name}@{version}");
    let out = Command::new(cargo_bin())
        .args(["info", &spec, "--registry", "crates-io", "--quiet"])
        .current_dir(std::env::temp_dir())
        .output()
        .map_err(|e| format!("cannot run cargo info: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo info {spec}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(repository_of(&String::from_utf8_lossy(&out.stdout)))
}

/// A name's standing from the index answers for its spellings and a way to read a
/// published crate's repository.
pub fn standing(
    answers: &[(String, Answer)],
    ours: &str,
    repository: impl Fn(&str, &str) -> Result<Option<String>, String>,
) -> Standing {
    let mut unknown = Vec::new();
    for (spelling, answer) in answers {
        match answer {
            Answer::Absent => {}
            Answer::Unreachable(why) => unknown.push(why.clone()),
            Answer::Found(file) => {
                let Some((name, vers)) = newest(file) else {
                    return Standing::Unknown(format!("{spelling}: unreadable index file"));
                };
                return match repository(&name, &vers) {
                    Ok(Some(repo)) if same_repository(&repo, ours) => {
                        Standing::Ours(format!("{name} {vers}"))
                    }
                    Ok(repo) => Standing::Taken(
                        format!("{name} {vers}"),
                        repo.unwrap_or_else(|| "no repository".to_owned()),
                    ),
                    Err(e) => {
                        Standing::Unknown(format!("{name} {vers} exists; cannot tell whose: {e}"))
                    }
                };
            }
        }
    }
    match unknown.into_iter().next() {
        Some(why) => Standing::Unknown(why),
        None => Standing::Free,
    }
}

/// The `names` step of `release check`.
pub fn check(ws: &Workspace) -> Result<String, String> {
    if std::env::var("CARGO_NET_OFFLINE").is_ok_and(|v| v == "true") {
        return Ok("skipped: CARGO_NET_OFFLINE=true (the crates.io index is not asked)".into());
    }
    let mut free = Vec::new();
    let mut ours = Vec::new();
    let mut taken = Vec::new();
    let mut unknown = Vec::new();
    for c in ws.published() {
        let answers: Vec<(String, Answer)> = spellings(&c.name)
            .into_iter()
            .map(|s| {
                let a = ask_index(&s);
                (s, a)
            })
            .collect();
        let told: Vec<String> = answers
            .iter()
            .map(|(s, a)| match a {
                Answer::Found(_) => format!("{s}: in the index"),
                Answer::Absent => format!("{s}: absent"),
                Answer::Unreachable(why) => format!("{s}: {why}"),
            })
            .collect();
        println!("{INDEX}: {}", told.join(", "));
        let repo = c.repository.clone().unwrap_or_default();
        match standing(&answers, &repo, cargo_info_repository) {
            Standing::Free => free.push(c.name.clone()),
            Standing::Ours(what) => ours.push(what),
            Standing::Taken(what, by) => taken.push(format!(
                "{}: the crates.io name is taken by {what} (repository {by}); rename the crate",
                c.name
            )),
            Standing::Unknown(why) => unknown.push(format!("{}: {why}", c.name)),
        }
    }
    if !taken.is_empty() {
        return Err(format!(
            "{} name(s) taken on crates.io:\n  {}",
            taken.len(),
            taken.join("\n  ")
        ));
    }
    if free.is_empty() && ours.is_empty() {
        return Ok(format!(
            "skipped: the crates.io index could not be asked (offline?): {}",
            unknown.first().map_or("no published crate", String::as_str)
        ));
    }
    let mut line = format!(
        "free on crates.io ('-' and '_' spellings): {}",
        if free.is_empty() {
            "none".to_owned()
        } else {
            free.join(", ")
        }
    );
    if !ours.is_empty() {
        line.push_str(&format!("; already ours: {}", ours.join(", ")));
    }
    if !unknown.is_empty() {
        line.push_str(&format!("; not told (skipped): {}", unknown.join("; ")));
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_paths_follow_the_sparse_layout() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("ab"), "2/ab");
        assert_eq!(index_path("abc"), "3/a/abc");
        assert_eq!(index_path("Cos-Auth"), "co/s-/cos-auth");
        assert_eq!(index_path("cos_object_store"), "co/s_/cos_object_store");
    }

    #[test]
    fn both_separator_spellings_are_asked() {
        assert_eq!(
            spellings("cos-object-store"),
            ["cos-object-store", "cos_object_store"]
        );
        assert_eq!(spellings("Serde_JSON"), ["serde_json", "serde-json"]);
        assert_eq!(spellings("rand"), ["rand"]);
    }

    const FILE: &str = "{\"name\":\"cos_object_store\",\"vers\":\"0.1.0\"}\n\
                        {\"name\":\"cos_object_store\",\"vers\":\"0.1.1\"}\n";
    const OURS: &str = "https://github.com/cos-rs/cos-rs";

    fn answers(first: Answer, second: Answer) -> Vec<(String, Answer)> {
        vec![("cos-x".into(), first), ("cos_x".into(), second)]
    }

    #[test]
    fn a_name_taken_in_the_other_spelling_is_taken() {
        let s = standing(
            &answers(Answer::Absent, Answer::Found(FILE.into())),
            OURS,
            |name, vers| {
                assert_eq!((name, vers), ("cos_object_store", "0.1.1"));
                Ok(Some("https://github.com/ldclabs/tencent-cos-rs".into()))
            },
        );
        assert_eq!(
            s,
            Standing::Taken(
                "cos_object_store 0.1.1".into(),
                "https://github.com/ldclabs/tencent-cos-rs".into()
            )
        );
    }

    #[test]
    fn our_own_earlier_release_is_ours() {
        let s = standing(
            &answers(Answer::Found(FILE.into()), Answer::Absent),
            OURS,
            |_, _| Ok(Some("https://github.com/cos-rs/cos-rs.git/".into())),
        );
        assert_eq!(s, Standing::Ours("cos_object_store 0.1.1".into()));
    }

    #[test]
    fn free_unknown_and_unreadable_are_told_apart() {
        let never =
            |_: &str, _: &str| -> Result<Option<String>, String> { panic!("no crate to describe") };
        assert_eq!(
            standing(&answers(Answer::Absent, Answer::Absent), OURS, never),
            Standing::Free
        );
        let offline = Answer::Unreachable("Could not resolve host".into());
        assert_eq!(
            standing(&answers(Answer::Absent, offline), OURS, never),
            Standing::Unknown("Could not resolve host".into())
        );
        assert!(matches!(
            standing(
                &answers(Answer::Found("junk".into()), Answer::Absent),
                OURS,
                never
            ),
            Standing::Unknown(_)
        ));
        // A crate without a repository is not ours.
        assert!(matches!(
            standing(&answers(Answer::Found(FILE.into()), Answer::Absent), OURS, |_, _| Ok(None)),
            Standing::Taken(_, r) if r == "no repository"
        ));
    }

    #[test]
    fn the_repository_line_of_cargo_info_is_read() {
        let info = "cos_object_store\nversion: 0.1.1\nlicense: MIT\n\
                    repository: https://github.com/ldclabs/tencent-cos-rs\n";
        assert_eq!(
            repository_of(info).as_deref(),
            Some("https://github.com/ldclabs/tencent-cos-rs")
        );
        assert_eq!(repository_of("version: 1\n"), None);
    }
}
