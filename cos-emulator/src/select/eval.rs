//! Values and the evaluation of planned expressions over one record.
//!
//! CSV fields are strings; like COS (and S3) Select, a string meets a number in a
//! comparison or arithmetic as the number it spells, and a string that spells none is
//! an error (`CastFailed`), never a silent `false`. NULL and MISSING propagate through
//! operators; WHERE keeps a record only when its condition is TRUE.

use std::cmp::Ordering;

use super::SelectError;
use super::funcs::{cast, like};
use super::sql::{BinOp, Expr, Func, Step};

/// A value of the evaluator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A path that names nothing.
    Missing,
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A JSON object or array.
    Json(serde_json::Value),
}

impl Value {
    pub(crate) fn is_absent(&self) -> bool {
        matches!(self, Value::Null | Value::Missing)
    }

    /// A JSON value as an evaluator value.
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(s.clone()),
            other => Value::Json(other.clone()),
        }
    }

    /// The value as JSON output.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Missing | Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Json(j) => j.clone(),
        }
    }

    /// The value as a CSV field (NULL and MISSING are empty).
    pub fn to_text(&self) -> String {
        match self {
            Value::Missing | Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => s.clone(),
            Value::Json(j) => j.to_string(),
        }
    }
}

/// A number, for arithmetic and comparison.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Num {
    I(i64),
    F(f64),
}

impl Num {
    pub(crate) fn f(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }
}

pub(crate) fn parse_num(s: &str) -> Option<Num> {
    let t = s.trim();
    t.parse::<i64>()
        .map(Num::I)
        .ok()
        .or_else(|| t.parse::<f64>().ok().filter(|f| f.is_finite()).map(Num::F))
}

pub(crate) fn num(v: &Value) -> Result<Option<Num>, SelectError> {
    Ok(match v {
        Value::Int(i) => Some(Num::I(*i)),
        Value::Float(f) => Some(Num::F(*f)),
        Value::Str(s) => Some(parse_num(s).ok_or_else(|| cast_failed(s, "a number"))?),
        Value::Null | Value::Missing => None,
        Value::Bool(_) | Value::Json(_) => {
            return Err(SelectError::new(
                "EvaluatorInvalidArguments",
                format!("{} is not a number.", v.to_text()),
            ));
        }
    })
}

pub(crate) fn cast_failed(s: &str, to: &str) -> SelectError {
    SelectError::new("CastFailed", format!("{s:?} cannot be read as {to}."))
}

/// A record being evaluated.
pub(crate) enum Record<'a> {
    /// CSV fields, with the header's names when `FileHeaderInfo` is `USE`.
    Csv {
        fields: &'a csv::StringRecord,
        headers: Option<&'a csv::StringRecord>,
    },
    Json(&'a serde_json::Value),
}

impl Record<'_> {
    /// The index of a CSV column (`_N` or a header name); `None` for a JSON record.
    fn column_index(&self, path: &[Step]) -> Result<Option<usize>, SelectError> {
        let Record::Csv { headers, .. } = self else {
            return Ok(None);
        };
        let [Step::Field { name, quoted }] = path else {
            return Err(SelectError::new(
                "InvalidColumnIndex",
                "A CSV column has no nested fields.",
            ));
        };
        let by_name = headers.and_then(|h| {
            h.iter().position(|c| {
                if *quoted {
                    c == name
                } else {
                    c.eq_ignore_ascii_case(name)
                }
            })
        });
        match by_name {
            Some(i) => Ok(Some(i)),
            None => match name.strip_prefix('_').and_then(|n| n.parse::<usize>().ok()) {
                Some(n) if n >= 1 => Ok(Some(n - 1)),
                _ => Err(SelectError::new(
                    "InvalidColumnIndex",
                    format!("The column {name} does not exist."),
                )),
            },
        }
    }

    fn column(&self, path: &[Step]) -> Result<Value, SelectError> {
        match self {
            Record::Csv { fields, .. } => Ok(match self.column_index(path)? {
                Some(i) => fields
                    .get(i)
                    .map_or(Value::Missing, |s| Value::Str(s.to_owned())),
                None => Value::Missing,
            }),
            Record::Json(v) => {
                let mut cur = *v;
                for step in path {
                    let next = match (step, cur) {
                        (Step::Field { name, quoted }, serde_json::Value::Object(m)) => {
                            m.get(name.as_str()).or_else(|| {
                                if *quoted {
                                    None
                                } else {
                                    m.iter()
                                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                                        .map(|(_, v)| v)
                                }
                            })
                        }
                        (Step::Index(i), serde_json::Value::Array(a)) => a.get(*i),
                        _ => None,
                    };
                    match next {
                        Some(n) => cur = n,
                        None => return Ok(Value::Missing),
                    }
                }
                Ok(Value::from_json(cur))
            }
        }
    }

    /// A CSV field by path, borrowed; `None` for a JSON record or a missing field.
    fn csv_field(&self, path: &[Step]) -> Result<Option<&str>, SelectError> {
        match self {
            Record::Csv { fields, .. } => match self.column_index(path)? {
                Some(i) => Ok(fields.get(i)),
                None => Ok(None),
            },
            Record::Json(_) => Ok(None),
        }
    }

    fn whole(&self) -> Value {
        match self {
            Record::Csv { fields, .. } => Value::Str(fields.iter().collect::<Vec<_>>().join(",")),
            Record::Json(v) => Value::from_json(v),
        }
    }
}

/// Evaluates `e` on `rec` (`aggs`: the aggregates' results, after the scan).
pub(crate) fn eval(e: &Expr, rec: &Record<'_>, aggs: &[Value]) -> Result<Value, SelectError> {
    Ok(match e {
        Expr::Lit(v) => v.clone(),
        Expr::Record => rec.whole(),
        Expr::Col(p) => rec.column(p)?,
        Expr::Agg(i) => aggs.get(*i).cloned().unwrap_or(Value::Null),
        Expr::Not(a) => match truth(&eval(a, rec, aggs)?)? {
            Some(b) => Value::Bool(!b),
            None => Value::Null,
        },
        Expr::Neg(a) => match num(&eval(a, rec, aggs)?)? {
            Some(Num::I(i)) => i
                .checked_neg()
                .map_or(Value::Float(-(i as f64)), Value::Int),
            Some(Num::F(f)) => Value::Float(-f),
            None => Value::Null,
        },
        Expr::Bin(op, a, b) => binary(*op, a, b, rec, aggs)?,
        Expr::Like {
            expr,
            pattern,
            escape,
            negated,
        } => {
            let (v, p) = (eval(expr, rec, aggs)?, eval(pattern, rec, aggs)?);
            if v.is_absent() || p.is_absent() {
                Value::Null
            } else {
                let m = like(&v.to_text(), &p.to_text(), *escape);
                Value::Bool(m != *negated)
            }
        }
        Expr::In {
            expr,
            list,
            negated,
        } => {
            let v = eval(expr, rec, aggs)?;
            if v.is_absent() {
                return Ok(Value::Null);
            }
            let mut found = false;
            for x in list {
                if compare(&v, &eval(x, rec, aggs)?)? == Some(Ordering::Equal) {
                    found = true;
                    break;
                }
            }
            Value::Bool(found != *negated)
        }
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => {
            let v = eval(expr, rec, aggs)?;
            let lo = compare(&v, &eval(low, rec, aggs)?)?;
            let hi = compare(&v, &eval(high, rec, aggs)?)?;
            match (lo, hi) {
                (Some(l), Some(h)) => Value::Bool((l.is_ge() && h.is_le()) != *negated),
                _ => Value::Null,
            }
        }
        Expr::IsNull(a, negated) => Value::Bool(eval(a, rec, aggs)?.is_absent() != *negated),
        Expr::Cast(a, to) => cast(eval(a, rec, aggs)?, *to)?,
        Expr::Case {
            operand,
            whens,
            otherwise,
        } => case(operand.as_deref(), whens, otherwise.as_deref(), rec, aggs)?,
        Expr::Func(f, args) => func(*f, args, rec, aggs)?,
        Expr::Substring(s, from, len) => substring(s, from.as_deref(), len.as_deref(), rec, aggs)?,
        Expr::Trim(a) => match eval(a, rec, aggs)? {
            v if v.is_absent() => Value::Null,
            v => Value::Str(v.to_text().trim_matches(' ').to_owned()),
        },
    })
}

fn case(
    operand: Option<&Expr>,
    whens: &[(Expr, Expr)],
    otherwise: Option<&Expr>,
    rec: &Record<'_>,
    aggs: &[Value],
) -> Result<Value, SelectError> {
    let op = operand.map(|o| eval(o, rec, aggs)).transpose()?;
    for (w, r) in whens {
        let wv = eval(w, rec, aggs)?;
        let hit = match &op {
            Some(o) => compare(o, &wv)? == Some(Ordering::Equal),
            None => truth(&wv)? == Some(true),
        };
        if hit {
            return eval(r, rec, aggs);
        }
    }
    match otherwise {
        Some(o) => eval(o, rec, aggs),
        None => Ok(Value::Null),
    }
}

/// `SUBSTRING(s FROM from FOR len)`: positions start at 1; a start before 1 eats
/// into the length.
fn substring(
    s: &Expr,
    from: Option<&Expr>,
    len: Option<&Expr>,
    rec: &Record<'_>,
    aggs: &[Value],
) -> Result<Value, SelectError> {
    let s = eval(s, rec, aggs)?;
    if s.is_absent() {
        return Ok(Value::Null);
    }
    let text = s.to_text();
    let from = opt_int(from, rec, aggs)?.unwrap_or(1);
    let len = opt_int(len, rec, aggs)?;
    let start = from.max(1);
    let take = len.map(|l| (l + from.min(1) - 1).max(0));
    let chars = text
        .chars()
        .skip(usize::try_from(start - 1).unwrap_or(usize::MAX));
    Ok(Value::Str(match take {
        Some(t) => chars.take(usize::try_from(t).unwrap_or(0)).collect(),
        None => chars.collect(),
    }))
}

fn opt_int(e: Option<&Expr>, rec: &Record<'_>, aggs: &[Value]) -> Result<Option<i64>, SelectError> {
    let Some(e) = e else { return Ok(None) };
    Ok(match num(&eval(e, rec, aggs)?)? {
        Some(Num::I(i)) => Some(i),
        Some(Num::F(f)) => Some(f as i64),
        None => None,
    })
}

/// Whether a record passes a WHERE condition.
pub(crate) fn passes(e: &Expr, rec: &Record<'_>) -> Result<bool, SelectError> {
    Ok(truth(&eval(e, rec, &[])?)? == Some(true))
}

pub(crate) fn truth(v: &Value) -> Result<Option<bool>, SelectError> {
    match v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Null | Value::Missing => Ok(None),
        Value::Str(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Value::Str(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        other => Err(SelectError::new(
            "EvaluatorInvalidArguments",
            format!("{} is not a boolean.", other.to_text()),
        )),
    }
}

fn binary(
    op: BinOp,
    a: &Expr,
    b: &Expr,
    rec: &Record<'_>,
    aggs: &[Value],
) -> Result<Value, SelectError> {
    if matches!(op, BinOp::And | BinOp::Or) {
        let l = truth(&eval(a, rec, aggs)?)?;
        // Short-circuit as SQL's three-valued logic allows.
        match (op, l) {
            (BinOp::And, Some(false)) => return Ok(Value::Bool(false)),
            (BinOp::Or, Some(true)) => return Ok(Value::Bool(true)),
            _ => {}
        }
        let r = truth(&eval(b, rec, aggs)?)?;
        return Ok(match (op, l, r) {
            (BinOp::And, _, Some(false)) => Value::Bool(false),
            (BinOp::Or, _, Some(true)) => Value::Bool(true),
            (_, Some(x), Some(y)) => Value::Bool(if op == BinOp::And { x && y } else { x || y }),
            _ => Value::Null,
        });
    }
    if let Some(v) = fast_compare(op, a, b, rec)? {
        return Ok(v);
    }
    let (l, r) = (eval(a, rec, aggs)?, eval(b, rec, aggs)?);
    if l.is_absent() || r.is_absent() {
        return Ok(Value::Null);
    }
    let cmp = |f: fn(Ordering) -> bool| -> Result<Value, SelectError> {
        Ok(compare(&l, &r)?.map_or(Value::Null, |o| Value::Bool(f(o))))
    };
    match op {
        BinOp::Eq => cmp(Ordering::is_eq),
        BinOp::Ne => cmp(Ordering::is_ne),
        BinOp::Lt => cmp(Ordering::is_lt),
        BinOp::Le => cmp(Ordering::is_le),
        BinOp::Gt => cmp(Ordering::is_gt),
        BinOp::Ge => cmp(Ordering::is_ge),
        BinOp::Concat => Ok(Value::Str(l.to_text() + &r.to_text())),
        _ => arith(op, &l, &r),
    }
}

/// A CSV column compared with a string or number literal, without copying the field
/// (the common WHERE of a scan); `None` for every other case. Same semantics as
/// [`compare`].
fn fast_compare(
    op: BinOp,
    a: &Expr,
    b: &Expr,
    rec: &Record<'_>,
) -> Result<Option<Value>, SelectError> {
    let test: fn(Ordering) -> bool = match op {
        BinOp::Eq => Ordering::is_eq,
        BinOp::Ne => Ordering::is_ne,
        BinOp::Lt => Ordering::is_lt,
        BinOp::Le => Ordering::is_le,
        BinOp::Gt => Ordering::is_gt,
        BinOp::Ge => Ordering::is_ge,
        _ => return Ok(None),
    };
    let (path, lit, flipped) = match (a, b) {
        (Expr::Col(p), Expr::Lit(l)) => (p, l, false),
        (Expr::Lit(l), Expr::Col(p)) => (p, l, true),
        _ => return Ok(None),
    };
    let Some(field) = rec.csv_field(path)? else {
        return Ok(None);
    };
    let ord = match lit {
        Value::Str(s) => field.cmp(s.as_str()),
        Value::Int(_) | Value::Float(_) => {
            let n = parse_num(field).ok_or_else(|| cast_failed(field, "a number"))?;
            let o = match (n, lit) {
                (Num::I(x), Value::Int(y)) => Some(x.cmp(y)),
                (n, Value::Int(y)) => n.f().partial_cmp(&(*y as f64)),
                (n, Value::Float(y)) => n.f().partial_cmp(y),
                _ => None,
            };
            match o {
                Some(o) => o,
                None => return Ok(Some(Value::Null)),
            }
        }
        _ => return Ok(None),
    };
    let ord = if flipped { ord.reverse() } else { ord };
    Ok(Some(Value::Bool(test(ord))))
}

fn arith(op: BinOp, l: &Value, r: &Value) -> Result<Value, SelectError> {
    let (Some(x), Some(y)) = (num(l)?, num(r)?) else {
        return Ok(Value::Null);
    };
    let div0 = || SelectError::new("DivisionByZero", "Division by zero.");
    if let (Num::I(a), Num::I(b)) = (x, y) {
        let v = match op {
            BinOp::Add => a.checked_add(b),
            BinOp::Sub => a.checked_sub(b),
            BinOp::Mul => a.checked_mul(b),
            BinOp::Div if b == 0 => return Err(div0()),
            BinOp::Div => a.checked_div(b),
            BinOp::Mod if b == 0 => return Err(div0()),
            BinOp::Mod => a.checked_rem(b),
            _ => None,
        };
        if let Some(v) = v {
            return Ok(Value::Int(v));
        }
    }
    let (a, b) = (x.f(), y.f());
    Ok(Value::Float(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div if b == 0.0 => return Err(div0()),
        BinOp::Div => a / b,
        BinOp::Mod if b == 0.0 => return Err(div0()),
        BinOp::Mod => a % b,
        _ => {
            return Err(SelectError::new(
                "InternalError",
                "not an arithmetic operator",
            ));
        }
    }))
}

/// Orders two values: numbers numerically (a string against a number as the number it
/// spells), strings by code point, booleans. `None` when either is NULL/MISSING.
pub(crate) fn compare(l: &Value, r: &Value) -> Result<Option<Ordering>, SelectError> {
    Ok(match (l, r) {
        (a, b) if a.is_absent() || b.is_absent() => None,
        (Value::Str(a), Value::Str(b)) => Some(a.as_str().cmp(b.as_str())),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Str(s)) | (Value::Str(s), Value::Bool(a)) => {
            let b = match s.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => return Err(cast_failed(s, "a boolean")),
            };
            let o = a.cmp(&b);
            Some(if matches!(l, Value::Bool(_)) {
                o
            } else {
                o.reverse()
            })
        }
        (Value::Json(a), Value::Json(b)) => (a == b).then_some(Ordering::Equal),
        _ => match (num(l)?, num(r)?) {
            (Some(Num::I(a)), Some(Num::I(b))) => Some(a.cmp(&b)),
            (Some(a), Some(b)) => a.f().partial_cmp(&b.f()),
            _ => None,
        },
    })
}

fn func(f: Func, args: &[Expr], rec: &Record<'_>, aggs: &[Value]) -> Result<Value, SelectError> {
    let mut vals = Vec::with_capacity(args.len());
    for a in args {
        let v = eval(a, rec, aggs)?;
        if f == Func::Coalesce && !v.is_absent() {
            return Ok(v);
        }
        vals.push(v);
    }
    let first = vals.first().cloned().unwrap_or(Value::Null);
    Ok(match f {
        Func::Coalesce => Value::Null,
        Func::NullIf => match vals.get(1) {
            Some(second) if compare(&first, second)? == Some(Ordering::Equal) => Value::Null,
            _ => first,
        },
        _ if first.is_absent() => Value::Null,
        Func::Lower => Value::Str(first.to_text().to_lowercase()),
        Func::Upper => Value::Str(first.to_text().to_uppercase()),
        Func::CharLength => Value::Int(first.to_text().chars().count() as i64),
        Func::Abs => match num(&first)? {
            Some(Num::I(i)) => i
                .checked_abs()
                .map_or(Value::Float((i as f64).abs()), Value::Int),
            Some(Num::F(x)) => Value::Float(x.abs()),
            None => Value::Null,
        },
    })
}
