//! The aggregates COUNT, SUM, AVG, MIN and MAX: O(1) state per aggregate.

use std::cmp::Ordering;

use super::SelectError;
use super::eval::{Num, Record, Value, compare, eval, num, parse_num};
use super::sql::{AggKind, AggSpec};

/// MIN/MAX order: two CSV fields that both spell numbers compare as numbers.
fn agg_compare(a: &Value, b: &Value) -> Result<Option<Ordering>, SelectError> {
    if let (Value::Str(x), Value::Str(y)) = (a, b)
        && let (Some(p), Some(q)) = (parse_num(x), parse_num(y))
    {
        return Ok(p.f().partial_cmp(&q.f()));
    }
    compare(a, b)
}

/// The running state of one aggregate.
#[derive(Debug, Clone)]
pub(crate) struct AggState {
    count: u64,
    sum: Option<Num>,
    best: Option<Value>,
}

impl AggState {
    pub fn new() -> Self {
        AggState {
            count: 0,
            sum: None,
            best: None,
        }
    }

    /// Adds one record.
    pub fn update(&mut self, spec: &AggSpec, rec: &Record<'_>) -> Result<(), SelectError> {
        let v = match &spec.arg {
            None => {
                self.count += 1;
                return Ok(());
            }
            Some(e) => eval(e, rec, &[])?,
        };
        if v.is_absent() {
            return Ok(());
        }
        self.count += 1;
        match spec.kind {
            AggKind::Count => {}
            AggKind::Sum | AggKind::Avg => {
                let n = num(&v)?.unwrap_or(Num::I(0));
                self.sum = Some(match (self.sum, n) {
                    (None, n) => n,
                    (Some(Num::I(a)), Num::I(b)) => {
                        a.checked_add(b).map_or(Num::F(a as f64 + b as f64), Num::I)
                    }
                    (Some(a), b) => Num::F(a.f() + b.f()),
                });
            }
            AggKind::Min | AggKind::Max => {
                let replace = match &self.best {
                    None => true,
                    Some(b) => {
                        let o = agg_compare(&v, b)?;
                        if spec.kind == AggKind::Min {
                            o == Some(Ordering::Less)
                        } else {
                            o == Some(Ordering::Greater)
                        }
                    }
                };
                if replace {
                    self.best = Some(v);
                }
            }
        }
        Ok(())
    }

    /// The aggregate's value at the end of the scan.
    pub fn finish(&self, kind: AggKind) -> Value {
        match kind {
            AggKind::Count => Value::Int(i64::try_from(self.count).unwrap_or(i64::MAX)),
            AggKind::Sum => match self.sum {
                Some(Num::I(i)) => Value::Int(i),
                Some(Num::F(f)) => Value::Float(f),
                None => Value::Null,
            },
            AggKind::Avg => match self.sum {
                Some(s) if self.count > 0 => Value::Float(s.f() / self.count as f64),
                _ => Value::Null,
            },
            AggKind::Min | AggKind::Max => match &self.best {
                // A CSV field compared as a number reports the number.
                Some(Value::Str(s)) => match parse_num(s) {
                    Some(Num::I(i)) => Value::Int(i),
                    Some(Num::F(f)) => Value::Float(f),
                    None => Value::Str(s.clone()),
                },
                Some(v) => v.clone(),
                None => Value::Null,
            },
        }
    }
}
