//! A small Rust tokenizer for the structure checks: identifiers and punctuation with
//! their line numbers; comments, string/char literals, lifetimes and numbers dropped.
//!
//! It is not a full lexer: it only has to be right about what can hide a `crate::`
//! path or an attribute (comments and literals), so that code that merely mentions one
//! in a string or a doc comment is not taken for the real thing.

/// One token: an identifier (raw identifiers without their `r#`), `::`, or any other
/// single punctuation character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// The token's text.
    pub text: String,
    /// Its 1-based line.
    pub line: usize,
}

impl Tok {
    /// Whether the token is an identifier (or keyword).
    pub fn is_ident(&self) -> bool {
        self.text
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
    }
}

/// Splits `src` into tokens.
pub fn tokenize(src: &str) -> Vec<Tok> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i = skip_block_comment(&chars, i, &mut line);
        } else if let Some(end) = raw_string_end(&chars, i, &mut line) {
            i = end;
        } else if c == '"' || (c == 'b' && next == Some('"')) {
            let start = if c == 'b' { i + 1 } else { i };
            i = skip_quoted(&chars, start, '"', &mut line);
        } else if c == '\'' || (c == 'b' && next == Some('\'')) {
            let start = if c == 'b' { i + 1 } else { i };
            i = skip_char_or_lifetime(&chars, start, &mut line);
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            if c == 'r' && next == Some('#') {
                i += 2; // raw identifier
            }
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push(Tok {
                text: chars[start..i].iter().collect(),
                line,
            });
        } else if c == ':' && next == Some(':') {
            toks.push(Tok {
                text: "::".to_owned(),
                line,
            });
            i += 2;
        } else {
            toks.push(Tok {
                text: c.to_string(),
                line,
            });
            i += 1;
        }
    }
    toks
}

/// Skips a (nested) block comment starting at `i`; returns the index after it.
fn skip_block_comment(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    let mut depth = 0;
    while i < chars.len() {
        if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
            depth += 1;
            i += 2;
        } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            if chars[i] == '\n' {
                *line += 1;
            }
            i += 1;
        }
    }
    i
}

/// If a raw (byte) string `r"…"`, `r#"…"#`, `br"…"` starts at `i`, the index after it.
fn raw_string_end(chars: &[char], i: usize, line: &mut usize) -> Option<usize> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    // Only a raw string if what precedes is not part of an identifier.
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '\n' {
            *line += 1;
        }
        if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(j)
}

/// Skips a literal delimited by `quote` with backslash escapes, starting at `i`.
fn skip_quoted(chars: &[char], mut i: usize, quote: char, line: &mut usize) -> usize {
    i += 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote => return i + 1,
            c => {
                if c == '\n' {
                    *line += 1;
                }
                i += 1;
            }
        }
    }
    i
}

/// Skips a char literal (`'a'`, `'\n'`) or a lifetime (`'a`) starting at `i`.
fn skip_char_or_lifetime(chars: &[char], i: usize, line: &mut usize) -> usize {
    if chars.get(i + 1) == Some(&'\\') {
        return skip_quoted(chars, i, '\'', line);
    }
    if chars.get(i + 2) == Some(&'\'') {
        return i + 3;
    }
    // A lifetime or label: skip the quote and the identifier.
    let mut j = i + 1;
    while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        tokenize(src).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn drops_comments_literals_and_lifetimes() {
        let src = "// crate::a\n/* crate::b /* nested */ */ let s = \"crate::c\";\n\
                   let r = r#\"crate::d \"# ; let ch = '\"'; fn f<'a>(x: &'a u8) {} b'x' 1u8 crate::e";
        let t = texts(src);
        assert!(
            !t.iter()
                .any(|s| s == "a" || s == "b" || s == "c" || s == "d")
        );
        assert_eq!(t[t.len() - 3..], ["crate", "::", "e"]);
    }

    #[test]
    fn counts_lines_through_multiline_literals() {
        let toks = tokenize("\"a\nb\"\n/*\n*/\nr\"\n\"\nx");
        assert_eq!(
            toks,
            vec![Tok {
                text: "x".into(),
                line: 7
            }]
        );
    }

    #[test]
    fn raw_identifiers_and_paths() {
        assert_eq!(texts("r#type::x"), ["type", "::", "x"]);
        assert_eq!(texts("bar\"q\""), ["bar"]);
    }
}
