//! COS Select SQL: parsed by `sqlparser` (with [`CosDialect`]) and lowered into the
//! small plan [`Query`] the evaluator runs. Anything outside the subset COS documents
//! (SELECT list, `FROM COSObject [alias]`, WHERE, LIMIT — "COS Select currently does not
//! support subqueries or joins", <https://cloud.tencent.com/document/product/436/37636>)
//! is refused with an error naming the construct, never evaluated approximately.

use sqlparser::ast::{
    self, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, LimitClause, SelectItem,
    SetExpr, Statement, TableFactor, UnaryOperator,
};
use sqlparser::dialect::Dialect;
use sqlparser::parser::Parser;

use super::SelectError;
pub(crate) use super::expr::*;
use super::lower::{access_step, bin_op, cast_to, escape, field, literal};

/// COS's SQL: ANSI identifiers (`_1`, `name`), `"quoted"` names, `'strings'`.
#[derive(Debug)]
pub(crate) struct CosDialect;

impl Dialect for CosDialect {
    fn is_identifier_start(&self, ch: char) -> bool {
        ch.is_alphabetic() || ch == '_'
    }
    fn is_identifier_part(&self, ch: char) -> bool {
        ch.is_alphanumeric() || ch == '_'
    }
    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        ch == '"'
    }
}

pub(crate) fn unsupported(what: impl std::fmt::Display) -> SelectError {
    SelectError::new(
        "UnsupportedSqlStructure",
        format!("{what} is not supported by COS Select."),
    )
}

/// Parses and plans `sql`.
///
/// Errors: `ParseUnexpectedToken` when it is not SQL, `UnsupportedSqlStructure` /
/// `UnsupportedFunction` / `UnsupportedSqlOperation` naming what COS Select does not do,
/// `InvalidDataSource` when the table is not `COSObject`.
pub(crate) fn plan(sql: &str) -> Result<Query, SelectError> {
    let mut stmts = Parser::parse_sql(&CosDialect, sql)
        .map_err(|e| SelectError::new("ParseUnexpectedToken", e.to_string()))?;
    if stmts.len() != 1 {
        return Err(unsupported("More than one statement"));
    }
    let Statement::Query(q) = stmts.remove(0) else {
        return Err(unsupported("A statement other than SELECT"));
    };
    let q = *q;
    if q.with.is_some() {
        return Err(unsupported("WITH"));
    }
    if q.order_by.is_some() {
        return Err(unsupported("ORDER BY"));
    }
    if q.fetch.is_some() || !q.locks.is_empty() {
        return Err(unsupported("FETCH / FOR UPDATE"));
    }
    let limit = match q.limit_clause {
        None => None,
        Some(LimitClause::LimitOffset {
            limit,
            offset: None,
            limit_by,
        }) if limit_by.is_empty() => limit.map(|e| limit_value(&e)).transpose()?,
        Some(_) => return Err(unsupported("OFFSET")),
    };
    let SetExpr::Select(sel) = *q.body else {
        return Err(unsupported("UNION / INTERSECT / EXCEPT / VALUES"));
    };
    let sel = *sel;
    if sel.distinct.is_some() {
        return Err(unsupported("DISTINCT"));
    }
    if sel.top.is_some() || sel.into.is_some() {
        return Err(unsupported("TOP / INTO"));
    }
    if !matches!(&sel.group_by, GroupByExpr::Expressions(e, _) if e.is_empty()) {
        return Err(unsupported("GROUP BY"));
    }
    if sel.having.is_some() {
        return Err(unsupported("HAVING"));
    }
    let alias = table_alias(&sel.from)?;
    let mut p = Planner {
        alias,
        aggregates: Vec::new(),
    };
    let filter = sel.selection.map(|e| p.expr(&e, false)).transpose()?;
    let projections = p.projections(&sel.projection)?;
    let query = Query {
        projections,
        filter,
        limit,
        aggregates: p.aggregates,
    };
    check_aggregate_mix(&query)?;
    Ok(query)
}

fn limit_value(e: &ast::Expr) -> Result<u64, SelectError> {
    if let ast::Expr::Value(v) = e
        && let ast::Value::Number(n, _) = &v.value
        && let Ok(n) = n.parse()
    {
        return Ok(n);
    }
    Err(unsupported(format!("LIMIT {e}")))
}

/// `FROM COSObject [AS] alias`: the alias, if any.
fn table_alias(from: &[ast::TableWithJoins]) -> Result<Option<String>, SelectError> {
    let [t] = from else {
        return Err(if from.is_empty() {
            SelectError::new("InvalidDataSource", "The query has no FROM COSObject.")
        } else {
            unsupported("A FROM list with several tables")
        });
    };
    if !t.joins.is_empty() {
        return Err(unsupported("JOIN"));
    }
    match &t.relation {
        TableFactor::Table {
            name, alias, args, ..
        } if args.is_none() => {
            let n = name.to_string();
            if !n.eq_ignore_ascii_case("cosobject") {
                return Err(SelectError::new(
                    "InvalidDataSource",
                    format!("The table {n} is not COSObject."),
                ));
            }
            Ok(alias.as_ref().map(|a| a.name.value.clone()))
        }
        TableFactor::Derived { .. } => Err(unsupported("A subquery")),
        other => Err(unsupported(format!("The table expression {other}"))),
    }
}

/// With an aggregate in the SELECT list, every column must be one (no GROUP BY).
fn check_aggregate_mix(q: &Query) -> Result<(), SelectError> {
    if q.aggregates.is_empty() {
        return Ok(());
    }
    let Some(ps) = &q.projections else {
        return Err(unsupported("SELECT * with an aggregate"));
    };
    for p in ps {
        if refers_to_record(&p.expr) {
            return Err(unsupported(format!(
                "The column {} next to an aggregate (without GROUP BY)",
                p.name
            )));
        }
    }
    Ok(())
}

/// Whether `e` reads the current record outside an aggregate.
fn refers_to_record(e: &Expr) -> bool {
    match e {
        Expr::Col(_) | Expr::Record => true,
        Expr::Lit(_) | Expr::Agg(_) => false,
        Expr::Not(a) | Expr::Neg(a) | Expr::IsNull(a, _) | Expr::Cast(a, _) | Expr::Trim(a) => {
            refers_to_record(a)
        }
        Expr::Bin(_, a, b)
        | Expr::Like {
            expr: a,
            pattern: b,
            ..
        } => refers_to_record(a) || refers_to_record(b),
        Expr::In { expr, list, .. } => refers_to_record(expr) || list.iter().any(refers_to_record),
        Expr::Between {
            expr, low, high, ..
        } => refers_to_record(expr) || refers_to_record(low) || refers_to_record(high),
        Expr::Case {
            operand,
            whens,
            otherwise,
        } => {
            operand.as_deref().is_some_and(refers_to_record)
                || whens
                    .iter()
                    .any(|(a, b)| refers_to_record(a) || refers_to_record(b))
                || otherwise.as_deref().is_some_and(refers_to_record)
        }
        Expr::Func(_, args) => args.iter().any(refers_to_record),
        Expr::Substring(a, b, c) => {
            refers_to_record(a)
                || b.as_deref().is_some_and(refers_to_record)
                || c.as_deref().is_some_and(refers_to_record)
        }
    }
}

struct Planner {
    alias: Option<String>,
    aggregates: Vec<AggSpec>,
}

impl Planner {
    fn projections(
        &mut self,
        items: &[SelectItem],
    ) -> Result<Option<Vec<Projection>>, SelectError> {
        if let [SelectItem::Wildcard(_)] = items {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let (expr, alias) = match item {
                SelectItem::UnnamedExpr(e) => (e, None),
                SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
                SelectItem::Wildcard(_) => return Err(unsupported("* next to other columns")),
                SelectItem::QualifiedWildcard(..) => {
                    return Err(unsupported(format!("The projection {item}")));
                }
            };
            let planned = self.expr(expr, true)?;
            let name = alias.unwrap_or_else(|| match &planned {
                Expr::Col(path) => match path.last() {
                    Some(Step::Field { name, .. }) => name.clone(),
                    _ => format!("_{}", i + 1),
                },
                _ => format!("_{}", i + 1),
            });
            out.push(Projection {
                expr: planned,
                name,
            });
        }
        Ok(Some(out))
    }

    fn is_alias(&self, id: &ast::Ident) -> bool {
        self.alias
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(&id.value))
    }

    fn ident_path(&self, ids: &[ast::Ident]) -> Expr {
        let ids = match ids.split_first() {
            Some((first, rest)) if self.is_alias(first) => rest,
            _ => ids,
        };
        if ids.is_empty() {
            return Expr::Record;
        }
        Expr::Col(ids.iter().map(field).collect())
    }

    fn b(&mut self, e: &ast::Expr, agg_ok: bool) -> Result<Box<Expr>, SelectError> {
        self.expr(e, agg_ok).map(Box::new)
    }

    /// Lowers one expression; `agg_ok` when an aggregate may appear (SELECT list).
    fn expr(&mut self, e: &ast::Expr, agg_ok: bool) -> Result<Expr, SelectError> {
        use ast::Expr as A;
        Ok(match e {
            A::Identifier(id) => self.ident_path(std::slice::from_ref(id)),
            A::CompoundIdentifier(ids) => self.ident_path(ids),
            A::CompoundFieldAccess { root, access_chain } => {
                let mut path = match self.expr(root, false)? {
                    Expr::Col(p) => p,
                    Expr::Record => Vec::new(),
                    _ => return Err(unsupported(format!("The path {e}"))),
                };
                for a in access_chain {
                    path.push(access_step(a, e)?);
                }
                if path.is_empty() {
                    Expr::Record
                } else {
                    Expr::Col(path)
                }
            }
            A::Nested(inner) => self.expr(inner, agg_ok)?,
            A::Value(v) => Expr::Lit(literal(&v.value)?),
            A::UnaryOp { op, expr } => match op {
                UnaryOperator::Not => Expr::Not(self.b(expr, agg_ok)?),
                UnaryOperator::Minus => Expr::Neg(self.b(expr, agg_ok)?),
                UnaryOperator::Plus => self.expr(expr, agg_ok)?,
                other => return Err(unsupported(format!("The operator {other}"))),
            },
            A::BinaryOp { left, op, right } => {
                let op = bin_op(op)?;
                Expr::Bin(op, self.b(left, agg_ok)?, self.b(right, agg_ok)?)
            }
            A::Function(f) => self.function(f, agg_ok)?,
            A::Subquery(_) | A::InSubquery { .. } | A::Exists { .. } => {
                return Err(unsupported("A subquery"));
            }
            other => self.predicate(other, agg_ok)?,
        })
    }

    /// LIKE, IN, BETWEEN, IS NULL, CAST, CASE, SUBSTRING, TRIM.
    fn predicate(&mut self, e: &ast::Expr, agg_ok: bool) -> Result<Expr, SelectError> {
        use ast::Expr as A;
        Ok(match e {
            A::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char,
            } => Expr::Like {
                expr: self.b(expr, agg_ok)?,
                pattern: self.b(pattern, agg_ok)?,
                escape: escape_char.as_ref().map(escape).transpose()?,
                negated: *negated,
            },
            A::InList {
                expr,
                list,
                negated,
            } => Expr::In {
                expr: self.b(expr, agg_ok)?,
                list: list
                    .iter()
                    .map(|x| self.expr(x, agg_ok))
                    .collect::<Result<_, _>>()?,
                negated: *negated,
            },
            A::Between {
                expr,
                negated,
                low,
                high,
            } => Expr::Between {
                expr: self.b(expr, agg_ok)?,
                low: self.b(low, agg_ok)?,
                high: self.b(high, agg_ok)?,
                negated: *negated,
            },
            A::IsNull(x) => Expr::IsNull(self.b(x, agg_ok)?, false),
            A::IsNotNull(x) => Expr::IsNull(self.b(x, agg_ok)?, true),
            A::Cast {
                expr,
                data_type,
                format: None,
                ..
            } => Expr::Cast(self.b(expr, agg_ok)?, cast_to(data_type)?),
            A::Case {
                operand,
                conditions,
                else_result,
                ..
            } => Expr::Case {
                operand: operand.as_deref().map(|o| self.b(o, agg_ok)).transpose()?,
                whens: conditions
                    .iter()
                    .map(|w| {
                        Ok((
                            self.expr(&w.condition, agg_ok)?,
                            self.expr(&w.result, agg_ok)?,
                        ))
                    })
                    .collect::<Result<_, SelectError>>()?,
                otherwise: else_result
                    .as_deref()
                    .map(|o| self.b(o, agg_ok))
                    .transpose()?,
            },
            A::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => Expr::Substring(
                self.b(expr, agg_ok)?,
                substring_from
                    .as_deref()
                    .map(|x| self.b(x, agg_ok))
                    .transpose()?,
                substring_for
                    .as_deref()
                    .map(|x| self.b(x, agg_ok))
                    .transpose()?,
            ),
            A::Trim {
                expr,
                trim_where: None,
                trim_what: None,
                trim_characters: None,
            } => Expr::Trim(self.b(expr, agg_ok)?),
            other => {
                return Err(SelectError::new(
                    "UnsupportedSqlOperation",
                    format!("The expression {other} is not supported by COS Select."),
                ));
            }
        })
    }

    fn function(&mut self, f: &ast::Function, agg_ok: bool) -> Result<Expr, SelectError> {
        let name = f.name.to_string().to_ascii_uppercase();
        if f.over.is_some() || f.filter.is_some() || !f.within_group.is_empty() {
            return Err(unsupported(format!(
                "The window or filter clause of {name}"
            )));
        }
        let list = match &f.args {
            FunctionArguments::List(l)
                if l.duplicate_treatment.is_none() && l.clauses.is_empty() =>
            {
                &l.args[..]
            }
            FunctionArguments::None => &[],
            _ => return Err(unsupported(format!("The arguments of {name}"))),
        };
        let agg = match name.as_str() {
            "COUNT" => Some(AggKind::Count),
            "SUM" => Some(AggKind::Sum),
            "AVG" => Some(AggKind::Avg),
            "MIN" => Some(AggKind::Min),
            "MAX" => Some(AggKind::Max),
            _ => None,
        };
        if let Some(kind) = agg {
            if !agg_ok {
                return Err(unsupported(format!(
                    "The aggregate {name} outside the SELECT list (or nested)"
                )));
            }
            let arg = match list {
                [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)] if kind == AggKind::Count => None,
                [FunctionArg::Unnamed(FunctionArgExpr::Expr(e))] => Some(self.expr(e, false)?),
                _ => return Err(unsupported(format!("The arguments of {name}"))),
            };
            self.aggregates.push(AggSpec { kind, arg });
            return Ok(Expr::Agg(self.aggregates.len() - 1));
        }
        let func = match name.as_str() {
            "LOWER" => Func::Lower,
            "UPPER" => Func::Upper,
            "CHAR_LENGTH" | "CHARACTER_LENGTH" => Func::CharLength,
            "COALESCE" => Func::Coalesce,
            "NULLIF" => Func::NullIf,
            "ABS" => Func::Abs,
            _ => {
                return Err(SelectError::new(
                    "UnsupportedFunction",
                    format!("The function {name} is not supported by this COS Select emulator."),
                ));
            }
        };
        let mut args = Vec::with_capacity(list.len());
        for a in list {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(self.expr(e, agg_ok)?),
                _ => return Err(unsupported(format!("The argument {a} of {name}"))),
            }
        }
        let arity_ok = match func {
            Func::Coalesce => !args.is_empty(),
            Func::NullIf => args.len() == 2,
            _ => args.len() == 1,
        };
        if !arity_ok {
            return Err(SelectError::new(
                "IncorrectSqlFunctionArgumentType",
                format!("{name} takes a different number of arguments."),
            ));
        }
        Ok(Expr::Func(func, args))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_sql_is_refused_naming_the_construct() {
        for (sql, code, word) in [
            (
                "select * from COSObject order by _1",
                "UnsupportedSqlStructure",
                "ORDER BY",
            ),
            (
                "select distinct _1 from COSObject",
                "UnsupportedSqlStructure",
                "DISTINCT",
            ),
            (
                "select * from COSObject limit 1 offset 2",
                "UnsupportedSqlStructure",
                "OFFSET",
            ),
            (
                "select * from COSObject where _1 in (select 1)",
                "UnsupportedSqlStructure",
                "subquery",
            ),
            (
                "select * from (select 1) t",
                "UnsupportedSqlStructure",
                "subquery",
            ),
            (
                "select count(*), _1 from COSObject",
                "UnsupportedSqlStructure",
                "_1",
            ),
            (
                "select *, _1 from COSObject",
                "UnsupportedSqlStructure",
                "*",
            ),
            (
                "select sum(max(_1)) from COSObject",
                "UnsupportedSqlStructure",
                "MAX",
            ),
            (
                "select * from COSObject where count(*) > 1",
                "UnsupportedSqlStructure",
                "COUNT",
            ),
            (
                "select to_timestamp(_1) from COSObject",
                "UnsupportedFunction",
                "TO_TIMESTAMP",
            ),
            (
                "select _1 from COSObject union select _2 from COSObject",
                "UnsupportedSqlStructure",
                "UNION",
            ),
            (
                "select cast(_1 as date) from COSObject",
                "UnsupportedSqlStructure",
                "DATE",
            ),
            (
                "select _1 from COSObject where _1 ~ 'x'",
                "UnsupportedSqlOperation",
                "~",
            ),
            ("select * from s3object", "InvalidDataSource", "s3object"),
            ("select * from", "ParseUnexpectedToken", ""),
        ] {
            let e = plan(sql).unwrap_err();
            assert_eq!(e.code, code, "{sql}: {}", e.message);
            assert!(e.message.contains(word), "{sql}: {}", e.message);
        }
    }

    #[test]
    fn plans_projections_aliases_paths_and_aggregates() {
        let q =
            plan("select s._1, s.a.b[2] as x, upper(s.\"Name\"), count(*) + 1 from COSObject s")
                .unwrap_err();
        // A column next to an aggregate is refused...
        assert_eq!(q.code, "UnsupportedSqlStructure");
        // ...but columns alone plan with their names.
        let q = plan(
            "select s._1, s.a.b[2] as x, upper(s.\"Name\") from COSObject s where s._1 > 3 limit 4",
        )
        .unwrap();
        let ps = q.projections.unwrap();
        let names: Vec<_> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["_1", "x", "_3"]);
        assert_eq!(
            ps[1].expr,
            Expr::Col(vec![
                Step::Field {
                    name: "a".into(),
                    quoted: false
                },
                Step::Field {
                    name: "b".into(),
                    quoted: false
                },
                Step::Index(2),
            ])
        );
        assert_eq!(q.limit, Some(4));
        assert!(q.filter.is_some());
        let q = plan("select count(*), avg(cast(_2 as float)) from COSObject").unwrap();
        assert_eq!(q.aggregates.len(), 2);
        assert_eq!(q.aggregates[0].kind, AggKind::Count);
        assert!(q.aggregates[0].arg.is_none());
    }
}
