//! `cargo xtask structure`: the Architecture issue's mechanical checks.
//!
//! - `file`: every `*/src/**/*.rs` file has at most [`MAX_FILE_LINES`] lines;
//! - `fn`: no function over 100 lines — clippy's `too_many_lines` (workspace lint,
//!   threshold in `clippy.toml`), read from the diagnostics of the same clippy run
//!   `cargo xtask ci` makes just before (so it is a cache hit), where it is a forced
//!   warning so that this allow-list, not `-D warnings`, decides;
//! - `args`: no `too_many_arguments` allowance (`allow`/`expect` attribute, a lint
//!   level in a `Cargo.toml`, or a raised threshold in `clippy.toml`);
//! - `cycle`: no import cycle between the top-level modules of a crate ([`imports`]).
//!
//! [`ALLOW_FILE`] lists the violations other work is fixing, one per line:
//! `<kind> <subject>  # <what it waits for>`. A violation not on the list fails, and so
//! does an entry that no longer matches a violation: the list only shrinks.

mod imports;
mod tokens;

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::{cargo_bin, root};

/// The longest source file allowed, in lines.
const MAX_FILE_LINES: usize = 600;

/// The allow-list, relative to the workspace root.
const ALLOW_FILE: &str = "xtask/structure-allow.txt";

/// The clippy arguments `cargo xtask ci` runs with (and this check replays).
pub const CLIPPY_ARGS: &[&str] = &[
    "clippy",
    "--workspace",
    "--all-targets",
    "--all-features",
    "--",
    "-D",
    "warnings",
    "--force-warn",
    "clippy::too_many_lines",
];

/// A violation: its allow-list key (`kind subject`) and a human explanation.
type Violations = BTreeMap<String, String>;

/// Runs every check on the workspace and compares with the allow-list.
pub fn check() -> Result<(), String> {
    let root = root();
    let mut found = Violations::new();
    let mut sources = Vec::new();
    collect_rs(&root, &root, &mut sources)?;
    for (rel, text) in &sources {
        args_allowances(rel, text, &mut found);
    }
    config_allowances(&root, &mut found)?;
    for (krate, files) in crates(&sources) {
        file_lengths(&files, &mut found);
        cycles(&krate, &files, &mut found);
    }
    long_functions(&mut found)?;
    let allow =
        std::fs::read_to_string(root.join(ALLOW_FILE)).map_err(|e| format!("{ALLOW_FILE}: {e}"))?;
    let allow = parse_allow(&allow)?;
    let errors = compare(&found, &allow);
    if errors.is_empty() {
        println!(
            "xtask structure: ok ({} allowed violations left in {ALLOW_FILE})",
            allow.len()
        );
        Ok(())
    } else {
        for e in &errors {
            eprintln!("{e}\n");
        }
        Err(format!("structure: {} problem(s)", errors.len()))
    }
}

/// Every `.rs` file of the workspace (outside `target/` and hidden directories) as
/// `(path relative to the root with '/', text)`.
fn collect_rs(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            collect_rs(root, &path, out)?;
        } else if name.ends_with(".rs") {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let rel = path.strip_prefix(root).unwrap_or(&path);
            out.push((rel.to_string_lossy().replace('\\', "/"), text));
        }
    }
    Ok(())
}

/// The library (or binary) crate sources of each crate directory: `crate -> [(path
/// below src/, path from root, text)]`, leaving out `src/bin/` and a `main.rs` next to
/// a `lib.rs` (other crates).
fn crates(sources: &[(String, String)]) -> BTreeMap<String, Vec<(String, String, String)>> {
    let mut out: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    for (rel, text) in sources {
        let Some((krate, below)) = rel.split_once("/src/") else {
            continue;
        };
        if krate.contains('/') || below.starts_with("bin/") {
            continue;
        }
        out.entry(krate.to_owned()).or_default().push((
            below.to_owned(),
            rel.clone(),
            text.clone(),
        ));
    }
    for files in out.values_mut() {
        if files.iter().any(|(b, _, _)| b == "lib.rs") {
            files.retain(|(b, _, _)| b != "main.rs");
        }
    }
    out
}

fn file_lengths(files: &[(String, String, String)], found: &mut Violations) {
    for (_, rel, text) in files {
        let n = text.lines().count();
        if n > MAX_FILE_LINES {
            found.insert(
                format!("file {rel}"),
                format!("{rel} has {n} lines (at most {MAX_FILE_LINES}): split it by concern"),
            );
        }
    }
}

fn cycles(krate: &str, files: &[(String, String, String)], found: &mut Violations) {
    let mut g = imports::Graph::default();
    for (below, rel, text) in files {
        g.add_file(rel, below, text);
    }
    for c in g.cycles() {
        let mut why = format!("import cycle in {krate}: {}", c.describe());
        for (i, sites) in c.sites.iter().enumerate() {
            let from = &c.modules[i];
            let to = c.modules.get(i + 1).unwrap_or(&c.modules[0]);
            why.push_str(&format!("\n  {from} -> {to}:"));
            for s in sites {
                why.push_str(&format!("\n    {}:{} {}", s.file, s.line, s.path));
            }
        }
        found.insert(format!("cycle {krate}: {}", c.describe()), why);
    }
}

/// `#[allow(clippy::too_many_arguments)]` / `expect(...)`, inner or outer, in code
/// (comments and strings do not count).
fn args_allowances(rel: &str, text: &str, found: &mut Violations) {
    let toks = tokens::tokenize(text);
    let mut lines = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.text != "too_many_arguments" {
            continue;
        }
        // Inside an `allow(…)`/`expect(…)` (also within `cfg_attr`): look back to the
        // start of the attribute.
        let attr = toks[..i]
            .iter()
            .rev()
            .take_while(|t| !matches!(t.text.as_str(), "[" | ";" | "{" | "}"))
            .any(|t| t.text == "allow" || t.text == "expect");
        if attr {
            lines.push(t.line.to_string());
        }
    }
    if !lines.is_empty() {
        found.insert(
            format!("args {rel}"),
            format!(
                "{rel}:{} allows clippy::too_many_arguments: pass a struct of options instead",
                lines.join(",")
            ),
        );
    }
}

/// A `too_many_arguments` lint level in any `Cargo.toml`, a threshold for it in
/// `clippy.toml`, or a `too-many-lines-threshold` above 100 there. (An `allow` of
/// `too_many_lines` in code or in a `Cargo.toml` cannot hide a function: ci passes it
/// with `--force-warn`, which no lint level overrides.)
fn config_allowances(root: &Path, found: &mut Violations) -> Result<(), String> {
    let mut configs = vec!["Cargo.toml".to_owned(), "clippy.toml".to_owned()];
    let entries = std::fs::read_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    for e in entries.flatten() {
        if e.path().join("Cargo.toml").is_file() {
            configs.push(format!("{}/Cargo.toml", e.file_name().to_string_lossy()));
        }
    }
    for rel in configs {
        let Ok(text) = std::fs::read_to_string(root.join(&rel)) else {
            continue;
        };
        let hit = text.lines().any(|l| {
            let l = l.split('#').next().unwrap_or("");
            l.contains("too_many_arguments") || l.contains("too-many-arguments-threshold")
        });
        if hit {
            found.insert(
                format!("args {rel}"),
                format!("{rel} relaxes clippy::too_many_arguments"),
            );
        }
        if let Some(n) = lines_threshold(&text).filter(|n| *n > MAX_FN_LINES) {
            found.insert(
                format!("fn {rel}"),
                format!("{rel} raises too-many-lines-threshold to {n} (at most {MAX_FN_LINES})"),
            );
        }
    }
    Ok(())
}

/// The longest function allowed, in clippy's count of lines.
const MAX_FN_LINES: usize = 100;

/// The value of `too-many-lines-threshold = N` in a clippy.toml.
fn lines_threshold(text: &str) -> Option<usize> {
    text.lines().find_map(|l| {
        let l = l.split('#').next()?;
        let (k, v) = l.split_once('=')?;
        (k.trim() == "too-many-lines-threshold")
            .then(|| v.trim().parse().ok())
            .flatten()
    })
}

/// Functions over the `too_many_lines` threshold, from clippy's JSON diagnostics.
fn long_functions(found: &mut Violations) -> Result<(), String> {
    let mut args = CLIPPY_ARGS.to_vec();
    args.insert(1, "--message-format=json");
    println!("$ cargo {}", args.join(" "));
    let out = std::process::Command::new(cargo_bin())
        .args(&args)
        .current_dir(root())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let json = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        // Show what failed (the JSON hides it), then give up: clippy must pass first.
        for line in json.lines().filter(|l| l.contains("\"level\":\"error\"")) {
            if let Some(r) = json_str(line, "rendered") {
                eprint!("{r}");
            }
        }
        return Err(format!("clippy failed ({})", out.status));
    }
    long_functions_in(&json, found)
}

/// The `too_many_lines` diagnostics of cargo's JSON messages.
fn long_functions_in(json: &str, found: &mut Violations) -> Result<(), String> {
    for line in json.lines() {
        if !line.contains("\"reason\":\"compiler-message\"")
            || !line.contains("\"code\":\"clippy::too_many_lines\"")
        {
            continue;
        }
        let (Some(file), Some(line_no)) =
            (json_str(line, "file_name"), json_field(line, "line_start"))
        else {
            return Err(format!("cannot read a clippy diagnostic: {line}"));
        };
        let name = json_str(line, "text")
            .and_then(|t| fn_name(&t))
            .unwrap_or_else(|| format!("line {line_no}"));
        // The top-level message comes after its children's in the JSON; the rendered
        // text starts with it: "warning: this function has too many lines (135/100)".
        let count = json_str(line, "rendered")
            .and_then(|m| {
                let first = m.lines().next()?.to_owned();
                let (_, r) = first.rsplit_once('(')?;
                Some(r.trim_end_matches(')').to_owned())
            })
            .unwrap_or_default();
        found.insert(
            format!("fn {file}::{name}"),
            format!("{file}:{line_no} fn {name} is too long ({count} lines): split it"),
        );
    }
    Ok(())
}

/// The name after `fn` in a line of code.
fn fn_name(code: &str) -> Option<String> {
    let toks = tokens::tokenize(code);
    let i = toks.iter().position(|t| t.text == "fn")?;
    toks.get(i + 1)
        .filter(|t| t.is_ident())
        .map(|t| t.text.clone())
}

/// The first string value of `"key":"…"` in a JSON line (escapes `\"` and `\\` undone).
fn json_str(line: &str, key: &str) -> Option<String> {
    let pat = format!("\"{key}\":\"");
    let start = line.find(&pat)? + pat.len();
    let mut out = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The first number value of `"key":N` in a JSON line.
fn json_field(line: &str, key: &str) -> Option<usize> {
    let pat = format!("\"{key}\":");
    let start = line.find(&pat)? + pat.len();
    let digits: String = line[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The allow-list: `kind subject -> what it waits for`.
fn parse_allow(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (n, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (entry, reason) = l
            .split_once('#')
            .map(|(e, r)| (e.trim(), r.trim()))
            .unwrap_or((l, ""));
        let kind = entry.split_whitespace().next().unwrap_or("");
        if !matches!(kind, "file" | "fn" | "args" | "cycle") || reason.is_empty() {
            return Err(format!(
                "{ALLOW_FILE}:{}: expected `<file|fn|args|cycle> <subject>  # <what it waits for>`, got {raw:?}",
                n + 1
            ));
        }
        let key = entry.split_whitespace().collect::<Vec<_>>().join(" ");
        if out.insert(key, reason.to_owned()).is_some() {
            return Err(format!("{ALLOW_FILE}:{}: duplicate entry", n + 1));
        }
    }
    Ok(out)
}

/// Violations not allowed, and allow-list entries matching nothing.
fn compare(found: &Violations, allow: &BTreeMap<String, String>) -> Vec<String> {
    let mut errors: Vec<String> = found
        .iter()
        .filter(|(k, _)| !allow.contains_key(*k))
        .map(|(k, why)| format!("{why}\n  (allow-list key: `{k}`)"))
        .collect();
    errors.extend(
        allow.keys().filter(|k| !found.contains_key(*k)).map(|k| {
            format!("{ALLOW_FILE}: `{k}` matches no violation (fixed?): remove the entry")
        }),
    );
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowances_in_code_only() {
        let mut found = Violations::new();
        args_allowances(
            "a.rs",
            "// #[allow(clippy::too_many_arguments)]\nconst S: &str = \"allow(clippy::too_many_arguments)\";",
            &mut found,
        );
        assert!(found.is_empty());
        args_allowances(
            "b.rs",
            "fn a() {}\n#[allow(clippy::too_many_arguments)]\nfn f() {}\n#![expect(dead_code, clippy::too_many_arguments)]",
            &mut found,
        );
        assert_eq!(found.keys().collect::<Vec<_>>(), ["args b.rs"]);
        assert!(found["args b.rs"].starts_with("b.rs:2,4 "));
    }

    #[test]
    fn allowances_inside_cfg_attr_and_long_lists() {
        let mut found = Violations::new();
        args_allowances(
            "c.rs",
            "#[cfg_attr(test, allow(dead_code, unused_imports, unused_mut, clippy::type_complexity, clippy::too_many_arguments))]\nfn f() {}\nlet too_many_arguments = 1;",
            &mut found,
        );
        assert!(found["args c.rs"].starts_with("c.rs:1 "), "{found:?}");
    }

    #[test]
    fn function_length_threshold() {
        assert_eq!(
            lines_threshold("a = 1\ntoo-many-lines-threshold = 100 # x\n"),
            Some(100)
        );
        assert_eq!(lines_threshold("too-many-lines-threshold=250"), Some(250));
        assert_eq!(lines_threshold("# too-many-lines-threshold = 250"), None);
    }

    #[test]
    fn allow_list_must_match_exactly() {
        let allow = parse_allow(
            "# comment\nfile a/src/x.rs  # W1\ncycle c:  a -> b -> a # W3\nfn f.rs::g # later\n",
        )
        .unwrap();
        assert_eq!(allow.len(), 3);
        assert!(allow.contains_key("cycle c: a -> b -> a"));
        let mut found = Violations::new();
        found.insert("file a/src/x.rs".into(), "long".into());
        found.insert("fn f.rs::h".into(), "too long".into());
        let errors = compare(&found, &allow);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].contains("fn f.rs::h"));
        assert!(
            errors
                .iter()
                .any(|e| e.contains("`cycle c: a -> b -> a` matches no violation"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("`fn f.rs::g` matches no violation"))
        );
        assert!(parse_allow("file a.rs\n").is_err(), "a reason is required");
        assert!(parse_allow("files a.rs # x\n").is_err());
        assert!(parse_allow("file a.rs # x\nfile  a.rs # y\n").is_err());
    }

    #[test]
    fn reads_clippy_json() {
        // The shape cargo prints (fields trimmed).
        let line = r#"{"reason":"compiler-message","message":{"rendered":"warning: this function has too many lines (135/100)\n   --> x/src/s.rs:186:1\n","children":[{"message":"for further information visit","spans":[]}],"message":"this function has too many lines (135/100)","spans":[{"file_name":"x/src/s.rs","line_start":186,"text":[{"text":"    pub async fn serve_conn(\"a\\\"b\") {"}]}],"code":{"code":"clippy::too_many_lines"}}}"#;
        assert_eq!(json_str(line, "file_name").as_deref(), Some("x/src/s.rs"));
        assert_eq!(json_field(line, "line_start"), Some(186));
        let mut found = Violations::new();
        long_functions_in(line, &mut found).unwrap();
        assert_eq!(
            found["fn x/src/s.rs::serve_conn"],
            "x/src/s.rs:186 fn serve_conn is too long (135/100 lines): split it"
        );
        assert_eq!(
            json_str(line, "text").and_then(|t| fn_name(&t)).as_deref(),
            Some("serve_conn")
        );
    }

    #[test]
    fn crate_sources_leave_out_other_crate_roots() {
        let s = |p: &str| (p.to_owned(), String::new());
        let c = crates(&[
            s("k/src/lib.rs"),
            s("k/src/main.rs"),
            s("k/src/bin/tool.rs"),
            s("k/src/a/b.rs"),
            s("k/tests/t.rs"),
            s("x/src/main.rs"),
        ]);
        let k: Vec<_> = c["k"].iter().map(|f| f.0.as_str()).collect();
        assert_eq!(k, ["lib.rs", "a/b.rs"]);
        assert_eq!(c["x"].len(), 1);
    }
}
