//! Import cycles between the top-level modules of one crate.
//!
//! Each `src/**/*.rs` file is mapped to its module path (`lib.rs`/`main.rs` is the root,
//! `a.rs` and `a/mod.rs` are `a`, `a/b.rs` is `a::b`; `src/bin/` and a `main.rs` next to a
//! `lib.rs` are other crates and left out). Every path that starts with `crate::`,
//! `self::` or `super::` — in `use` trees (groups included) and in expressions — is
//! resolved against the module it is written in (inline `mod x { … }` blocks
//! included) and becomes an edge between top-level modules: `ops::object` using
//! `crate::transport::send` is the edge `ops -> transport`. A name the crate root
//! re-exports (`crate::Error` with `pub use error::Error` in `lib.rs`) counts as its
//! module; other root items and edges from the root are left out (the root declares
//! every module). Edges inside one top-level module (a submodule using its parent)
//! are not edges of this graph.

use std::collections::{BTreeMap, BTreeSet};

use super::tokens::{Tok, tokenize};

/// Where an edge comes from: a file, a line and the path written there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Site {
    /// The file, as given to [`Graph::add_file`].
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The path as written, e.g. `crate::transport::send`.
    pub path: String,
}

/// The top-level module graph of one crate.
#[derive(Debug, Default)]
pub struct Graph {
    /// `(file name, module path, tokens)` of every file.
    files: Vec<(String, Vec<String>, Vec<Tok>)>,
}

/// One import cycle: the modules in order (starting with the smallest) and, for each
/// edge `modules[i] -> modules[i + 1]` (wrapping), the places that make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The modules on the cycle, smallest first, not repeated at the end.
    pub modules: Vec<String>,
    /// Per edge, every site that creates it.
    pub sites: Vec<Vec<Site>>,
}

impl Cycle {
    /// `a -> b -> a`.
    pub fn describe(&self) -> String {
        let mut s = self.modules.join(" -> ");
        if let Some(first) = self.modules.first() {
            s.push_str(" -> ");
            s.push_str(first);
        }
        s
    }
}

/// The most cycles reported per crate (the enumeration is exponential in the worst case).
const MAX_CYCLES: usize = 200;

impl Graph {
    /// Adds a file; `rel` is its path below `src/` with `/` separators.
    pub fn add_file(&mut self, name: &str, rel: &str, text: &str) {
        self.files
            .push((name.to_owned(), module_path(rel), tokenize(text)));
    }

    /// The edges `from -> to` with the sites that create them.
    pub fn edges(&self) -> BTreeMap<String, BTreeMap<String, Vec<Site>>> {
        let tops: BTreeSet<String> = self
            .files
            .iter()
            .filter_map(|(_, m, _)| m.first().cloned())
            .collect();
        let reexports = self.root_reexports(&tops);
        let mut edges: BTreeMap<String, BTreeMap<String, Vec<Site>>> = BTreeMap::new();
        for (file, module, toks) in &self.files {
            for (current, segs, line) in paths(module, toks) {
                let Some(from) = current.first() else {
                    continue;
                };
                let Some(abs) = resolve(&current, &segs) else {
                    continue;
                };
                let Some(first) = abs.first() else { continue };
                let to = if tops.contains(first) {
                    first.clone()
                } else if let Some(m) = reexports.get(first) {
                    m.clone()
                } else {
                    continue;
                };
                if &to != from {
                    edges
                        .entry(from.clone())
                        .or_default()
                        .entry(to)
                        .or_default()
                        .push(Site {
                            file: file.clone(),
                            line,
                            path: segs.join("::"),
                        });
                }
            }
        }
        edges
    }

    /// Names the crate root brings into scope with `use`, mapped to their module.
    fn root_reexports(&self, tops: &BTreeSet<String>) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for (_, module, toks) in &self.files {
            if !module.is_empty() {
                continue;
            }
            for (segs, alias) in use_trees(toks) {
                let abs = match segs.first().map(String::as_str) {
                    Some("crate" | "self") => segs[1..].to_vec(),
                    _ => segs.clone(),
                };
                if let (Some(first), Some(name)) = (abs.first(), alias)
                    && tops.contains(first)
                    && abs.len() > 1
                {
                    map.insert(name, first.clone());
                }
            }
        }
        map
    }

    /// Every elementary cycle, each once (starting at its smallest module).
    pub fn cycles(&self) -> Vec<Cycle> {
        let edges = self.edges();
        let mut out = Vec::new();
        for start in edges.keys() {
            let mut stack = vec![start.clone()];
            walk(&edges, start, &mut stack, &mut out);
            if out.len() >= MAX_CYCLES {
                break;
            }
        }
        out
    }
}

/// Depth-first search for cycles through `start` over modules greater than it.
fn walk(
    edges: &BTreeMap<String, BTreeMap<String, Vec<Site>>>,
    start: &str,
    stack: &mut Vec<String>,
    out: &mut Vec<Cycle>,
) {
    let Some(last) = stack.last().cloned() else {
        return;
    };
    let Some(next) = edges.get(&last) else { return };
    for to in next.keys() {
        if out.len() >= MAX_CYCLES {
            return;
        }
        if to == start {
            let sites = (0..stack.len())
                .map(|i| {
                    let to = stack.get(i + 1).map_or(start, String::as_str);
                    edges[&stack[i]][to].clone()
                })
                .collect();
            out.push(Cycle {
                modules: stack.clone(),
                sites,
            });
        } else if to.as_str() > start && !stack.contains(to) {
            stack.push(to.clone());
            walk(edges, start, stack, out);
            stack.pop();
        }
    }
}

/// The module path of a file below `src/`.
fn module_path(rel: &str) -> Vec<String> {
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut segs: Vec<String> = rel.split('/').map(str::to_owned).collect();
    if matches!(
        segs.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segs.pop();
    }
    segs
}

/// Resolves `segs` (starting with `crate`, `self` or `super`) written in module
/// `current` to an absolute module path; `None` for other paths or too many `super`s.
fn resolve(current: &[String], segs: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = match segs.first()?.as_str() {
        "crate" => Vec::new(),
        "self" | "super" => current.to_vec(),
        _ => return None,
    };
    let mut rest = &segs[1..];
    if segs[0] == "super" {
        base.pop()?;
    }
    while rest.first().is_some_and(|s| s == "super") {
        base.pop()?;
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// Every `crate`/`self`/`super` path in a file: `(module it is written in, segments,
/// line)`, following inline `mod x { … }` blocks.
fn paths(file_module: &[String], toks: &[Tok]) -> Vec<(Vec<String>, Vec<String>, usize)> {
    let mut out = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].text.as_str();
        let current = || {
            let mut m = file_module.to_vec();
            m.extend(inline.iter().map(|(n, _)| n.clone()));
            m
        };
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            "mod" if text(toks, i + 2) == Some("{") && toks[i + 1].is_ident() => {
                inline.push((toks[i + 1].text.clone(), depth));
            }
            // `pub(in crate::a)` is a visibility, not a use of `a`.
            "pub" if text(toks, i + 1) == Some("(") && text(toks, i + 2) == Some("in") => {
                while i < toks.len() && toks[i].text != ")" {
                    i += 1;
                }
            }
            "use" => {
                let line = toks[i].line;
                let (trees, end) = parse_use(toks, i + 1);
                for (segs, _) in trees {
                    out.push((current(), segs, line));
                }
                i = end;
                continue;
            }
            "crate" | "self" | "super" if text(toks, i + 1) == Some("::") => {
                let line = toks[i].line;
                let mut segs = vec![t.to_owned()];
                let mut j = i + 1;
                while text(toks, j) == Some("::") && toks.get(j + 1).is_some_and(Tok::is_ident) {
                    segs.push(toks[j + 1].text.clone());
                    j += 2;
                }
                out.push((current(), segs, line));
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn text(toks: &[Tok], i: usize) -> Option<&str> {
    toks.get(i).map(|t| t.text.as_str())
}

/// One flattened use tree: its path segments and the name it binds (none for a glob).
type UsePath = (Vec<String>, Option<String>);

/// All use trees of a file, flattened.
fn use_trees(toks: &[Tok]) -> Vec<UsePath> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i].text == "use" {
            let (trees, end) = parse_use(toks, i + 1);
            out.extend(trees);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Parses the use tree starting at `i` up to its `;`: the flattened paths and the
/// index after the `;`.
fn parse_use(toks: &[Tok], i: usize) -> (Vec<UsePath>, usize) {
    let mut out = Vec::new();
    let end = parse_tree(toks, i, &[], &mut out);
    let mut j = end;
    while j < toks.len() && toks[j].text != ";" {
        j += 1;
    }
    (out, j + 1)
}

/// Parses one use tree below `prefix`; returns the index after it.
fn parse_tree(toks: &[Tok], mut i: usize, prefix: &[String], out: &mut Vec<UsePath>) -> usize {
    let mut segs = prefix.to_vec();
    if text(toks, i) == Some("::") {
        i += 1; // `use ::std::…`
    }
    loop {
        match toks.get(i) {
            Some(t) if t.text == "{" => {
                i += 1;
                while i < toks.len() && toks[i].text != "}" {
                    i = parse_tree(toks, i, &segs, out);
                    if text(toks, i) == Some(",") {
                        i += 1;
                    }
                }
                return i + 1;
            }
            Some(t) if t.text == "*" => {
                out.push((segs, None));
                return i + 1;
            }
            Some(t) if t.is_ident() && t.text != "as" => {
                segs.push(t.text.clone());
                i += 1;
                if text(toks, i) == Some("::") {
                    i += 1;
                    continue;
                }
                let mut alias = segs.last().cloned().filter(|s| s != "self");
                if segs.last().is_some_and(|s| s == "self") {
                    segs.pop();
                    alias = segs.last().cloned();
                }
                if text(toks, i) == Some("as") {
                    alias = toks.get(i + 1).map(|t| t.text.clone());
                    i += 2;
                }
                out.push((segs, alias));
                return i;
            }
            _ => return i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(files: &[(&str, &str)]) -> Graph {
        let mut g = Graph::default();
        for (rel, text) in files {
            g.add_file(rel, rel, text);
        }
        g
    }

    fn edge_list(g: &Graph) -> Vec<(String, String)> {
        let mut v = Vec::new();
        for (from, tos) in g.edges() {
            for to in tos.keys() {
                v.push((from.clone(), to.clone()));
            }
        }
        v
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn module_paths() {
        assert_eq!(module_path("lib.rs"), Vec::<String>::new());
        assert_eq!(module_path("a.rs"), ["a"]);
        assert_eq!(module_path("a/mod.rs"), ["a"]);
        assert_eq!(module_path("a/b/c.rs"), ["a", "b", "c"]);
    }

    #[test]
    fn use_groups_expressions_and_super() {
        let g = graph(&[
            ("lib.rs", "mod a; mod b; mod c; mod d; mod e;"),
            ("a.rs", "use crate::{b::X, c::{self, Y as Z}};"),
            ("b/mod.rs", "mod inner;"),
            ("b/inner.rs", "use super::super::d::T; use super::Q;"),
            ("c.rs", "fn f() { let x = crate::e::make(); }"),
            ("d.rs", "use self::sub::S; use std::io;"),
            ("e.rs", "use crate::Unknown;"),
        ]);
        assert_eq!(
            edge_list(&g),
            pairs(&[("a", "b"), ("a", "c"), ("b", "d"), ("c", "e")])
        );
        assert!(g.cycles().is_empty());
    }

    #[test]
    fn root_reexports_count_as_their_module() {
        let g = graph(&[
            (
                "lib.rs",
                "mod error; mod ops; pub use error::Error; pub use ops::{Op as Operation};",
            ),
            ("error.rs", "use crate::Operation; pub struct Error;"),
            ("ops.rs", "use crate::Error; use crate::RootItem;"),
        ]);
        let cycles = g.cycles();
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].describe(), "error -> ops -> error");
        assert_eq!(cycles[0].sites[0][0].file, "error.rs");
        assert_eq!(cycles[0].sites[1][0].path, "crate::Error");
    }

    #[test]
    fn inline_modules_and_ignored_text() {
        let g = graph(&[
            ("lib.rs", "mod a; mod b;"),
            (
                "a.rs",
                "// use crate::b;\nconst S: &str = \"crate::b::x\";\n\
                 #[cfg(test)] mod tests { use super::*; fn f() {} }\n\
                 pub(in crate::b) fn g() {}",
            ),
            ("b.rs", "mod t { use super::super::a::g; }"),
        ]);
        assert_eq!(edge_list(&g), pairs(&[("b", "a")]));
    }

    #[test]
    fn every_elementary_cycle_once_with_sites() {
        let g = graph(&[
            ("lib.rs", ""),
            ("a.rs", "use crate::b::X;\nuse crate::c::Y;"),
            ("b.rs", "use crate::a::Z; use crate::c::W;"),
            ("c/mod.rs", ""),
            ("c/deep.rs", "fn f() { crate::a::g(); }"),
        ]);
        let got: Vec<String> = g.cycles().iter().map(Cycle::describe).collect();
        assert_eq!(got, ["a -> b -> a", "a -> b -> c -> a", "a -> c -> a"]);
        let c = &g.cycles()[2];
        assert_eq!(c.sites[0][0].line, 2);
        assert_eq!(c.sites[1][0].file, "c/deep.rs");
    }
}
