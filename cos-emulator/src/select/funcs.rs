//! `CAST` and `LIKE`.

use super::SelectError;
use super::eval::{Num, Value, cast_failed, parse_num, truth};
use super::sql::CastTo;

pub(crate) fn cast(v: Value, to: CastTo) -> Result<Value, SelectError> {
    if v.is_absent() {
        return Ok(Value::Null);
    }
    Ok(match (to, v) {
        (CastTo::Str, v) => Value::Str(v.to_text()),
        (CastTo::Int, Value::Int(i)) => Value::Int(i),
        (CastTo::Int, Value::Float(f)) => Value::Int(f.trunc() as i64),
        (CastTo::Int, Value::Str(s)) => match parse_num(&s) {
            Some(Num::I(i)) => Value::Int(i),
            Some(Num::F(f)) => Value::Int(f.trunc() as i64),
            None => return Err(cast_failed(&s, "INT")),
        },
        (CastTo::Float, Value::Int(i)) => Value::Float(i as f64),
        (CastTo::Float, Value::Float(f)) => Value::Float(f),
        (CastTo::Float, Value::Str(s)) => match parse_num(&s) {
            Some(n) => Value::Float(n.f()),
            None => return Err(cast_failed(&s, "FLOAT")),
        },
        (CastTo::Bool, Value::Bool(b)) => Value::Bool(b),
        (CastTo::Bool, Value::Str(s)) => match truth(&Value::Str(s.clone())) {
            Ok(Some(b)) => Value::Bool(b),
            _ => return Err(cast_failed(&s, "BOOL")),
        },
        (_, v) => return Err(cast_failed(&v.to_text(), "the requested type")),
    })
}

/// SQL `LIKE`: `%` any run, `_` one character, `escape` makes the next one literal.
pub(crate) fn like(text: &str, pattern: &str, escape: Option<char>) -> bool {
    let t: Vec<char> = text.chars().collect();
    let mut p: Vec<(char, bool)> = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if Some(c) == escape {
            if let Some(n) = chars.next() {
                p.push((n, true));
            }
        } else {
            p.push((c, false));
        }
    }
    // Iterative matching with one backtrack point for the last `%` (linear-ish).
    let (mut ti, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(('%', false)) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&(c, lit)) if (c == '_' && !lit) || c == t[ti] => {
                ti += 1;
                pi += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&(c, lit)| c == '%' && !lit)
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn like_patterns() {
        assert!(like("hello", "h%o", None));
        assert!(like("hello", "_ello", None));
        assert!(!like("hello", "h_o", None));
        assert!(like("50%", "50!%", Some('!')));
        assert!(!like("500", "50!%", Some('!')));
        assert!(like("", "%", None));
        assert!(like("abcabc", "%abc", None));
    }
}
